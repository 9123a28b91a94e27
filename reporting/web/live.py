"""What the pages show of a month: the summary as validate would build it now (nothing written),
built again only when the ledger holds other returns or the day has changed; and the files the
month's steps left for people (summary, 校验问题, feedback texts), found by kind, never by a name
from the browser."""

from __future__ import annotations

import hashlib
import threading
from dataclasses import dataclass
from pathlib import Path

from ..context import Cycle
from ..cycle import check_month, summarise
from ..forms.fill import form_file_name
from ..models import Light, Milestone, Status, Task
from ..summary.month import MonthSummary
from ..summary.verdicts import verdict
from ..summary.workbook import findings_file_name, summary_file_name


class LiveMonth:
    def __init__(self):
        self._lock = threading.Lock()  # many pages at once: the month is read once
        self._built: dict[str, tuple[str, MonthSummary]] = {}

    def summary(self, cycle: Cycle, month: str) -> MonthSummary:
        with self._lock:
            key = _fingerprint(cycle, month)
            built = self._built.get(month)
            if built and built[0] == key:
                return built[1]
            period, check = check_month(cycle, month)
            with cycle.ledger() as ledger:
                summary = summarise(cycle, period, check, ledger)
            self._built[month] = (key, summary)
            return summary


def _fingerprint(cycle: Cycle, month: str) -> str:
    with cycle.ledger() as ledger:
        rows = [(r.sha256, str(r.archived_path)) for r in ledger.returns(month)]
    return hashlib.sha256(repr((cycle.as_of, rows)).encode()).hexdigest()


@dataclass(frozen=True)
class Due:
    task: Task
    milestone: Milestone
    light: Light  # OVERDUE (past, not reported done), DUE_SOON, NOT_DUE


def milestones_due(cycle: Cycle, month: str, office: str) -> list[Due]:
    """The office's milestones due by the end of the month (or within the amber window), not
    reported done in the last merged month."""
    period = cycle.period(month)
    with cycle.ledger() as ledger:
        done = {
            item
            for m in ledger.statuses_before(f"{month}-32").values()  # this month too
            for item, status in m.items()
            if status == Status.DONE.value
        }
    horizon = max(period.end, cycle.as_of)
    out = []
    for task in cycle.tasks.tasks_of(office):
        for m in task.milestones:
            if m.due is None or m.key in done:
                continue
            days = (m.due - cycle.as_of).days
            if m.due > horizon and days > cycle.amber_days:
                continue
            out.append(Due(task, m, verdict(m.due, False, cycle.as_of, cycle.amber_days)))
    return sorted(out, key=lambda d: d.milestone.due)


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
