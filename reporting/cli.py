"""The `yuebao` command: one sub-command per step of the monthly cycle.

Every command ends with a short summary of what it did and where the files are.  Problems in
returned workbooks are findings (exit 0); a broken config, a missing task list or an unwritable
folder stops the command with a one-line Chinese + English message (exit 2).
"""
from __future__ import annotations

import functools
import logging
import re
import sqlite3
import sys
from collections import Counter
import unicodedata
from pathlib import Path
from datetime import date, datetime, timedelta

import click

from . import cycle as steps
from .forms.prefill import carries_into
from .errors import YuebaoError
from .summary.workbook import findings_file_name, summary_file_name
from .models import Light, Severity


def _as_of(ctx, param, value):
    if value is None:
        return None
    try:
        return datetime.strptime(value, "%Y-%m-%d").date()
    except ValueError:
        raise click.BadParameter(f"日期应写成如2022-06-25（date must be YYYY-MM-DD）: {value}")


def _month_default(as_of: date | None) -> str:
    d = as_of or date.today()
    return f"{d.year:04d}-{d.month:02d}"


def handles_errors(fn):
    """A YuebaoError ends the command with one line, Chinese and English, and exit status 2."""
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except YuebaoError as exc:
            click.echo(f"错误：{exc.zh} ({exc.en})", err=True)
            sys.exit(2)
        except (sqlite3.IntegrityError, sqlite3.ProgrammingError):
            raise
        except sqlite3.DatabaseError as exc:  # the ledger failed past the checks made on opening it
            click.echo(f"错误：读写台账时出错（{exc}）。请运行 yuebao ledger check 检查；如已损坏，"
                       f"运行 yuebao ledger restore 从备份恢复 (ledger error: {exc})", err=True)
            sys.exit(2)
    return wrapper


def common(fn):
    """--config and --as-of, and the error handling every command shares."""
    fn = handles_errors(fn)
    fn = click.option("--as-of", callback=_as_of, metavar="YYYY-MM-DD",
                      help="以哪一天为“今天”判断逾期（默认今天） the day taken as today")(fn)
    return click.option("--config", "config_path", default="config.yaml", show_default=True,
                        type=click.Path(dir_okay=False), help="配置文件 config file")(fn)


def _load(config_path, as_of, month):
    """The cycle for config.yaml, and the month asked for (default: the month of --as-of)."""
    return steps.Cycle.load(config_path, as_of), month or _month_default(as_of)


def _hold(c, *months: str, backup: bool = True) -> None:
    """Until the command ends: hold the months (a second command on one waits, then stops) and back
    the ledger up before the first change."""
    click.get_current_context().with_resource(c.writing(*months, backup=backup))


def month_option(fn):
    return click.option("--month", metavar="YYYY-MM", help="报告月份，如2022-06（默认本月） report month")(fn)


