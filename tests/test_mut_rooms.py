"""The small rooms that decide, each judged on a scenario worked out by hand (docs/testing.md:
these are the tests mutmut runs against them): a milestone's verdict and an office's light, the
latest word, severities from `rules:`, the schedule's plan on June and October 2022's official
calendar, and who is escalated on which day.  Expected values are counted from the calendar and
the rules as README states them, never from the code under test."""

from __future__ import annotations

from collections import Counter
from datetime import date
from types import SimpleNamespace

import pytest

from reporting.checks.rules import apply_rules
from reporting.models import Finding, Light, OfficeState, Severity
from reporting.notify import plan
from reporting.notify.escalation import MISSING, OVERDUE, decide
from reporting.summary.verdicts import (
    GREEN,
    RED,
    YELLOW,
    behind_due_soon,
    days_overdue,
    done_late,
    office_light,
    verdict,
)
from reporting.summary.words import Word, latest_words, words_of_rows

JUNE_25 = date(2022, 6, 25)


# -- verdicts ------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "due, done, light",
    [
        (date(2022, 6, 24), False, Light.OVERDUE),  # due yesterday, not done
        (date(2022, 6, 25), False, Light.DUE_SOON),  # due today: not overdue yet
        (date(2022, 7, 2), False, Light.DUE_SOON),  # 7 days ahead: within amber_days 7
        (date(2022, 7, 3), False, Light.NOT_DUE),  # 8 days ahead
        (None, False, Light.UNDATED),
        (None, True, Light.DONE),
        (date(2022, 1, 1), True, Light.DONE),  # done, however long ago due
    ],
)
def test_a_milestones_verdict_on_the_25th(due, done, light):
    assert verdict(due, done, JUNE_25, 7) is light


def test_days_overdue_count_calendar_days_and_never_go_negative():
    def m(due):
        return SimpleNamespace(due=due)

    assert days_overdue(m(date(2022, 5, 31)), JUNE_25) == 25
    assert days_overdue(m(date(2022, 6, 24)), JUNE_25) == 1
    assert days_overdue(m(date(2022, 6, 25)), JUNE_25) == 0
    assert days_overdue(m(date(2022, 6, 30)), JUNE_25) == 0
    assert days_overdue(m(None), JUNE_25) == 0


def test_done_late_only_when_done_after_the_due_day():
    due = date(2022, 6, 30)
    assert done_late(due, date(2022, 7, 1)) is True
    assert done_late(due, date(2022, 6, 30)) is False
    assert done_late(due, date(2022, 6, 1)) is False
    assert done_late(None, date(2022, 7, 1)) is False
    assert done_late(due, None) is False


def row(light, status):
    return SimpleNamespace(light=light, status=status)


@pytest.mark.parametrize(
    "state, overdue, due_so_far, rows, light, share",
    [
        ("未报送", 0, 0, [], RED, 0.0),
        ("报表有误", 0, 4, [], RED, 0.0),
        ("按时报送", 1, 5, [], RED, 0.2),  # exactly the red share (20%): red
        ("按时报送", 1, 6, [], YELLOW, 1 / 6),  # under it: any overdue is yellow
        ("按时报送", 0, 0, [], GREEN, 0.0),  # nothing due yet: no share to divide
        ("逾期报送", 0, 4, [], YELLOW, 0.0),
        ("按时报送", 0, 4, [row(Light.DUE_SOON, "滞后")], YELLOW, 0.0),
        ("按时报送", 0, 4, [row(Light.DUE_SOON, "按计划推进")], GREEN, 0.0),
        ("按时报送", 0, 4, [row(Light.NOT_DUE, "滞后")], GREEN, 0.0),
    ],
)
def test_an_offices_light_and_share(state, overdue, due_so_far, rows, light, share):
    got = office_light(state, Counter({Light.OVERDUE: overdue}), due_so_far, 0.2, rows)
    assert got[0] == light
    assert got[1] == pytest.approx(share)


def test_behind_due_soon_counts_each_such_row():
    rows = [
        row(Light.DUE_SOON, "滞后"),
        row(Light.DUE_SOON, "滞后"),
        row(Light.OVERDUE, "滞后"),
        row(Light.DUE_SOON, "已完成"),
    ]
    assert behind_due_soon(rows) == 2
    assert behind_due_soon([]) == 0


