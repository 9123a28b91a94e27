"""A bureau's task list read as grids of text, whatever it came as: .xlsx with underline kept as
`<u>…</u>` and merged cells repeated on every row they span, .xls/.ods (values, read through
intake/grids.py's one file reader), .docx (Word tables: tasks/docx_tables.py) and the tab-separated
text a PDF or Word table pastes as.

Apart from the layouts (tasks/layouts/) so that every layout reads the same grids: a layout never
opens a file.  Only the underline, which intake's reader does not keep, is read here through
openpyxl.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell.rich_text import CellRichText

from ..errors import YuebaoError
from ..intake import values as cells
from ..intake.grids import OLE_MAGIC, ZIP_MAGIC, Unreadable, decode, load_sheets
from .docx_tables import read_docx

TextGrid = list[list[str]]  # a table's rows of cell texts, row 1 first


def read_grids(src: Path) -> tuple[list[TextGrid], int]:
    """(grids, how many tables they hold); a file none can read raises YuebaoError."""
    suffix = src.suffix.lower()
    if suffix == ".docx":
        grid, tables = read_docx(src)
        return [grid], tables
    if suffix in (".doc", ".wps"):
        raise YuebaoError(
            f"旧版Word文件无法直接读取：{src.name}，请在Word或WPS中另存为.docx后重试",
            "old .doc format: save as .docx",
        )
    if suffix in (".xlsx", ".xlsm"):
        try:
            grids = _xlsx_grids(src)
        except (zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError):
            grids = _calamine_grids(src)  # WPS-saved files openpyxl refuses: values are enough
        return grids, len(grids)
    with src.open("rb") as fh:
        head = fh.read(8)
    if suffix in (".xls", ".ods") or head.startswith((ZIP_MAGIC, OLE_MAGIC)):
        grids = _calamine_grids(src)  # a workbook by its content, whatever its name says
        return grids, len(grids)
    grid = _text_grid(src)
    return [grid], sum(len([c for c in row if c.strip()]) >= 3 for row in grid)


def _xlsx_grids(path: Path) -> list[TextGrid]:
    wb = openpyxl.load_workbook(path, rich_text=True)
    grids = []
    for ws in wb.worksheets:
        grid = [[_cell_markup(c) for c in row] for row in ws.iter_rows()]
        for rng in ws.merged_cells.ranges:  # a merged cell's value belongs to every row it spans
            value = grid[rng.min_row - 1][rng.min_col - 1]
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    grid[r - 1][c - 1] = value
        grids.append(grid)
    return grids


def _calamine_grids(path: Path) -> list[TextGrid]:
    try:
        sheets, _ = load_sheets(path)
    except Unreadable as exc:
        raise YuebaoError(
            f"任务清单无法打开：{path.name}。{exc.message}", f"unreadable: {exc.code}"
        ) from exc
    return [[[cells.text(v) for v in row] for row in rows] for rows in sheets.values()]


def _cell_markup(cell: Any) -> str:  # an openpyxl cell
    value = cell.value
    if isinstance(value, CellRichText):
        parts = []
        for run in value:
            text = getattr(run, "text", run)
            font = getattr(run, "font", None)
            parts.append(f"<u>{text}</u>" if font is not None and font.u else str(text))
        return "".join(parts)
    text = cells.text(value)
    if text and cell.font is not None and cell.font.u:
        return f"<u>{text}</u>"
    return text


def _text_grid(path: Path) -> TextGrid:
    text = decode(path.read_bytes())
    if text is None:
        raise YuebaoError(f"无法识别“{path.name}”的文字编码", f"cannot decode {path.name}")
    return [line.split("\t") for line in text.splitlines()]
