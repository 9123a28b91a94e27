"""Sending a notice: e-mail over SMTP (with retries), a text file, a webhook.

The SMTP password never sits in config.yaml: it is read from the environment variable named by
`smtp.password_env`.  A failed send is retried with a doubling back-off and then reported; it
never stops the other notices.
"""
from __future__ import annotations

import json
import logging
import mimetypes
import os
import smtplib
import ssl
import time
import urllib.request
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from .filenames import safe_name

log = logging.getLogger(__name__)


@dataclass
class Notice:
    """One message to one office (or to the chiefs)."""

    action: str
    month: str
    office: str                 # "" for the chiefs
    to: list[str]
    subject: str
    body: str
    attachments: list[Path] = field(default_factory=list)


class SendFailed(Exception):
    pass


class Mailer:
    def __init__(self, smtp: dict, sleep=time.sleep):
        self.cfg = smtp
        self.sleep = sleep

    @property
    def enabled(self) -> bool:
        return bool(self.cfg["host"])

    def send(self, notice: Notice) -> int:
        """Send, retrying; return the number of tries used.  Raises SendFailed after the last try."""
        message = self._message(notice)
        tries = max(1, self.cfg["retries"])
        for attempt in range(1, tries + 1):
            try:
                self._deliver(message)
                return attempt
            except (OSError, smtplib.SMTPException) as exc:
                log.warning("邮件发送失败（第%d次，共%d次）%s -> %s: %s", attempt, tries, notice.subject,
                            ",".join(notice.to), exc)
                if attempt == tries:
                    raise SendFailed(f"{type(exc).__name__}: {exc}") from exc
                self.sleep(self.cfg["backoff_seconds"] * 2 ** (attempt - 1))
        raise SendFailed("no attempt made")  # unreachable: tries >= 1

    def _message(self, notice: Notice) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self.cfg["sender"] or self.cfg["user"] or "yuebao@localhost"
        msg["To"] = ", ".join(notice.to)
        msg["Subject"] = notice.subject
        msg["Date"] = formatdate(localtime=True)
        msg["Message-ID"] = make_msgid(domain="yuebao.local")
        msg.set_content(notice.body)
        for path in notice.attachments:
            kind, _ = mimetypes.guess_type(path.name)
            maintype, subtype = (kind or "application/octet-stream").split("/", 1)
            msg.add_attachment(path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name)
        return msg

    def _deliver(self, msg: EmailMessage) -> None:
        host, port, timeout = self.cfg["host"], self.cfg["port"], self.cfg["timeout"]
        if self.cfg["security"] == "ssl":
            server = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
        else:
            server = smtplib.SMTP(host, port, timeout=timeout)
        with server:
            if self.cfg["security"] == "starttls":
                server.starttls(context=ssl.create_default_context())
            if self.cfg["user"]:
                server.login(self.cfg["user"], os.environ.get(self.cfg["password_env"], ""))
            server.send_message(msg)


def write_text_file(folder: Path, notice: Notice) -> Path:
    """The reminder as a text file, for offices reached through a chat group."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"提醒_{notice.action}_{safe_name(notice.office or '领导')}.txt"
    path.write_text(f"{notice.subject}\n\n{notice.body}\n", encoding="utf-8")
    return path


def post_webhook(url: str, notice: Notice, timeout: int) -> None:
    payload = json.dumps({"action": notice.action, "month": notice.month, "office": notice.office,
                          "to": notice.to, "subject": notice.subject, "text": notice.body}, ensure_ascii=False)
    request = urllib.request.Request(url, data=payload.encode("utf-8"), method="POST",
                                     headers={"Content-Type": "application/json; charset=utf-8"})
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - the bureau's own URL
        response.read()
