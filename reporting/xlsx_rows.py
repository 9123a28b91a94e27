"""Whole rows written straight into a constant-memory xlsxwriter sheet.

xlsxwriter spends about 5 µs on each cell it writes (a call, a dispatch, a tuple kept until the
row is done, attributes escaped one by one).  The summary's two long sheets of a province month
hold 2.5 million cells: most of the time the summary takes.  A row here becomes, in one string, the
XML xlsxwriter itself writes for it (tests compare the two byte for byte) and goes to the sheet's
row file; each format gets its index as xlsxwriter would give it.  Rows go top to bottom, as
constant memory requires anyway.  One difference, on purpose: a text that begins with "<r>" and
ends with "</r>" is stored as the text it is (xlsxwriter would copy it into the file as rich-text
XML: a clerk's text could then carry a formula into the chiefs' workbook).

The row file and the few attributes used are xlsxwriter's own, not its promise: on a version the
byte-for-byte tests have not passed on, rows go through xlsxwriter's public calls instead (slower,
the same workbook), so a bureau may upgrade xlsxwriter without waiting for a port.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date, datetime
from math import isfinite
from typing import Any

import xlsxwriter
from xlsxwriter.utility import xl_col_to_name

from .wording import MAX_ROW_POINTS
from .xlsx import stored_text

TESTED_XLSXWRITER = ("3.3",)  # minor versions tests/test_xlsx_rows.py passed on, byte for byte
EXCEL_TEXT_UNITS = 32_767  # a cell holds this many UTF-16 code units
# a text written as it is: nothing to escape, no blank at either end (those need xml:space)
_PLAIN = re.compile(r"(?!\s)[^\x00-\x1f&<>_\ufffe\uffff]*(?<!\s)")
# (column, value, xlsxwriter format or None): the value is Any, as the loop below tells str, int,
# float, bool, date, datetime and None apart by __class__ (faster than isinstance)
RowCell = tuple[int, Any, Any]


class RowWriter:
    """Writes rows of one constant-memory worksheet; use it for a sheet's long tail of rows (the
    rows above, written with the worksheet's own calls, are flushed first)."""

    def __init__(self, ws: Any, fast: bool | None = None):  # an xlsxwriter worksheet
        if not ws.constant_memory:
            raise ValueError("RowWriter needs a workbook in constant_memory mode")
        self.ws = ws
        self.fast = tested_xlsxwriter() if fast is None else fast
        self._letters: list[str] = []
        self._serials: dict[date, float] = {}  # date -> Excel serial number
        self._styles: dict[Any, str] = {}  # format -> ' s="…"'
        self._last = -1  # the last row written through the public calls

    def row(self, r: int, cells: Sequence[RowCell], height: float | None = None) -> None:
        """Row `r` (0-based) from (column, value, format) in column order; `height` in points, as
        set_row takes it.  Values: str, int, float, bool, date, datetime or None (blank).  A row
        without a cell is not written (its height neither)."""
        if not self.fast:
            self._plain(r, cells, height)
            return
        ws = self.ws
        if r > ws.previous_row:
            if ws.table or ws.previous_row in ws.row_info or ws.previous_row in ws.comments:
                ws._write_single_row(r)  # the row xlsxwriter holds goes first
            else:
                ws.previous_row = r  # nothing held: as _write_single_row leaves it
        elif r < ws.previous_row or ws.table.get(r) or r in ws.row_info:
            raise ValueError(f"row {r + 1} comes after rows already written")
        if height is not None and not 0 < height <= MAX_ROW_POINTS:
            raise ValueError(f"row {r + 1}: a height of {height} points is not a row's height")
        if cells and (r >= ws.xls_rowmax or cells[-1][0] >= ws.xls_colmax):
            raise ValueError(f"row {r + 1} or column {cells[-1][0] + 1} is beyond Excel's sheet")
        if not cells:
            return
        n = str(r + 1)
        letters = self._letters_to(cells[-1][0])
        written, first, last = [], None, None
        for col, value, fmt in cells:
            if value.__class__ is str and value and fmt is not None:  # most cells
                xml = _text(letters[col] + n, self._style(fmt), value)
            else:
                xml = self._cell(letters[col] + n, col, value, fmt)
                if not xml:
                    continue
            written.append(xml)
            first = col if first is None else first
            last = col
        if written:  # as xlsxwriter: a blank without a format is no cell and takes no room
            ws._check_dimensions(r, first)
            ws._check_dimensions(r, last)
            ws.fh.write(f"{self._row_tag(n, height)}{''.join(written)}</row>")

    def _plain(self, r: int, cells: Sequence[RowCell], height: float | None) -> None:
        """The row through xlsxwriter's public calls: texts as text (never a formula), cut as
        _text cuts them."""
        if r <= self._last:
            raise ValueError(f"row {r + 1} comes after rows already written")
        if height is not None and not 0 < height <= MAX_ROW_POINTS:
            raise ValueError(f"row {r + 1}: a height of {height} points is not a row's height")
        if not cells:
            return
        self._last = r
        for col, value, fmt in cells:
            if isinstance(value, str) and value != "":
                self.ws.write_string(r, col, _fit(str.__str__(value)), fmt)
            elif isinstance(value, float) and not isfinite(value):
                raise ValueError(f"row {r + 1}: {value} is not a number Excel can hold")
            elif value is None or value == "":
                self.ws.write_blank(r, col, None, fmt)
            else:
                self.ws.write(r, col, value, fmt)
        if height is not None:
            self.ws.set_row(r, height)

    def _row_tag(self, n: str, height: float | None) -> str:
        ws = self.ws
        pixels = ws.default_row_height if height is None else int(height * 4.0 / 3.0 + 0.5)
        if pixels != ws.original_row_height or pixels != ws.default_row_height:
            return f'<row r="{n}" ht="{pixels * 0.75:.16g}" customHeight="1">'
        return f'<row r="{n}">'

    def _cell(self, ref: str, col: int, value: Any, fmt: Any) -> str:
        if value is None or value == "":  # as xlsxwriter: a blank is only a format, if given
            return f'<c r="{ref}" s="{fmt._get_xf_index()}"/>' if fmt is not None else ""
        kind = value.__class__
        if fmt is None and (kind is date or kind is datetime):
            fmt = self.ws.default_date_format  # as xlsxwriter: a workbook's date format, if any
        if fmt is None and col in self.ws.col_info:
            fmt = self.ws.col_info[col].column_format  # as xlsxwriter: the column's format
        style = "" if fmt is None else self._style(fmt)
        if kind is str:
            return _text(ref, style, value)
        elif kind is int or kind is float:
            if not isfinite(value):
                raise ValueError(f"{ref}: {value} is not a number Excel can hold")
            return f'<c r="{ref}"{style}><v>{value:.16G}</v></c>'
        elif kind is bool:
            return f'<c r="{ref}"{style} t="b"><v>{int(value)}</v></c>'
        elif kind is date or kind is datetime:
            return f'<c r="{ref}"{style}><v>{self._serial(value):.16G}</v></c>'
        elif isinstance(value, str):  # a str enum: its text, whatever its __str__ says
            return self._cell(ref, col, str.__str__(value), fmt)
        raise TypeError(f"{ref}: cannot write a {kind.__name__}")

    def _style(self, fmt: Any) -> str:
        """The format's s attribute; its index is given at first use, as xlsxwriter does."""
        style = self._styles.get(fmt)
        if style is None:
            style = self._styles[fmt] = f' s="{fmt._get_xf_index()}"'
        return style

    def _letters_to(self, col: int) -> list[str]:
        while len(self._letters) <= col:
            self._letters.append(xl_col_to_name(len(self._letters)))
        return self._letters

    def _serial(self, value: date) -> float:
        if value not in self._serials:
            self._serials[value] = self.ws._convert_date_time(value)
        return self._serials[value]