def progress_printer(verb: str):
    """One line per file; with hundreds of files, about fifty lines in all (every 2%, and the last)."""
    def show(i: int, n: int, name: str) -> None:
        if i % max(1, n // 50) == 0 or i == n:
            click.echo(f"  [{i}/{n}] {verb} {name}", err=True)
    return show


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
    tasks = sum(len(c.tasks.tasks_of(o)) for o in c.tasks.lead_offices())
    click.echo(f"已生成 {len(result.paths)} 个股室的{month}进展情况表（共{tasks}项任务）：{result.folder}")
    if result.carried:
        click.echo(f"已预填{result.carried.month}报送的内容：{len(result.carried.tasks)}项任务的进展和问题、"
                   f"{len(result.carried.done)}个已完成的节点，请各股室在此基础上更新")
    elif c.config.data["reporting"]["prefill"] and carries_into(c.period(month)):
        click.echo(f"未预填：{c.period(month).previous()}尚未汇总（汇总后重新生成即可预填上月内容）")
    _print_task_list_findings(c)
    if _print_fill_failures(result):
        sys.exit(1)


@main.command()
@common
@month_option
def collect(config_path, as_of, month):
    """从收件箱收取报回的表格，存档并登记台账。"""
    c, month = _load(config_path, as_of, month)
    result = steps.collect_month(c, month, progress_printer("收取"))
    _print_collect(result)


@main.command()
@common
@month_option
def validate(config_path, as_of, month):
    """对照任务清单校验本月收到的表格，写出校验问题。"""
    c, month = _load(config_path, as_of, month)
    result = steps.validate(c, month, progress_printer("校验"))
    _print_offices(result.summary)
    _print_findings(result.summary)
    _print_outputs(result)


@main.command()
@common
@month_option
@click.option("--pdf", is_flag=True, help="同时用LibreOffice生成概览和逾期事项的PDF also write a PDF")
def merge(config_path, as_of, month, pdf):
    """汇总本月进展，写出给科室负责人的汇总表。"""
    c, month = _load(config_path, as_of, month)
    result = steps.merge(c, month, progress_printer("读取"), pdf=pdf)
    _print_result(result)


@main.command()
@common
@month_option
def run(config_path, as_of, month):
    """收取、校验、汇总一次完成。"""
    c, month = _load(config_path, as_of, month)
    _hold(c, month)  # collect and merge as one: no other command on this month in between
    _print_collect(steps.collect_month(c, month, progress_printer("收取")))
    _print_result(steps.merge(c, month, progress_printer("校验")))


@main.command()
@common
def monthly(config_path, as_of):
    """定时任务：本月表格未下发则先生成，再收取、校验、汇总（run_monthly.py 调用）。"""
    c = steps.Cycle.load(config_path, as_of)
    month = _month_default(c.as_of)
    first = c.config.reporting["first_month"]
    if c.as_of.year == c.tasks.year and c.as_of.month < first:
        click.echo(f"{c.tasks.year}年从{first}月起报送，本月（{month}）无需处理。")
        return
    outbox = c.config.folder("outbox", month)
    _hold(c, month)
    if not any(outbox.glob("*.xlsx")):
        filled = steps.fill(c, month)
        click.echo(f"下发：已为 {len(filled.paths)} 个牵头股室生成{month}进展情况表{_carried_note(filled)}：{filled.folder}")
        _print_fill_failures(filled)
    _print_collect(steps.collect_month(c, month))
    _print_result(steps.merge(c, month))


def _print_fill_failures(filled) -> int:
    for path, why in filled.failed:
        click.echo(f"  [未生成] {path.name}：无法写入（{why}）。如该文件正在Excel或WPS中打开，请关闭后重新运行 yuebao fill；"
                   "其他股室的表格已生成", err=True)
    return len(filled.failed)


def _carried_note(filled) -> str:
    return f"（已预填{filled.carried.month}报送的内容）" if filled.carried else ""


@main.command()
@click.option("--out", "out_dir", default="demo-output", show_default=True, type=click.Path(file_okay=False),
              help="演示输出文件夹 output folder")
@click.option("--as-of", callback=_as_of, metavar="YYYY-MM-DD", help="默认为各月报送截止后几天 default: after each deadline")
@handles_errors
def demo(out_dir, as_of):
    """用自带的台山市2022年样例数据完整演示每月的流程。"""
    from . import demo as sample
    config = sample.prepare(out_dir)
    click.echo(f"演示文件夹：{config.parent}（配置：{config.name}）")
    for month in sample.DEMO_MONTHS:
        c = steps.Cycle.load(config, as_of or sample.DEMO_AS_OF[month])
        click.echo(f"\n== {month}（以{c.as_of:%Y-%m-%d}为今天）==")
        with c.writing(month):
            filled = steps.fill(c, month)
            click.echo(f"下发：已为 {len(filled.paths)} 个牵头股室生成进展情况表{_carried_note(filled)}："
                       f"{filled.folder}")
            _print_fill_failures(filled)
            _print_collect(steps.collect_month(c, month))
            _print_result(steps.merge(c, month))
    last = sample.DEMO_MONTHS[-1]
    later = sample.DEMO_AS_OF[last] + timedelta(days=14)
    click.echo(f"\n演示完成。可在 {config.parent} 中继续运行，例如看两周后的逾期情况：\n"
               f"  yuebao merge --config {config} --month {last} --as-of {later:%Y-%m-%d}")


@main.command()
@common
@month_option
@click.option("--dry-run", is_flag=True, help="只显示将发送的提醒，不发送 print, do not send")
def remind(config_path, as_of, month, dry_run):
    """提醒未报送的股室，以及节点即将到期的股室（以--as-of为今天）。"""
    from .notify.plan import REMIND_MILESTONES, REMIND_MISSING, Action
    from .notify.day import run_actions
    c, month = _load(config_path, as_of, month)
    _setup_log(c)
    _hold(c, month, backup=not dry_run)
    actions = [Action(REMIND_MISSING, month), Action(REMIND_MILESTONES, month)]
    report = run_actions(c, actions, c.as_of, dry_run, deliver="these")
    for notice in report.sent if dry_run else ():
        to = ", ".join(notice.to) or "无邮箱"
        click.echo(f"—— 致 {notice.office}（{to}）：{notice.subject}\n{notice.body}\n")
    verb = "将发送" if dry_run else "已发送"
    click.echo(f"提醒：{verb} {len(report.sent)} 条，此前已发过或已计划而跳过 {report.skipped} 条，"
               f"不再需要 {len(report.dropped)} 条（{month}，以{c.as_of:%Y-%m-%d}为今天）"
               + ("" if dry_run else f"；日志：{c.config.resolve(c.config.data['schedule']['log'])}"))
    _exit_if_failed(report, c)


@main.command()
@common
@click.option("--once", is_flag=True, help="只执行--as-of这一天的计划后退出 run one day's plan and exit")
def schedule(config_path, as_of, once):
    """按config.yaml中的计划定时运行（前台运行，供systemd/任务计划程序使用）。"""
    from .notify.scheduler import run_forever, run_once, setup_log
    c = steps.Cycle.load(config_path, as_of)
    setup_log(c.config, console=True)
    if once:
        report = run_once(config_path, c.as_of)
        names = "、".join(_action_names(report.actions)) or "无"
        click.echo(f"{report.day:%Y-%m-%d} 计划：{names}；发送 {len(report.sent)} 条，此前已计划或已发过 "
                   f"{report.skipped} 条，不再需要 {len(report.dropped)} 条，问题 {len(report.problems)} 条")
        for p in report.problems:
            click.echo(f"  ！{p}")
        _exit_if_failed(report, c)
        return
    run_forever(config_path, click.echo)


def _exit_if_failed(report, c) -> None:
    """Exit status 1 when a message could not go out, so systemd or the Task Scheduler sees it."""
    if report.failed:
        click.echo(f"有 {report.failed} 条通知未能发出（邮件服务器故障或邮箱有误），下次运行时重发；"
                   f"详见日志 {c.config.resolve(c.config.data['schedule']['log'])}", err=True)
        sys.exit(1)


def _action_names(actions):
    from .notify.plan import NAMES_ZH
    return [f"{NAMES_ZH[a.kind]}（{a.month}）" for a in actions]


def _setup_log(c) -> None:
    from .notify.scheduler import setup_log
    setup_log(c.config)


@main.command()
@common
@month_option
@click.option("--dry-run", is_flag=True, help="只显示，不记录、不发送 print only")
def escalate(config_path, as_of, month, dry_run):
    """督办：把逾期未报送、节点严重逾期的股室报分管领导（每种情况只督办一次）。"""
    from .notify.plan import ESCALATE, Action
    from .notify.day import run_actions
    c, month = _load(config_path, as_of, month)
    _setup_log(c)
    _hold(c, month, backup=not dry_run)
    report = run_actions(c, [Action(ESCALATE, month)], c.as_of, dry_run, deliver="these")
    for n in report.sent:
        click.echo(f"—— 督办 {n.label} → {', '.join(n.to) or '（未配置分管领导邮箱）'}：{n.subject}")
    where = "" if dry_run else f"；督办函文本在 {c.config.folder('outbox', month) / '提醒'}，记录在台账 {c.config.ledger_path}"
    click.echo(f"督办：{'将' if dry_run else '已'}督办 {len(report.sent)} 项（{month}，"
               f"以{c.as_of:%Y-%m-%d}为今天）{where}")
    _exit_if_failed(report, c)


@main.command("rollup")
@common
@month_option
def rollup_command(config_path, as_of, month):
    """汇总下级单位（如各县区）的汇总表，生成本级汇总。"""
    from .summary.rollup import rollup
    c, month = _load(config_path, as_of, month)
    _hold(c, month)
    result = rollup(c, month)
    units = c.config.data["rollup"]["units"]
    click.echo(f"下级汇总：收到 {len(result.units)} 个单位" + (f"（应报 {len(units)} 个）" if units else "")
               + f"，节点 {len(result.rows)} 行，问题 {len(result.findings)} 条")
    for f in result.findings[:12]:
        click.echo(f"  [{f.severity.value}] {f.office or f.file or '—'}：{f.message}")
    click.echo(f"本级汇总表：{result.path}")


@main.command()
@click.argument("task")
@click.argument("milestone")
@click.argument("new_date", metavar="DATE")
@click.option("--reason", required=True, help="批准延期的理由 why")
@click.option("--config", "config_path", default="config.yaml", show_default=True, type=click.Path(dir_okay=False))
@handles_errors
def extend(task, milestone, new_date, reason, config_path):
    """批准延期：TASK（任务编码或序号）的第MILESTONE个节点改为DATE（如2022-07-31）到期。"""
    c = steps.Cycle.load(config_path)
    t = next((x for x in c.tasks.tasks if task in (x.key, x.no)), None)
    if t is None:
        raise YuebaoError(f"任务清单中没有任务“{task}”", f"no task {task}")
    m = next((x for x in t.milestones if milestone in (str(x.seq), x.key)), None)
    if m is None:
        raise YuebaoError(f"第{t.no}项任务没有第“{milestone}”个节点（共{len(t.milestones)}个）", f"no milestone {milestone}")
    when = _as_of(None, None, new_date)
    original = m.extended_from or m.due
    _hold(c)  # no month held (it changes every month's judgement), but the ledger backed up first
    ledger = c.ledger()
    try:
        ledger.approve_extension(m.key, original.isoformat() if original else "", when.isoformat(), reason)
    finally:
        ledger.close()
    click.echo(f"已批准延期：第{t.no}项任务“{t.name}”第{m.seq}个节点，由{original}延期至{when}（理由：{reason}）。"
               f"已记入台账：{c.config.ledger_path}；重新运行 yuebao merge 即按新日期判断逾期。")


config_option = click.option("--config", "config_path", default="config.yaml", show_default=True,
                             type=click.Path(dir_okay=False), help="配置文件 config file")


@main.group("ledger")
def ledger_group():
    """台账：检查完整性、从备份恢复。"""


@ledger_group.command("check")
@config_option
@handles_errors
def ledger_check(config_path):
    """检查台账是否完好，列出其中的记录数和最近的备份。"""
    from .backup import inspect
    from .config import load_config
    from .ledger import RESTORE_HINT, backup_folder
    report = inspect(load_config(config_path).ledger_path)
    if not report.path.exists() and not report.backups:
        click.echo(f"台账：{report.path} 尚未建立（第一次收取或汇总时自动建立）")
        return
    click.echo(f"台账：{report.path}" + (f"（{report.size / 1024:.0f} KB）" if report.size else ""))
    if report.rows:
        shown = {k: LEDGER_TABLES_ZH.get(k, k) for k in report.rows}
        click.echo("记录：" + "，".join(f"{shown[k]} {n}" for k, n in report.rows.items()))
        click.echo("收到报表的月份：" + ("、".join(report.months) or "无"))
    if report.backups:
        click.echo(f"备份：{len(report.backups)} 个，最近的是 {report.backups[-1].name}"
                   f"（{backup_folder(report.path)}）")
    else:
        click.echo(f"备份：无（{backup_folder(report.path)}；每次写入台账前自动备份）")
    if report.problem:
        hint = RESTORE_HINT if report.backups else "没有备份可以恢复"
        raise YuebaoError(f"台账有问题：{report.problem}。{hint}",
                          f"ledger check failed: {report.problem}")
    click.echo("检查结果：完好（PRAGMA quick_check 通过，是yuebao的台账）")


LEDGER_TABLES_ZH = {"returns": "收到的报表", "findings": "校验问题", "month_state": "汇总节点",
                    "notices": "通知", "extensions": "批准的延期", "escalations": "督办",
                    "schedule_days": "计划运行日", "merges": "汇总次数"}


@ledger_group.command("restore")
@click.argument("backup", required=False, type=click.Path(dir_okay=False))
@config_option
@handles_errors
def ledger_restore(backup, config_path):
    """从备份恢复台账（默认用最近的完好备份）；被替换的台账改名保留在旁边，不删除。"""
    from .backup import restore
    from .config import load_config
    from .monthlock import hold_months, locked_months
    config = load_config(config_path)
    path = config.ledger_path
    with hold_months(path, locked_months(path), 0):  # not while another yuebao works on any month
        used, kept = restore(path, Path(backup) if backup else None)
    click.echo(f"已用备份 {used} 恢复台账：{path}")
    if kept:
        click.echo(f"原来的台账已改名保留：{kept}（未删除）")
    click.echo("备份之后收到的报表，下次收取时会从收件箱重新登记（收件箱从不改动）；"
               "备份之后发出的提醒可能会再发一次。可运行 yuebao ledger check 查看恢复后的台账")


@main.group()
def tasks():
    """任务清单：导入各地格式、检查。"""


@tasks.command("import")
@click.argument("src", type=click.Path(dir_okay=False))
@click.option("--year", type=int,
              help="任务清单所属年份；多年度清单只导入该年 the year (of a multi-year list: the one kept)")
@click.option("--out", "out_path", type=click.Path(dir_okay=False), help="输出文件（默认：原文件名_yuebao.xlsx）")
@click.option("--leads", "leads_path", type=click.Path(dir_okay=False),
              help="牵头股室对照表（序号 | 牵头股室 | 配合股室） lead offices by task number")
@click.option("--config", "config_path", type=click.Path(dir_okay=False),
              help="配置文件，用于股室下拉列表（默认：当前目录的config.yaml，如有） config for the office list")
@handles_errors
def tasks_import(src, year, out_path, leads_path, config_path):
    """把各地的任务清单（xlsx/xls、Word的docx表格、粘贴的文本）转换为yuebao格式。"""
    from .tasks.importers import ProseOnly, blank_task_list, import_task_list
    from .tasks.leads import apply_leads, mark_unassigned, read_leads, unassigned, write_leads_sheet
    from .tasks.doubts import all_doubts
    from .tasks.tasklist import write_task_list
    bureau, known = _bureau_and_offices(config_path)
    out = Path(out_path) if out_path else Path(src).with_name(Path(src).stem + "_yuebao.xlsx")
    try:
        imported = import_task_list(src, year)
    except ProseOnly as prose:
        blank = _unless_there(out.with_name(out.stem + "_待填写.xlsx"))
        template = blank_task_list(prose.year or date.today().year, bureau)
        _write(lambda: write_task_list(template, blank), blank)
        raise YuebaoError(f"{prose.zh}。已生成空白任务清单（含一行示例）：{blank}，请对照方案中的措施逐项手工填写"
                          "任务名称、关键节点（如“一是6月底前……”）和牵头股室，删除示例行，再用 yuebao tasks check 检查",
                          f"{prose.en}; blank task list written to {blank}") from prose
    assigned = []
    if leads_path:
        imported, assigned = apply_leads(imported, read_leads(Path(leads_path)), known, bureau)
    doubts = all_doubts(imported, bureau, assigned)
    todo = unassigned(imported, bureau)
    kept = _keep_aside(out)
    _write(lambda: write_task_list(imported, out), out)
    if todo or known:
        _write(lambda: mark_unassigned(out, todo, known), out)
    _print_task_list(imported, doubts, detail=False)
    click.echo(f"已写出yuebao格式的任务清单：{out}" + (f"（原有的文件已另存为{kept.name}）" if kept else ""))
    if known:
        click.echo(f"“牵头股室”列的下拉列表取自 {config_path or 'config.yaml'} 的 offices（{len(known)}个股室）")
    if todo and leads_path:
        click.echo(f"还有{len(todo)}项任务待指定牵头股室：请在对照表 {leads_path} 中补填后重新导入")
    elif todo:
        sheet = out.with_name(out.stem + "_牵头股室对照表.xlsx")
        if sheet.exists():  # perhaps half filled in: never overwritten
            click.echo(f"对照表 {sheet} 已存在，未覆盖")
        else:
            _write(lambda: write_leads_sheet(todo, sheet, known), sheet)
        click.echo(f"{len(todo)}项任务待指定牵头股室（原牵头单位是局本身或空白）：可在上述清单的“牵头股室”列"
                   f"{'从下拉列表' if known else ''}选择，或填写对照表 {sheet} 后重新导入：\n"
                   f"  yuebao tasks import {src}{f' --year {year}' if year else ''} --out {out} "
                   f"--leads {sheet}")
    click.echo(f"逐项节点和疑点：yuebao tasks check {out}")


@tasks.command("check")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@click.option("--year", type=int, help="任务清单所属年份（默认从标题读取） the list's year")
@click.option("--config", "config_path", default="config.yaml", show_default=True, type=click.Path(dir_okay=False))
@handles_errors
def tasks_check(path, year, config_path):
    """检查任务清单（默认为config.yaml中的task_list，也可以是未转换的各地清单），逐项列出节点、日期和疑点。"""
    from .config import load_config
    from .tasks.importers import import_task_list, in_yuebao_layout
    from .tasks.doubts import all_doubts
    from .tasks.tasklist import read_task_list
    bureau = ""
    if path is None:
        cfg = load_config(config_path)
        bureau = cfg.bureau
        listed = read_task_list(cfg.task_list_path, year or cfg.year)
    elif in_yuebao_layout(Path(path)):
        listed = read_task_list(path, year)
    else:
        listed = import_task_list(path, year)
    doubts = all_doubts(listed, bureau)
    _print_task_list(listed, doubts, detail=True)


def _bureau_and_offices(config_path) -> tuple[str, list[str]]:
    """The bureau's name and offices from config.yaml, if any (a new bureau may have none)."""
    from .config import load_config
    if config_path is None and not Path("config.yaml").is_file():
        return "", []
    cfg = load_config(config_path or "config.yaml")
    return cfg.bureau, list(cfg.data["offices"])


def _keep_aside(path: Path) -> Path | None:
    """An earlier converted list (perhaps with offices chosen in it) is kept under another name."""
    if not path.exists():
        return None
    aside = _timed(path)
    _write(lambda: path.rename(aside), path)
    return aside


def _unless_there(path: Path) -> Path:
    return _timed(path) if path.exists() else path


def _timed(path: Path) -> Path:
    return path.with_name(f"{path.stem}_{datetime.now():%Y%m%d%H%M%S}{path.suffix}")


def _write(action, path: Path):
    try:
        return action()
    except OSError as exc:
        raise YuebaoError(f"无法写入{path}（文件可能正在Excel或WPS中打开，或文件夹不可写），请关闭后重试",
                          f"cannot write {path}: {exc}") from exc


def _print_task_list(listed, doubts: list, detail: bool) -> None:
    from .tasks.doubts import task_ref
    milestones = listed.milestones()
    undated = [m for m in milestones if m.due is None]
    offices = {o for t in listed.tasks for o in t.offices}
    click.echo(f"《{listed.title}》（{listed.year}年）")
    click.echo(f"任务 {len(listed.tasks)} 项，节点 {len(milestones)} 个，已识别日期 {len(milestones) - len(undated)} 个，"
               f"未识别 {len(undated)} 个；牵头股室 {len(listed.lead_offices())} 个，涉及股室/单位 {len(offices)} 个")
    by_task: dict[str, list] = {}
    for f in doubts:
        by_task.setdefault(f.task_key, []).append(f)
    if detail:
        for t in listed.tasks:
            click.echo(f"{task_ref(t.no)} {t.name}（牵头：{t.lead or '未指定'}；节点 {len(t.milestones)} 个）")
            for m in t.milestones:
                text = _RENDERED.sub("", " ".join(m.text.split()))  # the date is in its own column
                click.echo(f"  {m.seq:>2}. {m.due.isoformat() if m.due else '日期不明  '}  "
                           f"{text[:48]}{'…' if len(text) > 48 else ''}")
            for f in by_task.get(t.key, []):
                click.echo(f"  ！[{f.severity.value}] {f.message}")
    else:
        todo = {f.task_key for f in doubts if f.code == "lead_unassigned"}
        width = max([6, *(_width(t.no) + 2 for t in listed.tasks)])
        click.echo(f"{_pad('序号', width)}{_pad('牵头', 14)}{_pad('节点', 6)}任务名称")
        for t in listed.tasks:
            lead = "（待指定）" if t.key in todo else t.lead
            click.echo(f"{_pad(t.no, width)}{_pad(lead, 14)}{_pad(len(t.milestones), 6)}{t.name}")
        for f in doubts:
            if f.code != "lead_unassigned":  # summed up below the table instead of once per task
                click.echo(f"  ！[{f.severity.value}] {f.message}")
    keyed = {t.key for t in listed.tasks}
    for f in doubts if detail else []:
        if f.task_key not in keyed:
            click.echo(f"  ！[{f.severity.value}] {f.where + '：' if f.where else ''}{f.message}")
    counts = Counter(_DOUBT_NAMES.get(f.code, f.code) for f in doubts)
    listed_counts = "，".join(f"{name} {n}" for name, n in counts.most_common())
    click.echo(f"疑点 {len(doubts)} 条" + (f"：{listed_counts}" if doubts else "。"))


_RENDERED = re.compile(r"^[(（]\d+[)）]\s*(?:20\d\d年\d{1,2}月\d{1,2}日前：)?")
_DOUBT_NAMES = {
    "undated_milestone": "日期不明", "lead_unassigned": "待指定牵头股室", "lead_assumed": "未填牵头股室",
    "date_in_office": "单位列中是日期", "numbering_gap": "编号不连续", "duplicate_no": "序号重复",
    "duplicate_task": "任务重复", "example_row": "示例行未删除", "multi_year": "多个年度",
    "no_office": "没有责任股室", "leads_unknown_task": "对照表序号不存在", "lead_not_in_config": "牵头股室不在配置中",
}


# -- printing ---------------------------------------------------------------------------------
def _print_collect(result) -> None:
    click.echo(f"收取：新收到 {len(result.new)} 个文件，已收过 {result.already} 个；存档：{result.archive}")
    for f in result.findings:
        click.echo(f"  ！{f.file}：{f.message}")


def _pad(text, width: int) -> str:
    """Left-align for a terminal, where a Chinese character takes two columns."""
    return f"{text}{' ' * max(0, width - _width(text))}"


def _width(text) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


def _print_offices(summary, limit: int = 25) -> None:
    """Every office when they are few; with a city's hundreds, the counts and those needing attention."""
    offices = summary.offices
    if len(offices) > limit:
        states = Counter(o.state for o in offices)
        click.echo(f"{len(offices)}个股室：" + "，".join(f"{state} {n}" for state, n in states.most_common()))
        offices = [o for o in offices if o.state != "按时报送" or o.errors]
        if not offices:
            return
        click.echo("需要关注的股室" + (f"（前{limit}个，共{len(offices)}个，全部见汇总表“报送情况”）" if len(offices) > limit
                                      else "") + "：")
        offices = offices[:limit]
    click.echo(f"{_pad('牵头股室', 14)}{_pad('报送情况', 10)}{_pad('错误', 6)}{_pad('提醒', 6)}文件")
    for o in offices:
        click.echo(f"{_pad(o.office.name, 14)}{_pad(o.state, 10)}{_pad(o.errors, 6)}{_pad(o.warnings, 6)}{o.file}")


def _print_findings(summary, limit: int = 12) -> None:
    errors = [f for f in summary.findings if f.severity is Severity.ERROR]
    warnings = [f for f in summary.findings if f.severity is Severity.WARNING]
    click.echo(f"发现问题 {len(errors)} 条、提醒 {len(warnings)} 条" + ("，例如：" if summary.findings else "。"))
    for f in (errors + warnings)[:limit]:
        where = f"（{f.where}）" if f.where else ""
        click.echo(f"  [{f.severity.value}] {f.office or '—'}{where}：{f.message}")
    if len(summary.findings) > limit:
        click.echo(f"  ……其余 {len(summary.findings) - limit} 条见“校验问题”表")


def _print_result(result) -> None:
    s = result.summary
    counts = s.counts
    _print_offices(s)
    _print_findings(s)
    click.echo(f"节点：已完成 {counts[Light.DONE]}，逾期 {counts[Light.OVERDUE]}，临期 {counts[Light.DUE_SOON]}，"
               f"未到期 {counts[Light.NOT_DUE]}" + (f"，日期不明 {counts[Light.UNDATED]}" if counts[Light.UNDATED] else ""))
    if result.summary.has_previous:
        kinds = Counter(ch.kind for ch in result.summary.changes)
        click.echo("与上月相比：" + ("，".join(f"{k} {n}" for k, n in kinds.items()) or "无变化"))
    if result.summary_path:
        click.echo(f"汇总表：{result.summary_path}" + _saved_as(result.summary_path, summary_file_name(s.period.label)))
    if getattr(result, "pdf_path", None):
        click.echo(f"PDF：{result.pdf_path}")
    _print_outputs(result)


def _saved_as(path, wanted: str) -> str:
    """Said when a workbook went under another name because the last one is open in Excel."""
    return f"（{wanted}正在Excel或WPS中打开，无法覆盖，已另存为此文件；关闭后再运行即恢复原名）" if path.name != wanted else ""


def _print_outputs(result) -> None:
    click.echo(f"校验问题：{result.findings_path}"
               + _saved_as(result.findings_path, findings_file_name(result.summary.period.label)))
    if result.feedback:
        click.echo(f"反馈意见：{result.feedback[0].parent}（{len(result.feedback)}个股室，可直接发给各股室）")


def _print_task_list_findings(c) -> None:
    for f in c.tasks.findings:
        click.echo(f"  [{f.severity.value}] 任务清单 {f.where}：{f.message}")


if __name__ == "__main__":
    main()
