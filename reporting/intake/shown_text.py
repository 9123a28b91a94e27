"""Which task or milestone a returned row stands for by its visible text, when its hidden key
cannot be trusted (rows sorted by hand, the key column deleted): read_return's second opinion.
"""

from __future__ import annotations

import enum
import re
from collections.abc import Callable
from typing import Literal, TypeVar

from ..forms import layout as form
from ..models import Milestone, Task
from . import values as cells
from .grids import Cell, Grid, Row

# a task or milestone key as the hidden column holds it
KEY = re.compile(r"^[A-Za-z][\w.]*(-M\d+)?$")


class _Ambiguous(enum.Enum):
    AMBIGUOUS = "ambiguous"  # a row whose text fits several milestones or tasks


AMBIGUOUS = _Ambiguous.AMBIGUOUS
T = TypeVar("T")


class ShownText:
    """Which task or milestone a row shows, by its visible text (项目名称, 节点内容, 计划完成时间).

    Only the tasks whose keys the sheet holds are candidates: a sort moves rows within the sheet.
    Built the first time a row's key and text disagree; an ordinary return never needs it.
    """

    def __init__(self, rows: Grid, columns: dict[str, int], by_key: dict[str, Task]):
        self.rows, self.columns, self.by_key = rows, columns, by_key
        self._index: tuple[dict[str, list[Milestone]], dict[str, list[Task]]] | None = None

    def get(self, row: Row, header: str) -> Cell | None:
        i = self.columns.get(header)
        return row[i] if i is not None and i < len(row) else None

    def out_of_step(self) -> bool:
        """Does some row show another task's or milestone's text than its key stands for?"""
        for row in self.rows:
            key = cells.text(self.get(row, form.KEY))
            if key and KEY.match(key) and not self.agrees(key, row):
                if self.key_of(row) not in ("", key):
                    return True
        return False

    def agrees(self, key: str, row: Row) -> bool:
        """Does the row show what its key stands for (or is there nothing to compare)?"""
        task = self.by_key.get(key.split("-M")[0])
        if task is None or form.CONTENT not in self.columns:
            return True
        shown = self.get(row, form.CONTENT)
        if "-M" in key:
            m = next((m for m in task.milestones if m.key == key), None)
            return m is None or cells.same_text(shown, m.text)
        if cells.same_text(shown, task.overview or task.content):
            return True
        content = cells.squash(shown)
        # the overview edited: the task's row by its name, unless it shows one of its milestones
        shows_milestone = any(content == cells.squash(m.text) for m in task.milestones)
        same_name = cells.squash(self.get(row, form.NAME)) == cells.squash(task.name)
        return same_name and not shows_milestone

    def key_of(self, row: Row) -> str | Literal[_Ambiguous.AMBIGUOUS]:
        """The key the row's text stands for: a key, AMBIGUOUS, or "" (text of no task: edited)."""
        milestones, tasks = self._build()
        content = cells.squash(self.get(row, form.CONTENT))
        name = cells.squash(self.get(row, form.NAME))
        due = cells.to_date(self.get(row, form.DUE))
        found = milestones.get(content, [])
        if found:
            if name:
                found = narrow(found, lambda m: cells.squash(self.by_key[m.task_key].name) == name)
            found = narrow(found, lambda m: due in (m.due, m.extended_from)) if due else found
            return found[0].key if len(found) == 1 else AMBIGUOUS if found else ""
        named = tasks.get(content) or tasks.get(name) or []
        no = cells.text(self.get(row, form.NO))
        named = narrow(named, lambda t: t.no == no) if no else named
        return named[0].key if len(named) == 1 else AMBIGUOUS if named else ""

    def _build(self) -> tuple[dict[str, list[Milestone]], dict[str, list[Task]]]:
        if self._index is None:
            milestones: dict[str, list[Milestone]] = {}
            tasks: dict[str, list[Task]] = {}
            keys = {cells.text(self.get(row, form.KEY)).split("-M")[0] for row in self.rows}
            for key in sorted(keys & self.by_key.keys()):
                task = self.by_key[key]
                texts = {cells.squash(task.overview or task.content), cells.squash(task.name)}
                for text in texts - {""}:
                    tasks.setdefault(text, []).append(task)
                for m in task.milestones:
                    if cells.squash(m.text):
                        milestones.setdefault(cells.squash(m.text), []).append(m)
            self._index = milestones, tasks
        return self._index


def narrow(found: list[T], keep: Callable[[T], bool]) -> list[T]:
    """The candidates that pass `keep`, or all of them when none does."""
    return [x for x in found if keep(x)] or found


def guess_key(
    row: Row,
    get: Callable[[Row, str], Cell | None],
    by_key: dict[str, Task],
    current_task: str | None,
) -> str:
    """Without the key column: a task row by its 编号, a milestone row by its text."""
    no = cells.text(get(row, form.NO))
    if no:
        for t in by_key.values():
            if t.no == no:
                return t.key
    content = cells.squash(get(row, form.CONTENT))
    if content and current_task in by_key:
        for m in by_key[current_task].milestones:
            if cells.squash(m.text) == content:
                return m.key
    return ""