def tested_xlsxwriter(version: str = xlsxwriter.__version__) -> bool:
    """Whether rows may be written into xlsxwriter's row file (see the module's note)."""
    return ".".join(version.split(".")[:2]) in TESTED_XLSXWRITER


def _text(ref: str, style: str, text: str) -> str:
    """An inline string, as xlsxwriter writes it in constant-memory mode."""
    if len(text) > EXCEL_TEXT_UNITS // 2:
        text = _fit(text)
    if _PLAIN.fullmatch(text):
        return f'<c r="{ref}"{style} t="inlineStr"><is><t>{text}</t></is></c>'
    text = stored_text(text)  # rare: control characters, escapes, &, <, >, _
    text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    preserve = ' xml:space="preserve"' if text[0].isspace() or text[-1].isspace() else ""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return f'<c r="{ref}"{style} t="inlineStr"><is><t{preserve}>{text}</t></is></c>'


def excel_units(text: str) -> int:
    """A text's length as Excel counts a cell: in UTF-16 units (a character beyond U+FFFF is two),
    as _fit cuts it."""
    return len(text.encode("utf-16-le", "surrogatepass")) // 2  # (a lone surrogate is one)


def _fit(text: str) -> str:
    """Cut to what a cell holds, counted in UTF-16 units (a character beyond U+FFFF is two)."""
    if excel_units(text) <= EXCEL_TEXT_UNITS:
        return text  # fits: most texts, counted without a loop over their characters
    units = 0
    for i, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > EXCEL_TEXT_UNITS:
            return text[:i]
    return text
