"""Approved extensions: a milestone due later than the task list says, recorded in the ledger.

The task list is never edited: every month's judgement reads the approved date from the ledger
(cycle.apply_extensions), and the original date stays on record beside it.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from ..errors import YuebaoError
from ..models import Milestone, Task
from .doubts import task_ref

if TYPE_CHECKING:  # the cycle is handed in; tasks never runs it
    from ..context import Cycle


def approve(
    c: Cycle, task: str, milestone: str, new_date: date, reason: str
) -> tuple[Task, Milestone, date | None]:
    """Record the extension for `c` (a cycle), approved on its as-of day; returns the task, the
    milestone and its planned due date.  An extension moves a milestone later, for a reason:
    anything else is refused before the ledger is touched."""
    t, m = find_milestone(c.tasks.tasks, task, milestone)
    original = m.extended_from or m.due
    if not reason.strip():
        raise YuebaoError("延期理由不能为空：请用 --reason 写明理由", "the reason is empty")
    if original and new_date <= original:
        raise YuebaoError(
            f"{task_ref(t.no)}任务第{m.seq}个节点原计划{original:%Y-%m-%d}完成，"
            f"延期后的日期{new_date:%Y-%m-%d}应晚于它",
            f"new date {new_date} is not after the planned {original}",
        )
    # no month held (it changes every month's judgement), but the ledger backed up first
    with c.writing(), c.ledger() as ledger:
        ledger.approve_extension(
            m.key,
            original.isoformat() if original else "",
            new_date.isoformat(),
            reason.strip(),
            c.as_of,
        )
    return t, m, original


def find_milestone(tasks: list[Task], task: str, milestone: str) -> tuple[Task, Milestone]:
    """TASK by code or number, MILESTONE by its number or key, as typed on the command line."""
    t = next((x for x in tasks if task in (x.key, x.no)), None)
    if t is None:
        raise YuebaoError(f"任务清单中没有任务“{task}”", f"no task {task}")
    m = next((x for x in t.milestones if milestone in (str(x.seq), x.key)), None)
    if m is None:
        raise YuebaoError(
            f"{task_ref(t.no)}任务没有第“{milestone}”个节点（共{len(t.milestones)}个）",
            f"no milestone {milestone}",
        )
    return t, m
