"""One mail as the bureau's mailbox holds it: who sent it, what it is about, what it carries.

Attachment names arrive in every encoding mail programs use: RFC 2231 (`filename*=GBK''%C8%CB…`),
RFC 2047 words inside the parameter (`filename="=?GBK?B?…?="`, what Outlook and Foxmail send) or
raw GBK bytes; all are read as text here.  Forwarded mails (message/rfc822 parts) are opened too.
A mail sent by a machine (an auto-reply, a bounce) is marked so that it is never answered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.header import decode_header, make_header
from email.message import Message
from email.utils import getaddresses, parseaddr

FORM_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".ods", ".csv")  # .et: WPS
ZIP_SUFFIXES = (".zip",)


@dataclass
class Attachment:
    name: str
    data: bytes


@dataclass
class Mail:
    sender: str  # the address, lower case ("" for a bounce)
    sender_name: str
    subject: str
    message_id: str
    auto: bool  # an auto-reply or a bounce: never answered
    attachments: list[Attachment] = field(default_factory=list)  # forms and zips
    others: list[str] = field(default_factory=list)  # attached files of other kinds (not taken)


def parse(raw: bytes) -> Mail:
    msg = message_from_bytes(raw, policy=policy.compat32)  # keeps raw 8-bit bytes in headers
    name, address = parseaddr(_text(msg.get("From", "")))
    mail = Mail(
        sender=address.lower(),
        sender_name=name,
        subject=_text(msg.get("Subject", "")).strip(),
        message_id=_text(msg.get("Message-ID", "")).strip(),
        auto=machine_sent(msg),
    )
    for part in msg.walk():  # walks into forwarded mails as well
        if part.is_multipart():
            continue
        filename = attachment_name(part)
        if not filename:
            continue
        if filename.lower().endswith(FORM_SUFFIXES + ZIP_SUFFIXES):
            payload = part.get_payload(decode=True)  # bytes (None: nothing) for a leaf part
            mail.attachments.append(
                Attachment(filename, payload if isinstance(payload, bytes) else b"")
            )
        elif part.get_content_disposition() == "attachment":
            mail.others.append(filename)
    return mail


def attachment_name(part: Message) -> str:
    """The file name of a part, decoded whichever way the sender's program encoded it."""
    headers = Message()  # the two headers, raw 8-bit bytes read as text first
    for key, value in part.raw_items():
        if key.lower() in ("content-disposition", "content-type"):
            headers[key] = _text(value)
    try:
        name = headers.get_filename() or ""
    except (LookupError, ValueError, UnicodeError):  # an unknown charset in the RFC 2231 value
        name = ""
    if not name:
        raw = headers.get_param("name", header="content-type") or ""
        name = raw if isinstance(raw, str) else ""
    name = _text(str(name))  # =?GBK?B?…?= inside the quotes: not standard, but what most send
    name = name.replace("\\", "/").split("/")[-1].strip()  # never a path
    return re.sub(r"[\x00-\x1f]", "", name)


def _text(value: object) -> str:
    """A header value with any RFC 2047 words decoded (GBK, GB2312, GB18030, UTF-8 …), and raw
    8-bit bytes (a Chinese PC's mail program writing GBK straight into the header) read too."""
    value = str(value)
    if any("\udc80" <= c <= "\udcff" for c in value):
        raw = value.encode("ascii", "surrogateescape")
        for codec in ("utf-8", "gb18030"):
            try:
                return raw.decode(codec)
            except UnicodeDecodeError:
                continue
        return raw.decode("utf-8", "replace")
    if "=?" not in value:
        return value
    try:
        return str(make_header(decode_header(value)))
    except (LookupError, ValueError, UnicodeError):
        return value


AUTO_PRECEDENCE = {"bulk", "junk", "list", "auto_reply"}
AUTO_HEADERS = ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress")


def machine_sent(msg: Message) -> bool:
    """An auto-reply, a bounce or a list mail (RFC 3834): answering it could start a mail loop."""
    auto = str(msg.get("Auto-Submitted", "no")).strip().lower()
    if auto and auto != "no":
        return True
    if str(msg.get("Precedence", "")).strip().lower() in AUTO_PRECEDENCE:
        return True
    if any(msg.get(h) for h in AUTO_HEADERS[:2]) or msg.get("List-Id"):
        return True
    return_path = str(msg.get("Return-Path", "x")).strip()
    if return_path in ("<>", ""):
        return True
    if msg.get_content_type() == "multipart/report":  # delivery status notification
        return True
    sender = parseaddr(str(msg.get("From", "")))[1].lower()
    local = sender.split("@")[0]
    return local in ("mailer-daemon", "postmaster", "") or local.startswith("noreply")


_SUBJECT_MONTH = (
    re.compile(r"(20\d\d)\s*[-年./]\s*(\d{1,2})(?!\d)"),  # 2022-06, 2022年6月, 2022.6
    re.compile(r"(?<!\d)(\d{1,2})\s*月"),  # 6月
)


def month_in_subject(subject: str, year: int) -> str:
    """The month a subject names ("6月进展", "2022年6月"), "" if none; `year` when it gives none."""
    found = _SUBJECT_MONTH[0].search(subject)
    if found and 1 <= int(found.group(2)) <= 12:
        return f"{int(found.group(1)):04d}-{int(found.group(2)):02d}"
    found = _SUBJECT_MONTH[1].search(subject)
    if found and 1 <= int(found.group(1)) <= 12:
        return f"{year:04d}-{int(found.group(1)):02d}"
    return ""


def recipients(value: str) -> list[str]:
    return [a for _, a in getaddresses([value]) if a]
