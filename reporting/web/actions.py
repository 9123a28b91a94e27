"""The clerk's buttons: the month's steps, the same functions the commands call, each returning
the lines the page shows of what it did and where the files are."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from .. import cycle as steps
from ..context import Cycle
from ..errors import YuebaoError
from ..jobs import on_demand
from ..jobs.day import DayReport
from ..models import Light, Severity
from ..notify.senders import Notice

log = logging.getLogger(__name__)
STEPS = {
    "send": "下发",
    "remind": "催报",
    "merge": "汇总",
    "escalate": "督办",
}


@dataclass
class Outcome:
    step: str
    month: str
    at: datetime
    lines: list[str] = field(default_factory=list)
    ok: bool = True

    @property
    def name(self) -> str:
        return STEPS[self.step]


def run_step(cycle: Cycle, step: str, month: str) -> Outcome:
    """Run one step on the month (its own Cycle: the ledger is backed up before it changes)."""
    c = replace(cycle, backed_up=False)
    outcome = Outcome(step, month, datetime.now().replace(microsecond=0))
    try:
        outcome.lines = {
            "send": _send,
            "remind": _remind,
            "merge": _merge,
            "escalate": _escalate,
        }[step](c, month)
    except YuebaoError as exc:
        outcome.ok, outcome.lines = False, [f"未能完成：{exc.zh}"]
    except Exception as exc:  # noqa: BLE001 - the page stays up; the log has the details
        log.exception("%s (%s) failed", step, month)
        outcome.ok = False
        outcome.lines = [f"未能完成：程序出错（{type(exc).__name__}: {exc}），详情见日志"]
    return outcome


def _send(c: Cycle, month: str) -> list[str]:
    report, log = on_demand.send_forms(c, month)
    outbox = c.config.folder("outbox", month)
    lines = [f"表格已生成在 {outbox}"]
    lines += [f"已发送：{n.office}（{', '.join(n.to) or '无邮箱'}）" for n in report.sent]
    return lines + _report_end(report, log)


def _remind(c: Cycle, month: str) -> list[str]:
    report, log = on_demand.remind(c, month)
    lines = [f"{_verb(report, n, '已提醒')}：{n.office}：{n.subject}" for n in report.sent]
    return lines + _report_end(report, log)


def _escalate(c: Cycle, month: str) -> list[str]:
    report, log = on_demand.escalate(c, month)
    lines = [
        f"{_verb(report, n, '已督办')}：{n.label} → {', '.join(n.to) or '未配置分管领导邮箱'}"
        for n in report.sent
    ]
    return lines + _report_end(report, log)


def _verb(report: DayReport, notice: Notice, done: str) -> str:
    """What happened to a notice: sent, or (no mail server) only written as a text."""
    return "已写成文本（未配置邮件服务器，未发送）" if notice in report.written else done


def _merge(c: Cycle, month: str) -> list[str]:
    with c.writing(month):
        collected = steps.collect_month(c, month)
        result = steps.merge(c, month)
    counts = result.summary.counts
    errors = sum(1 for f in result.summary.findings if f.severity is Severity.ERROR)
    return [
        f"收取新文件 {len(collected.new)} 份（已收过 {collected.already} 份）",
        f"节点：逾期 {counts.get(Light.OVERDUE, 0)} 个，临期 {counts.get(Light.DUE_SOON, 0)}"
        f" 个，已完成 {counts.get(Light.DONE, 0)} 个",
        f"校验问题 {len(result.summary.findings)} 条（其中错误 {errors} 条）："
        f"{result.findings_path}",
        f"汇总表：{result.summary_path}",
        f"反馈文本 {len(result.feedback)} 份：{result.findings_path.parent / '反馈'}",
    ]


def _report_end(report: DayReport, log: Path) -> list[str]:
    lines = [f"问题：{p}" for p in report.problems]
    written = len(report.written)
    lines.append(
        f"共发送 {len(report.sent) - written} 条"
        + (f"，写成文本未发送 {written} 条" if written else "")
        + f"，此前已发过或已计划而跳过 {report.skipped} 条，"
        f"未能发出 {report.failed} 条（稍后重发）；日志：{log}"
    )
    return lines
