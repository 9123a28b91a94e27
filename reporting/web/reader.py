"""Reading uploads in long-lived worker processes, so that the page answers in well under two
seconds with fifty offices uploading at once and still no file can take it down.

`yuebao validate` starts workers for each batch (intake.reading); the page reads one file at a
time, all day, so it keeps its workers (under the same memory and time limits) and starts new
ones only when the task list is read again or a worker died on a hostile file.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import threading
from dataclasses import replace
from multiprocessing.context import BaseContext
from typing import Any

from pebble import ProcessPool

from ..intake.grids import Bounds
from ..intake.isolation import (
    MEMORY_LIMIT_MB,
    SECONDS_PER_FILE,
    Failure,
    outcome_of,
    start_worker,
)
from ..intake.reading import failure_finding, read_one, shallow
from ..intake.returns import reading_bounds
from ..models import Finding, Return, TaskList
from .kept import Kept

log = logging.getLogger(__name__)
RECENT_KEPT = 256  # files' readings kept (a few per office: its checks, uploads, judgement)


class Reader:
    def __init__(self, workers: int | None = None):
        self.workers = workers or min(4, os.cpu_count() or 1)
        self._lock = threading.Lock()
        self._pool: ProcessPool | None = None
        self._for: tuple[int, int] | None = None  # (id of the task list, max_bytes)
        self._recent: Kept[tuple[Return, list[Finding]]] = Kept(RECENT_KEPT)

    def read(self, ret: Return, tasks: TaskList, max_bytes: int) -> tuple[Return, list[Finding]]:
        """The return as read and what reading found; a worker's failure is a finding.  The
        same bytes under the same list read the same: a file read moments ago (提交's check,
        then its intake; an upload's check, then the month's judgement of its archived copy) is
        not read again."""
        key = (ret.sha256, id(tasks), max_bytes)
        known = self._recent.get(key) if ret.sha256 else None
        if known is None:
            known = self._recent.put(key, self._read(ret, tasks, max_bytes))
        return _as_asked(known, ret)

    def _read(self, ret: Return, tasks: TaskList, max_bytes: int) -> tuple[Return, list[Finding]]:
        future = self._pool_for(tasks, max_bytes).schedule(_read, (ret,), timeout=SECONDS_PER_FILE)
        outcome = outcome_of(future)
        if not isinstance(outcome, Failure):
            return outcome
        log.warning("reading upload %s failed in its worker: %s", ret.file_name, outcome)
        ret.readable = False
        return ret, [failure_finding(ret, outcome)]

    def start(self, tasks: TaskList, max_bytes: int) -> None:
        """Start the workers now (each imports the reader once), not on the first upload."""
        pool = self._pool_for(tasks, max_bytes)
        for future in [pool.schedule(_ready) for _ in range(self.workers)]:
            future.result()

    def _pool_for(self, tasks: TaskList, max_bytes: int) -> ProcessPool:
        with self._lock:
            if self._pool is None or self._for != (id(tasks), max_bytes):
                self.close()
                self._pool = ProcessPool(
                    max_workers=self.workers,
                    initializer=start_worker,
                    initargs=(MEMORY_LIMIT_MB, _start, (tasks, max_bytes, reading_bounds(tasks))),
                    context=worker_context(),
                )
                self._for = (id(tasks), max_bytes)
            return self._pool

    def close(self) -> None:
        if self._pool is not None:
            self._pool.close()
            # the workers end only when joined: else the process, at its exit, waits on them
            # for ever (bench_web.py's server never ended)
            self._pool.join()
            self._pool = None


def _as_asked(read: tuple[Return, list[Finding]], asked: Return) -> tuple[Return, list[Finding]]:
    """A file's reading given to another return of the same bytes: its own copy, under its own
    name, time and place (what validate marks is copied where it marks it: reading.shallow)."""
    ret, found = read
    if ret.readable:  # what the file says (office, month, rows) is the reading's
        mine = shallow(ret)
        for name in ("file_name", "received_at", "archived_path", "sent_again_at"):
            setattr(mine, name, getattr(asked, name))
    else:  # nothing could be read: the return as asked, marked unreadable
        mine = shallow(asked)
        mine.readable = False
    same = ret.file_name
    return mine, [replace(f, file=asked.file_name) if f.file == same else replace(f) for f in found]


def worker_context() -> BaseContext:
    """The page's workers (the readers, the collector) start from a clean process (the server
    has many threads: no fork of those): the fork server, which imports them once, so a worker
    replaced (after a hostile file, a task list read again) starts in milliseconds, not the half
    second of its imports."""
    if "forkserver" not in multiprocessing.get_all_start_methods():  # Windows
        return multiprocessing.get_context("spawn")
    context = multiprocessing.get_context("forkserver")
    preload = ["__main__", __name__, "reporting.web.collector"]
    context.set_forkserver_preload(preload)  # taken when it first starts
    return context


_worker: dict[str, Any] = {}  # what _start gave this worker process


def _start(tasks: TaskList, max_bytes: int, bounds: Bounds) -> None:
    _worker.update(tasks=tasks, max_bytes=max_bytes, bounds=bounds)


def _ready() -> bool:
    return True


def _read(ret: Return) -> tuple[Return, list[Finding]]:
    return ret, read_one(ret, _worker["tasks"], _worker["max_bytes"], _worker["bounds"])
