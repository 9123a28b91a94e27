"""Values as clerks type them."""

from datetime import date, datetime

import pytest

from reporting.intake.values import squash, status, to_date


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("2022-06-15", date(2022, 6, 15)),
        ("2022.6.15", date(2022, 6, 15)),
        ("2022/6/15", date(2022, 6, 15)),
        ("2022年6月15日", date(2022, 6, 15)),
        ("6月15日", date(2022, 6, 15)),
        ("６月１５日", date(2022, 6, 15)),
        ("15/6", date(2022, 6, 15)),
        ("6/15", date(2022, 6, 15)),
        ("20220615", date(2022, 6, 15)),
        (44727, date(2022, 6, 15)),
        (44727.0, date(2022, 6, 15)),
        (datetime(2022, 6, 15, 0, 0), date(2022, 6, 15)),
        (" 2022-06-15 ", date(2022, 6, 15)),
    ],
)
def test_dates_typed_any_common_way(typed, expected):
    assert to_date(typed, 2022) == expected


@pytest.mark.parametrize("typed", ["", None, "六月中", "2022-02-30", "下周", 12, "13/13"])
def test_what_is_not_a_date_stays_unread(typed):
    assert to_date(typed, 2022) is None


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("已完成", "已完成"),
        ("已完成 ", "已完成"),
        (" 已完成。", "已完成"),
        ("已 完成", "已完成"),
        ("按计划推进", "按计划推进"),
        ("完成", "已完成"),
        ("进行中", "按计划推进"),
        ("未开始", "未启动"),
    ],
)
def test_statuses_typed_instead_of_chosen(typed, expected):
    assert status(typed) == (expected, True)


def test_unknown_status_is_not_guessed():
    assert status("差不多了") == ("差不多了", False)


def test_squash_folds_full_width_and_spaces():
    assert squash("一是３月底前　完成 招标") == "一是3月底前完成招标"
