"""What a layout of a bureau's task list is: a name, the headers that tell it, and its reader.

Apart from the registry (layouts/__init__.py) so that each layout module can make its own
Layout without importing the registry that lists it.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ...models import TaskList
from ..import_sources import TextGrid

# (the grid, the row of its header, the source file, the year asked for or None) -> the task list
Reader = Callable[[TextGrid, int, Path, int | None], TaskList]


@dataclass(frozen=True)
class Layout:
    """A table layout bureaus write their task lists in, as tablib's formats are: a `read` for the
    grid, told by a header row holding every one of `heads` (import_text.HEADERS' names)."""

    name: str  # as offices call it: 台山式
    heads: frozenset[str]
    read: Reader

    def matches(self, heads: set[str]) -> bool:
        """Does a header row with these known header names open a table of this layout?"""
        return self.heads <= heads
