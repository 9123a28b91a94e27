"""The terminal side of the `yuebao` command: dates and months as typed, and every summary line,
table and hint it prints.

Each print function takes what a library step returned and echoes it; none of them decides anything.
Progress goes to stderr, so the summaries on stdout stay readable when redirected.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections import Counter
from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING

import click

from .errors import YuebaoError

if TYPE_CHECKING:  # names for the signatures only: each print function imports what it runs
    from pathlib import Path

    from .backup import LedgerReport
    from .context import Cycle
    from .cycle import CheckResult
    from .forms.fill import FillResult
    from .intake.collect import CollectResult
    from .intake.mailbox import FetchResult
    from .jobs.day import DayReport
    from .jobs.replies import Replies
    from .models import Finding, Milestone, Task, TaskList
    from .monthly import MonthRun
    from .summary.month import MonthSummary
    from .summary.rollup import RollupResult
    from .tasks.convert import Converted
    from .web.store import Link

# Only click and the standard library at import: `yuebao --help` and the menu's first screen load
# this module, so each print function imports the rooms it names when it runs.

echo = click.echo


class Day(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(
        self, value: str | date, param: click.Parameter | None, ctx: click.Context | None
    ) -> date:
        from .tasks.dates import read_date  # 2026-12-07, 2026/12/07, 2026.12.7, 2026年12月7日

        if isinstance(value, date):
            return value
        if found := read_date(value):
            return found
        # one line and exit 2 (the group prints it), not click's usage text
        raise YuebaoError(
            f"{_named(param)}日期“{value}”应写成如2022-06-25（也可写2022/6/25）",
            f"{param.human_readable_name if param else 'date'} must be YYYY-MM-DD: {value}",
        )


def _named(param: click.Parameter | None) -> str:
    """“--as-of的” / “DATE的”: which value on the command line was wrong."""
    if param is None:
        return ""
    if isinstance(param, click.Option):
        return f"{param.opts[0]}的"
    return f"{param.metavar or param.name.upper()}的"


class Month(click.ParamType):
    """A report month, checked here and passed on as YYYY-MM (however it was typed)."""

    name = "YYYY-MM"

    def convert(self, value: str, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from .period import parse_month

        try:
            year, month = parse_month(value)
        except YuebaoError as exc:
            self.fail(exc.zh, param, ctx)  # said in Chinese by commands.zh
        return f"{year:04d}-{month:02d}"  # 2022-6 is 2022-06: one month, one folder


def never_crash_on_output() -> None:
    """A console that cannot show a character (a GBK console and an emoji in a file name) shows
    '?' instead: the work is done by then, and printing about it must not fail it."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")  # type: ignore[union-attr]  # a TextIOWrapper
        except (AttributeError, ValueError, OSError):
            pass  # no stream (pythonw), or not a text stream to reconfigure


def progress_printer(verb: str) -> Callable[[int, int, str], None]:
    """One line per file; with hundreds of files, about fifty lines in all (every 2%, and the
    last)."""

    def show(i: int, n: int, name: str) -> None:
        if i % max(1, n // 50) == 0 or i == n:
            echo(f"  [{i}/{n}] {verb} {name}", err=True)

    return show


def pad(text: object, width: int) -> str:
    """Left-align for a terminal, where a Chinese character takes two columns."""
    return f"{text}{' ' * max(0, width - text_width(text))}"


def text_width(text: object) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))


# -- the month's steps ----------------------------------------------------------------------------
def print_fill(c: Cycle, month: str, result: FillResult) -> None:
    from .forms.prefill import carries_into

    period = c.period(month)
    tasks = sum(len(c.tasks.tasks_of(o)) for o in c.tasks.lead_offices())
    echo(
        f"已生成 {len(result.paths)} 个股室的{month}进展情况表（共{tasks}项任务）：{result.folder}"
    )
    if result.carried:
        echo(
            f"已预填{result.carried.month}报送的内容：{len(result.carried.tasks)}项任务的进展和问题、"
            f"{len(result.carried.done)}个已完成的节点，请各股室在此基础上更新"
        )
    elif c.config.reporting.prefill and carries_into(period):
        from .forms.prefill import nothing_before

        with c.ledger() as ledger:  # a first month: nothing could be pre-filled, say nothing
            first = nothing_before(ledger, period)
        if not first:
            echo(f"未预填：{period.previous()}尚未汇总（汇总后重新生成即可预填上月内容）")
    print_task_list_findings(c)


