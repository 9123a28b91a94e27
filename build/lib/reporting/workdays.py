"""The official Chinese working-day calendar, for deadlines and reminders.

chinese-calendar carries the State Council's holiday schedule, adjusted working weekends (调休)
included.  For a year it does not cover yet, we warn once and fall back to Monday–Friday: better
a deadline a holiday too early than a crash on 1 January.
"""

from __future__ import annotations

import calendar
import logging
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

log = logging.getLogger(__name__)


@lru_cache(maxsize=None)
def coverage_warning(year: int) -> str | None:
    """A Chinese + English note when the calendar has no data for `year` (logged once)."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
        return None
    except NotImplementedError:
        text = (
            f"chinese-calendar 尚无{year}年的法定节假日安排，暂按周一至周五为工作日计算，"
            "请升级：pip install -U chinese-calendar "
            f"(no holiday data for {year}; using Monday-Friday)"
        )
        log.warning(text)
        return text


@lru_cache(maxsize=4096)  # asked for every day of every overdue span, every run
def is_workday(day: date) -> bool:
    if coverage_warning(day.year):
        return day.weekday() < 5
    return chinese_calendar.is_workday(day)


def next_workday(day: date) -> date:
    """`day` itself when it is a working day, else the next one."""
    while not is_workday(day):
        day += timedelta(days=1)
    return day


def add_workdays(day: date, n: int) -> date:
    """The n-th working day after `day` (before it, for negative n); n=0 is next_workday(day)."""
    if n == 0:
        return next_workday(day)
    step = timedelta(days=1 if n > 0 else -1)
    remaining = abs(n)
    while remaining:
        day += step
        if is_workday(day):
            remaining -= 1
    return day


def workdays_between(start: date, end: date) -> int:
    """Working days in (start, end]; 0 when end is not after start."""
    count, day = 0, start
    while day < end:
        day += timedelta(days=1)
        count += is_workday(day)
    return count


def _month(month: str) -> tuple[int, int]:
    year, mon = month.split("-")
    return int(year), int(mon)


def return_deadline(month: str, day: int = 20) -> date:
    """The day-th of the month ("YYYY-MM"), moved to the next working day (capped at the month's
    end)."""
    year, mon = _month(month)
    last = calendar.monthrange(year, mon)[1]
    return next_workday(date(year, mon, min(day, last)))


def first_workday(month: str) -> date:
    year, mon = _month(month)
    return next_workday(date(year, mon, 1))
