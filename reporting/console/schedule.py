"""What the schedule's runs print: reminders, escalations, a day's plan, notices not sent."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .terminal import echo

if TYPE_CHECKING:  # names for the signatures only: each print function imports what it runs
    from pathlib import Path

    from ..context import Cycle
    from ..jobs.day import DayReport


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
    from ..notify.plan import NAMES_ZH

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
