"""汇总: every milestone, one row each with its task's values (filter and sort work), a task's
rows one shaded block, tasks packed onto pages (blocks.py)."""

from __future__ import annotations

from datetime import date

from ...models import Milestone
from ...xlsx_rows import RowCell
from ..month import MilestoneRow, Said
from .blocks import KEY, LONG, Block, block_sheet
from .frame import Book, as_number

LATE_DONE = "逾期完成"  # 判定 of a milestone reported done after its due date
HEADERS = [
    "序号",
    "任务名称",
    "牵头股室",
    "关键节点",
    "计划完成时间",
    "填报状态",
    "完成日期",
    "判定",
    "逾期天数",
    "进展情况",
    "存在问题和下一步工作计划",
    "责任股室",
    "备注",
]
# the 11 printed columns, 160 units: at 74 % (11 points print as 8) they fit A4 across even where
# DejaVu Sans measures the unit (paper.fit_scale); 关键节点 keeps its width, it sizes every row
WIDTHS: list[float] = [4, 10, 7, 34, 12, 7, 12, 7, 5, 38, 24, 10, 12]


def write_milestones(book: Book) -> None:
    """Every milestone, one row each with its task's values (filter and sort work): a task's
    rows are one shaded block, tasks packed onto pages (see block_sheet).  责任股室 and 备注
    stay in the sheet after the printed columns: the paper's width goes to the texts."""
    blocks: list[Block] = []
    for task_rows in _by_task(book.s.rows):
        task, first = task_rows[0].task, task_rows[0]
        progress = first.progress or ("（未报送）" if first.said is Said.NO_RETURN else "")
        shared = [
            (0, as_number(task.no), KEY),
            (1, task.name, KEY),
            (2, task.lead, KEY),
            (9, book.clip(progress), LONG),
            (10, book.clip(first.problems), LONG),
            (11, "、".join(task.offices), LONG),
            (12, book.clip(first.remarks), LONG),
        ]
        own = [milestone_cells(book, row, 3) for row in task_rows]
        blocks.append((shared, own))
    block_sheet(book, "汇总", HEADERS, WIDTHS, blocks, printed=11)


def milestone_cells(book: Book, row: MilestoneRow, col: int) -> list[RowCell]:
    """A row's 关键节点, 计划完成时间, 填报状态, 完成日期, 判定, 逾期天数 from column `col`."""
    m, lt, late_done = row.milestone, row.light, row.late_done
    formats = book.milestone_formats.get((lt, late_done))
    if formats is None:
        tint = (lt,) if lt in book.fills else ()
        formats = book.milestone_formats[lt, late_done] = [
            book.fmt("cell", *tint),
            book.fmt("cell", *tint, "date"),
            book.fmt("cell", "center"),
            book.fmt("cell", "date"),
            book.verdict_format(lt, late_done),
            book.fmt("cell", "center"),
        ]
    values = (
        m.text if m else "（任务清单中未列出节点）",
        due_shown(m),
        book.clip(row.status_shown),
        row.completed_on,
        LATE_DONE if late_done else (lt.value if lt else ""),
        row.days_overdue or late_days(row),
    )
    return list(zip(range(col, col + 6), values, formats))


def late_days(row: MilestoneRow) -> int | None:
    """Days after its due date a milestone was reported done (逾期完成), else None."""
    if (
        not row.late_done
        or row.completed_on is None
        or row.milestone is None
        or row.milestone.due is None
    ):
        return None
    return (row.completed_on - row.milestone.due).days


def due_shown(m: Milestone | None) -> date | str:
    """The planned date, or both dates when an extension was approved (both stay visible)."""
    if m is None or m.due is None:
        return "无法识别"
    if m.extended_from:
        return f"{m.extended_from:%Y-%m-%d}\n延期至{m.due:%Y-%m-%d}"
    return m.due


def _by_task(rows: list[MilestoneRow]) -> list[list[MilestoneRow]]:
    groups: list[list[MilestoneRow]] = []
    for row in rows:
        if groups and groups[-1][0].task.key == row.task.key:
            groups[-1].append(row)
        else:
            groups.append([row])
    return groups
