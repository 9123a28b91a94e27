"""Approved extensions: a milestone due later than the task list says, recorded in the ledger.

The task list is never edited: every month's judgement reads the approved date from the ledger
(cycle.apply_extensions), and the original date stays on record beside it.
"""

from __future__ import annotations

from datetime import date

from ..errors import YuebaoError
from ..models import Milestone, Task


def approve(c, task: str, milestone: str, new_date: date, reason: str):
    """Record the extension for `c` (a cycle); returns the task, the milestone and its original
    due date."""
    t, m = find_milestone(c.tasks.tasks, task, milestone)
    original = m.extended_from or m.due
    # no month held (it changes every month's judgement), but the ledger backed up first
    with c.writing(), c.ledger() as ledger:
        ledger.approve_extension(
            m.key, original.isoformat() if original else "", new_date.isoformat(), reason
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
            f"第{t.no}项任务没有第“{milestone}”个节点（共{len(t.milestones)}个）",
            f"no milestone {milestone}",
        )
    return t, m
