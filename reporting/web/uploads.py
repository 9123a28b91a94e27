"""An office's upload: saved while it streams in (never beyond `collect.max_file_mb`), read and
checked at once, then collected like any mail attachment (inbox, archive, SHA-256, ledger; the
time received is the time of the upload).

The name on the office's PC is only ever shown: the file is saved under a name made here
(`office_time_hash.xlsx`).  A workbook that is another office's form is refused before it is
collected, so one office can never put a return in another's name.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
import threading
from dataclasses import dataclass, field
from datetime import datetime
from functools import partial
from pathlib import Path
from typing import IO, Callable

from ..checks.rules import apply_rules
from ..checks.validate import validate_month
from ..context import Cycle
from ..filenames import upload_name
from ..intake.grids import WORKBOOK_SUFFIXES
from ..intake.values import office_key
from ..models import Finding, Return, Severity
from .checking import CheckQueue
from .collector import Collector
from .live import OwnCommits
from .reader import Reader
from .store import Upload, WebState
from .together import Together

log = logging.getLogger(__name__)
CHUNK = 1 << 16


class TooLarge(Exception):
    """The upload passed `collect.max_file_mb`: nothing of it is kept."""


class NotAWorkbook(Exception):
    """The file's name says it is no spreadsheet (a .pdf, a .docx): refused unread."""


@dataclass
class Staged:
    path: Path
    sha256: str
    size: int


