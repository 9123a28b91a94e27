"""What the month's steps print: the forms filled, returns collected and fetched, each office's
state, the findings, the files written, the roll-up."""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING

from .terminal import echo, pad

if TYPE_CHECKING:  # names for the signatures only: each print function imports what it runs
    from pathlib import Path

    from ..context import Cycle
    from ..cycle import CheckResult
    from ..forms.fill import FillResult
    from ..intake.collect import CollectResult
    from ..intake.mailbox import FetchResult
    from ..jobs.replies import Replies
    from ..summary.month import MonthSummary
    from ..summary.rollup import RollupResult


def print_fill(c: Cycle, month: str, result: FillResult) -> None:
    from ..forms.prefill import carries_into

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
        from ..forms.prefill import nothing_before

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
    from ..models import OfficeState

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
    from ..models import Severity

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
    from ..models import Light
    from ..summary.workbook import summary_file_name

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
    from ..summary.workbook import findings_file_name

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
