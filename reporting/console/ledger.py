"""What `yuebao ledger check` and `ledger restore` print."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .terminal import echo

if TYPE_CHECKING:  # names for the signatures only: each print function imports what it runs
    from pathlib import Path

    from ..backup import LedgerReport


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
    from ..ledger import backup_folder

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
