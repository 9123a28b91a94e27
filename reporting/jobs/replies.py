"""The answer to a return that came by mail: the findings of that file, to the address it came from.

Optional (`mail.reply`).  Each answer is a notice in the ledger keyed by the file's SHA-256, so a
file is answered at most once, and one the mail server did not take is sent again by a later run.
A mail sent by a machine (an auto-reply, a bounce: see intake.mails.machine_sent) is never answered.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..models import Severity
from ..notify.plan import REPLY
from ..notify.senders import Mailer, Notice
from ..wording import render
from .delivery import deliver_due, plan_notices

if TYPE_CHECKING:
    from ..context import Cycle
    from ..intake.mailbox import FetchResult
    from ..summary.month import MonthSummary


@dataclass
class _Delivered:  # what deliver_due reports into (delivery.Outcomes)
    sent: list[Notice] = field(default_factory=list)
    written: list[Notice] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)
    failed: int = 0


@dataclass
class Replies:
    sent: list[str] = field(default_factory=list)  # "file → address"
    failed: list[str] = field(default_factory=list)  # why, for each not sent


def reply_notices(
    cycle: Cycle, fetched: FetchResult, summaries: dict[str, MonthSummary]
) -> list[Notice]:
    """One answer per file taken from a mail written by a person."""
    notices: list[Notice] = []
    with cycle.ledger() as ledger:
        returns = {m: {r.file_name: r for r in ledger.returns(m)} for m in summaries}
    for mail in fetched.mails:
        if mail.auto or not mail.sender or mail.month not in summaries:
            continue
        for name in mail.files:
            ret = returns[mail.month].get(name)
            if ret is None:
                continue
            findings = [f for f in summaries[mail.month].findings if f.file == name]
            text = render(
                "mail_reply.j2",
                subject=mail.subject,
                file=name.split("/")[-1],
                office=mail.office or ret.office,
                received=mail.received,
                findings=findings,
                errors=any(f.severity is Severity.ERROR for f in findings),
                bureau=cycle.config.bureau,
            )
            subject, _, body = text.partition("\n")
            notices.append(
                Notice(
                    action=REPLY,
                    month=mail.month,
                    office=mail.office,
                    to=[mail.sender],
                    subject=subject.strip(),
                    body=body.strip(),
                    reason=ret.sha256,
                )
            )
    return notices


def reply_with_findings(
    cycle: Cycle,
    fetched: FetchResult,
    summaries: dict[str, MonthSummary],
    mailer: Mailer | None = None,
) -> Replies:
    replies = Replies()
    mailer = mailer or Mailer(cycle.config.smtp)
    if not mailer.enabled:
        if any(m.files and not m.auto for m in fetched.mails):
            replies.failed.append("未配置发信服务器（smtp.host），无法回复发件人")
        return replies
    day = cycle.as_of
    plan_notices(cycle, reply_notices(cycle, fetched, summaries), day)
    report = _Delivered()
    scope = {(REPLY, m) for m in summaries}
    deliver_due(cycle, day, mailer, report, None, scope=scope)
    replies.sent = [f"{n.subject} → {','.join(n.to)}" for n in report.sent]
    replies.failed = list(report.problems)
    return replies
