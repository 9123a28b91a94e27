"""A calendar the bureau keeps: config.yaml's `calendar:` gives a year's 放假 and 调休 days (the
State Council's notice, typed by the clerk) for years chinese-calendar lacks; `check` says which
years come from where and, from 1 December, asks for next year's lines."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from reporting.config import load_config
from reporting.context import Cycle
from reporting.workdays import is_workday, use_bureau_calendar

from .inprocess import run as yuebao

# 2027 as the notice might give it: 2026's arrangement one year on (any table would do)
NOTICE_2027 = """
calendar:
  2027:
    放假: [2027-01-01至2027-01-03, 2027-02-15至2027-02-23, 2027-04-04至2027-04-06,
           2027-05-01至2027-05-05, 2027-06-19至2027-06-21, 2027-09-25至2027-09-27,
           2027-10-01至2027-10-07]
    上班: [2027-01-04, 2027-02-14, 2027-02-28, 2027-05-09, 2027-09-20, 2027-10-10]
"""


@pytest.fixture(autouse=True)
def no_table_left_behind():
    yield
    use_bureau_calendar({})  # the next test's process state: the package's years only


def set_deadline_day(config: Path, day: int) -> None:
    text = re.sub(r"deadline_day: \d+", f"deadline_day: {day}", config.read_text(encoding="utf-8"))
    config.write_text(text, encoding="utf-8")


def deadline(config: Path, month: str) -> date:
    return Cycle.load(config, date(2026, 12, 7)).period(month).deadline


def test_a_notice_typed_into_config_moves_2027_deadlines_past_the_holidays(bureau):
    config = bureau / "config.yaml"
    set_deadline_day(config, 1)
    # without the notice 2027 is Monday to Friday: 1 January and 1 October 2027 are Fridays
    assert deadline(config, "2027-01") == date(2027, 1, 1)
    assert deadline(config, "2027-10") == date(2027, 10, 1)

    with config.open("a", encoding="utf-8") as f:
        f.write(NOTICE_2027)
    assert deadline(config, "2027-01") == date(2027, 1, 4)  # past 元旦 (1-3 January)
    assert deadline(config, "2027-10") == date(2027, 10, 8)  # past 国庆 (1-7 October)

    set_deadline_day(config, 9)  # 9 October 2027 is a Saturday; the 10th a Sunday worked (调休)
    assert deadline(config, "2027-10") == date(2027, 10, 10)
    assert not is_workday(date(2027, 2, 17))  # a Wednesday of 春节
    assert is_workday(date(2027, 2, 28))  # a Sunday worked


def test_a_year_in_the_notice_overrides_the_package(bureau):
    config = bureau / "config.yaml"
    with config.open("a", encoding="utf-8") as f:  # 2026 as if the State Council changed it
        f.write("calendar:\n  2026:\n    放假: [2026-06-22]\n    上班: []\n")
    load_config(config)
    assert not is_workday(date(2026, 6, 22))  # a Monday, given as a holiday
    assert is_workday(date(2026, 6, 19))  # 端午 in the package, not in this notice


def test_check_from_1_december_asks_for_next_years_lines(bureau):
    config = str(bureau / "config.yaml")
    november = yuebao("check", "--config", config, "--as-of", "2026-11-30")
    assert november.returncode == 0, november.stdout + november.stderr
    assert "2027年的放假安排还没有写入" not in november.stdout

    december = yuebao("check", "--config", config, "--as-of", "2026-12-01")
    assert december.returncode == 0, december.stdout + december.stderr  # a warning, not a stop
    out = december.stdout
    assert "2027年的放假安排还没有写入" in out and "按周一至周五" in out
    assert "calendar:\n  2027:\n    放假: [" in out and "    上班: [" in out  # lines to add
    assert "2026年：按程序自带的节假日数据" in out

    with open(config, "a", encoding="utf-8") as f:  # the clerk adds them as told
        f.write(NOTICE_2027)
    added = yuebao("check", "--config", config, "--as-of", "2026-12-01")
    assert added.returncode == 0, added.stdout + added.stderr
    assert "还没有写入" not in added.stdout
    assert "2027年放假33天、调休上班6天：按 config.yaml 的 calendar:" in added.stdout


@pytest.mark.parametrize(
    "entries, said",
    [
        ("放假: [2027-02-30]", "“2027-02-30”不是有效的日期"),
        ("放假: [2026-10-01]", "2026-10-01 不是2027年的日期"),
        ("放假: [2027-10-01至2027-10-07]\n    上班: [2027-10-03]", "2027-10-03 既写在“放假”中"),
        ("休息: [2027-10-01]", "“休息”无法识别"),
        ("放假: [10月1日]", "“10月1日”不是日期"),
    ],
)
def test_a_slip_in_the_calendar_is_named_with_its_line(bureau, entries, said):
    config = bureau / "config.yaml"
    with config.open("a", encoding="utf-8") as f:
        f.write(f"calendar:\n  2027:\n    {entries}\n")
    line = config.read_text(encoding="utf-8").splitlines().index("calendar:") + 1
    checked = yuebao("check", "--config", str(config))
    assert checked.returncode == 2
    assert said in checked.stdout and f"第{line}行" in checked.stdout, checked.stdout


def test_ranges_and_chinese_dates_are_read_as_the_notice_writes_them(bureau):
    config = bureau / "config.yaml"
    with config.open("a", encoding="utf-8") as f:
        f.write("calendar:\n  2027:\n    放假: ['2027年10月1日至2027年10月3日']\n")
        f.write("    调休: [2027/9/26]\n")
    load_config(config)
    assert [is_workday(date(2027, 10, d)) for d in (1, 2, 3, 4)] == [False, False, False, True]
    assert is_workday(date(2027, 9, 26))  # a Sunday worked


def test_the_schedules_log_says_which_years_are_covered_and_asks_in_december(bureau):
    config = str(bureau / "config.yaml")
    done = yuebao("schedule", "--once", "--as-of", "2026-12-01", "--config", config)
    assert done.returncode in (0, 1), done.stderr  # 1: a notice without an address
    log = (bureau / "输出" / "yuebao.log").read_text(encoding="utf-8")
    assert "节假日：2026年：按程序自带的节假日数据" in log
    assert "2027年：没有放假安排，按周一至周五" in log
    assert "2027年的放假安排还没有写入" in log and "calendar:\n  2027:" in log
    assert "2027年的放假安排还没有写入" in done.stderr  # on the screen too

    with open(config, "a", encoding="utf-8") as f:
        f.write(NOTICE_2027)
    later = yuebao("schedule", "--once", "--as-of", "2026-12-02", "--config", config)
    assert later.returncode in (0, 1), later.stderr
    log = (bureau / "输出" / "yuebao.log").read_text(encoding="utf-8")
    assert "2027年放假33天、调休上班6天：按 config.yaml 的 calendar:" in log
    assert log.count("还没有写入") == 1  # asked on the 1st, not on the 2nd