def print_sent_forms(filled: FillResult, month: str = "") -> None:
    """The forms filled as part of a longer run (monthly, demo)."""
    echo(
        f"下发：已为 {len(filled.paths)} 个牵头股室生成{month}进展情况表{carried_note(filled)}："
        f"{filled.folder}"
    )
    print_fill_failures(filled)


def print_fill_failures(filled: FillResult) -> int:
    for path, why in filled.failed:
        echo(
            f"  [未生成] {path.name}：无法写入（{why}）；其他股室的表格已生成",
            err=True,
        )
    return len(filled.failed)


def carried_note(filled: FillResult) -> str:
    return f"（已预填{filled.carried.month}报送的内容）" if filled.carried else ""


def print_collect(result: CollectResult) -> None:
    echo(
        f"收取：新收到 {len(result.new)} 个文件，已收过 {result.already} 个；存档：{result.archive}"
    )
    for f in result.findings:
        echo(f"  ！{f.file}：{f.message}")


def print_fetch(result: FetchResult, month: str, limit: int = 30, collects: bool = True) -> None:
    """`yuebao fetch`: each new mail (who, what it carried, where it went), then each collect."""
    echo(
        f"邮箱“{result.folder}”：新邮件 {len(result.mails)} 封，此前已收取 {result.already} 封"
        + (f"；已移入“{result.moved_to}”" if result.moved_to else "")
    )
    for m in result.mails[:limit]:
        who = m.office or f"{m.sender or '（无发件人）'}（不是股室的邮箱）"
        auto = "（自动回复/退信）" if m.auto else ""
        echo(f"  {m.received:%m-%d %H:%M} {who}{auto}「{m.subject}」→ {m.month}")
        for f in m.files:
            echo(f"      收取 {f}")
        for p in m.problems:
            echo(f"      ！{p}")
    if len(result.mails) > limit:
        echo(f"  … 另有 {len(result.mails) - limit} 封，见日志")
    for collected_month, collected in result.collected.items() if collects else ():
        echo(f"{collected_month} ", nl=False)
        print_collect(collected)
    if month not in result.months and result.mails:
        echo(f"（{month}没有新收到的报表）")


def print_replies(replies: Replies) -> None:
    if replies.sent or replies.failed:
        echo(f"回复：已把校验结果回复 {len(replies.sent)} 位发件人（每份文件只回复一次）")
    for why in replies.failed:
        echo(f"  ！{why}", err=True)


def print_offices(summary: MonthSummary, limit: int = 25) -> None:
    """Every office when they are few; with a city's hundreds, the counts and those needing
    attention."""
    from .models import OfficeState

    offices = summary.offices
    if len(offices) > limit:
        states = Counter(o.state for o in offices)
        echo(
            f"{len(offices)}个股室："
            + "，".join(f"{state} {n}" for state, n in states.most_common())
        )
        offices = [o for o in offices if o.state != OfficeState.ON_TIME or o.errors]
        if not offices:
            return
        more = f"（前{limit}个，共{len(offices)}个，全部见汇总表“报送情况”）"
        echo("需要关注的股室" + (more if len(offices) > limit else "") + "：")
        offices = offices[:limit]
    echo(f"{pad('牵头股室', 14)}{pad('报送情况', 10)}{pad('错误', 6)}{pad('提醒', 6)}文件")
    for o in offices:
        echo(
            f"{pad(o.office.name, 14)}{pad(o.state, 10)}{pad(o.errors, 6)}{pad(o.warnings, 6)}"
            f"{o.file}"
        )


def print_findings(summary: MonthSummary, limit: int = 12) -> None:
    from .models import Severity

    errors = [f for f in summary.findings if f.severity is Severity.ERROR]
    warnings = [f for f in summary.findings if f.severity is Severity.WARNING]
    echo(
        f"发现问题 {len(errors)} 条、提醒 {len(warnings)} 条"
        + ("，例如：" if summary.findings else "。")
    )
    for f in (errors + warnings)[:limit]:
        where = f"（{f.where}）" if f.where else ""
        echo(f"  [{f.severity.value}] {f.office or '—'}{where}：{f.message}")
    if len(summary.findings) > limit:
        echo(f"  ……其余 {len(summary.findings) - limit} 条见“校验问题”表")