def stage(stream: IO[bytes], folder: Path, suffix: str, max_bytes: int) -> Staged:
    """Copy the upload into `folder` under a random name, hashing it; stop past `max_bytes`."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / (secrets.token_hex(16) + suffix)
    digest, size = hashlib.sha256(), 0
    try:
        with path.open("xb") as out:
            while block := stream.read(CHUNK):
                size += len(block)
                if size > max_bytes:
                    raise TooLarge
                digest.update(block)
                out.write(block)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return Staged(path, digest.hexdigest(), size)


def suffix_of(shown_name: str) -> str:
    suffix = Path(shown_name).suffix.lower()
    if suffix not in WORKBOOK_SUFFIXES:
        raise NotAWorkbook(suffix)
    return suffix


class Intake:
    """Receives uploads for one served config: each is stored and recorded at once (the page
    says 已收到，正在检查), then checked and collected by the CheckQueue's workers; collecting is
    one at a time, and waits out another command holding the month (a worker waits, no page)."""

    def __init__(
        self,
        state: WebState,
        staging: Path,
        cycle_of: Callable[[], Cycle],
        own: OwnCommits | None = None,
    ):
        self.state = state
        self.own = own or OwnCommits()  # what it committed, for the pages (live.LiveMonth)
        self.staging = staging
        self.cycle_of = cycle_of  # the served config as of now
        self.reader = Reader()
        self.collector = Collector()
        self._closing = False
        self._collecting: Together[_Collecting] = Together()  # checked, to be collected
        # a check mostly waits (its file read in a worker process, the disk): more checks than
        # readers keep the readers busy; heavy ones still leave a check free (CheckQueue)
        self.queue = CheckQueue(self.reader.workers * CHECKS_PER_READER, self.check)

    def resume(self) -> None:
        """After a restart: check what was received and not checked; drop staged files nobody
        waits for (a server killed mid-upload)."""
        waiting = self.state.unchecked()
        kept = {u.staged for u in waiting}
        if self.staging.is_dir():
            for path in self.staging.iterdir():
                if path.name not in kept:
                    path.unlink(missing_ok=True)
        for upload in waiting:
            path = self.staging / upload.staged
            heavy = path.is_file() and path.stat().st_size > HEAVY_BYTES
            self.queue.put(upload.office, upload.id, heavy)

    def receive(
        self, cycle: Cycle, month: str, office: str, stream: IO[bytes], shown_name: str
    ) -> tuple[Upload, threading.Event]:
        """Store the upload and record it as received; (the upload, set once it is checked)."""
        max_bytes = cycle.config.collect.max_file_mb * 1024 * 1024
        suffix = suffix_of(shown_name)
        staged = stage(stream, self.staging, suffix, max_bytes)
        received = datetime.now().replace(microsecond=0)
        saved_name = upload_name(office, received, staged.sha256, suffix, shown_name)
        upload = self.state.receive_upload(
            month, office, shown_name, saved_name, staged.sha256, received, staged.path.name
        )
        return upload, self.queue.put(office, upload.id, staged.size > HEAVY_BYTES)

    def acknowledge(self, checked: threading.Event, seconds: float) -> None:
        """An upload alone waits up to `seconds` for its quick check, so its result is the page
        that answers; in a crowd no thread waits (the page says 正在检查, then the result)."""
        if self.queue.waiting() <= 1:
            checked.wait(seconds)

    def check(self, upload_id: int) -> None:
        """Read and check one upload, then collect it (the queue's work)."""
        upload = self.state.upload(upload_id)
        path = self.staging / upload.staged
        if not upload.staged or not path.is_file():
            self.state.checked_upload(upload_id, False, [lost()])
            return
        try:
            cycle = self.cycle_of()
            max_bytes = cycle.config.collect.max_file_mb * 1024 * 1024
            ret, findings = self._check(cycle, upload, path, max_bytes)
            owner = ret.office
            if owner and office_key(owner) != office_key(upload.office):
                self.state.checked_upload(upload_id, False, [foreign_form(owner, upload.office)])
            else:
                findings += self._collect(cycle, upload, path)
                self.state.checked_upload(upload_id, True, findings)
        except Exception:
            if self._closing:  # the page is stopping: checked again when it starts (resume)
                log.info(
                    "upload %s of %s: checked again after the restart", upload_id, upload.office
                )
                return
            log.exception("upload %s of %s could not be checked", upload_id, upload.office)
            self.state.checked_upload(upload_id, False, [failed()])
        path.unlink(missing_ok=True)

    def close(self) -> None:
        """Stop: a batch being collected gets a few seconds; what is not checked by then stays
        received, with its staged file, and is checked when the page starts again."""
        self._closing = True
        self.collector.close()
        self.queue.close()
        self.reader.close()

    def _check(
        self, cycle: Cycle, upload: Upload, path: Path, max_bytes: int
    ) -> tuple[Return, list[Finding]]:
        """Read and validate the upload alone, as validate will read it among the month's."""
        period, tasks = cycle.period(upload.month), cycle.tasks_for(upload.month)
        received = upload.received_at
        as_of = max(cycle.as_of, received.date())
        ret = Return(upload.saved_name, upload.sha256, received, archived_path=path)
        ret, found = self.reader.read(ret, tasks, max_bytes)
        check = validate_month(tasks, period, [ret], found, as_of)
        mine = [f for f in check.findings if f.file == upload.saved_name]
        apply_rules(mine, cycle.config.rules)  # config.yaml's severities, as the month's judgement
        return ret, mine

    def _collect(self, cycle: Cycle, upload: Upload, path: Path) -> list[Finding]:
        """Into the inbox (its own folder per office) and the ledger, this file alone; the same
        bytes received before are kept once and count as sent again now.

        One worker collects at a time, and takes every upload checked meanwhile with its own
        (one hold of the month, one commit): fifty offices at once cost a few commits, not
        fifty.  Another command holding the month: wait for it (the workers only; the pages
        answer meanwhile)."""
        job = _Collecting(upload, path)
        self._collecting.finish(job, partial(self._collect_now, cycle), BUSY_RETRY_SECONDS)
        if job.error is not None:
            raise job.error
        return job.findings

    def _collect_now(self, cycle: Cycle, batch: list[_Collecting]) -> list[_Collecting]:
        busy = self._collect_batch(cycle, batch)
        if busy:
            log.info("%d uploads wait: their month is held by another command", len(busy))
        return busy

    def _collect_batch(self, cycle: Cycle, batch: list[_Collecting]) -> list[_Collecting]:
        """Collect the jobs, month by month (in the collector's process); those whose month
        another command holds are returned, to be tried again."""
        busy = []
        for month in dict.fromkeys(job.upload.month for job in batch):
            jobs = [job for job in batch if job.upload.month == month]
            try:
                with self.own.collecting():
                    uploads = [(job.upload, job.path) for job in jobs]
                    done = self.collector.collect(cycle, month, uploads)
                    if done is not None:
                        offices = [job.upload.office for job in jobs]
                        self.own.add(month, offices, list(done[1]))
            except Exception as exc:  # noqa: BLE001 - each upload's check reports it
                if len(jobs) > 1:  # one upload's failure is not the others': each alone
                    busy += sum((self._collect_batch(cycle, [job]) for job in jobs), [])
                    continue
                jobs[0].error = exc
            else:
                if done is None:  # the month is held by another command
                    busy += jobs
                    continue
                for job, findings in zip(jobs, done[0]):
                    job.findings = findings
            for job in jobs:
                job.done = True
        return busy


@dataclass
class _Collecting:
    upload: Upload
    path: Path
    findings: list[Finding] = field(default_factory=list)
    error: Exception | None = None
    done: bool = False


BUSY_RETRY_SECONDS = 2
CHECKS_PER_READER = 3
HEAVY_BYTES = 2 << 20  # a form is well under 1 MB; a bigger file is slow to read: see CheckQueue


def foreign_form(owner: str, office: str) -> Finding:
    return Finding(
        "office_mismatch",
        f"上传的是“{owner}”的表格，不是本股室（{office}）的。未接收，也不会计入任何股室。"
        "请下载本页的本股室表格填写后重新上传",
        Severity.ERROR,
        office=office,
    )


def lost() -> Finding:
    return Finding(
        "read_failed",
        "服务器重启时该上传的文件未能保留，未接收。请重新上传",
        Severity.ERROR,
    )


def failed() -> Finding:
    return Finding(
        "read_failed",
        "检查该文件时程序出错，未接收（详情已记入日志）。请稍后重新上传；如仍不行，请发给局办公室",
        Severity.ERROR,
    )
