"""督办 (escalation): when a late office or an overdue milestone goes up to the supervising leader.

Reminders go to an office's liaison (联络员) first.  An office still without a usable return
`supervision.missing_days` working days after the deadline, or with a milestone overdue by more
than `supervision.overdue_days` working days, is escalated to its supervising leader (分管领导),
with a copy to the bureau office.  Each (month, office, reason) is escalated once, and logged in
the ledger.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from ..models import Light, OfficeState
from ..summary.month import MonthSummary
from ..workdays import workdays_between

MISSING, OVERDUE = "missing", "overdue"
REASONS_ZH = {MISSING: "逾期未报送", OVERDUE: "节点逾期"}


@dataclass(frozen=True)
class Escalation:
    office: str
    reason: str  # MISSING or OVERDUE
    detail: str  # Chinese, for the notice and the log


def decide(
    summary: MonthSummary,
    day: date,
    missing_days: int,
    overdue_days: int,
) -> list[Escalation]:
    """Who must be escalated on `day`, by the rules above (before de-duplication).

    `summary` must be of the inbox as collected that day; it has judged each office's state and
    each milestone (an office without a return this month on what it reported last)."""
    out: list[Escalation] = []
    late_by = workdays_between(summary.period.deadline, day)
    for o in summary.offices:
        if o.state.missing and late_by >= missing_days:
            what = "未报送" if o.state is OfficeState.NOT_RETURNED else "报送的报表有误、未改正"
            out.append(
                Escalation(
                    o.office.name,
                    MISSING,
                    f"截止日期后{late_by}个工作日仍{what}{summary.period.span_zh}进展情况表",
                )
            )
    overdue: dict[str, list] = {}
    for r in summary.rows:
        due = r.milestone.due if r.milestone else None  # an overdue row has its due date
        if r.light is Light.OVERDUE and due and workdays_between(due, day) > overdue_days:
            overdue.setdefault(r.task.lead, []).append(r)
    for office, rows in overdue.items():
        items = "；".join(
            f"第{r.task.no}项“{r.task.name}”：{r.milestone.text}（{r.milestone.due:%Y-%m-%d}到期，"
            f"逾期{workdays_between(r.milestone.due, day)}个工作日）"
            for r in rows
        )
        out.append(
            Escalation(office, OVERDUE, f"{len(rows)}个节点逾期超过{overdue_days}个工作日：{items}")
        )
    return out