def print_validated(result: CheckResult) -> None:
    print_offices(result.summary)
    print_findings(result.summary)
    print_outputs(result)


def print_result(result: CheckResult) -> None:
    from .models import Light
    from .summary.workbook import summary_file_name

    s = result.summary
    counts = s.counts
    print_offices(s)
    print_findings(s)
    echo(
        f"节点：已完成 {counts[Light.DONE]}，逾期 {counts[Light.OVERDUE]}，"
        f"临期 {counts[Light.DUE_SOON]}，"
        f"未到期 {counts[Light.NOT_DUE]}"
        + (f"，日期不明 {counts[Light.UNDATED]}" if counts[Light.UNDATED] else "")
    )
    if result.summary.has_previous:
        kinds = Counter(ch.kind for ch in result.summary.changes)
        echo("与上月相比：" + ("，".join(f"{k} {n}" for k, n in kinds.items()) or "无变化"))
    if result.summary_path:
        wanted = summary_file_name(s.period.label, s.unit)
        echo(f"汇总表：{result.summary_path}" + saved_as(result.summary_path, wanted))
    if getattr(result, "pdf_path", None):
        echo(f"PDF：{result.pdf_path}")
    print_outputs(result)


def saved_as(path: Path, wanted: str) -> str:
    """Said when a workbook went under another name because the last one is open in Excel."""
    if path.name == wanted:
        return ""
    return f"（{wanted}正在Excel或WPS中打开，无法覆盖，已另存为此文件；关闭后再运行即恢复原名）"


def print_outputs(result: CheckResult) -> None:
    from .summary.workbook import findings_file_name

    echo(
        f"校验问题：{result.findings_path}"
        + saved_as(result.findings_path, findings_file_name(result.summary.period.label))
    )
    if result.feedback:
        echo(
            f"反馈意见：{result.feedback[0].parent}（{len(result.feedback)}个股室，可直接发给各股室）"
        )


def print_task_list_findings(c: Cycle) -> None:
    for f in c.tasks.findings:
        echo(f"  [{f.severity.value}] 任务清单 {f.where}：{f.message}")


def print_rollup(result: RollupResult, units: list[str]) -> None:
    echo(
        f"下级汇总：收到 {len(result.units)} 个单位"
        + (f"（应报 {len(units)} 个）" if units else "")
        + f"，节点 {len(result.rows)} 行，问题 {len(result.findings)} 条"
        + (f"（判定截至{result.as_of:%Y-%m-%d}）" if result.as_of else "")
    )
    for f in result.findings[:12]:
        echo(f"  [{f.severity.value}] {f.office or f.file or '—'}：{f.message}")
    echo(f"本级汇总表：{result.path}")


# -- the schedule ---------------------------------------------------------------------------------
def print_reminders(report: DayReport, c: Cycle, month: str, dry_run: bool, log: Path) -> None:
    for notice in report.sent if dry_run else ():
        to = ", ".join(notice.to) or "无邮箱"
        echo(f"—— 致 {notice.office}（{to}）：{notice.subject}\n{notice.body}\n")
    written = len(report.written) + (len(report.sent) if dry_run and not c.config.smtp.host else 0)
    mailed = len(report.sent) - written
    done = [f"{'将发送' if dry_run else '已发送'} {mailed} 条"] if mailed or not written else []
    echo(
        "提醒："
        + "，".join(done + [f"此前已发过或已计划而跳过 {report.skipped} 条"])
        + f"，不再需要 {len(report.dropped)} 条（{month}，以{c.as_of:%Y-%m-%d}为今天）"
        + ("" if dry_run else f"；日志：{log}")
    )
    if written:
        echo(_written_line(c, month, written, "条提醒", dry_run))


