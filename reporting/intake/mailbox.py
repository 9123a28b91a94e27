"""fetch: the returns that arrive as mails, from the bureau's mailbox into the month's inbox.

Every new mail of `mail.folder` (IMAP, over TLS) is read once: its forms (xlsx, xls, ods, csv, also
inside a zip or a forwarded mail) are written into the inbox of the month they report, in a folder
per mail named after the sending office, stamped with the time the server received the mail
(INTERNALDATE); collect then archives them as it does any file (SHA-256, ledger).  The mail's
identity on the server (UIDVALIDITY + UID) goes into the ledger, so no mail is taken twice, and
the mailbox is only read: nothing is deleted, nothing marked read; optionally a mail is moved to
`mail.move_to` once its files are in the inbox.

Which month a mail belongs to: the month the form inside says, else the subject's ("6月进展"), else
the month the mail arrived.  A mail that cannot be handled, or from an address that is no office's,
is listed (a finding), never dropped and never a stop.
"""

from __future__ import annotations

import io
import json
import logging
import os
import re
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError

from ..ledger import Ledger
from ..models import Finding, Return, Severity, TaskList
from .collect import MAX_NAME_BYTES, CollectResult, collect, portable, readable
from .imap import (
    MailboxError,
    connect,
    envelope_sender,
    move_taken,
    settings_of,
    unreachable,
)
from .mails import FORM_SUFFIXES, Mail, month_in_subject, parse
from .reading import read_one

if TYPE_CHECKING:
    from ..config import Mail as MailSettings
    from ..context import Cycle

log = logging.getLogger(__name__)
MAIL_FOLDER = "邮件"  # inside the month's inbox: one folder per mail
MAX_ZIP_MEMBERS = 50


@dataclass
class FetchedMail:
    uid: int
    sender: str
    office: str  # the office whose address sent it ("": no office's)
    subject: str
    received: datetime
    month: str
    files: list[str] = field(default_factory=list)  # inbox paths, relative to the month's inbox
    auto: bool = False
    problems: list[str] = field(default_factory=list)
    message_id: str = ""
    again: bool = False  # its files could not be written here: not recorded, taken next time


@dataclass
class FetchResult:
    folder: str
    mails: list[FetchedMail] = field(default_factory=list)
    already: int = 0  # mails taken by an earlier fetch
    moved_to: str = ""
    findings: list[Finding] = field(default_factory=list)
    collected: dict[str, CollectResult] = field(default_factory=dict)  # month -> its collect

    @property
    def months(self) -> list[str]:
        return sorted({m.month for m in self.mails if m.files})


@dataclass
class Target:
    """What fetch needs to know of the bureau: where each month's inbox is, which months are
    reporting months, which office an address is, how large a file may be, how to read a form."""

    inbox_of: Callable[[str], Path]
    months: set[str]
    office_of_address: dict[str, str]
    max_bytes: int
    tasks: TaskList
    year: int


def fetch(settings: MailSettings, ledger: Ledger, target: Target) -> FetchResult:
    """Take every new mail of the folder into the inboxes; raises MailboxError if the mailbox
    cannot be read at all (server down, login refused)."""
    result = FetchResult(folder=settings.folder)
    client = connect(settings)
    try:
        if not client.folder_exists(settings.folder):
            raise MailboxError(
                f"邮箱中没有文件夹“{settings.folder}”，请核对 config.yaml 中的 mail.folder",
                f"no folder {settings.folder} in the mailbox",
                login=True,
            )
        info = client.select_folder(settings.folder, readonly=not settings.move_to)
        validity = int(info[b"UIDVALIDITY"])
        known = ledger.known_uids(settings.folder, validity)
        uids = sorted(client.search("ALL"))
        result.already = sum(u in known for u in uids)
        taken = []
        seen_ids = {r.message_id for r in ledger.mails() if r.message_id}
        for uid in (u for u in uids if u not in known):
            got = client.fetch([uid], ["INTERNALDATE", "RFC822.SIZE"]).get(uid, {})
            received = got.get(b"INTERNALDATE") or datetime.now()
            received = received.replace(tzinfo=None, microsecond=0)
            size = int(got.get(b"RFC822.SIZE", 0))
            fetched = _take_one(client, uid, size, received, target, seen_ids)
            result.mails.append(fetched)
            result.findings += _findings_of(fetched)
            if fetched.again:
                continue
            ledger.record_mail(
                folder=settings.folder,
                uidvalidity=validity,
                uid=uid,
                message_id=fetched.message_id,
                sender=fetched.sender,
                office=fetched.office,
                subject=fetched.subject,
                received_at=received.isoformat(),
                month=fetched.month,
                files=json.dumps(fetched.files, ensure_ascii=False),
                auto=int(fetched.auto),
                detail="；".join(fetched.problems),
            )
            taken.append(uid)
        if settings.move_to and taken:
            result.moved_to = move_taken(client, taken, settings.move_to)
    except (IMAPClientError, OSError) as exc:
        raise unreachable(settings, exc) from exc
    finally:
        try:
            client.logout()
        except (IMAPClientError, OSError):
            pass
    return result


