"""A whole month in one go: fill (unless the forms are already out), fetch the mailbox (when
config.yaml has one), collect, validate, merge.

`yuebao monthly` (the timer job behind run_monthly.py) and the bundled demo run this; the month is
held from the first step to the last, so no other command changes it in between.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import cycle as steps
from .forms.fill import FillResult
from .intake.collect import CollectResult
from .intake.mailbox import FetchResult, fetch_if_configured
from .notify.plan import reporting_month


@dataclass
class MonthRun:
    month: str
    filled: FillResult | None  # None: the forms were already out
    collected: CollectResult
    merged: steps.CheckResult
    fetched: FetchResult | None = None  # what came from the mailbox (None: no mailbox)


def run_month(c: steps.Cycle, month: str, refill: bool = True) -> MonthRun:
    """The month's cycle; refill=False: fill only if the outbox holds no form yet."""
    with c.writing(month):
        sent = any(c.config.folder("outbox", month).glob("*.xlsx"))
        filled = steps.fill(c, month) if refill or not sent else None
        fetched = fetch_if_configured(c, month)  # the mailbox first, when there is one
        collected = steps.collect_month(c, month)
        if fetched and month in fetched.collected:  # fetch collected the mails' files already
            earlier = fetched.collected[month]
            collected.new = earlier.new + collected.new
            collected.already -= len(earlier.new)
            collected.findings = earlier.findings + collected.findings
        return MonthRun(month, filled, collected, steps.merge(c, month), fetched)


def monthly(c: steps.Cycle) -> MonthRun | None:
    """The month of `c.as_of`, its forms filled once; None before reporting starts."""
    month = reporting_month(c.as_of, c.tasks.year, c.config.reporting.first_month)
    return None if month is None else run_month(c, month, refill=False)
