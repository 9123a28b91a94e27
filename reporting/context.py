"""What every step of the month works in: config.yaml, the task list (with approved 延期), the
day taken as today, the ledger, the month's lock and the output folders."""

from __future__ import annotations

import hashlib
import tempfile
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from .backup import back_up
from .config import Config, load_config
from .errors import YuebaoError
from .intake.collect import sha256_of
from .ledger import Extension, Ledger, MonthList, stamp
from .models import Light, Task, TaskList
from .monthlock import hold_months
from .period import Period, make_period
from .tasks.tasklist import read_task_list


@dataclass
class Cycle:
    config: Config
    tasks: TaskList
    as_of: date
    backed_up: bool = False
    tasks_sha256: str = ""  # of the file `tasks` was read from ("": not known)
    month_lists: dict[str, TaskList] = field(default_factory=dict, repr=False)  # by SHA-256
    _lists_at: dict[str, tuple[tuple, TaskList]] = field(default_factory=dict, repr=False)
    # whether every commit between two ledger stamps only took in returns (the page's own
    # uploads: web.live.OwnCommits); None: any commit may have changed a month's list
    returns_only: Callable[[tuple | None, tuple | None], bool] | None = field(
        default=None, repr=False
    )

    @classmethod
    def load(cls, config_path: str | Path, as_of: date | None = None) -> "Cycle":
        config = load_config(config_path)
        tasks = read_task_list(config.task_list_path, config.year)
        cycle = cls(config, tasks, as_of or date.today())
        cycle.tasks_sha256 = sha256_of(config.task_list_path)
        if config.ledger_path.exists():
            with cycle.ledger() as ledger:
                cycle.tasks = apply_extensions(tasks, ledger.extensions())
                first = ledger.first_year()  # first_month was set for the year reporting began
            if first is not None and config.data["reporting"]["first_month_year"] is None:
                cycle.config = replace(cycle.config, first_year=first)
        return cycle

    def tasks_for(self, month: str, ledger: Ledger | None = None) -> TaskList:
        """The task list as it stood for `month`: the one its forms were filled from (the ledger
        keeps it, see cycle.fill), with approved 延期; the configured list (`tasks`) for a month
        whose forms were filled before the ledger kept lists, or never filled."""
        if ledger is None:  # the page asks often: the ledger is opened again only if changed
            if not self.config.ledger_path.exists():
                return self.tasks
            now, known = stamp(self.config.ledger_path), self._lists_at.get(month)
            if now is not None and known is not None and self._same_lists(known[0], now):
                self._lists_at[month] = (now, known[1])
                return known[1]
            with self.ledger() as opened:
                tasks = self.tasks_for(month, opened)
            if now is not None:
                self._lists_at[month] = (now, tasks)
            return tasks
        sha = ledger.month_list_sha(month)
        if sha is None or sha == self.tasks_sha256:
            return self.tasks
        if sha in self.month_lists:
            return self.month_lists[sha]
        kept = ledger.month_list(month)
        assert kept is not None, "month_list_sha found it"
        return self.list_of(kept.file_name, kept.sha256, kept.content, ledger, kept.year)

    def _same_lists(self, then: tuple, now: tuple) -> bool:
        return then == now or self.returns_only is not None and self.returns_only(then, now)

    def list_to_fill(self, month: str) -> tuple[TaskList, MonthList | None]:
        """The task list `month`'s forms are filled from, and what the ledger is to keep of it as
        the list the month is judged by (None: it keeps the one it has).  A month with returns is
        filled again from the list kept for it: its returns were made on those forms, and a list
        edited since changes only the months filled after the edit.  Otherwise the configured
        list as its file stands now (kept: filling again with an edited list before any return
        replaces the month's list)."""
        with self.ledger() as ledger:
            if ledger.count(month) and ledger.month_list_sha(month):
                return self.tasks_for(month, ledger), None
            path = self.config.task_list_path
            content = path.read_bytes()
            sha = hashlib.sha256(content).hexdigest()
            tasks = self.list_of(path.name, sha, content, ledger)
            return tasks, MonthList(path.name, sha, tasks.year, content)

    def list_of(
        self, file_name: str, sha256: str, content: bytes, ledger: Ledger, year: int | None = None
    ) -> TaskList:
        """The task list whose file held `content` (named `file_name`; `year`: as configured),
        with approved 延期: `tasks` when it is the file `tasks` was read from, else read once and
        kept by SHA-256."""
        if sha256 == self.tasks_sha256:
            return self.tasks
        if sha256 not in self.month_lists:
            with tempfile.TemporaryDirectory(prefix="yuebao-list-") as folder:
                path = Path(folder) / Path(file_name).name
                path.write_bytes(content)
                listed = read_task_list(path, year or self.config.year)
            listed = replace(listed, path=Path(path.name))  # the copy is gone: its name stays
            self.month_lists[sha256] = apply_extensions(listed, ledger.extensions())
        return self.month_lists[sha256]

    def __post_init__(self) -> None:
        """config.yaml read for this task list's year (`reporting.first_month` is for one year)."""
        if self.config.list_year != self.tasks.year:
            self.config = replace(self.config, list_year=self.tasks.year)

    def require_list_year(self, month: str) -> None:
        """Stop a fill or plan for a month of another year than its task list's (the one kept for
        the month, else the configured one): last year's list in a new year would send last
        year's tasks, every milestone overdue."""
        period, tasks = self.period(month), self.tasks_for(month)
        if period.year != tasks.year:
            name = tasks.path.name if tasks.path else ""
            label, year = period.label, period.year
            raise YuebaoError(
                f"任务清单是{tasks.year}年的（{name}），不能用于{label}：请在 config.yaml 的 "
                f"task_list 中换上{year}年的任务清单",
                f"the task list is of {tasks.year} ({name}), not of {label}: configure {year}'s",
            )

    def period(self, month: str) -> Period:
        rep = self.config.reporting
        return make_period(month, rep.deadline_day, rep.period_start_month)

    def ledger(self) -> Ledger:
        return Ledger(self.config.ledger_path)

    @contextmanager
    def writing(self, *months: str, backup: bool = True) -> Iterator[None]:
        """Hold the months (a second command on one waits, then stops) and, before the first change,
        check the ledger and back it up (once per Cycle: per command, per day of the schedule)."""
        with holding(self.config, list(months), backup and not self.backed_up):
            self.backed_up = self.backed_up or backup
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


def apply_extensions(tasks: TaskList, approved: Mapping[str, Extension]) -> TaskList:
    """Milestones with an approved 延期 count as due on the new date; the planned one is kept
    beside it."""
    if not approved:
        return tasks
    changed: list[Task] = []
    for t in tasks.tasks:
        ms = tuple(
            replace(m, due=date.fromisoformat(approved[m.key].new_due), extended_from=m.due)
            if m.key in approved
            else m
            for m in t.milestones
        )
        changed.append(replace(t, milestones=ms))
    return replace(tasks, tasks=changed)


@contextmanager
def holding(config: Config, months: list[str], backup: bool) -> Iterator[None]:
    """Hold the months (Cycle.writing); with `backup`, back the ledger up first."""
    with hold_months(config.ledger_path, months, config.lock_wait_seconds):
        if backup:
            back_up(config.ledger_path, config.ledger_backups)
        yield


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
