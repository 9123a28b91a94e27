"""The `yuebao` command: one sub-command per step of the monthly cycle.

Every command ends with a short summary of what it did and where the files are.  Problems in
returned workbooks are findings (exit 0); a broken config, a missing task list or an unwritable
folder stops the command with one Chinese line (exit 2; commands/stopping.py).  Each command
calls one library function and prints through reporting.console (which also reads dates and
months).
Each command imports its rooms when it runs: `yuebao --help` and the menu load only click and
the commands' modules, so every call (月报.bat's choices, the daily task) starts at once.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

import click

from . import console
from .commands.check import check
from .commands.extend import extend
from .commands.fetch import fetch
from .commands.init import init
from .commands.ledger import ledger_group
from .commands.menu import menu
from .commands.options import as_of_option, config_option, month_option
from .commands.serve import serve
from .commands.stopping import Yuebao
from .commands.tasks import tasks
from .commands.zh import VERSION_MESSAGE, VERSION_TEXT
from .console import echo, progress_printer

if TYPE_CHECKING:  # names for the signatures only: each command imports its rooms when it runs
    from pathlib import Path

    from .context import Cycle
    from .jobs.day import DayReport

CLERK_LOG_FORMAT, CLERK_LOG_TIME = "%(asctime)s %(message)s", "%m-%d %H:%M"


def month_command(fn: Callable[..., None]) -> click.Command:
    """A command on one month: --config, --as-of and --month; `fn` is given the cycle for
    config.yaml and the month asked for (default: the month of --as-of)."""

    @functools.wraps(fn)
    def command(config_path: str, as_of: date | None, month: str | None, **options: object) -> None:
        from .context import Cycle

        c = Cycle.load(config_path, as_of)
        return fn(c, month or f"{c.as_of:%Y-%m}", **options)

    return main.command()(config_option(as_of_option(month_option(command))))


def _exit_if_unsent(report: DayReport, log: Path) -> None:
    if console.print_unsent(report, log):
        sys.exit(1)  # so systemd or the Task Scheduler sees it


@click.group(cls=Yuebao, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-v", "--verbose", is_flag=True, help="详细日志 verbose log")
@click.version_option(package_name="yuebao", message=VERSION_MESSAGE, help=VERSION_TEXT)
def main(verbose: bool) -> None:
    """月报 yuebao：重点工作月度进展的下发、收取、校验、汇总。"""
    import logging

    console.never_crash_on_output()
    logging.basicConfig(  # a clerk reads a time and a Chinese line; -v adds who said it
        level=logging.INFO if verbose else logging.WARNING,
        format="%(asctime)s %(levelname)s %(name)s: %(message)s" if verbose else CLERK_LOG_FORMAT,
        datefmt=None if verbose else CLERK_LOG_TIME,
    )


@month_command
def fill(c: Cycle, month: str) -> None:
    """为每个牵头股室生成本月预填的进展情况表。"""
    from . import cycle as steps

    result = steps.fill(c, month, progress_printer("生成"))
    console.print_fill(c, month, result)
    if console.print_fill_failures(result):
        sys.exit(1)


@month_command
def collect(c: Cycle, month: str) -> None:
    """从收件箱收取报回的表格，存档并登记台账。"""
    from . import cycle as steps

    console.print_collect(steps.collect_month(c, month, progress_printer("收取")))


@month_command
def validate(c: Cycle, month: str) -> None:
    """对照任务清单校验本月收到的表格，写出校验问题。"""
    from . import cycle as steps

    console.print_validated(steps.validate(c, month, progress_printer("校验")))


@month_command
@click.option(
    "--pdf", is_flag=True, help="同时用LibreOffice生成概览和逾期事项的PDF also write a PDF"
)
def merge(c: Cycle, month: str, pdf: bool) -> None:
    """汇总本月进展，写出给科室负责人的汇总表。"""
    from . import cycle as steps

    console.print_result(steps.merge(c, month, progress_printer("读取"), pdf=pdf))


@month_command
def run(c: Cycle, month: str) -> None:
    """收取、校验、汇总一次完成。"""
    from . import cycle as steps

    with c.writing(month):  # collect and merge as one: no other command on this month in between
        console.print_collect(steps.collect_month(c, month, progress_printer("收取")))
        console.print_result(steps.merge(c, month, progress_printer("校验")))


@main.command()
@config_option
@as_of_option
def monthly(config_path: str, as_of: date | None) -> None:
    """定时任务：本月表格未下发则先生成，再收取、校验、汇总（run_monthly.py 调用）。"""
    from .context import Cycle
    from .monthly import monthly as run_monthly

    c = Cycle.load(config_path, as_of)
    console.print_monthly(c, run_monthly(c))


@main.command()
@click.option(
    "--out",
    "out_dir",
    default="demo-output",
    show_default=True,
    type=click.Path(file_okay=False),
    help="演示输出文件夹 output folder",
)
@click.option(
    "--as-of", type=console.Day(), help="默认为各月报送截止后几天 default: after each deadline"
)
@click.option("--mail", "mail_url", help="报表以邮件寄到此邮箱再收取 imaps://USER@HOST:PORT")
@click.option("--mail-ca-file", default="", help="邮箱服务器的证书（自签名时）server certificate")
def demo(out_dir: str, as_of: date | None, mail_url: str | None, mail_ca_file: str) -> None:
    """用自带的台山市2022年样例数据完整演示每月的流程。"""
    from . import demo as sample

    mail = sample.mail_settings(mail_url, mail_ca_file) if mail_url else None
    config = sample.prepare(out_dir, mail)
    echo(f"演示文件夹：{config.parent}（配置：{config.name}）")
    for c, done in sample.run(config, as_of, by_mail=bool(mail)):
        echo(f"\n== {done.month}（以{c.as_of:%Y-%m-%d}为今天）==")
        console.print_month_run(done)
    console.print_demo_end(config, sample.DEMO_MONTHS[-1], sample.LATER)


@month_command
@click.option("--dry-run", is_flag=True, help="只显示将发送的提醒，不发送 print, do not send")
def remind(c: Cycle, month: str, dry_run: bool) -> None:
    """提醒未报送的股室，以及节点即将到期的股室（以--as-of为今天）。"""
    from .jobs import on_demand

    report, log = on_demand.remind(c, month, dry_run)
    console.print_reminders(report, c, month, dry_run, log)
    _exit_if_unsent(report, log)


@main.command()
@config_option
@as_of_option
@click.option(
    "--once", is_flag=True, help="只执行--as-of这一天的计划后退出 run one day's plan and exit"
)
def schedule(config_path: str, as_of: date | None, once: bool) -> None:
    """按config.yaml中的计划定时运行（前台运行，供systemd/任务计划程序使用）。"""
    from .context import Cycle
    from .jobs.scheduler import run_forever, run_once, setup_log

    c = Cycle.load(config_path, as_of)
    log = setup_log(c.config, console=True)
    if not once:
        return run_forever(config_path, echo)
    report = run_once(config_path, c.as_of)
    console.print_day(report)
    _exit_if_unsent(report, log)


@month_command
@click.option("--dry-run", is_flag=True, help="只显示，不记录、不发送 print only")
def escalate(c: Cycle, month: str, dry_run: bool) -> None:
    """督办：把逾期未报送、节点严重逾期的股室报分管领导（每种情况只督办一次）。"""
    from .jobs import on_demand

    report, log = on_demand.escalate(c, month, dry_run)
    console.print_escalations(report, c, month, dry_run)
    _exit_if_unsent(report, log)


@month_command
def rollup(c: Cycle, month: str) -> None:
    """汇总下级单位（如各县区）的汇总表，生成本级汇总。"""
    from .summary.rollup import rollup as roll_up

    with c.writing(month):
        console.print_rollup(roll_up(c, month), list(c.config.rollup.units))


main.add_command(check)
main.add_command(extend)
main.add_command(fetch)
main.add_command(init)
main.add_command(menu)
main.add_command(ledger_group)
main.add_command(serve)
main.add_command(tasks)


if __name__ == "__main__":
    main()
