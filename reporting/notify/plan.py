"""The schedule's plan: which actions fall on which day, on the official working-day calendar.

For each reporting month, from the task list's first on (`reporting.first_month` in the year
`reporting.first_month_year` names, January in any other year: Config.first_month_in):

- FILL_AND_SEND    the month's first working day: fill the forms and mail each office its own;
- REMIND_MISSING   `schedule.remind_day` (moved to the next working day) and the working day
                   before the return deadline: remind the offices that have not returned;
- RUN_AND_REPORT   the first working day after the deadline: collect, validate, merge, mail the
                   summary to the chiefs;
- REMIND_MILESTONES the first working day of every week: remind each office of its milestones
                   falling due within `schedule.milestone_window_days`;
- ESCALATE         every working day after the deadline: escalate (督办) to supervising leaders
                   what the rules in reporting.notify.escalation say (each once).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from ..workdays import add_workdays, first_workday, is_workday, next_workday, return_deadline

FILL_AND_SEND = "fill_and_send"
REMIND_MISSING = "remind_missing"
RUN_AND_REPORT = "run_and_report"
REMIND_MILESTONES = "remind_milestones"
ESCALATE = "escalate"
REPLY = "reply"  # not a plan action: the answer to a return that came by mail (see replies.py)
NAMES_ZH = {
    FILL_AND_SEND: "下发表格",
    REMIND_MISSING: "催报",
    RUN_AND_REPORT: "汇总并报送",
    REMIND_MILESTONES: "节点到期提醒",
    ESCALATE: "督办",
}


@dataclass(frozen=True)
class Action:
    kind: str
    month: str  # the reporting month it concerns, "YYYY-MM"


def reporting_month(day: date, year: int, first_month: int) -> str | None:
    """The month being reported on `day`, or None before reporting starts."""
    if day.year < year or (day.year == year and day.month < first_month):
        return None
    return f"{day.year:04d}-{day.month:02d}"


def actions_for(
    day: date, year: int, first_month: int, deadline_day: int, remind_day: int
) -> list[Action]:
    month = reporting_month(day, year, first_month)
    if month is None or not is_workday(day):
        return []
    deadline = return_deadline(month, deadline_day)
    actions = []
    if day == first_workday(month):
        actions.append(Action(FILL_AND_SEND, month))
    remind_on = {add_workdays(deadline, -1)}
    if remind_day < deadline.day:
        remind_on.add(next_workday(date(day.year, day.month, remind_day)))
    if day in remind_on and day < deadline:
        actions.append(Action(REMIND_MISSING, month))
    if day == add_workdays(deadline, 1):
        actions.append(Action(RUN_AND_REPORT, month))
    if day > deadline:  # every working day after the deadline; each escalation is made once
        actions.append(Action(ESCALATE, month))
    monday = day - timedelta(days=day.weekday())
    if day == next_workday(monday) and next_workday(monday) - monday < timedelta(days=5):
        actions.append(Action(REMIND_MILESTONES, month))
    return actions
