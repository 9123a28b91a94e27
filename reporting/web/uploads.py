"""An office's upload: saved while it streams in (never beyond `collect.max_file_mb`), read and
checked at once, then collected like any mail attachment (inbox, archive, SHA-256, ledger; the
time received is the time of the upload).

The name on the office's PC is only ever shown: the file is saved under a name made here
(`office_time_hash.xlsx`).  A workbook that is another office's form is refused before it is
collected, so one office can never put a return in another's name.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import threading
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

from ..checks.validate import validate_month
from ..context import Cycle
from ..filenames import safe_name
from ..intake.collect import collect
from ..intake.grids import WORKBOOK_SUFFIXES
from ..intake.values import squash
from ..models import Finding, Return, Severity
from .reader import Reader
from .store import Upload, WebState

WEB_FOLDER = "网页上传"  # inside the month's inbox: the uploads kept as received
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


def stage(stream: BinaryIO, folder: Path, suffix: str, max_bytes: int) -> Staged:
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
    """Receives uploads for one served config; collecting is one at a time (the month's lock
    also keeps out a `yuebao run` started meanwhile), reading is not."""

    def __init__(self, state: WebState, staging: Path):
        self.state = state
        self.staging = staging
        self.reader = Reader()
        self._collecting = threading.Lock()

    def receive(
        self, cycle: Cycle, month: str, office: str, stream: BinaryIO, shown_name: str
    ) -> Upload:
        max_bytes = cycle.config.collect.max_file_mb * 1024 * 1024
        suffix = suffix_of(shown_name)
        staged = stage(stream, self.staging, suffix, max_bytes)
        received = datetime.now().replace(microsecond=0)
        saved_name = f"{safe_name(office)}_{received:%Y%m%d-%H%M%S}_{staged.sha256[:8]}{suffix}"
        try:
            ret, findings = self._check(cycle, month, staged, saved_name, received, max_bytes)
            owner = ret.office
            if owner and squash(owner) != squash(office):
                return self.state.add_upload(
                    month, office, shown_name, saved_name, staged.sha256, received, False,
                    [foreign_form(owner, office)],
                )  # fmt: skip
            findings += self._collect(cycle, month, office, staged, saved_name, received)
        finally:
            staged.path.unlink(missing_ok=True)
        return self.state.add_upload(
            month, office, shown_name, saved_name, staged.sha256, received, True, findings
        )

    def close(self) -> None:
        self.reader.close()

    def _check(self, cycle, month, staged, saved_name, received, max_bytes):
        """Read and validate the upload alone, as validate will read it among the month's."""
        period, tasks = cycle.period(month), cycle.tasks_for(month)  # the month's own list
        as_of = max(cycle.as_of, received.date())
        ret = Return(saved_name, staged.sha256, received, archived_path=staged.path)
        ret, found = self.reader.read(ret, tasks, max_bytes)
        check = validate_month(tasks, period, [ret], found, as_of)
        return ret, [f for f in check.findings if f.file == saved_name]

    def _collect(self, cycle, month, office, staged, saved_name, received) -> list[Finding]:
        """Into the inbox (its own folder per office) and through collect; what collect found."""
        folder = cycle.config.folder("inbox", month) / WEB_FOLDER / safe_name(office)
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / saved_name
        with self._collecting, cycle.writing(month), cycle.ledger() as ledger:
            shutil.copyfile(staged.path, target)
            os.utime(target, (received.timestamp(), received.timestamp()))
            result = collect(folder, cycle.folder("archive", month), ledger, month)
        return result.findings  # the same file sent again counts anew: nothing to say of it


def foreign_form(owner: str, office: str) -> Finding:
    return Finding(
        "office_mismatch",
        f"上传的是“{owner}”的表格，不是本股室（{office}）的。未接收，也不会计入任何股室。"
        "请下载本页的本股室表格填写后重新上传",
        Severity.ERROR,
        office=office,
    )
