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
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

import xlsxwriter

log = logging.getLogger(__name__)
MAX_ROWS = 1_048_576  # Excel's rows per sheet: more go on in a further sheet

# write() then stores every str with write_string: what was typed is what is shown
TEXT_ONLY = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")  # as xlsxwriter: \r too (XML reads it as \n)
_ESCAPE_LIKE = re.compile(r"(_x[0-9A-Fa-f]{4}_)")


def new_workbook(path: Path | str, options: dict | None = None) -> xlsxwriter.Workbook:
    """An xlsxwriter workbook whose write(), write_row() and merge_range() store strings as text."""
    return xlsxwriter.Workbook(str(path), {**(options or {}), **TEXT_ONLY})


def set_cell(cell, value) -> None:
    """An openpyxl cell set to `value`; a str is stored as text whatever it starts with."""
    if not isinstance(value, str):
        cell.value = value
        return
    # XML cannot hold control characters: Excel's own escape (_x0001_) keeps them, as in xlsxwriter
    escaped = _ESCAPE_LIKE.sub(r"_x005F\1", value)
    cell.value = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", escaped)
    cell.data_type = "s"  # not "f" for "=…", not "e" for "#N/A"


def write_row(ws, row: int, values) -> None:
    """Row `row` (1-based) of an openpyxl sheet, every str stored as text."""
    for col, value in enumerate(values, start=1):
        set_cell(ws.cell(row, col), value)


def save_atomically(
    path: Path, write: Callable[[xlsxwriter.Workbook], None], options: dict | None = None
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


def print_setup(ws, header_row: int) -> None:
    """Header frozen and repeated on every printed page; A4 landscape, one page wide."""
    ws.freeze_panes(header_row + 1, 0)
    ws.set_landscape()
    ws.set_paper(9)  # A4
    ws.fit_to_pages(1, 0)
    ws.repeat_rows(header_row)


def split_name(name: str, part: int) -> str:
    """The sheet a long table goes on in past Excel's row limit: 汇总, 汇总（2）…"""
    return name if part == 1 else f"{name}（{part}）"