def _written_line(c: Cycle, month: str, count: int, what: str, dry_run: bool) -> str:
    """Without a mail server nothing is sent: say so, and where the texts are (or why none)."""
    folder = c.config.folder("outbox", month) / "提醒"
    if not c.config.schedule.reminder_files:
        return (
            f"未配置邮件服务器：{count} {what}未发送，也未写成文本（schedule.reminder_files 为"
            " false）；请在 config.yaml 的 smtp 中配置邮件服务器"
        )
    verb = "将写成文本" if dry_run else "已写成文本"
    return f"未配置邮件服务器：{count} {what}{verb}，未发送：{folder}"


def print_escalations(report: DayReport, c: Cycle, month: str, dry_run: bool) -> None:
    for n in report.sent:
        echo(f"—— 督办 {n.label} → {', '.join(n.to) or '（未配置分管领导邮箱）'}：{n.subject}")
    where = (
        ""
        if dry_run
        else (
            f"；督办函文本在 {c.config.folder('outbox', month) / '提醒'}，"
            f"记录在台账 {c.config.ledger_path}"
        )
    )
    written = len(report.written) + (len(report.sent) if dry_run and not c.config.smtp.host else 0)
    if written:  # no mail server: the letters are texts to hand on, nothing was sent
        echo(
            f"督办：应督办 {len(report.sent)} 项（{month}，以{c.as_of:%Y-%m-%d}为今天）；"
            f"记录在台账 {c.config.ledger_path}"
        )
        echo(_written_line(c, month, written, "份督办函", dry_run))
        return
    echo(
        f"督办：{'将' if dry_run else '已'}督办 {len(report.sent)} 项（{month}，"
        f"以{c.as_of:%Y-%m-%d}为今天）{where}"
    )


def print_day(report: DayReport) -> None:
    from .notify.plan import NAMES_ZH

    names = "、".join(f"{NAMES_ZH[a.kind]}（{a.month}）" for a in report.actions) or "无"
    written = len(report.written)  # no mail server: written as texts only
    sent = f"发送 {len(report.sent) - written} 条" + (
        f"，写成文本未发送 {written} 条" if written else ""
    )
    echo(
        f"{report.day:%Y-%m-%d} 计划：{names}；{sent}，此前已计划或已发过 "
        f"{report.skipped} 条，不再需要 {len(report.dropped)} 条，问题 {len(report.problems)} 条"
    )
    for p in report.problems:
        echo(f"  ！{p}")


def print_unsent(report: DayReport, log: Path) -> bool:
    """True when a message could not go out (the command then exits 1)."""
    if report.failed:
        echo(
            f"有 {report.failed} 条通知未能发出（邮件服务器故障或邮箱有误），下次运行时重发；"
            f"详见日志 {log}",
            err=True,
        )
    return bool(report.failed)


# -- the ledger -----------------------------------------------------------------------------------
LEDGER_TABLES_ZH = {
    "returns": "收到的报表",
    "findings": "校验问题",
    "month_state": "汇总节点",
    "notices": "通知",
    "extensions": "批准的延期",
    "escalations": "督办",
    "schedule_days": "计划运行日",
    "merges": "汇总次数",
    "mails": "收取的邮件",
    "month_lists": "各月的任务清单",
}


def print_ledger(report: LedgerReport) -> None:
    """`yuebao ledger check`; a ledger with a problem is then stopped on by the command."""
    from .ledger import backup_folder

    if report.not_yet:
        echo(f"台账：{report.path} 尚未建立（第一次收取或汇总时自动建立）")
        return
    folder = backup_folder(report.path)
    echo(f"台账：{report.path}" + (f"（{report.size / 1024:.0f} KB）" if report.size else ""))
    if report.rows:
        shown = {k: LEDGER_TABLES_ZH.get(k, k) for k in report.rows}
        echo("记录：" + "，".join(f"{shown[k]} {n}" for k, n in report.rows.items()))
        echo("收到报表的月份：" + ("、".join(report.months) or "无"))
    if report.backups:
        echo(f"备份：{len(report.backups)} 个，最近的是 {report.backups[-1].name}（{folder}）")
    else:
        echo(f"备份：无（{folder}；每次写入台账前自动备份）")
    if not report.problem:
        echo("检查结果：完好（数据库逐页检查通过，是yuebao的台账）")


