"""逾期事项 and 临期事项: what a chief follows up, whom to call and who answers for it."""

from __future__ import annotations

from datetime import date

from ...models import Light
from ...paper import text_height
from ..month import MilestoneRow
from .frame import Book, as_number
from .milestones import due_shown
from .styles import SIZE

WIDTHS: list[float] = [5, 13, 8, 26, 13, 6, 8, 28, 24, 11, 8]


def write_overdue(book: Book) -> None:
    _pending(book, "逾期事项", book.s.overdue, Light.OVERDUE)


def write_due_soon(book: Book) -> None:
    rows = [r for r in book.s.rows if r.light is Light.DUE_SOON]
    rows.sort(key=_soonest)
    _pending(book, "临期事项", rows, Light.DUE_SOON)


def _soonest(row: MilestoneRow) -> tuple[date, str, int]:
    m = row.milestone
    assert m is not None and m.due is not None, "临期 is a verdict of a dated milestone"
    return (m.due, row.task.key, m.seq)


def _pending(book: Book, name: str, rows: list[MilestoneRow], lt: Light) -> None:
    """逾期事项 / 临期事项: what a chief follows up, whom to call and who answers for it."""
    late = lt is Light.OVERDUE
    headers = [
        "序号",
        "任务名称",
        "牵头股室",
        "关键节点",
        "计划完成时间",
        "逾期天数" if late else "剩余天数",
        "填报状态",
        "进展情况",
        "存在问题和下一步工作计划",
        "联系人",
        "分管领导",
    ]
    widths = WIDTHS
    ws, top = book.sheet(name, headers, widths)
    formats = [
        book.fmt("cell", "center"),
        *[book.fmt("cell")] * 2,
        book.fmt("cell", lt),
        book.fmt("cell", lt, "date"),
        book.fmt("cell", lt, "center", "bold"),
        book.fmt("cell", "center"),
        *[book.fmt("cell")] * 4,
    ]
    out = book.rows(ws)
    for r, row in enumerate(rows, start=top):
        m = row.milestone
        assert m is not None, "逾期 and 临期 are verdicts of milestones"
        office = book.offices.get(row.task.lead)
        contact = "\n".join(x for x in (office.contact, office.phone) if x) if office else ""
        if late:
            days: int | None = row.days_overdue
        else:
            assert m.due is not None, "临期 is a verdict of a dated milestone"
            days = (m.due - book.s.as_of).days
        values = [
            as_number(row.task.no),
            row.task.name,
            row.task.lead,
            m.text,
            due_shown(m),
            days,
            row.status_shown,
            book.clip(row.progress or ""),
            book.clip(row.problems or ""),
            contact,
            office.leader if office else "",
        ]
        height = max(text_height(v, w, SIZE) for v, w in zip(values, widths) if isinstance(v, str))
        out.row(r, list(zip(range(len(values)), values, formats)), height)
    if not rows:
        book.note(
            ws,
            top,
            "截至今日没有逾期未完成的节点。" if late else f"{book.amber}天内没有到期未完成的节点。",
            len(headers),
        )
    ws.autofilter(top - 1, 0, max(top - 1 + len(rows), top), len(headers) - 1)
