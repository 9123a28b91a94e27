"""Red / amber / green: how a milestone stands on a given day.

Overdue is judged against the as-of date, whatever the office reported: a milestone due
yesterday and not reported 已完成 is overdue, even if the return says 按计划推进.
"""
from __future__ import annotations

from datetime import date

from ..models import Light, Milestone, MilestoneReport, Status


def light(m: Milestone, report: MilestoneReport | None, as_of: date, amber_days: int) -> Light:
    if report is not None and report.status == Status.DONE.value:
        return Light.DONE
    if m.due is None:
        return Light.UNDATED
    if m.due < as_of:
        return Light.OVERDUE
    if (m.due - as_of).days <= amber_days:
        return Light.DUE_SOON
    return Light.NOT_DUE


def days_overdue(m: Milestone, as_of: date) -> int:
    return max(0, (as_of - m.due).days) if m.due else 0
