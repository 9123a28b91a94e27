"""What every step of the month works in: config.yaml, the task list (with approved 延期), the
day taken as today, the ledger, the month's lock and the output folders."""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path

from .backup import back_up
from .config import Config, load_config
from .errors import YuebaoError
from .ledger import Ledger
from .models import Light, TaskList
from .monthlock import hold_months
from .period import Period, make_period
from .tasks.tasklist import read_task_list


@dataclass
class Cycle:
    config: Config
    tasks: TaskList
    as_of: date
    backed_up: bool = False

    @classmethod
    def load(cls, config_path: str | Path, as_of: date | None = None) -> "Cycle":
        config = load_config(config_path)
        tasks = read_task_list(config.task_list_path, config.year)
        cycle = cls(config, tasks, as_of or date.today())
        if config.ledger_path.exists():
            with cycle.ledger() as ledger:
                cycle.tasks = apply_extensions(tasks, ledger.extensions())
        return cycle

    def period(self, month: str) -> Period:
        rep = self.config.reporting
        return make_period(month, rep.deadline_day, rep.period_start_month)

    def ledger(self) -> Ledger:
        return Ledger(self.config.ledger_path)

    @contextmanager
    def writing(self, *months: str, backup: bool = True):
        """Hold the months (a second command on one waits, then stops) and, before the first change,
        check the ledger and back it up (once per Cycle: per command, per day of the schedule)."""
        config = self.config
        with hold_months(config.ledger_path, list(months), config.lock_wait_seconds):
            if backup and not self.backed_up:
                back_up(config.ledger_path, config.ledger_backups)
                self.backed_up = True
            yield

    @property
    def amber_days(self) -> int:
        return self.config.reporting.amber_days

    @property
    def fills(self) -> dict[Light, str]:
        c = self.config.colours
        return {
            Light.OVERDUE: c.overdue,
            Light.DUE_SOON: c.due_soon,
            Light.DONE: c.done,
            Light.UNDATED: c.undated,
        }

    def folder(self, name: str, month: str) -> Path:
        return writable(self.config.folder(name, month))


def apply_extensions(tasks: TaskList, approved: dict) -> TaskList:
    """Milestones with an approved 延期 count as due on the new date; the planned one is kept
    beside it."""
    if not approved:
        return tasks
    changed = []
    for t in tasks.tasks:
        ms = tuple(
            replace(m, due=date.fromisoformat(approved[m.key]["new_due"]), extended_from=m.due)
            if m.key in approved
            else m
            for m in t.milestones
        )
        changed.append(replace(t, milestones=ms))
    return replace(tasks, tasks=changed)


def writable(folder: Path) -> Path:
    """Create the folder and prove we can write there, before any work is done."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".yuebao-write-test"):
            pass
    except OSError as exc:
        raise YuebaoError(
            f"无法写入文件夹：{folder}（请检查路径和权限）",
            f"output folder not writable: {folder}: {exc}",
        ) from exc
    return folder
