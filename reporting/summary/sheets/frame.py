"""A printed sheet's frame, shared by the summary's sheets and the roll-up's (`Book`): the title,
the as-of line, the colour legend, the header row, the print set-up at the scale the columns
fill the page with; and the small cell helpers every sheet uses (text clipped to Excel's limit,
dates written as dates, 序号 as a number)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ... import xlsx
from ...intake.values import EXCEL_CELL_CHARS
from ...models import Light
from ...paper import fit_scale, text_height, text_width
from ...xlsx_rows import RowCell, RowWriter
from ..month import MonthSummary
from .layout import HEADER_MARGIN, MARGIN_SIDE, MARGIN_TOP, Layout, split_columns
from .styles import FONT, LEGEND, SIZE, Formats, Part

MAX_CELL_CHARS = EXCEL_CELL_CHARS  # longer text makes a file Excel calls corrupt


class Rows(Protocol):
    """What a sheet writes its long runs of rows through: xlsx_rows.RowWriter, or xlsxwriter's
    own calls cell by cell (the byte-for-byte test's reference)."""

    def row(self, r: int, cells: Sequence[RowCell], height: float | None = None) -> None: ...


RowsFor = Callable[[Worksheet], Rows]  # a sheet's row writer, made when the sheet begins


class Book:
    """The workbook being written for one month's summary (or a roll-up): its formats, and how
    each sheet written so far prints (`layouts`, by sheet name)."""

    def __init__(
        self,
        wb: Workbook,
        s: MonthSummary,
        amber_days: int,
        fills: dict[Light, str] | None = None,
        rows: RowsFor = RowWriter,
    ) -> None:
        self.wb, self.s, self.amber = wb, s, amber_days
        self.rows = rows
        self.formats = Formats(wb, fills)
        self.fills = self.formats.fills
        # (light, done late) -> a milestone's cells' formats (汇总 writes thousands of rows)
        self.milestone_formats: dict[tuple[Light | None, bool], list[Format]] = {}
        self.offices = {o.office.name: o.office for o in s.offices}
        self.layouts: dict[str, Layout] = {}

    def fmt(self, *kinds: Part, **extra: Any) -> Format:
        return self.formats.fmt(*kinds, **extra)

    def verdict_format(self, lt: Light | None, late_done: bool = False) -> Format:
        return self.formats.verdict_format(lt, late_done)

    def sheet(
        self,
        name: str,
        headers: list[str],
        widths: list[float],
        legend: bool = False,
        header_row: int | None = None,
        above_header: Callable[[Worksheet], None] | None = None,
        printed: int | None = None,
    ) -> tuple[Worksheet, int]:
        """A sheet with title, as-of line, optional colour legend, header row; returns (ws, first
        data row).  Printed at the scale that fills the page's width with the first `printed`
        columns (all by default), so the page breaks the writer places are where they print.

        above_header(ws) writes what goes between the as-of line and a lower header row (rows are
        written top to bottom only)."""
        ws = self.wb.add_worksheet(name)
        printed = printed or len(headers)
        last_col = printed - 1
        title = f"{self.s.title} · {name}（{self.s.period.span_zh}）"
        # 16 points, or smaller for a long title over narrow columns: never cut at both ends
        room = sum(map(xlsx.column_points, widths[:printed])) - 10
        size = max(SIZE, min(16, int(room / max(1.0, text_width(title)))))
        ws.merge_range(0, 0, 0, last_col, title, self.fmt("title", font_size=size))
        ws.set_row(0, 30)
        ws.merge_range(
            1,
            0,
            1,
            last_col,
            f"截至 {self.s.as_of:%Y-%m-%d}；报送截止 {self.s.period.deadline:%Y-%m-%d}",
            self.fmt("sub"),
        )
        ws.set_row(1, 18)
        if legend:
            self.legend(ws, 2, widths[:printed])
        if above_header:
            above_header(ws)
        header_row = header_row or (3 if legend else 2)
        for i, (h, w) in enumerate(zip(headers, widths)):
            ws.set_column(i, i, w)
            if h:  # a column without a header (概览's charts) gets no header fill either
                ws.write(header_row, i, h, self.fmt("head"))
        heads = [text_height(h, w, SIZE) for h, w in zip(headers[:printed], widths) if h]
        ws.set_row(header_row, max([32.0, *heads]))  # a header wrapped in its column: whole
        page = xlsx.A4_LANDSCAPE[0] - 2 * 72 * MARGIN_SIDE
        layout = self.layouts[name] = Layout(fit_scale(widths[:printed], page), header_row)
        xlsx.print_setup(ws, header_row, scale=layout.scale)
        ws.center_horizontally()  # where the columns print narrower than the widest font's
        # the page's height to the rows where scaled: header and footer in the margins
        top = MARGIN_TOP if layout.scale < 100 else 0.7
        ws.set_margins(MARGIN_SIDE, MARGIN_SIDE, top, top)
        edge = {"margin": HEADER_MARGIN}
        ws.set_header(f'&C&"{FONT},Bold"&12{self.s.title} {name}', edge)
        ws.set_footer(f"&C&11第 &P 页，共 &N 页&R&11截至{zh_date(self.s.as_of)}", edge)
        return ws, header_row + 1

    def legend(self, ws: Worksheet, row: int, widths: list[float]) -> None:
        """The colour key across the row, each entry wide enough to read, the meaning in words."""
        groups = split_columns(widths, len(LEGEND))
        height = 32.0
        for (first, last), (lt, text) in zip(groups, LEGEND):
            label = f"{lt.value}：{text.format(amber=self.amber)}"
            fmt = self.fmt("cell", lt, "center", "bold", valign="vcenter")
            if last > first:
                ws.merge_range(row, first, row, last, label, fmt)
            else:
                ws.write(row, first, label, fmt)
            height = max(height, text_height(label, sum(widths[first : last + 1]), SIZE))
        ws.set_row(row, height)

    @staticmethod
    def clip(text: Any) -> Any:
        """Text cut to Excel's cell limit (validate has told the office: `cell_truncated`)."""
        if not isinstance(text, str) or len(text) <= MAX_CELL_CHARS:
            return text
        marker = "……（超出Excel单元格长度，已截断）"
        return text[: MAX_CELL_CHARS - len(marker)] + marker

    def note(self, ws: Worksheet, row: int, text: str, ncols: int) -> None:
        ws.merge_range(row, 0, row, ncols - 1, text, self.fmt("para"))
        ws.set_row(row, 22)

    def write_date(
        self, ws: Worksheet, row: int, col: int, value: date | str | None, fmt: Format
    ) -> None:
        if value is not None and not isinstance(value, str):
            ws.write_datetime(row, col, value, fmt)
        else:
            ws.write(row, col, value if value is not None else "", fmt)


def as_number(value: Any) -> Any:
    """序号 "12" as the number 12 (sorts 1, 2 … 10, no green triangles); anything else as text."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else value


def zh_date(d: date | datetime) -> str:
    return f"{d.year}年{d.month}月{d.day}日"
