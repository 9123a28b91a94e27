"""Collecting checked uploads (inbox, archive, SHA-256, ledger) in a process of its own.

Collecting is many small steps on files and on the ledger, and each gives the interpreter up.
In the page's own process, busy answering fifty offices at once, each step then waited its turn
again: a batch took 40 ms instead of 5, and every office's result waited on the batches before
its own.  Here it runs beside the page, in one long-lived worker (one at a time, as before).
"""

from __future__ import annotations

import logging
import os
import shutil
import threading
import traceback
from concurrent.futures import CancelledError, Future
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from pathlib import Path

from pebble import ProcessPool
from pebble.common import ProcessExpired

from ..backup import back_up
from ..config import Config
from ..context import Cycle, holding, writable
from ..filenames import safe_name
from ..intake.collect import collect
from ..ledger import Ledger
from ..models import Finding
from ..monthlock import MonthBusy
from .reader import worker_context
from .store import Upload

log = logging.getLogger(__name__)
WEB_FOLDER = "网页上传"  # inside the month's inbox: the uploads kept as received
KEEP_IN_INBOX = 3  # an office's uploads kept in the inbox beside the archive, which keeps all
CLOSE_SECONDS = 5  # the page stopping waits this long for the batch being collected
ASK_SECONDS = 0.5  # a batch's waiter looks this often whether the page stopped its worker

Commit = tuple[int, int, int]  # ledger.opening.commit_of


class CollectFailed(Exception):
    """Collecting failed (the worker's traceback is the message, for the log)."""


@dataclass
class _Outcome:
    found: list[list[Finding]] | None = None  # per upload; None: the month is held elsewhere
    committed: tuple[Commit, ...] = ()
    error: str = ""


class Collector:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._pool: ProcessPool | None = None
        self._closed = False
        self._stopped = False  # a batch's worker stopped by close()

    def start(self, cycle: Cycle) -> None:
        """Start the worker now, not on the first upload, and back the ledger up in it now (and
        for each Cycle the page reads again: a new day): the first batch of a served Cycle would
        (before its first change), while offices wait."""
        future = self._worker().schedule(_back_up, (cycle.config,))
        future.add_done_callback(lambda done: _backed_up(cycle, done))

    def collect(
        self, cycle: Cycle, month: str, uploads: list[tuple[Upload, Path]]
    ) -> tuple[list[list[Finding]], tuple[Commit, ...]] | None:
        """Collect the uploads of `month` (their staged files) in one hold of the month and one
        commit: (what collecting found in each, the commits made); None when another command
        holds the month (try again later).  Raises CollectFailed."""
        backup = not cycle.backed_up  # the ledger backed up once per served Cycle, as a command
        future = self._worker().schedule(_collect, (cycle.config, backup, month, uploads))
        try:
            outcome = self._outcome(future)
        except (ProcessExpired, CancelledError) as exc:  # killed (memory, a signal), or stopped
            raise CollectFailed(f"the collecting worker ended: {exc!r}") from exc
        if outcome.error:
            raise CollectFailed(outcome.error)
        if outcome.found is None:
            return None
        cycle.backed_up = True
        return outcome.found, outcome.committed

    def _outcome(self, future: Future) -> _Outcome:
        while True:  # a worker stopped by close() never answers: asked again now and then
            try:
                outcome: _Outcome = future.result(timeout=ASK_SECONDS)
                return outcome
            except FutureTimeout:
                if self._stopped:
                    raise CollectFailed("the page stopped before the batch was collected")

    def close(self, seconds: float = CLOSE_SECONDS) -> None:
        """Let the batch being collected finish (`seconds` at most: one waiting for a month
        another command holds is stopped; its uploads are checked again after a restart)."""
        with self._lock:
            self._closed = True
            if self._pool is not None:
                self._pool.close()
                try:
                    self._pool.join(seconds)  # joined: see Reader.close
                except TimeoutError:
                    self._pool.stop()
                    self._pool.join()
                    self._stopped = True
                self._pool = None

    def _worker(self) -> ProcessPool:
        with self._lock:
            if self._closed:
                raise CollectFailed("the page is stopping: nothing more is collected")
            if self._pool is None:
                self._pool = ProcessPool(max_workers=1, context=worker_context())
            return self._pool


def _back_up(config: Config) -> str:
    """The worker's side of start: "" when backed up, else why not (said as text: the project's
    errors are not made again from a pickle)."""
    try:
        back_up(config.ledger_path, config.ledger_backups)
    except Exception as exc:  # noqa: BLE001 - the first batch backs up then, and says why
        return str(exc)
    return ""


def _backed_up(cycle: Cycle, done: Future) -> None:
    try:
        why = done.result()
    except Exception as exc:  # noqa: BLE001 - (the worker died)
        why = repr(exc)
    if why:
        log.warning("backing up the ledger when the page started failed: %s", why)
    else:
        cycle.backed_up = True


def _collect(
    config: Config, backup: bool, month: str, uploads: list[tuple[Upload, Path]]
) -> _Outcome:
    """The worker's side of Collector.collect."""
    try:
        with holding(config, [month], backup), Ledger(config.ledger_path) as ledger:
            archive = writable(config.folder("archive", month))  # proved writable once a batch
            with ledger.grouped():
                found = [collect_one(config, ledger, u, path, archive) for u, path in uploads]
            return _Outcome(found, tuple(ledger.committed))
    except MonthBusy:
        return _Outcome()
    except Exception:  # noqa: BLE001 - said to the page's process, which logs it per upload
        return _Outcome(error=traceback.format_exc())


def collect_one(
    config: Config, ledger: Ledger, upload: Upload, path: Path, archive: Path
) -> list[Finding]:
    """Into the inbox (its own folder per office) and the ledger, this file alone; the same
    bytes received before are kept once and count as sent again now."""
    month, received = upload.month, upload.received_at
    if ledger.known(month, upload.sha256):
        ledger.received_again(month, upload.sha256, received)
        return []
    folder = config.folder("inbox", month) / WEB_FOLDER / safe_name(upload.office)
    folder.mkdir(parents=True, exist_ok=True)
    target = folder / upload.saved_name
    shutil.copyfile(path, target)
    os.utime(target, (received.timestamp(), received.timestamp()))
    found = collect(folder, archive, ledger, month, only=[target]).findings
    if not found:  # archived: the inbox keeps only the office's latest copies
        prune(folder, KEEP_IN_INBOX)
    return found


def prune(folder: Path, keep: int) -> None:
    """Remove all but the `keep` newest uploads of the office's inbox folder: each is in the
    archive (with its hash in the ledger) already; the inbox copy only doubled the disk used."""
    files = sorted((p for p in folder.iterdir() if p.is_file()), key=lambda p: p.stat().st_mtime)
    for old in files[:-keep]:
        old.unlink(missing_ok=True)