def print_restored(used: Path, kept: Path | None, path: Path) -> None:
    echo(f"已用备份 {used} 恢复台账：{path}")
    if kept:
        echo(f"原来的台账已改名保留：{kept}（未删除）")
    echo(
        "备份之后收到的报表，下次收取时会从收件箱重新登记（收件箱从不改动）；"
        "备份之后发出的提醒可能会再发一次。可运行 yuebao ledger check 查看恢复后的台账"
    )


# -- the task list --------------------------------------------------------------------------------
_RENDERED = re.compile(r"^[(（]\d+[)）]\s*(?:20\d\d年\d{1,2}月\d{1,2}日前：)?")
_DOUBT_NAMES = {
    "undated_milestone": "日期不明",
    "lead_unassigned": "待指定牵头股室",
    "lead_assumed": "未填牵头股室",
    "date_in_office": "单位列中是日期",
    "numbering_gap": "编号不连续",
    "duplicate_no": "序号重复",
    "duplicate_task": "任务重复",
    "example_row": "示例行未删除",
    "multi_year": "多个年度",
    "no_office": "没有责任股室",
    "leads_unknown_task": "对照表序号不存在",
    "lead_not_in_config": "牵头股室不在配置中",
}


def print_task_list(listed: TaskList, doubts: list[Finding], detail: bool) -> None:
    from .tasks.doubts import office_counts, task_ref

    milestones = listed.milestones()
    undated = [m for m in milestones if m.due is None]
    leads, offices = office_counts(listed, doubts)  # 待指定 leads are no lead office yet
    echo(f"《{listed.title}》（{listed.year}年）")
    echo(
        f"任务 {len(listed.tasks)} 项，节点 {len(milestones)} 个，"
        f"已识别日期 {len(milestones) - len(undated)} 个，未识别 {len(undated)} 个；"
        f"牵头股室 {leads} 个，涉及股室/单位 {offices} 个"
    )
    by_task: dict[str, list[Finding]] = {}
    for f in doubts:
        by_task.setdefault(f.task_key, []).append(f)
    if detail:
        for t in listed.tasks:
            echo(
                f"{task_ref(t.no)} {t.name}"
                f"（牵头：{t.lead or '未指定'}；节点 {len(t.milestones)} 个）"
            )
            for m in t.milestones:
                text = _RENDERED.sub("", " ".join(m.text.split()))  # the date is in its own column
                echo(
                    f"  {m.seq:>2}. {m.due.isoformat() if m.due else '日期不明  '}  "
                    f"{text[:48]}{'…' if len(text) > 48 else ''}"
                )
            for f in by_task.get(t.key, []):
                echo(f"  ！[{f.severity.value}] {f.message}")
    else:
        todo = {f.task_key for f in doubts if f.code == "lead_unassigned"}
        width = max([6, *(text_width(t.no) + 2 for t in listed.tasks)])
        echo(f"{pad('序号', width)}{pad('牵头', 14)}{pad('节点', 6)}任务名称")
        for t in listed.tasks:
            lead = "（待指定）" if t.key in todo else t.lead
            echo(f"{pad(t.no, width)}{pad(lead, 14)}{pad(len(t.milestones), 6)}{t.name}")
        for f in doubts:
            if f.code != "lead_unassigned":  # summed up below the table instead of once per task
                echo(f"  ！[{f.severity.value}] {f.message}")
    keyed = {t.key for t in listed.tasks}
    for f in doubts if detail else []:
        if f.task_key not in keyed:
            echo(f"  ！[{f.severity.value}] {f.where + '：' if f.where else ''}{f.message}")
    counts = Counter(_DOUBT_NAMES.get(f.code, f.code) for f in doubts)
    listed_counts = "，".join(f"{name} {n}" for name, n in counts.most_common())
    echo(f"疑点 {len(doubts)} 条" + (f"：{listed_counts}" if doubts else "。"))


