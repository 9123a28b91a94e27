"""Cell values as clerks type them (intake/values.py), each case worked out by hand: the text
compared, the status understood, the date read, the invisible character named.  mutmut runs
these against values.py (docs/testing.md)."""

from __future__ import annotations

from datetime import date, datetime

import pytest

from reporting.intake.values import (
    is_invisible,
    office_key,
    same_text,
    squash,
    status,
    text,
    to_date,
    visible,
)


@pytest.mark.parametrize(
    "value, shown",
    [
        (None, ""),
        ("  已完成\u3000", "已完成"),
        ("第一行\r\n第二行 ", "第一行\n第二行"),
        (3.0, "3"),  # Excel hands whole numbers as floats
        (3.5, "3.5"),
        (7, "7"),
        (date(2022, 6, 15), "2022-06-15"),
        (datetime(2022, 6, 15), "2022-06-15"),  # a date typed in a date cell
        (datetime(2022, 6, 15, 9, 30), "2022-06-15T09:30:00"),  # a time is kept
        (True, "True"),
    ],
)
def test_a_cell_as_text(value, shown):
    assert text(value) == shown


def test_text_of_a_str_subclass_is_cleaned_too():
    class Typed(str):
        pass

    assert text(Typed(" 按计划推进\r\n")) == "按计划推进"
    assert text(Typed("第一行\r\n第二行")) == "第一行\n第二行"
    assert text(Typed("型号XX")) == "型号XX"


def test_only_blanks_are_trimmed():
    assert text("型号XX") == "型号XX"
    assert text(" X ") == "X"


def test_squash_folds_full_width_and_drops_every_blank():
    assert squash(" 已 完\u3000成\n") == "已完成"
    assert squash("ＡＢ１２") == "AB12"
    assert squash(None) == ""


@pytest.mark.parametrize(
    "typed, office",
    [("職終股", "职终股"), (" 督導室 ", "督导室"), ("衞生股", "卫生股"), ("基财股", "基财股")],
)
def test_office_names_compare_simplified_and_without_blanks(typed, office):
    assert office_key(typed) == office


def test_same_text_ignores_blanks_and_width_only():
    assert same_text("开展培训", "开展培训")
    assert same_text("开展 培训 ", "开展培训")
    assert same_text("６月底前", "6月底前")
    assert same_text(None, "")
    assert not same_text("开展培训", "开展培训工作")
    assert not same_text("A", "a")


# every word README and the form's drop-down accept, and what it is counted as
@pytest.mark.parametrize(
    "typed, choice",
    [
        ("已完成", "已完成"),
        ("按计划推进", "按计划推进"),
        ("滞后", "滞后"),
        ("未启动", "未启动"),
        ("申请延期", "申请延期"),
        ("已完成 ", "已完成"),
        ("已 完 成。", "已完成"),
        ("滞后.", "滞后"),
        ("完成", "已完成"),
        ("已经完成", "已完成"),
        ("全部完成", "已完成"),
        ("正常推进", "按计划推进"),
        ("推进中", "按计划推进"),
        ("进行中", "按计划推进"),
        ("按计划进行", "按计划推进"),
        ("按进度推进", "按计划推进"),
        ("正在推进", "按计划推进"),
        ("延迟", "滞后"),
        ("滞后推进", "滞后"),
        ("进度滞后", "滞后"),
        ("未完成", "滞后"),
        ("延期", "申请延期"),
        ("申请延期完成", "申请延期"),
        ("未开始", "未启动"),
        ("尚未启动", "未启动"),
        ("未开展", "未启动"),
    ],
)
def test_a_status_understood(typed, choice):
    assert status(typed) == (choice, True)


def test_a_status_not_understood_is_kept_as_typed():
    assert status(" 差不多了 ") == ("差不多了", False)
    assert status(None) == ("", False)
    assert status("已完成X") == ("已完成X", False)  # only a full stop at the end is forgiven


@pytest.mark.parametrize(
    "value, day",
    [
        (None, None),
        ("", None),
        (datetime(2022, 6, 15, 10, 30), date(2022, 6, 15)),
        (date(2022, 6, 15), date(2022, 6, 15)),
        (44742, date(2022, 6, 30)),  # Excel's serial number of 30 June 2022
        (44742.75, date(2022, 6, 30)),  # a time of day on it
        (20001, date(1954, 10, 4)),  # the first serial read: 1899-12-30 + 20,001 days
        (20000, None),
        (79999, date(2119, 1, 10)),  # the last: 1899-12-30 + 79,999 days
        (80000, None),
        (True, None),  # a tick box, not a day
        (15, None),
        ("6月15日", date(2022, 6, 15)),
        ("2022.6.15", date(2022, 6, 15)),
        ("不知道", None),
    ],
)
def test_a_date_read_from_a_cell(value, day):
    assert to_date(value, 2022) == day


def test_a_date_without_its_year_needs_the_year():
    assert to_date("6月15日") is None
    assert to_date("2022年6月15日") == date(2022, 6, 15)


@pytest.mark.parametrize(
    "typed, shown",
    [
        ("已完成\u200b", "已完成[零宽空格]"),
        ("\u200c滞后", "[零宽非连接符]滞后"),
        ("已\u200d完成", "已[零宽连接符]完成"),
        ("已完成\u2060", "已完成[零宽不换行符]"),
        ("\ufeff已完成", "[零宽不换行空格]已完成"),
        ("已完\u00ad成", "已完[软连字符]成"),
        ("已完成\u200e", "已完成[从左至右标记]"),
        ("已完成\u200f", "已完成[从右至左标记]"),
        ("已完成\u2066", "已完成[不可见字符U+2066]"),  # a format character without a name here
        ("已\x01完成", "已[不可见字符U+0001]完成"),  # a control character
        ("第一行\n第二行\t完", "第一行\n第二行\t完"),  # line ends and tabs are seen
        ("已完成", "已完成"),
    ],
)
def test_invisible_characters_are_named(typed, shown):
    assert visible(typed) == shown


def test_what_is_invisible():
    assert is_invisible("\u200b") and is_invisible("\u2066") and is_invisible("\x7f")
    assert not is_invisible("\n") and not is_invisible("\t") and not is_invisible("完")
    assert not is_invisible(" ")
