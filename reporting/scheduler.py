"""`yuebao schedule`: run the plan every day, catch up on days the machine was off.

The `schedule` library wakes us at `schedule.time` each day; on start, any working day missed
since the last run (up to a month back) is done once, late, with a note in the log.  Every notice
is de-duplicated in the ledger, so catching up never repeats what was already sent.
"""
from __future__ import annotations

import logging
import time
from logging.handlers import RotatingFileHandler
from datetime import date, datetime, timedelta
from pathlib import Path

import schedule as timer

from . import cycle as steps
from .remind import DayReport, plan_for, run_day

log = logging.getLogger("reporting.schedule")
CATCH_UP_DAYS = 31


def setup_log(config, console: bool = False) -> Path:
    """One readable line per action, to the rotating log file named in config.yaml (and the console)."""
    path = config.resolve(config.data["schedule"]["log"])
    logger = logging.getLogger("reporting")
    logger.setLevel(logging.INFO)
    for handler in list(logger.handlers):
        if isinstance(handler, RotatingFileHandler):
            if Path(handler.baseFilename) == path:
                return path
            logger.removeHandler(handler)
            handler.close()
    if console and not any(type(h) is logging.StreamHandler for h in logger.handlers):
        shown = logging.StreamHandler()
        shown.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%m-%d %H:%M"))
        logger.addHandler(shown)
    path.parent.mkdir(parents=True, exist_ok=True)
    handler = RotatingFileHandler(path, maxBytes=2_000_000, backupCount=5, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(message)s"))
    logger.addHandler(handler)
    return path


def run_once(config_path: str | Path, day: date) -> DayReport:
    cycle = steps.Cycle.load(config_path, day)  # reloaded each day: the task list or config may change
    setup_log(cycle.config)
    with cycle.writing(*[a.month for a in plan_for(cycle, day)]):  # backs the ledger up first
        report = run_day(cycle, day)
    log.info("%s 完成：%d 项计划，发送 %d 条，跳过 %d 条，问题 %d 条", day, len(report.actions), len(report.sent),
             report.skipped, len(report.problems))
    return report


def catch_up(config_path: str | Path, today: date) -> list[DayReport]:
    cycle = steps.Cycle.load(config_path, today)
    ledger = cycle.ledger()
    try:
        last = ledger.last_schedule_day()
    finally:
        ledger.close()
    if last is None:
        return []
    start = max(date.fromisoformat(last) + timedelta(days=1), today - timedelta(days=CATCH_UP_DAYS))
    reports = []
    day = start
    while day < today:
        if plan_for(cycle, day):
            log.warning("补做 %s 的计划（当天未运行，可能关机）", day)
            reports.append(run_once(config_path, day))
        day += timedelta(days=1)
    return reports


def run_forever(config_path: str | Path, echo=print) -> None:
    cycle = steps.Cycle.load(config_path)
    at = cycle.config.data["schedule"]["time"]
    catch_up(config_path, date.today())
    hour, minute = map(int, at.split(":"))
    if datetime.now().time() >= datetime.now().replace(hour=hour, minute=minute).time():
        run_once(config_path, date.today())  # started after today's time: today's plan now
    timer.every().day.at(f"{hour:02d}:{minute:02d}").do(lambda: run_once(config_path, date.today()))
    echo(f"yuebao schedule 已启动：每天 {at} 按计划运行（Ctrl+C 退出）")
    while True:
        timer.run_pending()
        time.sleep(30)