# -- the latest word -----------------------------------------------------------------------------
def test_the_latest_month_that_said_something_wins():
    words = latest_words(
        {
            "2022-07": {"T1-M1": ("", None), "T1-M2": ("滞后", None), "T2-M1": ("未报送", None)},
            "2022-06": {
                "T1-M1": ("已完成", "2022-06-10"),
                "T1-M2": ("已完成", date(2022, 6, 1)),
                "T2-M1": ("按计划推进", ""),
                "T3-M1": ("表中缺失", None),
            },
        }
    )
    assert words == {
        "T1-M1": Word("已完成", date(2022, 6, 10), "2022-06"),  # July said nothing: June stands
        "T1-M2": Word("滞后", None, "2022-07"),  # a later 滞后 undoes June's 已完成
        "T2-M1": Word("按计划推进", None, "2022-06"),
    }


def test_a_months_own_words_are_its_rows_with_a_status():
    done = date(2022, 6, 3)
    rows = [
        SimpleNamespace(milestone=SimpleNamespace(key="T1-M1"), status="已完成", completed_on=done),
        SimpleNamespace(milestone=SimpleNamespace(key="T1-M2"), status="", completed_on=None),
        SimpleNamespace(milestone=None, status="已完成", completed_on=done),  # a task's own row
    ]
    assert words_of_rows(rows) == {"T1-M1": ("已完成", done)}


# -- rules ---------------------------------------------------------------------------------------
def test_rules_set_the_severity_of_the_codes_they_name_only():
    late = Finding("late", "晚了", Severity.WARNING)
    empty = Finding("empty_progress", "空", Severity.ERROR)
    unchanged = Finding("progress_unchanged", "同上月", Severity.WARNING)
    apply_rules([late, empty, unchanged], {"late": "错误", "empty_progress": "警告"})
    assert (late.severity, empty.severity, unchanged.severity) == (
        Severity.ERROR,
        Severity.WARNING,
        Severity.WARNING,
    )


# -- the plan, on the official calendar of 2022 ---------------------------------------------------
# June 2022: 3 June (Friday) 端午, deadline the 20th (a Monday). October: 1–7 National Day,
# Saturday 8 and Sunday 9 working days; 12 September (Monday) 中秋.
def kinds(day, first_month=1, deadline_day=20, remind_day=15):
    return {a.kind for a in plan.actions_for(day, 2022, first_month, deadline_day, remind_day)}


@pytest.mark.parametrize(
    "day, expected",
    [
        (date(2022, 6, 1), {plan.FILL_AND_SEND}),  # first working day; a Wednesday
        (date(2022, 6, 3), set()),  # 端午
        (date(2022, 6, 6), {plan.REMIND_MILESTONES}),  # the week's first working day
        (date(2022, 6, 7), set()),
        (date(2022, 6, 15), {plan.REMIND_MISSING}),  # remind_day
        (date(2022, 6, 17), {plan.REMIND_MISSING}),  # the working day before the deadline
        (date(2022, 6, 20), {plan.REMIND_MILESTONES}),  # the deadline itself: nothing of it
        (date(2022, 6, 21), {plan.RUN_AND_REPORT, plan.ESCALATE}),
        (date(2022, 6, 22), {plan.ESCALATE}),
        (date(2022, 6, 25), set()),  # a Saturday
        (date(2022, 6, 27), {plan.ESCALATE, plan.REMIND_MILESTONES}),
        (date(2022, 9, 13), {plan.REMIND_MILESTONES}),  # Monday the 12th was 中秋
        (date(2022, 10, 8), {plan.FILL_AND_SEND}),  # the month's first working day, a Saturday
        (date(2022, 10, 10), {plan.REMIND_MILESTONES}),
    ],
)
def test_the_plans_actions_on_a_day(day, expected):
    assert kinds(day) == expected


def test_no_milestone_reminder_in_a_week_whose_first_working_day_is_its_saturday():
    # 3–7 October 2022 were holidays: the week's first working day is Saturday the 8th
    assert plan.REMIND_MILESTONES not in kinds(date(2022, 10, 8))


def test_the_remind_day_counts_only_before_the_deadline():
    assert kinds(date(2022, 6, 15), remind_day=25) == set()  # after the 20th: only the eve
    assert kinds(date(2022, 6, 17), remind_day=25) == {plan.REMIND_MISSING}
    # remind_day on a Sunday (19 June) moves to Monday the 20th: the deadline, too late
    assert kinds(date(2022, 6, 20), remind_day=19) == {plan.REMIND_MILESTONES}


def test_nothing_before_reporting_starts():
    assert kinds(date(2022, 6, 1), first_month=7) == set()
    assert plan.actions_for(date(2021, 12, 1), 2022, 1, 20, 15) == []
    assert plan.reporting_month(date(2022, 7, 1), 2022, 7) == "2022-07"
    assert plan.reporting_month(date(2022, 6, 30), 2022, 7) is None
    assert plan.reporting_month(date(2023, 1, 3), 2022, 7) == "2023-01"


