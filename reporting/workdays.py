"""The official Chinese working-day calendar, for deadlines and reminders.

Three sources, for each year the first that has it:
1. config.yaml's `calendar:`, the bureau's own table: the year's 放假 days and 调休 working days as
   the State Council's notice gives them (published each November or December, typed by the
   clerk; an offline PC cannot upgrade a package). A year given there is taken wholly from it.
2. chinese-calendar, the package (the years up to its release).
3. Monday to Friday, with a warning once per year: better a deadline a holiday too early than a
   crash on 1 January.

A process serves one bureau: loading config.yaml installs its table here (use_bureau_calendar),
and every deadline, reminder day and overdue count asks is_workday.
"""

from __future__ import annotations

import calendar
import logging
import re
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache

import chinese_calendar

log = logging.getLogger(__name__)

BUREAU, PACKAGE, WEEKDAYS = "config", "package", "weekdays"  # where a year's days come from
OFF_KEY, ON_KEY = "放假", "上班"  # config.yaml: calendar: {2027: {放假: [...], 上班: [...]}}
ON_ALIASES = (ON_KEY, "调休", "调休上班")


@dataclass(frozen=True)
class YearTable:
    """A year's exceptions to Monday–Friday, from the notice."""

    off: frozenset[date]  # 放假: days off (the weekdays matter; weekends listed are harmless)
    on: frozenset[date]  # 上班: weekend days worked (调休)


_bureau: dict[int, YearTable] = {}


def use_bureau_calendar(tables: dict[int, YearTable]) -> None:
    """The bureau's own years (config.yaml `calendar:`), replacing any installed before."""
    global _bureau
    _bureau = dict(tables)
    is_workday.cache_clear()
    coverage_warning.cache_clear()


@lru_cache(maxsize=None)
def _package_has(year: int) -> bool:
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
        return True
    except NotImplementedError:
        return False


def source(year: int) -> str:
    """BUREAU, PACKAGE or WEEKDAYS: where `year`'s working days come from."""
    if year in _bureau:
        return BUREAU
    return PACKAGE if _package_has(year) else WEEKDAYS


def package_years() -> tuple[int, int]:
    """The first and last year chinese-calendar has holidays for."""
    from chinese_calendar.constants import holidays

    years = {d.year for d in holidays}
    return min(years), max(years)


@lru_cache(maxsize=None)
def coverage_warning(year: int) -> str | None:
    """A Chinese note when no source has `year` (logged once): what to add to config.yaml."""
    if source(year) != WEEKDAYS:
        return None
    text = f"尚无{year}年的法定节假日安排，暂按周一至周五为工作日计算。" + lines_to_add(year)
    log.warning(text)
    return text


def lines_to_add(year: int) -> str:
    """What the clerk types into config.yaml for `year`, from the State Council's notice."""
    entries = (
        f"  {year}:\n"
        f"    {OFF_KEY}: [{year}-01-01, {year}-10-01至{year}-10-07]   # 通知中的放假日期\n"
        f"    {ON_KEY}: [{year}-09-26, {year}-10-09]                 # 通知中调休上班的周末"
    )
    where = (
        "在 config.yaml 的 calendar: 下、已有年份之后加上以下几行"
        if _bureau
        else "在 config.yaml 末尾加上以下几行"
    )
    return (
        f"国务院办公厅公布{year}年部分节假日安排后，请{where}（日期按通知逐条填写，"
        f"连续几天可写成“起至止”）：\n" + ("" if _bureau else "calendar:\n") + entries
    )


def next_year_warning(today: date) -> str | None:
    """From 1 December: next year's holidays are due to be published; say so while no source has
    them (a year in a package or config.yaml is covered)."""
    year = today.year + 1
    if today.month != 12 or source(year) != WEEKDAYS:
        return None
    return (
        f"{year}年的放假安排还没有写入：到{year}年1月1日起，截止日和工作日将按周一至周五计算。"
        + lines_to_add(year)
    )


