"""变化: what moved since last month (or, tellingly, did not), most urgent first; left out when
there is nothing to show (概览 says so instead)."""

from __future__ import annotations

from ...models import ChangeKind, Light
from ...paper import text_height
from ..month import Change
from .frame import Book, as_number
from .milestones import LATE_DONE, late_days
from .styles import SIZE

HEADERS = ["变化", "序号", "任务名称", "牵头股室", "关键节点", "说明"]
WIDTHS: list[float] = [16, 5, 20, 10, 50, 30]
KINDS = {
    ChangeKind.NEWLY_OVERDUE: Light.OVERDUE,
    ChangeKind.UNDONE: Light.OVERDUE,
    ChangeKind.SAME_TWICE: Light.OVERDUE,
    ChangeKind.SAME_PROGRESS: Light.DUE_SOON,
    ChangeKind.NEWLY_DONE: Light.DONE,
}


def shown_changes(book: Book) -> list[tuple[str, Change, str]]:
    """变化 as printed: (what, change, note).  An unchanged 存在问题 is left out (no office is
    told of it: only an unchanged 进展情况 is a finding); a milestone reported done after its
    due date is 逾期完成N天, not plain 新完成."""
    late = {r.milestone.key: r for r in book.s.rows if r.milestone and r.late_done}
    shown = []
    for c in book.s.changes:
        if c.kind is ChangeKind.SAME_PROBLEMS:
            continue
        row = late.get(c.milestone.key) if c.milestone else None
        if c.kind is ChangeKind.NEWLY_DONE and row is not None:
            shown.append((f"{LATE_DONE}{late_days(row)}天", c, c.note))
        else:
            shown.append((c.kind.value, c, c.note))
    return shown


def write_changes(book: Book) -> None:
    shown = shown_changes(book)
    if not shown:  # said on 概览 instead of a near-empty printed page
        return
    ws, top = book.sheet("变化", HEADERS, WIDTHS)
    for r, (what, c, note) in enumerate(shown, start=top):
        lt = Light.OVERDUE if what.startswith(LATE_DONE) else KINDS.get(c.kind)
        ws.write(r, 0, what, book.fmt("cell", *([lt] if lt else []), "center", "bold"))
        ws.write(r, 1, as_number(c.task.no), book.fmt("cell", "center"))
        ws.write(r, 2, c.task.name, book.fmt("cell"))
        ws.write(r, 3, c.task.lead, book.fmt("cell"))
        milestone = c.milestone.text if c.milestone else "（整项任务）"
        ws.write(r, 4, milestone, book.fmt("cell"))
        ws.write(r, 5, note, book.fmt("cell"))
        texts = (what, c.task.name, c.task.lead, milestone, note)
        ws.set_row(
            r,
            max(text_height(t, w, SIZE) for t, w in zip(texts, (16, 20, 10, 50, 30))),
        )
    ws.autofilter(top - 1, 0, top - 1 + len(shown), len(HEADERS) - 1)
