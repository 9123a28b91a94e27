"""The served config as of now: config.yaml, the task list and the approved 延期, read again
only when the day or one of them changes.  Most requests look only at the files' stamps (no
lock, no database); the ledger is opened again only after something was committed to it that
was not one of the page's own uploads (OwnCommits)."""

from __future__ import annotations

import logging
import threading
from datetime import date
from pathlib import Path
from typing import Any, Callable

from ..context import Cycle
from ..errors import YuebaoError
from ..ledger import stamp
from .live import OwnCommits

log = logging.getLogger(__name__)


class Served:
    """config.yaml, the task list and the approved 延期 as of today: read again when the day
    changes or any of them does, so the pages judge the month as a command run now would."""

    def __init__(self, config_path: Path, month: str | None = None, as_of: date | None = None):
        self.config_path = config_path
        self.fixed_month = month
        self.fixed_day = as_of  # a day taken as today (a past month looked at again), else today
        self._lock = threading.Lock()
        self.own = OwnCommits()  # the page's own commits (the uploads taken in): see cycle()
        self.loaded: Callable[[Cycle], None] | None = None  # told of each Cycle read again
        cycle = self._load()
        self._read_as = self._inputs(cycle)
        self._current: tuple[tuple, Cycle] = (self._stamps(cycle), cycle)  # replaced whole

    def cycle(self) -> Cycle:
        """The Cycle as of now.  Most requests only look at the files' stamps (no lock, no
        database): the ledger is opened again only after something was committed to it."""
        stamps, cycle = self._current
        if _known(stamps) and stamps == self._stamps(cycle):
            return cycle
        with self._lock:
            stamps, cycle = self._current
            now = self._stamps(cycle)  # before reading: a change meanwhile is read next time
            if _known(stamps) and stamps == now:
                return cycle
            if _known(stamps) and stamps[:-1] == now[:-1] and self._ours(stamps[-1], now[-1]):
                self._current = (now, cycle)  # returns taken in here: none of the Cycle's inputs
                return cycle
            inputs = self._inputs(cycle)
            if inputs != self._read_as:
                try:
                    cycle = self._load()
                    self._read_as = self._inputs(cycle)
                except YuebaoError as exc:  # keep serving what was read; say why in the log
                    log.error("config.yaml could not be read again: %s", exc.en)
            self._current = (now, cycle)
            return cycle

    def _load(self) -> Cycle:
        cycle = Cycle.load(self.config_path, self.fixed_day)
        cycle.returns_only = self._ours  # the page's uploads change no month's task list
        if self.loaded is not None:  # (a new day, config.yaml or task list edited)
            self.loaded(cycle)
        return cycle

    def _ours(self, then: Any, now: Any) -> bool:
        both = isinstance(then, tuple) and isinstance(now, tuple)
        return both and self.own.only_ours(then, now)

    def _stamps(self, cycle: Cycle) -> tuple:
        """What changes when any input of the Cycle may have: the day, the files' times, the
        ledger's commits (ledger.stamp; None when that cannot be known)."""
        ledger = cycle.config.ledger_path
        day = self.fixed_day or date.today()
        on_disk = stamp(ledger) if ledger.exists() else "none"
        return day, _mtime(self.config_path), _mtime(cycle.config.task_list_path), on_disk

    def _inputs(self, cycle: Cycle) -> tuple:
        """What the served Cycle is made of: the day, the files' times, the approved 延期."""
        extensions: tuple[tuple[str, Any], ...] = ()
        if cycle.config.ledger_path.exists():
            with cycle.ledger() as ledger:
                extensions = tuple(sorted((k, e.new_due) for k, e in ledger.extensions().items()))
        return (*self._stamps(cycle)[:-1], extensions)  # the ledger: by what it holds

    def month(self) -> str:
        return self.fixed_month or f"{date.today():%Y-%m}"


def _mtime(path: Path) -> int | None:
    try:
        return path.stat().st_mtime_ns
    except OSError:
        return None


def _known(stamps: tuple) -> bool:
    return stamps[-1] is not None
