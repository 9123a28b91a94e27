"""Red / amber / green: how a milestone stands on a given day.

Overdue is judged against the as-of date, whatever the office reported: a milestone due
yesterday and not reported 已完成 is overdue, even if the return says 按计划推进.
"""
from __future__ import annotations

from datetime import date

from ..models import Light, Milestone, MilestoneReport, Status


def light(m: Milestone, report: MilestoneReport | None, as_of: date, amber_days: int) -> Light:
    done = report is not None and report.status == Status.DONE.value
    return verdict(m.due, done, as_of, amber_days)


def verdict(due: date | None, done: bool, as_of: date, amber_days: int) -> Light:
    """A milestone due on `due` (None: undated), reported 已完成 or not, as of `as_of`."""
    if done:
        return Light.DONE
    if due is None:
        return Light.UNDATED
    if due < as_of:
        return Light.OVERDUE
    if (due - as_of).days <= amber_days:
        return Light.DUE_SOON
    return Light.NOT_DUE


def days_overdue(m: Milestone, as_of: date) -> int:
    return max(0, (as_of - m.due).days) if m.due else 0
