"""Text into every workbook we write: always stored as text, never as a formula, link or error.

A clerk types "=1+1", "=HYPERLINK(…)", "http://…" or "#N/A" into a progress form; it comes back
into the summary, the roll-up, 校验问题 and next month's pre-filled form.  Left to themselves,
xlsxwriter's write() would store the first ones as formulas and the URL as a hyperlink, and
openpyxl would store "=…" as a formula and "#N/A" as an error value.  Every workbook yuebao writes
is made here (xlsxwriter) or its cells set here (openpyxl), so no writer can forget.
"""
from __future__ import annotations

import re
from pathlib import Path

import xlsxwriter

# write() then stores every str with write_string: what was typed is what is shown
TEXT_ONLY = {"strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False}

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")   # as xlsxwriter: \r too (XML reads it as \n)
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
    cell.data_type = "s"   # not "f" for "=…", not "e" for "#N/A"


def write_row(ws, row: int, values) -> None:
    """Row `row` (1-based) of an openpyxl sheet, every str stored as text."""
    for col, value in enumerate(values, start=1):
        set_cell(ws.cell(row, col), value)