def _take_one(
    client: IMAPClient, uid: int, size: int, received: datetime, target: Target, seen_ids: set[str]
) -> FetchedMail:
    limit = max(4 * target.max_bytes, 100 * 1024 * 1024)  # base64 and several files
    if size > limit:
        envelope = client.fetch([uid], ["ENVELOPE"])[uid][b"ENVELOPE"]
        sender = envelope_sender(envelope)
        fetched = FetchedMail(
            uid, sender, target.office_of_address.get(sender, ""), "", received, ""
        )
        fetched.problems.append(
            f"邮件过大（{size / 2**20:.0f} MB），未下载；请发件人删除多余附件后重新发送"
        )
        fetched.month = f"{received:%Y-%m}"
        return fetched
    raw = client.fetch([uid], ["BODY.PEEK[]"])[uid][b"BODY[]"]
    try:
        mail = parse(raw)
    except Exception as exc:  # noqa: BLE001 - one unreadable mail never stops the others
        log.exception("mail %s could not be parsed", uid)
        fetched = FetchedMail(uid, "", "", "", received, f"{received:%Y-%m}")
        fetched.problems.append(f"邮件无法解析（{type(exc).__name__}），未收取其附件")
        return fetched
    fetched = FetchedMail(
        uid,
        mail.sender,
        target.office_of_address.get(mail.sender, ""),
        mail.subject,
        received,
        "",
        auto=mail.auto,
    )
    if mail.message_id and mail.message_id in seen_ids:
        fetched.month = f"{received:%Y-%m}"
        fetched.problems.append("同一封邮件此前已收取（重复投递），未再收取")
        return fetched
    if mail.message_id:
        seen_ids.add(mail.message_id)
        fetched.message_id = mail.message_id
    try:
        _deliver(mail, fetched, target)
    except OSError as exc:  # the inbox, not the mailbox: a full disk, a folder not writable
        log.error("mail %s: attachments not written: %s", uid, exc)
        fetched.problems.append(
            f"附件未能存入收件箱（{exc.strerror or exc}），下次收取时重试；请确认磁盘有空间、"
            "收件箱文件夹可写"
        )
        fetched.again = True
    return fetched


def _deliver(mail: Mail, fetched: FetchedMail, target: Target) -> None:
    """Unpack the mail's forms, find its month, move them into that month's inbox."""
    with tempfile.TemporaryDirectory(prefix="yuebao-mail-") as tmp:
        staged = _stage(mail, Path(tmp), target.max_bytes, fetched.problems)
        fetched.month = (
            _form_month([p for _, p in staged], target)
            or month_in_subject(fetched.subject, target.year)
            or f"{fetched.received:%Y-%m}"
        )
        if not staged:
            if not mail.attachments:
                others = f"（附件{'、'.join(mail.others)}不是报表）" if mail.others else ""
                fetched.problems.append(f"邮件中没有报表附件{others}")
            return
        if fetched.month not in target.months:
            fetched.problems.append(
                f"属于{fetched.month}，不是{target.year}年的报送月份，附件未收取"
            )
            return
        who = _safe(fetched.office or fetched.sender or "未知发件人")
        folder_name = f"{fetched.received:%m%d-%H%M}_{who}_{fetched.uid}"
        folder = target.inbox_of(fetched.month) / MAIL_FOLDER / folder_name
        folder.mkdir(parents=True, exist_ok=True)
        stamp = fetched.received.timestamp()
        for name, path in staged:
            dest = folder / name
            dest.parent.mkdir(parents=True, exist_ok=True)
            dest.write_bytes(path.read_bytes())
            os.utime(dest, (stamp, stamp))  # collect takes the time received from here
            fetched.files.append(str(Path(MAIL_FOLDER) / folder_name / name))
        if mail.others:
            fetched.problems.append(f"附件{'、'.join(mail.others)}不是报表，未收取")


def _stage(mail: Mail, tmp: Path, max_bytes: int, problems: list[str]) -> list[tuple[str, Path]]:
    """(name in the mail's folder, staged file) of each form; a zip's forms under its name."""
    staged: list[tuple[str, Path]] = []
    limit_mb = max_bytes // 2**20
    for attachment in mail.attachments:
        name = _safe(attachment.name)
        if len(attachment.data) > max_bytes:
            problems.append(
                f"附件“{attachment.name}”过大（{len(attachment.data) / 2**20:.0f} MB，"
                f"上限{limit_mb} MB，见 collect.max_file_mb），未收取；请删除多余内容后重新发送"
            )
            continue
        if not name.lower().endswith(".zip"):
            staged.append(_write(tmp, name, attachment.data))
            continue
        try:
            staged += _unzip(attachment.data, Path(name).stem, tmp, max_bytes, problems)
        except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            problems.append(f"压缩包“{attachment.name}”无法解开（{exc}），未收取")
    return staged


