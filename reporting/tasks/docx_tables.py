"""A Word document (.docx) as one grid of text: what `yuebao tasks import` reads a task list from.

The document is read top to bottom: a paragraph outside a table is a row of one cell (titles,
headings, prose), a table contributes its rows.  A cell holds its paragraphs as `<p>…</p>` and
underlined runs as `<u>…</u>` (Taishan marks the lead office by underlining it); a merged cell
repeats its text in every row and column it covers, as merged cells of a workbook are read.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

import docx
from docx.table import Table, _Cell
from docx.text.paragraph import Paragraph

from ..errors import YuebaoError

MAX_INFLATED_BYTES = 200 * 1024 * 1024  # a task list is well under 1 MB of text


def read_docx(path: Path) -> tuple[list[list[str]], int]:
    """(grid, number of tables).  Raises YuebaoError for a file Word would not open either."""
    _check_zip(path)
    try:
        document = docx.Document(str(path))
    except Exception as exc:  # noqa: BLE001 - python-docx raises several kinds for damaged files
        raise YuebaoError(
            f"Word文件无法打开：{path.name}，请在Word或WPS中另存为.docx后重试",
            f"unreadable docx: {exc}",
        ) from exc
    grid: list[list[str]] = []
    tables = 0
    for block in document.iter_inner_content():
        if isinstance(block, Paragraph):
            text = _runs(block)
            if text.strip():
                grid.append([text])
        elif isinstance(block, Table):
            tables += 1
            grid.extend(_table_rows(block))
    return grid, tables


def _table_rows(table: Table) -> list[list[str]]:
    rows = []
    for row in table.rows:
        cells = [""] * row.grid_cols_before  # a row may start after the first column
        cells += [_cell(c) for c in row.cells]
        rows.append(cells)
    return rows


def _cell(cell: _Cell) -> str:
    return " ".join(f"<p>{text}</p>" for p in cell.paragraphs if (text := _runs(p)).strip())


def _runs(paragraph: Paragraph) -> str:
    parts = []
    for run in paragraph.runs:
        text = run.text.replace("<", "＜").replace(">", "＞")  # keep our own markup unambiguous
        underlined = run.underline or (run.style is not None and run.style.font.underline)
        parts.append(f"<u>{text}</u>" if underlined and text.strip() else text)
    return "".join(parts).replace("</u><u>", "")


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            inflated = sum(i.file_size for i in zf.infolist())
    except (zipfile.BadZipFile, OSError) as exc:
        raise YuebaoError(
            f"Word文件已损坏或不是.docx：{path.name}，请在Word或WPS中另存为.docx后重试",
            f"not a docx: {exc}",
        ) from exc
    if inflated > MAX_INFLATED_BYTES:
        raise YuebaoError(
            f"Word文件解压后异常巨大（{inflated / 1048576:.0f} MB），为保护系统未打开：{path.name}",
            "docx inflates too much",
        )
