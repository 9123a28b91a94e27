"""`yuebao schedule`: run the plan every day, catch up on days the machine was off.

The `schedule` library wakes us at `schedule.time` each day; every run (also `--once`) first plans
any plan day missed since the schedule first ran (up to a month back), once, late, with a note in
the log, and then delivers every notice due and unsent (see reporting.jobs.delivery).  Every
notice is a row of the ledger, so catching up never repeats what was already sent.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from datetime import date, datetime, timedelta
from logging.handlers import RotatingFileHandler
from pathlib import Path
from typing import TYPE_CHECKING

import schedule as timer

from .. import cycle as steps
from .. import workdays
from .day import DayReport, plan_for, run_actions, run_day

if TYPE_CHECKING:
    from ..config import Config

log = logging.getLogger("reporting.schedule")
CATCH_UP_DAYS = 31
SCREEN = "yuebao-screen"  # the handler showing the lines on the screen
SCREEN_FORMAT, SCREEN_TIME = "%(asctime)s %(message)s", "%m-%d %H:%M"


def setup_log(config: Config, console: bool = False) -> Path:
    """One readable line per action, to the rotating log file named in config.yaml, and to the
    screen as a time and the Chinese line (never `INFO reporting.schedule:`): every line with
    `console` (the schedule), else only warnings (remind, escalate: their summary says the rest).
    A log folder that cannot be written never stops the day: the lines go to the screen instead."""
    path = config.resolve(config.schedule.log)
    logger = logging.getLogger("reporting")
    logger.setLevel(logging.INFO)
    logger.propagate = False  # the command line's own handler would print them a second time
    shown = next((h for h in logger.handlers if h.get_name() == SCREEN), None)
    if shown is None:
        shown = logging.StreamHandler()
        shown.set_name(SCREEN)
        shown.setFormatter(logging.Formatter(SCREEN_FORMAT, SCREEN_TIME))
        shown.setLevel(logging.WARNING)
        logger.addHandler(shown)
    if console:  # (a later call for the day's file leaves the screen as the command set it)
        shown.setLevel(logging.INFO)
    for handler in list(logger.handlers):
        if isinstance(handler, RotatingFileHandler):
            if Path(handler.baseFilename) == path:
                return path
            logger.removeHandler(handler)
            handler.close()
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    except OSError as exc:
        logger.error("日志文件无法写入（%s），本次只在屏幕上显示：%s", exc, path)
        return path
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    return path


def _plan_day(
    config_path: str | Path, day: date, deliver: bool, cycle: steps.Cycle | None = None
) -> DayReport:
    # loaded afresh for each day (the task list or config may change), unless just loaded for it
    cycle = cycle or steps.Cycle.load(config_path, day)
    setup_log(cycle.config)
    log_calendar(day)
    with cycle.writing(*[a.month for a in plan_for(cycle, day)]):  # backs the ledger up first
        report = run_day(cycle, day, deliver=deliver)
    log.info(
        "%s 完成：%d 项计划，发送 %d 条，此前已计划或已发 %d 条，不再发送 %d 条，问题 %d 条",
        day,
        len(report.actions),
        len(report.sent),
        report.skipped,
        len(report.dropped),
        len(report.problems),
    )
    return report


def log_calendar(day: date) -> None:
    """Which years' holidays the day's deadlines count with; from 1 December, next year's missing
    (the lines to add to config.yaml)."""
    log.info(workdays.coverage_line([day.year, day.year + 1]))
    warning = workdays.next_year_warning(day)
    if warning:
        log.warning(warning)


def run_once(config_path: str | Path, day: date) -> DayReport:
    """One run of the schedule as of `day`: plan the days missed since the last run (catch-up),
    then `day`'s plan, and deliver everything due and unsent, whatever day it was planned for."""
    cycle = steps.Cycle.load(config_path, day)
    missed = catch_up(config_path, day, cycle)
    # the day's plan on the config just loaded, unless a missed day's plan has run since
    report = _plan_day(config_path, day, deliver=True, cycle=None if missed else cycle)
    for earlier in missed:
        report.problems = earlier.problems + report.problems
    return report


def catch_up(
    config_path: str | Path, today: date, cycle: steps.Cycle | None = None
) -> list[DayReport]:
    """Plan each plan day before `today` (up to a month back, from the first day the schedule ran)
    that no run carried out; their notices are delivered by today's run.  (`cycle`: loaded as of
    `today` just now.)"""
    cycle = cycle or steps.Cycle.load(config_path, today)
    if not cycle.config.ledger_path.exists():
        return []
    ledger = cycle.ledger()
    try:
        first = ledger.first_schedule_day()
        done = ledger.schedule_days()
    finally:
        ledger.close()
    if first is None:
        return []
    day = max(date.fromisoformat(first), today - timedelta(days=CATCH_UP_DAYS))
    reports = []
    while day < today:
        if day.isoformat() not in done and plan_for(cycle, day):
            setup_log(cycle.config)
            log.warning("补做 %s 的计划（当天未运行或未做完，可能关机）", day)
            reports.append(_plan_day(config_path, day, deliver=False))
        day += timedelta(days=1)
    return reports


def deliver_owed(config_path: str | Path, day: date) -> DayReport:
    """Only deliver what is due and unsent (between the daily runs)."""
    cycle = steps.Cycle.load(config_path, day)
    setup_log(cycle.config)
    return run_actions(cycle, [], day, schedule=False)


def run_forever(config_path: str | Path, echo: Callable[[str], object] = print) -> None:
    cycle = steps.Cycle.load(config_path)
    at = cycle.config.schedule.time
    hour, minute = map(int, at.split(":"))
    if datetime.now().time() >= datetime.now().replace(hour=hour, minute=minute).time():
        run_once(config_path, date.today())  # started after today's time: today's plan now
    else:
        catch_up(config_path, date.today())
        deliver_owed(config_path, date.today() - timedelta(days=1))
    timer.every().day.at(f"{hour:02d}:{minute:02d}").do(lambda: run_once(config_path, date.today()))
    timer.every(30).minutes.do(lambda: deliver_owed(config_path, date.today()))  # the failed ones
    echo(f"yuebao schedule 已启动：每天 {at} 按计划运行，未发出的通知每30分钟重试（Ctrl+C 退出）")
    while True:
        timer.run_pending()
        time.sleep(30)
