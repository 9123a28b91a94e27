"""A whole month in one go: fill (unless the forms are already out), collect, validate, merge.

`yuebao monthly` (the timer job behind run_monthly.py) and the bundled demo run this; the month is
held from the first step to the last, so no other command changes it in between.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import cycle as steps
from .forms.fill import FillResult
from .intake.collect import CollectResult
from .notify.plan import reporting_month


@dataclass
class MonthRun:
    month: str
    filled: FillResult | None  # None: the forms were already out
    collected: CollectResult
    merged: steps.CheckResult


def run_month(c: steps.Cycle, month: str, refill: bool = True) -> MonthRun:
    """The month's cycle; refill=False: fill only if the outbox holds no form yet."""
    with c.writing(month):
        sent = any(c.config.folder("outbox", month).glob("*.xlsx"))
        filled = steps.fill(c, month) if refill or not sent else None
        return MonthRun(month, filled, steps.collect_month(c, month), steps.merge(c, month))


def monthly(c: steps.Cycle) -> MonthRun | None:
    """The month of `c.as_of`, its forms filled once; None before reporting starts."""
    month = reporting_month(c.as_of, c.tasks.year, c.config.reporting.first_month)
    return None if month is None else run_month(c, month, refill=False)