def test_every_action_names_its_month():
    days = [date(2022, 6, d) for d in (1, 6, 15, 17, 21, 22, 27)]
    actions = [a for day in days for a in plan.actions_for(day, 2022, 1, 20, 15)]
    assert {a.kind for a in actions} == set(plan.NAMES_ZH)
    assert {a.month for a in actions} == {"2022-06"}


def test_a_later_deadline_day_moves_the_reminder_and_the_run():
    # deadline_day 25: Saturday 25 June 2022, so the deadline is Monday the 27th
    assert kinds(date(2022, 6, 24), deadline_day=25) == {plan.REMIND_MISSING}  # its eve
    assert kinds(date(2022, 6, 27), deadline_day=25) == {plan.REMIND_MILESTONES}
    assert kinds(date(2022, 6, 28), deadline_day=25) == {plan.RUN_AND_REPORT, plan.ESCALATE}


# -- escalation ----------------------------------------------------------------------------------
def june(offices, rows=()):
    period = SimpleNamespace(deadline=date(2022, 6, 20), span_zh="1—6月")
    return SimpleNamespace(
        period=period,
        offices=[SimpleNamespace(office=SimpleNamespace(name=n), state=s) for n, s in offices],
        rows=list(rows),
    )


def overdue_row(office, due, light=Light.OVERDUE, no="3"):
    return SimpleNamespace(
        light=light,
        task=SimpleNamespace(lead=office, no=no, name="经费拨付"),
        milestone=SimpleNamespace(due=due, text="一是5月底前拨付。"),
    )


OFFICES = [
    ("卫健所", OfficeState.NOT_RETURNED),
    ("督导室", OfficeState.REJECTED),
    ("基财股", OfficeState.LATE),
    ("人事股", OfficeState.ON_TIME),
]


def test_missing_returns_are_escalated_from_the_third_working_day_after_the_deadline():
    assert decide(june(OFFICES), date(2022, 6, 22), 3, 10) == []  # two working days
    found = decide(june(OFFICES), date(2022, 6, 23), 3, 10)
    assert [(e.office, e.reason) for e in found] == [("卫健所", MISSING), ("督导室", MISSING)]
    assert found[0].detail == "截止日期后3个工作日仍未报送1—6月进展情况表"
    assert found[1].detail == "截止日期后3个工作日仍报送的报表有误、未改正1—6月进展情况表"
    later = decide(june(OFFICES), date(2022, 6, 27), 3, 10)  # over the weekend: 5
    assert later[0].detail == "截止日期后5个工作日仍未报送1—6月进展情况表"


def test_overdue_milestones_go_up_after_more_than_the_working_days_allowed():
    # 31 May to 14 June 2022 is 9 working days (3 June 端午), to 15 June 10, to 16 June 11
    rows = [
        overdue_row("基财股", date(2022, 5, 31)),
        overdue_row("基财股", date(2022, 5, 31), light=Light.DONE),
        overdue_row("人事股", date(2022, 6, 1), no="4"),  # 10 working days on 16 June
    ]
    assert decide(june([], rows), date(2022, 6, 15), 3, 10) == []  # exactly 10: not more
    (found,) = decide(june([], rows), date(2022, 6, 16), 3, 10)
    assert (found.office, found.reason) == ("基财股", OVERDUE)
    assert found.detail == (
        "1个节点逾期超过10个工作日：第3项“经费拨付”：一是5月底前拨付。"
        "（2022-05-31到期，逾期11个工作日）"
    )
    both = decide(june([], rows), date(2022, 6, 17), 3, 10)
    assert [(e.office, e.reason) for e in both] == [("基财股", OVERDUE), ("人事股", OVERDUE)]


def test_a_task_without_milestones_is_never_escalated():
    task_row = SimpleNamespace(light=None, task=SimpleNamespace(lead="人事股"), milestone=None)
    assert decide(june([], [task_row]), date(2022, 6, 30), 3, 10) == []


def test_an_offices_overdue_milestones_go_in_one_letter():
    rows = [
        overdue_row("基财股", date(2022, 3, 31), no="1"),
        overdue_row("基财股", date(2022, 5, 31)),
    ]
    (found,) = decide(june([], rows), date(2022, 6, 21), 3, 10)
    assert found.detail.startswith("2个节点逾期超过10个工作日：第1项")
    assert "（2022-03-31到期，逾期55个工作日）；第3项" in found.detail
    assert found.detail.endswith("（2022-05-31到期，逾期14个工作日）")
