"""The `yuebao` command: one sub-command per step of the monthly cycle.

Every command ends with a short summary of what it did and where the files are.  Problems in
returned workbooks are findings (exit 0); a broken config, a missing task list or an unwritable
folder stops the command with a one-line Chinese + English message (exit 2).  Each command calls
one library function and prints through reporting.console.
"""
from __future__ import annotations

import functools
import logging
import sqlite3
import sys
from datetime import date, datetime
from pathlib import Path

import click

from . import console
from . import cycle as steps
from . import demo as sample
from .backup import inspect, restore_when_idle
from .config import load_config
from .console import echo, progress_printer
from .errors import YuebaoError
from .forms.prefill import carries_into
from .ledger import backup_folder
from .monthly import monthly as run_monthly
from .notify import on_demand
from .notify.scheduler import run_forever, run_once, setup_log
from .period import parse_month
from .summary.rollup import rollup
from .tasks import extensions
from .tasks.convert import convert, read_for_check


class DateType(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        if isinstance(value, date):
            return value
        try:
            return datetime.strptime(value, "%Y-%m-%d").date()
        except ValueError:
            self.fail(f"日期应写成如2022-06-25（date must be YYYY-MM-DD）: {value}", param, ctx)


class MonthType(click.ParamType):
    """A report month, checked here; passed on as typed."""
    name = "YYYY-MM"

    def convert(self, value, param, ctx):
        try:
            parse_month(value)
        except YuebaoError as exc:
            self.fail(f"{exc.zh} ({exc.en})", param, ctx)
        return value


DATE, MONTH = DateType(), MonthType()


def handles_errors(fn):
    """A YuebaoError ends the command with one line, Chinese and English, and exit status 2."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except YuebaoError as exc:
            echo(f"错误：{exc.zh} ({exc.en})", err=True)
            sys.exit(2)
        except (sqlite3.IntegrityError, sqlite3.ProgrammingError):
            raise
        except sqlite3.DatabaseError as exc:  # the ledger failed past the checks made on opening it
            echo(f"错误：读写台账时出错（{exc}）。请运行 yuebao ledger check 检查；如已损坏，"
                 f"运行 yuebao ledger restore 从备份恢复 (ledger error: {exc})", err=True)
            sys.exit(2)
    return wrapper


config_option = click.option("--config", "config_path", default="config.yaml", show_default=True,
                             type=click.Path(dir_okay=False), help="配置文件 config file")
month_option = click.option("--month", type=MONTH, help="报告月份，如2022-06（默认本月） report month")


def common(fn):
    """--config and --as-of, and the error handling every command shares."""
    fn = click.option("--as-of", type=DATE,
                      help="以哪一天为“今天”判断逾期（默认今天） the day taken as today")(handles_errors(fn))
    return config_option(fn)


def _load(config_path, as_of, month):
    """The cycle for config.yaml, and the month asked for (default: the month of --as-of)."""
    c = steps.Cycle.load(config_path, as_of)
    return c, month or f"{c.as_of:%Y-%m}"


def _hold(c, *months: str) -> None:
    """Until the command ends: hold the months (a second command on one waits, then stops) and back
    the ledger up before the first change."""
    click.get_current_context().with_resource(c.writing(*months))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="详细日志 verbose log")
@click.version_option(package_name="yuebao")
def main(verbose: bool) -> None:
    """月报 yuebao：重点工作月度进展的下发、收取、校验、汇总。"""
    logging.basicConfig(level=logging.INFO if verbose else logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


@main.command()
@common
@month_option
def fill(config_path, as_of, month):
    """为每个牵头股室生成本月预填的进展情况表。"""
    c, month = _load(config_path, as_of, month)
    result = steps.fill(c, month, progress_printer("生成"))
    skipped = (c.config.data["reporting"]["prefill"] and carries_into(c.period(month))
               and c.period(month).previous())
    console.print_fill(c, month, result, skipped)
    if console.print_fill_failures(result):
        sys.exit(1)


@main.command()
@common
@month_option
def collect(config_path, as_of, month):
    """从收件箱收取报回的表格，存档并登记台账。"""
    c, month = _load(config_path, as_of, month)
    console.print_collect(steps.collect_month(c, month, progress_printer("收取")))


@main.command()
@common
@month_option
def validate(config_path, as_of, month):
    """对照任务清单校验本月收到的表格，写出校验问题。"""
    c, month = _load(config_path, as_of, month)
    console.print_validated(steps.validate(c, month, progress_printer("校验")))


@main.command()
@common
@month_option
@click.option("--pdf", is_flag=True, help="同时用LibreOffice生成概览和逾期事项的PDF also write a PDF")
def merge(config_path, as_of, month, pdf):
    """汇总本月进展，写出给科室负责人的汇总表。"""
    c, month = _load(config_path, as_of, month)
    console.print_result(steps.merge(c, month, progress_printer("读取"), pdf=pdf))


@main.command()
@common
@month_option
def run(config_path, as_of, month):
    """收取、校验、汇总一次完成。"""
    c, month = _load(config_path, as_of, month)
    _hold(c, month)  # collect and merge as one: no other command on this month in between
    console.print_collect(steps.collect_month(c, month, progress_printer("收取")))
    console.print_result(steps.merge(c, month, progress_printer("校验")))


@main.command()
@common
def monthly(config_path, as_of):
    """定时任务：本月表格未下发则先生成，再收取、校验、汇总（run_monthly.py 调用）。"""
    c = steps.Cycle.load(config_path, as_of)
    done = run_monthly(c)
    if done is None:
        echo(f"{c.tasks.year}年从{c.config.reporting['first_month']}月起报送，"
             f"本月（{c.as_of:%Y-%m}）无需处理。")
        return
    console.print_month_run(done, with_month=True)


@main.command()
@click.option("--out", "out_dir", default="demo-output", show_default=True,
              type=click.Path(file_okay=False), help="演示输出文件夹 output folder")
@click.option("--as-of", type=DATE, help="默认为各月报送截止后几天 default: after each deadline")
@handles_errors
def demo(out_dir, as_of):
    """用自带的台山市2022年样例数据完整演示每月的流程。"""
    config = sample.prepare(out_dir)
    echo(f"演示文件夹：{config.parent}（配置：{config.name}）")
    for c, done in sample.run(config, as_of):
        echo(f"\n== {done.month}（以{c.as_of:%Y-%m-%d}为今天）==")
        console.print_month_run(done)
    echo(f"\n演示完成。可在 {config.parent} 中继续运行，例如看两周后的逾期情况：\n"
         f"  yuebao merge --config {config} --month {sample.DEMO_MONTHS[-1]} "
         f"--as-of {sample.LATER:%Y-%m-%d}")


@main.command()
@common
@month_option
@click.option("--dry-run", is_flag=True, help="只显示将发送的提醒，不发送 print, do not send")
def remind(config_path, as_of, month, dry_run):
    """提醒未报送的股室，以及节点即将到期的股室（以--as-of为今天）。"""
    c, month = _load(config_path, as_of, month)
    report, log = on_demand.remind(c, month, dry_run)
    console.print_reminders(report, c, month, dry_run, log)
    if console.print_unsent(report, log):
        sys.exit(1)  # so systemd or the Task Scheduler sees it


@main.command()
@common
@click.option("--once", is_flag=True, help="只执行--as-of这一天的计划后退出 run one day's plan and exit")
def schedule(config_path, as_of, once):
    """按config.yaml中的计划定时运行（前台运行，供systemd/任务计划程序使用）。"""
    c = steps.Cycle.load(config_path, as_of)
    log = setup_log(c.config, console=True)
    if not once:
        return run_forever(config_path, echo)
    report = run_once(config_path, c.as_of)
    console.print_day(report)
    if console.print_unsent(report, log):
        sys.exit(1)


@main.command()
@common
@month_option
@click.option("--dry-run", is_flag=True, help="只显示，不记录、不发送 print only")
def escalate(config_path, as_of, month, dry_run):
    """督办：把逾期未报送、节点严重逾期的股室报分管领导（每种情况只督办一次）。"""
    c, month = _load(config_path, as_of, month)
    report, log = on_demand.escalate(c, month, dry_run)
    console.print_escalations(report, c, month, dry_run)
    if console.print_unsent(report, log):
        sys.exit(1)


@main.command("rollup")
@common
@month_option
def rollup_command(config_path, as_of, month):
    """汇总下级单位（如各县区）的汇总表，生成本级汇总。"""
    c, month = _load(config_path, as_of, month)
    _hold(c, month)
    console.print_rollup(rollup(c, month), c.config.data["rollup"]["units"])


@main.command()
@click.argument("task")
@click.argument("milestone")
@click.argument("new_date", metavar="DATE", type=DATE)
@click.option("--reason", required=True, help="批准延期的理由 why")
@config_option
@handles_errors
def extend(task, milestone, new_date, reason, config_path):
    """批准延期：TASK（任务编码或序号）的第MILESTONE个节点改为DATE（如2022-07-31）到期。"""
    c = steps.Cycle.load(config_path)
    t, m, original = extensions.approve(c, task, milestone, new_date, reason)
    echo(f"已批准延期：第{t.no}项任务“{t.name}”第{m.seq}个节点，由{original}延期至{new_date}"
         f"（理由：{reason}）。已记入台账：{c.config.ledger_path}；重新运行 yuebao merge 即按新日期判断逾期。")


@main.group("ledger")
def ledger_group():
    """台账：检查完整性、从备份恢复。"""


@ledger_group.command("check")
@config_option
@handles_errors
def ledger_check(config_path):
    """检查台账是否完好，列出其中的记录数和最近的备份。"""
    report = inspect(load_config(config_path).ledger_path)
    if not report.path.exists() and not report.backups:
        echo(f"台账：{report.path} 尚未建立（第一次收取或汇总时自动建立）")
        return
    console.print_ledger(report, backup_folder(report.path))
    if report.problem:
        raise report.error()
    echo("检查结果：完好（PRAGMA quick_check 通过，是yuebao的台账）")


@ledger_group.command("restore")
@click.argument("backup", required=False, type=click.Path(dir_okay=False))
@config_option
@handles_errors
def ledger_restore(backup, config_path):
    """从备份恢复台账（默认用最近的完好备份）；被替换的台账改名保留在旁边，不删除。"""
    path = load_config(config_path).ledger_path
    used, kept = restore_when_idle(path, Path(backup) if backup else None)
    console.print_restored(used, kept, path)


@main.group()
def tasks():
    """任务清单：导入各地格式、检查。"""


@tasks.command("import")
@click.argument("src", type=click.Path(dir_okay=False))
@click.option("--year", type=int,
              help="任务清单所属年份；多年度清单只导入该年 the year (of a multi-year list: the one kept)")
@click.option("--out", "out_path", type=click.Path(dir_okay=False),
              help="输出文件（默认：原文件名_yuebao.xlsx）")
@click.option("--leads", "leads_path", type=click.Path(dir_okay=False),
              help="牵头股室对照表（序号 | 牵头股室 | 配合股室） lead offices by task number")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="配置文件，用于股室下拉列表（默认：当前目录的config.yaml，如有） config for the office list")
@handles_errors
def tasks_import(src, year, out_path, leads_path, config_path):
    """把各地的任务清单（xlsx/xls、Word的docx表格、粘贴的文本）转换为yuebao格式。"""
    done = convert(src, year, out_path, leads_path, config_path)
    console.print_import(done, src, year, config_path)


@tasks.command("check")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@click.option("--year", type=int, help="任务清单所属年份（默认从标题读取） the list's year")
@config_option
@handles_errors
def tasks_check(path, year, config_path):
    """检查任务清单（默认为config.yaml中的task_list，也可以是未转换的各地清单），逐项列出节点、日期和疑点。"""
    listed, doubts = read_for_check(path, year, config_path)
    console.print_task_list(listed, doubts, detail=True)


if __name__ == "__main__":
    main()
