"""A notice's letter: its template rendered (subject on the first line), the office's page link
above the signature, and the 督办 letter of one escalation.

Apart from notices.py (which notices a day's action makes, on the month's facts) so that
delivery.py, which rewrites a 督办 letter on the day it is sent, needs neither the facts nor the
day: the jobs import one another in one direction only.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from datetime import date
from pathlib import Path

from .. import cycle as steps
from ..notify.escalation import REASONS_ZH, Escalation
from ..notify.plan import ESCALATE, Action
from ..notify.senders import Notice
from ..wording import render
from ..workdays import add_workdays

log = logging.getLogger("reporting.schedule")


def escalation_notice(cycle: steps.Cycle, month: str, e: Escalation, day: date) -> Notice:
    """The 督办 letter for one escalation, as of `day`."""
    period = cycle.period(month)
    common = dict(
        bureau=cycle.config.bureau,
        month=period.month,
        year=period.year,
        deadline=period.deadline,
        day=day,
    )
    info = cycle.config.office(e.office)
    to = [info.leader_email, cycle.config.supervision.bureau_office_email]
    notice = make_notice(
        Action(ESCALATE, month),
        e.office,
        to,
        "escalation.j2",
        common,
        info=info,
        reason_zh=REASONS_ZH[e.reason],
        detail=e.detail,
        fix_by=add_workdays(day, 2),
    )
    notice.reason, notice.reason_zh = e.reason, REASONS_ZH[e.reason]
    return notice


def page_links(cycle: steps.Cycle) -> dict[str, str]:
    """Each office's own page (`yuebao serve`), by office, when `web.url` is set and the links
    have been made: read from the web state file (never created here), as the page reads it."""
    web = cycle.config.web
    path = cycle.config.resolve(web.state)
    if not web.url or not path.is_file():
        return {}
    try:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True, timeout=30)) as db:
            rows = db.execute(
                "SELECT office, token FROM links WHERE role = 'office' AND revoked_at IS NULL"
                " ORDER BY rowid"
            ).fetchall()
    except sqlite3.Error as exc:  # a reminder without its link rather than none
        log.warning("未能读取网页链接（%s），提醒中不附链接：%s", path, exc)
        return {}
    return {office: f"{web.url.rstrip('/')}/o/{token}" for office, token in rows}


def with_link(text: str, link: str) -> str:
    """The office's page named above the signature (the text's last paragraph)."""
    if not link:
        return text
    body, _, signature = text.rpartition("\n\n")
    line = (  # the online form itself (在线填报): one tap from the chat opens it
        "点开链接即可在手机上在线填报（也可在本股室的报送网页下载表格填好后上传；"
        f"此链接仅供本股室使用，请勿转发）：{link}/online"
    )
    return f"{body}\n\n{line}\n\n{signature}" if body else f"{text}\n\n{line}"


def make_notice(
    action: Action,
    office: str,
    to: list[str],
    template: str,
    common: dict[str, object],
    attachments: Iterable[Path] = (),
    link: str = "",
    **context: object,
) -> Notice:
    """The notice of `template` rendered for `office` (its first line the subject)."""
    text = with_link(render(template, office=office, **common, **context), link)
    subject, _, body = text.partition("\n")
    return Notice(
        action=action.kind,
        month=action.month,
        office=office,
        to=[t for t in to if t],
        subject=subject.strip(),
        body=body.strip(),
        attachments=list(attachments),
    )
