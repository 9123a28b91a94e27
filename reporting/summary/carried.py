"""Last month's answers for next month's forms (forms.prefill.Carried), judged here, beside the
month's words: which milestones stay 已完成 is the latest word's (summary.words), decided once.
Kept out of forms/ so that the forms never import the month's judgement (no loop between them).
"""

from __future__ import annotations

from ..forms.prefill import Carried, carries_into
from ..ledger import Ledger
from ..models import Status
from ..period import Period
from .month import MISSING_TASK
from .words import latest_words


def last_answers(ledger: Ledger, period: Period) -> Carried | None:
    """Last month's answers, or None: nothing merged, or a new 1—N period begins with this month."""
    if not carries_into(period):
        return None
    month = period.previous()
    if ledger.merged_as_of(month) is None:  # its answers were never merged: nothing to carry
        return None
    tasks: dict[str, tuple[str, str]] = {}
    for row in ledger.state(month).values():
        progress = "" if row.progress == MISSING_TASK else row.progress or ""
        if progress or row.problems:
            tasks.setdefault(row.task_key, (progress, row.problems or ""))
    words = latest_words(ledger.reports_before(period.label))
    done = {k: w.completed_on for k, w in words.items() if w.status == Status.DONE.value}
    return Carried(month, tasks, done) if tasks or done else None
