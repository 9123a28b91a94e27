"""collect: take every file from the inbox into the month's archive and the ledger.

The inbox original is only ever read.  Each file is copied, unchanged, into the archive under a
name that carries its receipt time and hash, before anything else looks at it.  The time received
is the file's modification time in the inbox (when the mail attachment was saved there).  A file
already collected that arrives again, later (a second upload, mail or copy of the same bytes), is
not archived twice; the ledger notes when it came again, and it counts as sent then.

No inbox file is ever left out: one that cannot be copied (or even read) is still recorded in the
ledger, without an archive copy, so that validate lists it in 校验问题; the next collect tries
again.
Archive names fit every file system: a long name is shortened there, the ledger keeps the original.
"""

from __future__ import annotations

import hashlib
import logging
import re
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from ..ledger import Ledger
from ..models import Finding, Progress, Return, Severity

log = logging.getLogger(__name__)


@dataclass
class CollectResult:
    inbox: Path
    archive: Path
    new: list[Return] = field(default_factory=list)
    already: int = 0
    again: list[str] = field(default_factory=list)  # files sent again: they count anew
    findings: list[Finding] = field(default_factory=list)


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def inbox_files(inbox: Path) -> list[Path]:
    """Every file below the inbox (clerks drop folders too), in a stable order."""
    return sorted(p for p in inbox.rglob("*") if p.is_file())


MAX_NAME_BYTES = 200  # file systems allow 255 bytes a name (UTF-8); some encrypted ones fewer
_NOT_PORTABLE = re.compile(r'[<>:"/\\|?*\x00-\x1f]')  # not allowed in Windows names


def readable(name: str) -> str:
    """A name as a person reads it.  Bytes that are not UTF-8 (a zip made on Chinese Windows and
    unpacked here leaves GBK names) are read as GBK, else shown as �: the ledger and every
    message can hold them."""
    try:
        name.encode("utf-8")
        return name
    except UnicodeEncodeError:
        raw = name.encode("utf-8", "surrogateescape")
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError:
            return raw.decode("utf-8", "replace")


def archive_name(received: datetime, digest: str, name: str) -> str:
    """`收到时间_哈希_原文件名`, shortened (at a character) and cleaned to fit every file system."""
    prefix = f"{received:%Y%m%d-%H%M%S}_{digest[:8]}_"
    return prefix + portable(name, MAX_NAME_BYTES - len(prefix.encode()))


def portable(name: str, room: int = MAX_NAME_BYTES) -> str:
    """`name` cleaned of what some file system refuses and shortened to `room` bytes (UTF-8) at a
    character, keeping its extension."""
    name = _NOT_PORTABLE.sub("_", name).rstrip(" .") or "_"
    suffix = Path(name).suffix if len(Path(name).suffix) <= 8 else ""
    stem = name[: len(name) - len(suffix)]
    room -= len(suffix.encode())
    if len(stem.encode()) > room:
        stem = stem.encode()[: room - 3].decode("utf-8", "ignore") + "…"
    return stem + suffix


def collect(
    inbox: Path,
    archive: Path,
    ledger: Ledger,
    month: str,
    progress: Progress | None = None,
    only: list[Path] | None = None,
) -> CollectResult:
    """Every file of the inbox (`only`: these files of it, e.g. the one just uploaded)."""
    result = CollectResult(inbox=inbox, archive=archive)
    inbox.mkdir(parents=True, exist_ok=True)
    archive.mkdir(parents=True, exist_ok=True)
    files = inbox_files(inbox) if only is None else only
    with ledger.grouped():  # a commit per file would cost more than its copy: Ledger.grouped
        for i, path in enumerate(files, start=1):
            name = _take(path, inbox, archive, ledger, month, result)
            if progress and name is not None:
                progress(i, len(files), name)
    return result


def _take(
    path: Path, inbox: Path, archive: Path, ledger: Ledger, month: str, result: CollectResult
) -> str | None:
    """Archive and record one inbox file, or record it as not archived (with a finding); its name
    as listed, or None when it was collected before."""
    name = str(Path(*map(readable, path.relative_to(inbox).parts)))
    digest, target = "", None
    try:
        digest = sha256_of(path)
        received = datetime.fromtimestamp(path.stat().st_mtime).replace(microsecond=0)
        if ledger.known(month, digest):
            result.already += 1
            # the same file sent again later (another upload, mail or copy) counts as sent then
            if ledger.received_again(month, digest, received):
                result.again.append(name)
                log.info("%s (%s) sent again, received %s", name, digest[:12], received)
            return None
        target = archive / archive_name(received, digest, readable(path.name))
        shutil.copy2(path, target)  # keeps the time stamp; the original is untouched
        ret = Return(file_name=name, sha256=digest, received_at=received, archived_path=target)
        ledger.add_return(month, ret, path.stat().st_size)
        result.new.append(ret)
        log.info("collected %s (%s) received %s", name, digest[:12], received)
    except OSError as exc:  # unreadable, locked, disk full: recorded without a copy, never lost
        log.warning("could not collect %s: %s", name, exc)
        if target is not None:  # no half copy left behind
            target.unlink(missing_ok=True)
        result.findings.append(
            Finding(
                "collect_failed",
                f"收件箱中的文件无法读取或复制（{exc.strerror or exc}），未能存档；已记入台账，"
                "校验问题中会列出。请确认文件未被占用、磁盘有空间后重新运行收取",
                Severity.ERROR,
                file=name,
            )
        )
        _record_uncollected(ledger, month, path, name, digest)
    return name


def _record_uncollected(ledger: Ledger, month: str, path: Path, name: str, digest: str) -> None:
    """The ledger row of a file that could not be archived: validate turns it into a finding."""
    try:
        stat = path.stat()
        received, size = datetime.fromtimestamp(stat.st_mtime).replace(microsecond=0), stat.st_size
    except OSError:
        received, size = datetime.now().replace(microsecond=0), 0
    ret = Return(file_name=name, sha256=digest or f"unread:{name}", received_at=received)
    ledger.add_return(month, ret, size)
