"""Every workbook we write: text stored as text, Excel's limits, the print set-up, atomic saving.

A clerk types "=1+1", "=HYPERLINK(…)", "http://…" or "#N/A" into a progress form; it comes back
into the summary, the roll-up, 校验问题 and next month's pre-filled form.  Left to themselves,
xlsxwriter's write() would store the first ones as formulas and the URL as a hyperlink, and
openpyxl would store "=…" as a formula and "#N/A" as an error value.  Every workbook yuebao writes
is made here (xlsxwriter) or its cells set here (openpyxl), so no writer can forget.

A workbook is written to a temporary name and renamed into place when complete (a crash leaves
the last good one); when the last one is open in Excel, which locks it on Windows, the new one is
saved beside it with the time in its name.
"""

from __future__ import annotations

import logging
import os
import re
from collections.abc import Callable, Iterable
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import xlsxwriter
from xlsxwriter.worksheet import Worksheet

if TYPE_CHECKING:  # openpyxl's, where a cell is set (untyped: Any to mypy, named for the reader)
    from openpyxl.cell.cell import Cell
    from openpyxl.worksheet.worksheet import Worksheet as OpenpyxlSheet

log = logging.getLogger(__name__)
MAX_ROWS = 1_048_576  # Excel's rows per sheet: more go on in a further sheet

# write() then stores every str with write_string: what was typed is what is shown
TEXT_ONLY = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")  # as xlsxwriter: \r too (XML reads it as \n)
_ESCAPE_LIKE = re.compile(r"(_x[0-9A-Fa-f]{4}_)")


# The default font sets the width of a column unit.  Calibri has no metric twin on a Linux without
# Carlito (LibreOffice then measures with DejaVu Sans and every column prints 40% wider, the text
# that much smaller); Arial's twin, Liberation Sans, mostly comes with LibreOffice: widths match
# Excel's (where it does not, libreoffice.convert measures Arial with Noto Sans CJK SC's digits).
DEFAULT_FONT = {"font_name": "Arial", "font_size": 10}
EXCEL_CALC_ID = 191029  # Excel 2019/365: an older id: Excel recalculates, asks to save on close
A4_LANDSCAPE = (842, 595)  # points
PAGE_MARGIN = 0.4  # inches, left and right


class TextWorksheet(Worksheet):
    """A text that begins with "<r>" and ends with "</r>" is stored as that text.  xlsxwriter
    would copy it into the file as rich-text XML: a clerk's text could carry a formula, or make
    Excel call the chiefs' workbook damaged."""

    def _xml_rich_inline_string(
        self, string: str, attributes: Iterable[tuple[str, object]] = ()
    ) -> None:
        preserve = string[:1].isspace() or string[-1:].isspace()
        self._xml_inline_string(string, preserve, list(attributes))


def new_workbook(path: Path | str, options: dict[str, Any] | None = None) -> xlsxwriter.Workbook:
    """An xlsxwriter workbook whose write(), write_row() and merge_range() store strings as text.
    Always in constant-memory mode: its strings are written by TextWorksheet (a shared string
    would again be copied as rich-text XML)."""
    wb = xlsxwriter.Workbook(
        str(path),
        {
            # a copy: xlsxwriter adds to the dict it is given, and the next workbook would then
            # tie Arial to the theme's font (Excel shows the theme's Calibri)
            "default_format_properties": dict(DEFAULT_FONT),
            **(options or {}),
            **TEXT_ONLY,
            "constant_memory": True,
        },
    )
    wb.worksheet_class = TextWorksheet
    wb.calc_on_load, wb.calc_id = False, EXCEL_CALC_ID  # nothing to recalculate: no formulas
    return wb


def set_cell(cell: Cell, value: object) -> None:
    """An openpyxl cell set to `value`; a str is stored as text whatever it starts with."""
    if not isinstance(value, str):
        cell.value = value
        return
    cell.value = stored_text(value)
    cell.data_type = "s"  # not "f" for "=…", not "e" for "#N/A"


def stored_text(value: str) -> str:
    """A str as a cell's XML holds it (before XML escaping)."""
    # XML cannot hold control characters: Excel's own escape (_x0001_) keeps them, as in xlsxwriter
    escaped = _ESCAPE_LIKE.sub(r"_x005F\1", value)
    return _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", escaped)


def write_row(ws: OpenpyxlSheet, row: int, values: Iterable[object]) -> None:
    """Row `row` (1-based) of an openpyxl sheet, every str stored as text."""
    for col, value in enumerate(values, start=1):
        set_cell(ws.cell(row, col), value)


def save_atomically(
    path: Path,
    write: Callable[[xlsxwriter.Workbook], None],
    options: dict[str, Any] | None = None,
) -> Path:
    """`write` fills a new workbook; it is saved as `path` once complete.  Returns where it went."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.stem}.{os.getpid()}.tmp.xlsx")  # two processes never share one
    wb = new_workbook(tmp, options)
    try:
        write(wb)
        wb.close()
    except BaseException:
        tmp.unlink(missing_ok=True)  # nothing half-written is left; the last good one stays
        raise
    try:
        os.replace(tmp, path)
    except PermissionError:  # the last one is open in Excel (Windows locks it): save beside it
        locked, path = path, path.with_name(f"{path.stem}（{datetime.now():%H%M%S}）{path.suffix}")
        os.replace(tmp, path)
        log.warning(
            "%s is locked (open in a spreadsheet program?); written as %s", locked, path.name
        )
    return path


def print_setup(ws: Worksheet, header_row: int, scale: int | None = None) -> None:
    """Header frozen and repeated on every printed page; A4 landscape, one page wide (or at
    `scale` per cent: a known scale lets the writer place page breaks itself)."""
    ws.freeze_panes(header_row + 1, 0)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    if scale:
        ws.set_print_scale(scale)
        ws.set_margins(left=PAGE_MARGIN, right=PAGE_MARGIN, top=0.7, bottom=0.7)
    else:
        ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)


def column_points(width: float) -> float:
    """Printed width of a column `width` characters wide (Excel: 7 pixels a character, plus 5)."""
    return (int(width * 7 + 0.5) + 5) * 0.75


def split_name(name: str, part: int) -> str:
    """The sheet a long table goes on in past Excel's row limit: 汇总, 汇总（2）…"""
    return name if part == 1 else f"{name}（{part}）"
