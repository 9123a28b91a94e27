"""Red / amber / green: how a milestone stands on a given day, and an office's traffic light.

Overdue is judged against the as-of date, whatever the office reported: a milestone due
yesterday and not reported 已完成 is overdue, even if the return says 按计划推进.

An office's light:

- 红灯: no return, a return with errors (counts as not returned), or overdue milestones making up
        at least `supervision.red_share` of its milestones due so far;
- 黄灯: returned late, any milestone overdue, or a milestone due soon (临期) that the office
        itself reports 滞后: it says the date will be missed, so the light does not wait for it;
- 绿灯: otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import TYPE_CHECKING

from ..models import Light, Milestone, OfficeState, Status

if TYPE_CHECKING:
    from .month import MilestoneRow

RED, YELLOW, GREEN = "红灯", "黄灯", "绿灯"
LIGHT_RULE = (
    "红灯：未报送、报表有误（视为未报送），或逾期节点占截至本月应完成节点的{share:.0%}及以上；"
    "黄灯：逾期报送，或有逾期节点，或有临期节点本单位报“滞后”；"
    "绿灯：按时报送、无逾期节点且临期节点均未报“滞后”。按红、黄、绿及逾期占比排序。"
)


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


def office_light(
    state: OfficeState,
    lights: Mapping[Light, int],
    due_so_far: int,
    red_share: float,
    rows: Iterable[MilestoneRow] = (),
) -> tuple[str, float]:
    """(light, overdue share) of one office; `rows`: its milestones' rows (each with its `light`
    and reported `status`), for a 临期 milestone the office reports 滞后 (at least 黄灯)."""
    state = OfficeState(state)
    overdue = lights[Light.OVERDUE]
    share = overdue / due_so_far if due_so_far else 0.0
    if state.missing or (overdue and share >= red_share):
        return RED, share
    if state is OfficeState.LATE or overdue or behind_due_soon(rows):
        return YELLOW, share
    return GREEN, share


def behind_due_soon(rows: Iterable[MilestoneRow]) -> int:
    """How many of the rows are 临期 and reported 滞后 by the office itself."""
    return sum(r.light is Light.DUE_SOON and r.status == Status.BEHIND.value for r in rows)


def done_late(due: date | None, completed_on: date | None) -> bool:
    """逾期完成: reported done on a day after its due date."""
    return bool(due and completed_on and completed_on > due)
