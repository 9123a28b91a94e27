"""Red / amber / green: how a milestone stands on a given day, and an office's traffic light.

Overdue is judged against the as-of date, whatever the office reported: a milestone due
yesterday and not reported 已完成 is overdue, even if the return says 按计划推进.

An office's light:

- 红灯: no return, a return with errors (counts as not returned), or overdue milestones making up
        at least `supervision.red_share` of its milestones due so far;
- 黄灯: returned late, or any milestone overdue;
- 绿灯: otherwise.
"""

from __future__ import annotations

from datetime import date

from ..models import Light, Milestone, MilestoneReport, Status

RED, YELLOW, GREEN = "红灯", "黄灯", "绿灯"
LIGHT_RULE = (
    "红灯：未报送、报表有误（视为未报送），或逾期节点占截至本月应完成节点的{share:.0%}及以上；"
    "黄灯：逾期报送，或有逾期节点；绿灯：按时报送且无逾期节点。按红、黄、绿及逾期占比排序。"
)


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


def office_light(state: str, lights, due_so_far: int, red_share: float) -> tuple[str, float]:
    """(light, overdue share) of one office."""
    overdue = lights[Light.OVERDUE]
    share = overdue / due_so_far if due_so_far else 0.0
    if state in ("未报送", "报表有误") or (overdue and share >= red_share):
        return RED, share
    if state == "逾期报送" or overdue:
        return YELLOW, share
    return GREEN, share
