"""What the pages show of a month: the month as validate would judge it now (nothing written),
judged again only when the ledger holds other returns or the day has changed.  Every page reads
this one judgement (an office's state, the return that counts, each milestone's verdict), and the
workbook the pages offer is written from it, so a page and its workbook never disagree.  Also the
files the month's steps left for people (summary, 校验问题, feedback texts), found by kind, never
by a name from the browser."""

from __future__ import annotations

import hashlib
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from ..context import Cycle
from ..cycle import check_month, summarise
from ..filenames import is_upload_name
from ..forms.fill import form_file_name
from ..intake.mailbox import MAIL_FOLDER
from ..intake.reading import ReadCache
from ..ledger import stamp
from ..ledger.opening import commit_of
from ..models import Finding, Light, Milestone, Return, Task, TaskList
from ..summary.month import MonthSummary, OfficeRow
from ..summary.outputs import write_summary_files
from ..summary.workbook import findings_file_name, summary_file_name
from .reader import Reader


@dataclass
class _Judged:
    key: str  # what it was judged from (_fingerprint)
    read_at: float  # when that was read (time.monotonic)
    summary: MonthSummary
    cycle: Cycle | None = None  # the served Cycle it was judged for …
    on_disk: tuple | None = None  # … and the ledger's stamp then (None: not known)


class OwnCommits:
    """What the page's own intake committed to the ledger (commit_of each commit), and when it
    last took in a return of each office (time.monotonic, after the commit).

    An office's page may show the month as judged before other offices' uploads were taken in
    (they change nothing the office sees): fifty offices uploading at once then share a few
    judgements instead of each asking for one of its own.  Its own returns, and anything any
    other process or command committed, are never left out."""

    KEPT = 10_000  # commits remembered; forgetting them only means judging again
    SETTLE_SECONDS = 0.2  # how long a commit not known is waited on while ours are in flight

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._settled = threading.Condition(self._lock)
        self._collecting = 0  # batches being collected (their commits not told yet)
        self._commits: set[tuple[int, int, int]] = set()
        self._taken: dict[tuple[str, str], float] = {}  # (month, office) -> when

    @contextmanager
    def collecting(self) -> Iterator[None]:
        """Around collecting a batch (in the collector's process) until its commits are added:
        a page that meanwhile meets a commit it does not know waits a moment for them (see
        only_ours) instead of taking it for another process's and reading the month again."""
        with self._lock:
            self._collecting += 1
        try:
            yield
        finally:
            with self._lock:
                self._collecting -= 1
                self._settled.notify_all()

    def add(self, month: str, offices: list[str], commits: list[tuple[int, int, int]]) -> None:
        now = time.monotonic()
        with self._lock:
            if len(self._commits) > self.KEPT:
                self._commits.clear()
            self._commits.update(commits)
            for office in offices:
                self._taken[(month, office)] = now
            self._settled.notify_all()

    def taken(self, month: str, office: str) -> float:
        """When the office's last return came in through this page (0: none since it started)."""
        with self._lock:
            return self._taken.get((month, office), 0.0)

    def only_ours(self, then: tuple | None, now: tuple | None) -> bool:
        """Whether every commit from stamp `then` to stamp `now` is one of ours (so, too, when
        nothing was committed between them); False when either is not known."""
        first, last = commit_of(then), commit_of(now)
        if first is None or last is None or first[:2] != last[:2]:
            return False  # not known, or another file (a ledger restored)
        device, inode, counter = first
        wanted = [(device, inode, c) for c in range(counter + 1, last[2] + 1)]
        deadline = time.monotonic() + self.SETTLE_SECONDS
        with self._lock:
            while not all(c in self._commits for c in wanted):
                left = deadline - time.monotonic()
                if not self._collecting or left <= 0:
                    return False  # another's, or ours held up (the month held elsewhere)
                self._settled.wait(left)
            return True


