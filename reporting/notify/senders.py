"""Sending a notice: e-mail over SMTP (with retries), a text file, a chat group (webhook).

The SMTP password never sits in config.yaml: it is read from the environment variable named by
`smtp.password_env`.  A failed send is retried with a doubling back-off and then reported; it
never stops the other notices.  Once the server itself has failed (refused, hung up, timed out),
the mailer stops trying for the rest of the run: the remaining notices fail at once, to be tried
again by the next run, instead of each waiting out every try.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import mimetypes
import os
import re
import smtplib
import ssl
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from ..config import Smtp
from ..filenames import safe_name
from .plan import ESCALATE, FILL_AND_SEND, REMIND_MILESTONES, REMIND_MISSING, RUN_AND_REPORT

log = logging.getLogger(__name__)


@dataclass
class Notice:
    """One message to one office (or to the chiefs)."""

    action: str
    month: str
    office: str  # "" for the chiefs
    to: list[str]
    subject: str
    body: str
    attachments: list[Path] = field(default_factory=list)
    reason: str = ""  # 督办: why (escalation.MISSING or OVERDUE)
    reason_zh: str = ""

    @property
    def label(self) -> str:
        """The addressee as logs and file names show it: 卫健所, 领导, 卫健所（逾期未报送）."""
        who = self.office or "领导"
        return f"{who}（{self.reason_zh}）" if self.reason_zh else who


class SendFailed(Exception):
    """A message that did not go out; `tries` SMTP attempts were made for it."""

    def __init__(self, message: str, tries: int = 0, server_down: bool = False):
        super().__init__(message)
        self.tries, self.server_down = tries, server_down


class BadAddress(SendFailed):
    """An address that cannot be sent to (a typo, a line break in it): only a person can fix it."""


ADDRESS = re.compile(r"[^@\s,;<>\"]+@[^@\s,;<>\"]+")
# the server itself failed, rather than refusing this one message
SERVER_DOWN = (
    smtplib.SMTPConnectError,
    smtplib.SMTPServerDisconnected,
    smtplib.SMTPHeloError,
    smtplib.SMTPAuthenticationError,
    smtplib.SMTPNotSupportedError,
)


def server_down(exc: Exception) -> bool:
    """Refused, timed out, hung up, or would not talk to us (SMTPException is an OSError too)."""
    if isinstance(exc, smtplib.SMTPException):
        return isinstance(exc, SERVER_DOWN)
    return isinstance(exc, OSError)


def bad_addresses(addresses: list[str]) -> list[str]:
    return [a for a in addresses if not ADDRESS.fullmatch(a)]


class Mailer:
    def __init__(self, smtp: Smtp, sleep: Callable[[float], None] = time.sleep):
        self.cfg = smtp
        self.sleep = sleep
        self.down = ""  # why the server was given up on for this run ("" while it works)

    @property
    def enabled(self) -> bool:
        return bool(self.cfg.host)

    def send(self, notice: Notice) -> int:
        """Send, retrying; return the number of tries used.  Raises SendFailed (BadAddress for an
        address no retry can fix); once the server has failed, raises at once without trying."""
        wrong = bad_addresses(notice.to)
        if wrong:
            raise BadAddress("邮箱地址无效：" + "、".join(repr(a) for a in wrong))
        if self.down:
            raise SendFailed(
                f"邮件服务器本次运行中已不可用，未再尝试（{self.down}）", 0, server_down=True
            )
        try:
            message = self._message(notice)
        except (ValueError, TypeError) as exc:  # a header that cannot be written
            raise BadAddress(f"邮件无法生成：{exc}") from exc
        tries = max(1, self.cfg.retries)
        for attempt in range(1, tries + 1):
            try:
                self._deliver(message)
                return attempt
            except (OSError, smtplib.SMTPException) as exc:
                log.warning(
                    "邮件发送失败（第%d次，共%d次）%s -> %s: %s",
                    attempt,
                    tries,
                    notice.subject,
                    ",".join(notice.to),
                    exc,
                )
                if attempt == tries:
                    down = server_down(exc)
                    if down:
                        self.down = f"{type(exc).__name__}: {exc}"
                        log.error(
                            "邮件服务器 %s:%s 不可用，本次运行不再尝试其余邮件，留待下次运行重发",
                            self.cfg.host,
                            self.cfg.port,
                        )
                    why = f"{type(exc).__name__}: {exc}"
                    raise SendFailed(why, tries, server_down=down) from exc
                self.sleep(self.cfg.backoff_seconds * 2 ** (attempt - 1))
        raise SendFailed("no attempt made")  # unreachable: tries >= 1

    def warn_plain_auth(self) -> None:
        """A password sent over an unencrypted connection can be read on the way: say so."""
        if self.enabled and self.cfg.user and self.cfg.security == "none":
            log.warning(
                "警告：smtp.security 为 none 而配置了 smtp.user：密码将以明文发给 %s:%s，"
                "请改用 starttls 或 ssl",
                self.cfg.host,
                self.cfg.port,
            )

    def _message(self, notice: Notice) -> EmailMessage:
        msg = EmailMessage()
        msg["From"] = self.cfg.sender or self.cfg.user or "yuebao@localhost"
        msg["To"] = ", ".join(notice.to)
        msg["Subject"] = notice.subject
        msg["Date"] = formatdate(localtime=True)
        msg["Message-ID"] = make_msgid(domain="yuebao.local")
        msg.set_content(notice.body)
        for path in notice.attachments:
            kind, _ = mimetypes.guess_type(path.name)
            maintype, subtype = (kind or "application/octet-stream").split("/", 1)
            msg.add_attachment(
                path.read_bytes(), maintype=maintype, subtype=subtype, filename=path.name
            )
        return msg

    def _deliver(self, msg: EmailMessage) -> None:
        host, port, timeout = self.cfg.host, self.cfg.port, self.cfg.timeout
        server: smtplib.SMTP  # SMTP_SSL is one
        if self.cfg.security == "ssl":
            server = smtplib.SMTP_SSL(
                host, port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            server = smtplib.SMTP(host, port, timeout=timeout)
        with server:
            if self.cfg.security == "starttls":
                server.starttls(context=ssl.create_default_context())
            if self.cfg.user:
                server.login(self.cfg.user, os.environ.get(self.cfg.password_env, ""))
            server.send_message(msg)


# the text files' names, in Chinese: 提醒_催报_基财股.txt, 督办_卫健所（逾期未报送）.txt
TEXT_FILE_PREFIXES = {
    FILL_AND_SEND: "提醒_下发表格",
    REMIND_MISSING: "提醒_催报",
    REMIND_MILESTONES: "提醒_节点到期",
    RUN_AND_REPORT: "提醒_汇总报送",
    ESCALATE: "督办",
}


def text_file_prefix(action: str) -> str:
    """The start of a notice's text file name (an action not listed keeps its code)."""
    return TEXT_FILE_PREFIXES.get(action, f"提醒_{action}")


