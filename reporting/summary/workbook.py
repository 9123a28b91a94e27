"""merge: write the summary workbook section chiefs open (and print).

Sheets, in the order a chief prints them: 概览 (paragraph, counts, offices, charts: one page),
逾期事项 and 临期事项 (what to follow up, with whom), 汇总 (every milestone, colour-coded), 变化 and
延期申请 (left out when empty: 概览 says so), 报送情况, 校验问题.  Colour is never the only
signal: the 判定 column says it in words.  Printed text is at least 8 points on A4 landscape:
each sheet is printed at the scale its columns fill the page with, and a task's rows are kept on
one page (page breaks placed by the writer).
The file is saved atomically (xlsx.save_atomically): a crash never leaves half a summary.

This module is the thin writer: each sheet is a module of sheets/ (styles, layout and the
sheet's frame there too); the names other rooms import from here stay importable from here.
"""

from __future__ import annotations

from pathlib import Path

from xlsxwriter.workbook import Workbook

from .. import xlsx
from ..filenames import safe_name
from ..models import Light
from ..xlsx_rows import RowWriter
from .month import MonthSummary
from .sheets.blocks import KEY, LONG, block_sheet
from .sheets.changes import write_changes
from .sheets.data import (
    DATA_HEADERS,
    DATA_SHEET,
    META_SHEET,
    data_sheet_name,
    write_data,
    write_summary_data,
)
from .sheets.extensions import write_extensions
from .sheets.findings import FINDING_HEADERS, write_findings_sheet
from .sheets.frame import MAX_CELL_CHARS, Book, as_number
from .sheets.milestones import LATE_DONE, write_milestones
from .sheets.overview import (
    ALL_OFFICES,
    OFFICE_HEADERS,
    OVERVIEW_OFFICES,
    summary_text,
    write_all_offices,
    write_overview,
)
from .sheets.pending import write_due_soon, write_overdue
from .sheets.styles import CELL, CHART_COLOURS, DEFAULT_FILLS, FONT, SIZE
from .sheets.submissions import write_submissions

SHEETS = (  # printing the whole workbook: what a chief reads first comes first
    "概览",
    ALL_OFFICES,
    "逾期事项",
    "临期事项",
    "汇总",
    "变化",
    "延期申请",
    "报送情况",
    "校验问题",
    "数据",
)
PRINT_SHEETS = ("概览", "逾期事项", "临期事项")  # what `merge --pdf` prints for the chiefs
WRITE_OPTIONS = {
    "default_date_format": "yyyy-mm-dd",
    "remove_timezone": True,
    "constant_memory": True,
}


def summary_file_name(month: str, unit: str) -> str:
    """With the unit: the level above drops many units' summaries into one inbox."""
    return f"重点工作进展汇总_{month}_{safe_name(unit)}.xlsx"


def findings_file_name(month: str) -> str:
    return f"校验问题_{month}.xlsx"


def write_summary(
    s: MonthSummary,
    path: Path,
    amber_days: int,
    fills: dict[Light, str] | None = None,
    sheets: tuple[str, ...] = SHEETS,
) -> Path:
    """The summary saved as `path` (or beside it, when that one is locked); where it went."""

    # constant memory: each row goes to disk once the next begins (a province month: 310 MB
    # instead of 690 MB), so every sheet is written strictly top to bottom
    def write(wb: Workbook) -> None:
        # RowWriter looked up here, when writing: the byte-for-byte test swaps it
        _Book(wb, s, amber_days, fills, RowWriter).write(sheets)

    return xlsx.save_atomically(path, write, WRITE_OPTIONS)


def write_findings_workbook(
    s: MonthSummary, path: Path, amber_days: int, fills: dict[Light, str] | None = None
) -> Path:
    """The 校验问题 sheet alone: what validate leaves for the bureau office."""
    return write_summary(s, path, amber_days, fills, sheets=("校验问题",))


class _Book(Book):
    """The month's summary: a method per sheet, each the sheet's module under sheets/."""

    def write(self, sheets: tuple[str, ...]) -> None:
        writers = {
            "概览": self.overview,
            ALL_OFFICES: self.all_offices,
            "汇总": self.all_milestones,
            "逾期事项": self.overdue,
            "临期事项": self.due_soon,
            "变化": self.changes,
            "延期申请": self.extensions,
            "报送情况": self.submissions,
            "校验问题": self.findings,
            "数据": self.data,
        }
        for name in sheets:
            writers[name]()

    def overview(self) -> None:
        write_overview(self, OVERVIEW_OFFICES)  # read when writing: a test lowers it

    def all_offices(self) -> None:
        write_all_offices(self, OVERVIEW_OFFICES)

    def all_milestones(self) -> None:
        write_milestones(self)

    def overdue(self) -> None:
        write_overdue(self)

    def due_soon(self) -> None:
        write_due_soon(self)

    def changes(self) -> None:
        write_changes(self)

    def extensions(self) -> None:
        write_extensions(self)

    def submissions(self) -> None:
        write_submissions(self)

    def findings(self) -> None:
        write_findings_sheet(self, self.s.findings)

    def data(self) -> None:
        write_summary_data(self)


__all__ = [
    "ALL_OFFICES",
    "CELL",
    "CHART_COLOURS",
    "DATA_HEADERS",
    "DATA_SHEET",
    "DEFAULT_FILLS",
    "FINDING_HEADERS",
    "FONT",
    "KEY",
    "LATE_DONE",
    "LONG",
    "MAX_CELL_CHARS",
    "META_SHEET",
    "OFFICE_HEADERS",
    "OVERVIEW_OFFICES",
    "PRINT_SHEETS",
    "SHEETS",
    "SIZE",
    "Book",
    "as_number",
    "block_sheet",
    "data_sheet_name",
    "findings_file_name",
    "summary_file_name",
    "summary_text",
    "write_data",
    "write_findings_sheet",
    "write_findings_workbook",
    "write_summary",
]
