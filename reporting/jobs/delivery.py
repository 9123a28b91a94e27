"""Delivering notices: every run sends what is due and not yet sent, whatever day it is.

Each notice is a row of the ledger with a state:

    planned -> sending (a lease: see reporting.notify.lease) -> sent
                                                      -> failed (tried again by the next run)
    planned/failed -> dropped (no longer true, or replaced by a newer notice; the reason is kept)
    no_address / bad_address (a person must fix the address) / written (no mail server: text only)

What is still worth sending is decided when it is sent, on the inbox as collected then: a 催报 goes
only to an office still without a usable return, only before the deadline, and only the latest
one per office and month (a catch-up after an outage sends no pile of stale ones); of the weekly
milestone reminders only the latest per office; a 督办 letter only if that morning's facts still
call for it, written from them, and it counts as made (the escalations table) only once the server
has accepted it.  Forms and the chiefs' summary always go, late rather than never.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from .. import cycle as steps
from ..config import Config
from ..ledger import Ledger, NoticeRecord
from ..notify.escalation import REASONS_ZH
from ..notify.lease import expiry, gone, holder, stamp
from ..notify.plan import ESCALATE, FILL_AND_SEND, REMIND_MILESTONES, REMIND_MISSING, REPLY
from ..notify.senders import (
    BadAddress,
    Chat,
    Mailer,
    Notice,
    SendFailed,
    mobiles_of,
    post_chat,
    write_text_file,
)
from .letters import escalation_notice

if TYPE_CHECKING:
    from .facts import Facts

log = logging.getLogger("reporting.schedule")
RETRY_AFTER = timedelta(minutes=30)  # a failed notice: again by any run from then or any later day


class Outcomes(Protocol):
    """What deliver_due reports into (a day's report; the replies' own)."""

    sent: list[Notice]  # sent, or (no mail server) only written
    written: list[Notice]  # of `sent`: text file only
    problems: list[str]
    dropped: list[str]
    failed: int


def key_of(notice: Notice, day: date) -> str:
    """What makes a notice one: a 督办 is made once per month, office and reason, on any day."""
    if notice.action == ESCALATE:
        return f"{notice.action}|{notice.month}|{notice.office}|{notice.reason}"
    if notice.action == REPLY:  # once per file received (its SHA-256 in `reason`)
        return f"{notice.action}|{notice.month}|{notice.reason}"
    return f"{notice.action}|{notice.month}|{notice.office}|{day.isoformat()}"


def plan_notices(
    cycle: steps.Cycle, notices: list[Notice], day: date, dry_run: bool = False
) -> list[Notice]:
    """Record the notices in the ledger; returns those new (a dry run records nothing)."""
    with cycle.ledger() as ledger:
        if dry_run:
            return [n for n in notices if ledger.notice(key_of(n, day)) is None]
        rows = [(key_of(n, day), _fields(n, day)) for n in notices]
        new = set(ledger.plan_notices(rows))
        return [n for n in notices if key_of(n, day) in new]


def _fields(n: Notice, day: date) -> dict[str, str]:
    attachments = json.dumps([str(p) for p in n.attachments], ensure_ascii=False)
    return dict(
        action=n.action,
        month=n.month,
        office=n.office,
        reason=n.reason,
        day=day.isoformat(),
        recipients=",".join(n.to),
        subject=n.subject,
        body=n.body,
        attachments=attachments,
    )


def notice_of(row: NoticeRecord) -> Notice:
    return Notice(
        action=row.action,
        month=row.month,
        office=row.office,
        to=[a for a in row.recipients.split(",") if a],
        subject=row.subject,
        body=row.body,
        attachments=[Path(p) for p in json.loads(row.attachments)],
        reason=row.reason,
        reason_zh=REASONS_ZH.get(row.reason, ""),
    )


def deliver_due(
    cycle: steps.Cycle,
    day: date,
    mailer: Mailer,
    report: Outcomes,
    facts: Facts | None,
    scope: set[tuple[str, str]] | None = None,
    dry_run: bool = False,
    extra: Iterable[Notice] = (),
) -> None:
    """Send every notice due by `day` and not yet sent (only those of `scope`'s (action, month)
    when given), each at most once; the outcome goes into `report`.  A dry run sends and records
    nothing and lists in report.sent exactly what would be sent, `extra` (not yet planned) too."""
    with cycle.ledger() as ledger:  # one connection for the pass
        now = stamp(datetime.now())
        rows = [
            r
            for r in ledger.due_notices(day.isoformat(), now)
            if (scope is None or (r.action, r.month) in scope)
            and (r.status != "sending" or (r.lease_until or "") < now or gone(r.owner))
        ]
        candidates: list[tuple[NoticeRecord | None, Notice]] = [(r, notice_of(r)) for r in rows]
        candidates += [(None, n) for n in extra]
        if candidates:
            log.info("%s 待发送 %d 条通知", day, len(candidates))
        for row, notice in candidates:
            why, notice = still_due(cycle, ledger, row, notice, day, facts)
            if why:
                log.info("不再发送：%s %s（%s）", notice.label, notice.subject, why)
                report.dropped.append(f"{notice.label}：{why}")
                if row is not None and not dry_run:
                    ledger.drop_notice(row, why)
                continue
            if dry_run:
                report.sent.append(notice)
                continue
            assert row is not None, "only a dry run lists notices not planned"
            outcome = send_one(cycle, ledger, row, notice, day, mailer)
            if outcome == "sent" or outcome == "written":
                report.sent.append(notice)
                if outcome == "written":  # no mail server: only its text file, not sent
                    report.written.append(notice)
            elif outcome in ("failed", "bad_address", "no_address"):
                report.problems.append(f"{notice.label}：{notice.subject}（{outcome}）")
                report.failed += outcome != "no_address"


def still_due(
    cycle: steps.Cycle,
    ledger: Ledger,
    row: NoticeRecord | None,
    notice: Notice,
    day: date,
    facts: Facts | None,
) -> tuple[str, Notice]:
    """Why the notice is no longer worth sending ("" if it is), and the notice to send."""
    month = notice.month
    if notice.action == REMIND_MISSING:
        if day > cycle.period(month).deadline:
            return "报送截止日期已过，由督办跟进", notice
        if row is not None and ledger.newer_notice(row, same_month=True):
            return "已有更新的催报", notice
        assert facts is not None, "a reminder is judged on the run's facts"
        state = facts.office_state(month, notice.office)
        if not state.missing:
            return f"已报送（{state}）", notice
    elif notice.action == REMIND_MILESTONES:
        if row is not None and ledger.newer_notice(row, same_month=False):
            return "已有更新的节点提醒", notice
    elif notice.action == ESCALATE:
        made = [
            e
            for e in ledger.escalations(month)
            if (e.office, e.reason) == (notice.office, notice.reason)
        ]
        if made:
            return f"已于{made[0].day}督办过", notice
        assert facts is not None, "a 督办 is judged on the run's facts"
        decision = facts.escalations(month).get((notice.office, notice.reason))
        if decision is None:
            return "情况已变化（已报送，或节点已完成），不再督办", notice
        notice = escalation_notice(cycle, month, decision, day)  # today's facts, today's letter
    return "", notice


def send_one(
    cycle: steps.Cycle, ledger: Ledger, row: NoticeRecord, notice: Notice, day: date, mailer: Mailer
) -> str:
    """Claim the notice (a lease), send it through every channel, record the outcome."""
    now = datetime.now()
    fresh = ledger.notice(row.key)
    if fresh is None or fresh.status not in ("planned", "failed", "sending"):
        return "skipped"
    taken_over = fresh.status == "sending" and gone(fresh.owner)
    if not ledger.claim_notice(fresh, holder(), expiry(mailer.cfg, now), stamp(now), taken_over):
        return "skipped"  # another instance has it, or its holder's lease runs on
    if fresh.status == "sending":
        log.warning(
            "接手发送中断的通知：%s %s（上次发送者已停止或租约已过期）",
            notice.label,
            notice.subject,
        )
    if fresh.tries == 0 and fresh.status == "planned":
        _text_file(cycle, notice)
    done = set(filter(None, fresh.channels.split(",")))
    if "mail" in done:  # mailed by an earlier run: only the chat group is owed
        status, tries, detail, next_try = "sent", 0, "", None
    else:
        status, tries, detail, next_try = _mail(cycle, notice, mailer)
        if status == "sent":
            ledger.channel_done(row.id, "mail")
    why = "" if "chat" in done else _chat(cycle, ledger, row.id, notice)
    if why:  # the group robot refused or was down: tried again like a failed mail
        status, next_try = "failed", stamp(datetime.now() + RETRY_AFTER)
        detail = "；".join(filter(None, [detail, why]))
    if not ledger.finish_notice(row.id, status, holder(), tries, detail, next_try, day.isoformat()):
        log.warning("通知的发送权已被接手，结果未记录：%s", notice.subject)
    elif status in ("sent", "written") and notice.action == ESCALATE:
        ledger.log_escalation(
            notice.month, notice.office, notice.reason, day.isoformat(), notice.body
        )
        log.warning("督办：%s %s：%s", notice.office, REASONS_ZH[notice.reason], notice.subject)
    return status


def _mail(cycle: steps.Cycle, notice: Notice, mailer: Mailer) -> tuple[str, int, str, str | None]:
    """(status, tries made, detail, next try) of one message."""
    if not notice.to:
        log.warning(
            "无法邮件通知%s：config.yaml 中没有它的邮箱（%s）",
            notice.label,
            f"offices.{notice.office}.email" if notice.office else "schedule.chiefs",
        )
        return "no_address", 0, "未配置邮箱", None
    if not mailer.enabled:
        return "written", 0, "", None
    missing = [p.name for p in notice.attachments if not p.is_file()]
    if missing:
        why = "附件不存在：" + "、".join(missing)
        log.error("%s，未发送：%s %s", why, notice.label, notice.subject)
        return "failed", 0, why, stamp(datetime.now() + RETRY_AFTER)
    try:
        tries = mailer.send(notice)
    except BadAddress as exc:
        log.error(
            "邮箱地址有误，未发送（请改正 config.yaml 中%s的邮箱）：%s：%s",
            notice.label,
            notice.subject,
            exc,
        )
        return "bad_address", 0, str(exc), None
    except SendFailed as exc:
        to = ",".join(notice.to)
        if exc.tries:
            log.error("发送失败（已重试%d次）：%s -> %s：%s", exc.tries, notice.subject, to, exc)
        else:
            log.error("未发送（邮件服务器不可用，下次运行重发）：%s -> %s", notice.subject, to)
        return "failed", exc.tries, str(exc), stamp(datetime.now() + RETRY_AFTER)
    attached = "、".join(p.name for p in notice.attachments)
    log.info(
        "已发送：%s -> %s（%s）%s",
        notice.subject,
        ",".join(notice.to),
        notice.label,
        f"，附件 {attached}" if attached else "",
    )
    return "sent", tries, "", None


CHAT_ACTIONS = (FILL_AND_SEND, REMIND_MISSING, REMIND_MILESTONES)  # what an office's group reads


def chat_of(config: Config) -> Chat:
    schedule = config.schedule
    return Chat(
        url=schedule.webhook,
        kind=schedule.webhook_kind,
        timeout=schedule.webhook_timeout,
        secret=os.environ.get(schedule.webhook_secret_env, ""),
        retries=schedule.webhook_retries,
        backoff_seconds=config.smtp.backoff_seconds,
    )


def _chat(cycle: steps.Cycle, ledger: Ledger, notice_id: int, notice: Notice) -> str:
    """Post the notice to the chat group (its office's mobile @-ed); "" when done or not wanted,
    else why it failed (logged as a failed mail is)."""
    chat = chat_of(cycle.config)
    wanted = notice.action in CHAT_ACTIONS or (chat.kind == "json" and notice.action != REPLY)
    if not chat.enabled or not wanted:
        return ""
    mobiles = mobiles_of([cycle.config.office(notice.office).phone]) if notice.office else []
    try:
        tries = post_chat(chat, notice, mobiles)
    except SendFailed as exc:
        log.error(
            "群消息发送失败（已重试%d次，下次运行重发）：%s（%s）：%s",
            exc.tries,
            notice.subject,
            notice.label,
            exc,
        )
        return str(exc)
    ledger.channel_done(notice_id, "chat")
    log.info("已发到群：%s（%s，%d次）", notice.subject, notice.label, tries)
    return ""


def _text_file(cycle: steps.Cycle, notice: Notice) -> None:
    """The reminder as a text file for the clerk to paste into a chat group: once per notice."""
    if cycle.config.schedule.reminder_files and notice.office and notice.action != REPLY:
        try:
            write_text_file(cycle.config.folder("outbox", notice.month) / "提醒", notice)
        except OSError as exc:
            log.error("提醒文本未能写入（%s），邮件照发：%s", exc, notice.subject)