def write_text_file(folder: Path, notice: Notice) -> Path:
    """The reminder as a text file, for offices reached through a chat group."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{text_file_prefix(notice.action)}_{safe_name(notice.label)}.txt"
    # with a BOM: old Notepad shows the Chinese
    path.write_text(f"{notice.subject}\n\n{notice.body}\n", encoding="utf-8-sig")
    return path


# -- chat groups: 企业微信 and 钉钉 group robots, or plain JSON ------------------------------------
# bytes (UTF-8) a message may hold: 企业微信 text ≤ 2048 (its documented limit); 钉钉 is kept well
# under what it takes; JSON goes whole
CHAT_LIMITS = {"wecom": 2048, "dingtalk": 4000, "json": 0}
MOBILE = re.compile(r"1[3-9]\d{9}")


@dataclass(frozen=True)
class Chat:
    """Where and how reminders go to a chat group (schedule.webhook, webhook_kind …)."""

    url: str
    kind: str = "json"
    timeout: int = 10
    secret: str = ""  # 钉钉 加签 secret (from the environment)
    retries: int = 3
    backoff_seconds: int = 2

    @property
    def enabled(self) -> bool:
        return bool(self.url)


def mobiles_of(phones: list[str]) -> list[str]:
    """The mobile numbers among the phones (a landline such as 0750-5521801 cannot be @-ed)."""
    found = []
    for phone in phones:
        digits = re.sub(r"[\s\-()（）]", "", phone or "").removeprefix("+86")
        if MOBILE.fullmatch(digits) and digits not in found:
            found.append(digits)
    return found


def chat_payloads(chat: Chat, notice: Notice, mobiles: list[str]) -> list[dict]:
    """The messages one notice makes: split at lines when longer than the API allows (the
    subject heads each part), @-mentions on the first."""
    if chat.kind == "json":
        return [
            {
                "action": notice.action,
                "month": notice.month,
                "office": notice.office,
                "to": notice.to,
                "subject": notice.subject,
                "text": notice.body,
                "mobiles": mobiles,
            }
        ]
    mention = (
        "".join(f"@{m} " for m in mobiles) + "\n" if chat.kind == "dingtalk" and mobiles else ""
    )
    parts = _split(notice.subject, notice.body, CHAT_LIMITS[chat.kind] - len(mention.encode()) - 40)
    payloads = []
    for i, text in enumerate(parts):
        head = f"（{i + 1}/{len(parts)}）" if len(parts) > 1 else ""
        content = (mention if i == 0 else "") + text.replace("\n", f"{head}\n", 1)
        if chat.kind == "wecom":
            body: dict[str, str | list[str]] = {"content": content}
            if i == 0 and mobiles:
                body["mentioned_mobile_list"] = mobiles
            payloads.append({"msgtype": "text", "text": body})
        else:
            at = {"atMobiles": mobiles if i == 0 else [], "isAtAll": False}
            payloads.append({"msgtype": "text", "text": {"content": content}, "at": at})
    return payloads


def _split(subject: str, body: str, limit: int) -> list[str]:
    """`subject` + body in parts of at most `limit` bytes, cut between lines (a line too long for
    one part is cut between characters)."""
    parts, current = [], ""
    lines = []
    for line in body.split("\n"):
        while len(line.encode()) > limit - len(subject.encode()) - 2:
            cut = line.encode()[: limit - len(subject.encode()) - 2].decode("utf-8", "ignore")
            lines.append(cut)
            line = line[len(cut) :]
        lines.append(line)
    for line in lines:
        candidate = f"{current}\n{line}" if current else line
        if current and len(f"{subject}\n{candidate}".encode()) > limit:
            parts.append(current)
            candidate = line
        current = candidate
    parts.append(current)
    return [f"{subject}\n{p}".rstrip() for p in parts]


def signed_url(chat: Chat, now_ms: int | None = None) -> str:
    """钉钉 加签: timestamp (ms), and the HMAC-SHA256 of "timestamp\\nsecret" in base64,
    URL-encoded."""
    if chat.kind != "dingtalk" or not chat.secret:
        return chat.url
    timestamp = str(now_ms if now_ms is not None else int(time.time() * 1000))
    digest = hmac.new(
        chat.secret.encode(), f"{timestamp}\n{chat.secret}".encode(), hashlib.sha256
    ).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest))
    joiner = "&" if "?" in chat.url else "?"
    return f"{chat.url}{joiner}timestamp={timestamp}&sign={sign}"


def post_chat(
    chat: Chat, notice: Notice, mobiles: list[str], sleep: Callable[[float], None] = time.sleep
) -> int:
    """Post every part of the notice, retrying; returns the tries used.  Raises SendFailed when the
    group robot could not be reached or rejected a part (its errcode is read, not only HTTP)."""
    tries = 0
    for payload in chat_payloads(chat, notice, mobiles):
        for attempt in range(1, chat.retries + 1):
            tries += 1
            try:
                _post_json(signed_url(chat), payload, chat.timeout)
                break
            except (OSError, ValueError, ChatRejected) as exc:
                log.warning(
                    "群消息发送失败（第%d次，共%d次）%s：%s",
                    attempt,
                    chat.retries,
                    notice.subject,
                    exc,
                )
                if attempt == chat.retries:
                    raise SendFailed(f"群机器人：{exc}", tries) from exc
                sleep(chat.backoff_seconds * 2 ** (attempt - 1))
    return tries


class ChatRejected(Exception):
    """The robot answered, but with an errcode other than 0."""


def _post_json(url: str, payload: dict, timeout: int) -> None:
    request = urllib.request.Request(
        url,
        data=json.dumps(payload, ensure_ascii=False).encode("utf-8"),
        method="POST",
        headers={"Content-Type": "application/json; charset=utf-8"},
    )
    with urllib.request.urlopen(request, timeout=timeout) as response:  # noqa: S310 - the bureau's own URL
        text = response.read().decode("utf-8", "replace")
    try:
        answer = json.loads(text) if text.strip() else {}
    except ValueError:
        answer = {}
    if isinstance(answer, dict) and answer.get("errcode", 0) != 0:
        raise ChatRejected(f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}")