def coverage_line(years: list[int]) -> str:
    """Which years come from which source, in Chinese (for `check` and the schedule's log)."""
    by_source: dict[str, list[int]] = {BUREAU: [], PACKAGE: [], WEEKDAYS: []}
    for year in sorted(set(years)):
        by_source[source(year)].append(year)
    parts = []
    if by_source[BUREAU]:
        detail = "，".join(
            f"{y}年放假{len(_bureau[y].off)}天、调休上班{len(_bureau[y].on)}天"
            for y in by_source[BUREAU]
        )
        parts.append(f"{detail}：按 config.yaml 的 calendar:")
    if by_source[PACKAGE]:
        first, last = package_years()
        listed = "、".join(f"{y}年" for y in by_source[PACKAGE])
        parts.append(
            f"{listed}：按程序自带的节假日数据（chinese-calendar {chinese_calendar.__version__}，"
            f"{first}—{last}年）"
        )
    if by_source[WEEKDAYS]:
        listed = "、".join(f"{y}年" for y in by_source[WEEKDAYS])
        parts.append(f"{listed}：没有放假安排，按周一至周五")
    return "节假日：" + "；".join(parts)


# -- config.yaml's `calendar:` section, read -----------------------------------------------------
_DAY = r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?"
_RANGE = re.compile(rf"^\s*{_DAY}\s*(?:(?:至|到|~|～|—|--)\s*{_DAY})?\s*$")


class CalendarProblem(ValueError):
    """A line of `calendar:` that cannot be read; the text (Chinese) says which and how to fix."""


def read_tables(section: dict) -> dict[int, YearTable]:
    """config.yaml's `calendar:` as year -> table; CalendarProblem names the first bad entry."""
    tables = {}
    for year, entries in section.items():
        if not isinstance(year, int) or not 2000 <= year <= 2100:
            raise CalendarProblem(f"calendar 下的“{year}”应是年份，如 2027:")
        entries = entries or {}
        if not isinstance(entries, dict):
            raise CalendarProblem(f"calendar.{year} 下应有“{OFF_KEY}:”和“{ON_KEY}:”两行")
        off, on = set(), set()
        for key, value in entries.items():
            if key == OFF_KEY:
                off |= _days(year, key, value)
            elif key in ON_ALIASES:
                on |= _days(year, ON_KEY, value)
            else:
                raise CalendarProblem(
                    f"calendar.{year} 下的“{key}”无法识别：只能写“{OFF_KEY}:”（放假日期）"
                    f"和“{ON_KEY}:”（调休上班的日期）"
                )
        both = sorted(off & on)
        if both:
            raise CalendarProblem(
                f"calendar.{year}：{both[0]:%Y-%m-%d} 既写在“{OFF_KEY}”中又写在“{ON_KEY}”中，"
                "请按通知只留一处"
            )
        tables[year] = YearTable(frozenset(off), frozenset(on))
    return tables


def _days(year: int, key: str, value: object) -> set[date]:
    where = f"calendar.{year}.{key}"
    items = value if isinstance(value, list) else [value] if value is not None else []
    days: set[date] = set()
    for item in items:
        if isinstance(item, date):
            first = last = item
        else:
            found = _RANGE.match(str(item))
            if not found:
                raise CalendarProblem(
                    f"{where} 中的“{item}”不是日期：应写成如 {year}-10-01，"
                    f"连续几天写成 {year}-10-01至{year}-10-07，各项之间用英文半角逗号分隔"
                )
            numbers = [int(n) for n in found.groups() if n is not None]
            try:
                first = date(*numbers[:3])
                last = date(*numbers[3:]) if len(numbers) == 6 else first
            except ValueError:
                raise CalendarProblem(f"{where} 中的“{item}”不是有效的日期") from None
            if last < first:
                raise CalendarProblem(f"{where} 中的“{item}”结束日早于开始日")
        day = first
        while day <= last:
            if day.year != year:
                raise CalendarProblem(
                    f"{where} 中的 {day:%Y-%m-%d} 不是{year}年的日期："
                    f"请写在 calendar.{day.year} 下，或改正年份"
                )
            days.add(day)
            day += timedelta(days=1)
    return days


# -- asking the calendar ------------------------------------------------------------------------
@lru_cache(maxsize=4096)  # asked for every day of every overdue span, every run
def is_workday(day: date) -> bool:
    table = _bureau.get(day.year)
    if table is not None:
        return day in table.on or (day.weekday() < 5 and day not in table.off)
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
