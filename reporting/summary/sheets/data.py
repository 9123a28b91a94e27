"""The hidden 数据 and yuebao sheets: one plain row per milestone and what the workbook is (unit,
month, the day judged on), so a county's summary is the city's return (`yuebao rollup`)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from xlsxwriter.workbook import Workbook

from ... import xlsx
from ...xlsx_rows import RowWriter
from .frame import Book, RowsFor

DATA_SHEET, META_SHEET = "数据", "yuebao"  # hidden: what the level above reads (`yuebao rollup`)
DATA_HEADERS = [
    "单位",
    "牵头股室",
    "任务编码",
    "上级任务",
    "序号",
    "任务名称",
    "节点编码",
    "关键节点",
    "计划完成时间",
    "填报状态",
    "完成日期",
    "判定",
    "进展情况",
    "存在问题和下一步工作计划",
    # for the roll-up (summary/chain.py): the planned date before an approved extension, and the
    # levels below the writing unit a row came through (empty in a unit's own summary)
    "原计划完成时间",
    "来源链",
]


def write_summary_data(book: Book) -> None:
    """One plain row per milestone, hidden: a county's summary is the city's return."""
    s = book.s
    write_data(
        book.wb,
        s.unit,
        s.period.label,
        [
            [
                s.unit,
                r.task.lead,
                r.task.key,
                r.task.parent,
                r.task.no,
                r.task.name,
                r.milestone.key if r.milestone else "",
                r.milestone.text if r.milestone else "",
                r.milestone.due if r.milestone and r.milestone.due else None,
                r.status_shown,
                r.completed_on,
                r.light.value if r.light else "",
                book.clip(r.progress),
                book.clip(r.problems),
                r.milestone.extended_from if r.milestone else None,
                "",  # the unit's own rows: no level below
            ]
            for r in s.rows
        ],
        s.as_of,
        book.rows,
    )


def write_data(
    wb: Workbook,
    unit: str,
    month: str,
    rows: Sequence[list[Any]],
    as_of: date | None = None,
    writer: RowsFor = RowWriter,
) -> None:
    """The hidden rows the level above reads; past Excel's row limit they go on in 数据（2）…
    `as_of`: the day the verdicts were judged on, for the level above to show."""
    date_format = wb.add_format({"num_format": "yyyy-mm-dd"})
    per_sheet = xlsx.MAX_ROWS - 1  # below the header
    for part, start in enumerate(range(0, max(len(rows), 1), per_sheet), start=1):
        ws = wb.add_worksheet(data_sheet_name(part))
        ws.write_row(0, 0, DATA_HEADERS)
        rows_out = writer(ws)
        for r, row in enumerate(rows[start : start + per_sheet], start=1):
            rows_out.row(
                r,
                [
                    (c, value, date_format if hasattr(value, "isoformat") else None)
                    for c, value in enumerate(row)
                    if value is not None and value != ""
                ],
            )
        ws.hide()
    meta = wb.add_worksheet(META_SHEET)
    judged = (("as_of", as_of.isoformat()),) if as_of else ()
    for r, pair in enumerate((("kind", "summary"), ("unit", unit), ("month", month), *judged)):
        meta.write_row(r, 0, pair)
    meta.hide()


def data_sheet_name(part: int) -> str:
    return xlsx.split_name(DATA_SHEET, part)