class LiveMonth:
    def __init__(
        self,
        cache: Path | None = None,
        reader: Reader | None = None,
        own: OwnCommits | None = None,
    ):
        self._lock = threading.Lock()  # many pages at once: the month is judged once
        self.own = own or OwnCommits()
        self._built: dict[str, _Judged] = {}
        self._cache = cache  # where the workbooks of the judged month are written
        self._read: dict[int, ReadCache] = {}  # per task list: each file read only once
        self._reader = reader  # the uploads' long-lived workers read a few new files

    def summary(self, cycle: Cycle, month: str, office: str | None = None) -> MonthSummary:
        """`office`: for that office's page (see OwnCommits)."""
        with self._current(cycle, month, office) as judged:
            return judged.summary

    @contextmanager
    def _current(self, cycle: Cycle, month: str, office: str | None = None) -> Iterator[_Judged]:
        """The month judged from the ledger as it stood at some moment after this was asked
        for: pages asking while the month is being judged take that judgement, so a burst of
        uploads and page loads judges the month a few times, not once per page.  An office's
        page also takes one that left out only other offices' uploads to this page."""
        asked = time.monotonic()
        with self._lock:
            built = self._built.get(month)
            if built is None or not (
                built.read_at >= asked or office and self._fresh_for(built, cycle, month, office)
            ):
                built = self._judge(cycle, month, built)
            yield built

    def _fresh_for(self, built: _Judged, cycle: Cycle, month: str, office: str) -> bool:
        return (
            built.cycle is cycle  # the same config, list, 延期 and day
            and built.read_at >= self.own.taken(month, office)
            and self.own.only_ours(built.on_disk, stamp(cycle.config.ledger_path))
        )

    def _judge(self, cycle: Cycle, month: str, built: _Judged | None) -> _Judged:
        read_at, on_disk = time.monotonic(), stamp(cycle.config.ledger_path)
        if built and built.cycle is cycle and on_disk is not None and built.on_disk == on_disk:
            built.read_at = read_at  # nothing committed since: not even the ledger is opened
            return built
        with cycle.ledger() as ledger:
            tasks = cycle.tasks_for(month, ledger)
            key = _fingerprint(cycle, tasks, ledger.returns_version(month))
        if built and built.key == key:
            built.read_at, built.cycle, built.on_disk = read_at, cycle, on_disk
            return built
        if id(tasks) not in self._read:  # a list read again: every file is read again for it
            self._read = {id(tasks): ReadCache(self._read_one(cycle, tasks))}
        period, check = check_month(cycle, month, cache=self._read[id(tasks)])
        with cycle.ledger() as ledger:
            summary = summarise(cycle, period, check, ledger)
        self._built[month] = built = _Judged(key, read_at, summary, cycle, on_disk)
        return built

    def _read_one(
        self, cycle: Cycle, tasks: TaskList
    ) -> Callable[[Return], tuple[Return, list[Finding]]] | None:
        if self._reader is None:
            return None
        reader, max_bytes = self._reader, cycle.config.collect.max_file_mb * 1024 * 1024
        return lambda ret: reader.read(ret, tasks, max_bytes)

    def workbook(self, cycle: Cycle, month: str) -> Path:
        """The summary workbook of the month exactly as the pages show it now."""
        assert self._cache is not None, "LiveMonth(cache=...) writes workbooks"
        with self._current(cycle, month) as judged:
            summary = judged.summary
            folder = self._cache / month / judged.key[:16]
            path = folder / summary_file_name(summary.period.label, summary.unit)
            if not path.is_file():
                folder.mkdir(parents=True, exist_ok=True)
                write_summary_files(summary, folder, cycle.amber_days, cycle.fills)
                for old in (self._cache / month).iterdir():  # earlier judgements: stale
                    if old != folder:
                        _remove(old)
            return path


def _remove(folder: Path) -> None:
    for f in folder.glob("*"):
        f.unlink(missing_ok=True)
    folder.rmdir()


def _fingerprint(cycle: Cycle, tasks: TaskList, returns: str) -> str:
    """What the judgement depends on: the returns (and when each came last), the approved
    extensions, the task list and the day."""
    extended = [(m.key, m.due) for m in tasks.milestones() if m.extended_from]
    listed = (tasks.title, len(tasks.tasks), id(tasks))
    return hashlib.sha256(repr((cycle.as_of, returns, extended, listed)).encode()).hexdigest()


def office_row(summary: MonthSummary, office: str) -> OfficeRow | None:
    return next((o for o in summary.offices if o.office.name == office), None)


def source_of(file_name: str) -> str:
    """How a return came, as the office page says it (an upload is recorded under the name the
    page made for it, a mail's file below the inbox's mail folder)."""
    if is_upload_name(file_name):
        return "网页上传"
    first = Path(file_name).parts[0] if file_name else ""
    return "邮件" if first == MAIL_FOLDER else "局办公室收件箱"


@dataclass(frozen=True)
class Due:
    task: Task
    milestone: Milestone
    light: Light  # OVERDUE (past, not reported done), DUE_SOON, NOT_DUE


def milestones_due(summary: MonthSummary, office: str, amber_days: int) -> list[Due]:
    """The office's milestones due by the end of the month (or within the amber window) and not
    done, as the month is judged now (the same verdicts as the chiefs' page and the workbook)."""
    horizon = max(summary.period.end, summary.as_of)
    out: list[Due] = []
    for r in summary.rows:
        m, light = r.milestone, r.light
        if r.task.lead != office or m is None or m.due is None:
            continue
        if light is None or light is Light.DONE:  # None: only a row without a milestone
            continue
        if m.due > horizon and (m.due - summary.as_of).days > amber_days:
            continue
        out.append(Due(r.task, m, light))
    return sorted(out, key=lambda d: d.milestone.due or date.min)  # each has its date


# -- the month's files ---------------------------------------------------------------------------
def month_files(cycle: Cycle, month: str) -> dict[str, Path]:
    """kind -> file, for the files that exist: summary, findings, feedback/<n>."""
    label = cycle.period(month).label
    folder = cycle.config.folder("summary", month)
    files = {
        "summary": folder / summary_file_name(label, cycle.config.bureau),
        "findings": folder / findings_file_name(label),
    }
    found = {kind: path for kind, path in files.items() if path.is_file()}
    feedback = sorted((folder / "反馈").glob("反馈_*.txt")) if (folder / "反馈").is_dir() else []
    for i, path in enumerate(feedback, start=1):
        found[f"feedback-{i}"] = path
    return found


def form_path(cycle: Cycle, month: str, office: str) -> Path | None:
    path = cycle.config.folder("outbox", month) / form_file_name(month, office)
    return path if path.is_file() else None
