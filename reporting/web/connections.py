"""The page's own state files (web.sqlite3, drafts.sqlite3) reached through one SQLite connection
per thread and file, kept open: opening one (file, locks, WAL mode) cost more than the queries a
request makes, and a request makes several.  Threads share none (SQLite's rule, and Python's); a
file replaced on disk (restored, deleted in a test) gets a new connection."""

from __future__ import annotations

import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from .together import Together

KEPT = 4  # files per thread: the server uses two; a test suite meets many, one after another
_local = threading.local()
_writers: dict[str, threading.Lock] = {}  # a file's writers in this process, one at a time
_writers_lock = threading.Lock()
_T = TypeVar("_T")


@contextmanager
def transaction(path: Path, write: bool = True) -> Iterator[sqlite3.Connection]:
    """The thread's connection to `path`, in a transaction (committed at the end, rolled back on
    an error).  Writers take turns here first: SQLite makes a writer that finds another wait in
    sleeps of up to 100 ms, and fifty offices pressing 提交 at once met those (readers, in WAL
    mode, never wait)."""
    db = _connection(path)
    with _turn(path) if write else nullcontext(), db:
        yield db


def write_together(path: Path, work: Callable[[sqlite3.Connection], _T]) -> _T:
    """`work` (a few statements) written to `path` in one transaction with the other writes
    waiting for the file at this moment: one commit, one fsync, for all of them.  Fifty offices
    pressing 提交 at once queued behind each other's commits (each one a wait for the disk and
    for the interpreter); now the writer whose turn it is takes every write waiting.  A write
    that raises is undone alone (a savepoint) and raises in its own thread."""
    job = _Write(work)
    _together(path).finish(job, lambda batch: _write(_connection(path), batch))
    if job.error is not None:
        raise job.error
    return job.result  # set: the write did not raise


@dataclass
class _Write:
    work: Callable[[sqlite3.Connection], Any]
    result: Any = None
    error: BaseException | None = None
    done: bool = False


_groups: dict[str, Together[_Write]] = {}


def _together(path: Path) -> Together[_Write]:
    turn = _turn(path)  # the file's writers' turn: transaction()'s writes wait for it too
    with _writers_lock:
        if str(path) not in _groups:
            _groups[str(path)] = Together(turn)
        return _groups[str(path)]


def _write(db: sqlite3.Connection, batch: list[_Write]) -> None:
    try:
        with db:  # committed at the end: one commit for the batch
            db.execute("BEGIN IMMEDIATE")  # (a savepoint alone would commit at its release)
            for job in batch:
                db.execute("SAVEPOINT one_write")
                try:
                    job.result = job.work(db)
                except Exception as exc:  # noqa: BLE001 - raised again in the job's thread
                    db.execute("ROLLBACK TO one_write")
                    job.error = exc
                db.execute("RELEASE one_write")
    except Exception as exc:  # noqa: BLE001 - the commit failed: none of the batch is written
        for job in batch:
            job.result, job.error = None, job.error or exc
    finally:
        for job in batch:
            job.done = True


def _turn(path: Path) -> threading.Lock:
    with _writers_lock:
        return _writers.setdefault(str(path), threading.Lock())


def _connection(path: Path) -> sqlite3.Connection:
    kept: OrderedDict[tuple, sqlite3.Connection] = _local.__dict__.setdefault("kept", OrderedDict())
    which = _identity(path)
    if which is not None and which in kept:
        kept.move_to_end(which)
        return kept[which]
    db = sqlite3.connect(path, timeout=30)
    db.row_factory = sqlite3.Row
    db.execute("PRAGMA journal_mode=WAL")
    which = _identity(path)  # the file exists now
    if which is not None:
        kept[which] = db
        while len(kept) > KEPT:
            kept.popitem(last=False)[1].close()
    return db


def _identity(path: Path) -> tuple | None:
    try:
        info = os.stat(path)
    except OSError:
        return None
    # the inode of a file deleted may be given to the next one: its change time tells them apart
    # (a checkpoint changes it too, and costs a new connection)
    return (str(path), info.st_dev, info.st_ino, info.st_ctime_ns)