def print_import(done: Converted, src: str, year: int | None, config_path: str | None) -> None:
    """`yuebao tasks import`: the converted list, and what is left to do by hand."""
    print_task_list(done.listed, done.doubts, detail=False)
    kept = f"（原有的文件已另存为{done.kept.name}）" if done.kept else ""
    echo(f"已写出yuebao格式的任务清单：{done.out}" + kept)
    if done.known:
        echo(
            f"“牵头股室”列的下拉列表取自 {config_path or 'config.yaml'} 的 offices"
            f"（{len(done.known)}个股室）"
        )
    if done.todo and done.leads_path:
        echo(
            f"还有{len(done.todo)}项任务待指定牵头股室："
            f"请在对照表 {done.leads_path} 中补填后重新导入"
        )
    elif done.todo:
        if done.sheet_existed:
            echo(f"对照表 {done.sheet} 已存在，未覆盖")
        echo(
            f"{len(done.todo)}项任务待指定牵头股室（原牵头单位是局本身或空白）：可在上述清单的“牵头股室”列"
            f"{'从下拉列表' if done.known else ''}选择，或填写对照表 {done.sheet} 后重新导入：\n"
            f"  yuebao tasks import {src}{f' --year {year}' if year else ''} --out {done.out} "
            f"--leads {done.sheet}"
        )
    echo(f"逐项节点和疑点：yuebao tasks check {done.out}")


def print_monthly(c: Cycle, done: MonthRun | None) -> None:
    """`yuebao monthly`: the month's run, or None before the first reporting month."""
    if done is None:
        echo(
            f"{c.tasks.year}年从{c.config.reporting.first_month}月起报送，"
            f"本月（{c.as_of:%Y-%m}）无需处理。"
        )
    else:
        print_month_run(done, with_month=True)


def print_month_run(done: MonthRun, with_month: bool = False) -> None:
    """A whole month in one go (monthly, demo): forms sent, returns collected, the summary."""
    if done.filled is not None:
        print_sent_forms(done.filled, done.month if with_month else "")
    if done.fetched is not None:
        print_fetch(done.fetched, done.month, limit=12, collects=False)
    print_collect(done.collected)
    print_result(done.merged)


def print_demo_end(config: Path, month: str, later: date) -> None:
    echo(
        f"\n演示完成。可在 {config.parent} 中继续运行，例如看两周后的逾期情况：\n"
        f"  yuebao merge --config {config} --month {month} --as-of {later:%Y-%m-%d}"
    )


def print_extension(
    t: Task,
    m: Milestone,
    original: date | None,
    new_date: date,
    reason: str,
    ledger_path: Path,
) -> None:
    echo(
        f"已批准延期：第{t.no}项任务“{t.name}”第{m.seq}个节点，由{original}延期至{new_date}"
        f"（理由：{reason}）。已记入台账：{ledger_path}；重新运行 yuebao merge 即按新日期判断逾期。"
    )


# -- the intranet page (yuebao serve) ----------------------------------------------------------
def print_links(url: str, links: list[Link], state_path: Path, renewed: bool = False) -> None:
    """Each link; one withdrawn (`--revoke-link`) and not made anew is listed as 已作废."""
    for link in links:
        name = "领导" if link.role == "chiefs" else link.office
        if getattr(link, "revoked", False):
            echo(f"{name}：已作废（重新生成：yuebao serve --new-link {name}）")
        elif link.role == "chiefs":
            echo(f"领导（只读）：{url}/c/{link.token}")
        else:
            echo(f"{link.office}：{url}/o/{link.token}")
    withdrawn = sum(bool(getattr(link, "revoked", False)) for link in links)
    what = (
        "新链接已生成，旧链接已作废"
        if renewed
        else f"共{len(links) - withdrawn}个链接" + (f"，{withdrawn}个已作废" if withdrawn else "")
    )
    echo(
        f"{what}（保存在 {state_path}）。链接即凭证，请只发给本人；"
        "作废并重发：yuebao serve --new-link 股室名"
    )


def print_password_set(state_path: Path) -> None:
    echo(f"局办公室登录密码已设置（只保存加密后的摘要）：{state_path}")


def print_serving(url: str, host: str, port: int, has_password: bool, state_path: Path) -> None:
    echo(f"网页已启动：{url}/ （监听 {host}:{port}，按 Ctrl+C 停止）")
    echo(f"局办公室：{url}/login；各股室和领导的链接：yuebao serve --links；记录：{state_path}")
    if not has_password:
        echo("注意：尚未设置局办公室密码，请先运行 yuebao serve --set-password", err=True)
    if host in ("127.0.0.1", "localhost"):
        echo("只有本机可以打开；要让局内其他电脑访问，请用 --host 0.0.0.0 启动")