def _unzip(
    data: bytes, stem: str, tmp: Path, max_bytes: int, problems: list[str]
) -> list[tuple[str, Path]]:
    out = []
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        members = [i for i in zf.infolist() if not i.is_dir()]
        for info in members[:MAX_ZIP_MEMBERS]:
            inner = readable(info.filename)
            if info.flag_bits & 0x800 == 0:  # not marked UTF-8: Chinese Windows writes GBK
                try:
                    inner = info.filename.encode("cp437").decode("gb18030")
                except (UnicodeEncodeError, UnicodeDecodeError):
                    pass
            base = _safe(inner.replace("\\", "/").split("/")[-1])
            if not base.lower().endswith(FORM_SUFFIXES) or base.startswith("~$"):
                continue
            if info.file_size > max_bytes:
                problems.append(f"压缩包中的“{base}”过大，未收取")
                continue
            with zf.open(info) as fh:
                content = fh.read(max_bytes + 1)
            if len(content) > max_bytes:
                problems.append(f"压缩包中的“{base}”过大，未收取")
                continue
            out.append(_write(tmp, f"{stem}/{base}", content))
        if len(members) > MAX_ZIP_MEMBERS:
            problems.append(f"压缩包中文件超过{MAX_ZIP_MEMBERS}个，其余未收取")
    return out


def _write(tmp: Path, name: str, data: bytes) -> tuple[str, Path]:
    path = tmp / f"{len(list(tmp.iterdir()))}_{Path(name).name}"
    path.write_bytes(data)
    return name, path


def _form_month(paths: list[Path], target: Target) -> str:
    """The month the first form that names one says (its hidden mark, else its title)."""
    for path in paths:
        ret = Return(file_name=path.name, sha256="", received_at=datetime.now(), archived_path=path)
        read_one(ret, target.tasks, target.max_bytes)
        if re.fullmatch(r"20\d\d-\d\d", ret.month or ""):
            return ret.month
    return ""


def _findings_of(fetched: FetchedMail) -> list[Finding]:
    sender = fetched.sender or "（无发件人）"
    where = f"{sender}于{fetched.received:%m-%d %H:%M}的邮件“{fetched.subject}”"
    found = [
        Finding("mail_failed", f"{where}：{p}", Severity.ERROR, office=fetched.office)
        for p in fetched.problems
        if "不是报表" not in p and "没有报表附件" not in p
    ]
    if not fetched.office and fetched.files:
        found.append(
            Finding(
                "not_an_office",
                f"{where}：发件地址不是任何股室的邮箱（config.yaml 的 offices.*.email），"
                f"附件已照常收取：{'、'.join(Path(f).name for f in fetched.files)}",
                Severity.WARNING,
            )
        )
    return found


def _safe(name: str) -> str:
    """A file or folder name that fits every file system (collect's rules)."""
    return portable(name, MAX_NAME_BYTES - 40)


# -- the step, on a loaded cycle ------------------------------------------------------------------


def reporting_months(cycle: Cycle) -> set[str]:
    year, first = cycle.tasks.year, cycle.config.reporting.first_month
    return {f"{year:04d}-{m:02d}" for m in range(first, 13)}


def fetch_month(cycle: Cycle, month: str) -> FetchResult:
    """Fetch the new mails into their months' inboxes and collect those months (and `month`)."""
    cycle.period(month)
    config = cycle.config
    target = Target(
        inbox_of=lambda m: config.folder("inbox", m),
        months=reporting_months(cycle),
        office_of_address=config.office_of_address,
        max_bytes=config.collect.max_file_mb * 2**20,
        tasks=cycle.tasks,
        year=cycle.tasks.year,
    )
    with cycle.writing(month), cycle.ledger() as ledger:
        result = fetch(settings_of(config), ledger, target)
    for m in sorted({month, *result.months}):
        with cycle.writing(m), cycle.ledger() as ledger:
            inbox, archive = config.folder("inbox", m), cycle.folder("archive", m)
            result.collected[m] = collect(inbox, archive, ledger, m)
    for f in result.findings:
        log.warning("%s", f.message)
    return result


def fetch_if_configured(cycle: Cycle, month: str) -> FetchResult | None:
    """For unattended runs: fetch when a mailbox is configured; a mailbox that cannot be read is
    logged (the day goes on with what the inbox holds), never a stop."""
    if not cycle.config.mail.host:
        return None
    try:
        result = fetch_month(cycle, month)
    except MailboxError as exc:
        log.error("未能从邮箱收取（%s），本次只收取收件箱中已有的文件：%s", exc.en, exc.zh)
        return None
    log.info(
        "邮箱：新邮件 %d 封（%s）", len(result.mails), "、".join(result.months) or "无报表附件"
    )
    return result
