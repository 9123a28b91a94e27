"""The layouts bureaus write their task lists in, registered in the order they are tried.

`yuebao tasks import` reads a table row by row, and the first layout whose headers a row holds
reads the grid from there (a pasted notice has pages of text before its table).  The order
matters: a 蓬江式 or 市局式 header also holds 任务名称 or its like, so 台山式, told by the fewest
headers, is tried last.  A new bureau's layout is a module here making a Layout, listed below (or
`register`ed).
"""

from __future__ import annotations

from . import city, pengjiang, taishan
from .base import Layout, Reader

__all__ = ["LAYOUTS", "Layout", "Reader", "find", "register"]

LAYOUTS: list[Layout] = [pengjiang.LAYOUT, city.LAYOUT, taishan.LAYOUT]


def register(layout: Layout, before: str | None = None) -> None:
    """Add a layout, tried last or before the one named `before` (a layout told by more headers
    goes before one whose headers it also holds)."""
    names = [known.name for known in LAYOUTS]
    LAYOUTS.insert(names.index(before) if before in names else len(LAYOUTS), layout)


def find(heads: set[str]) -> Layout | None:
    """The first registered layout whose headers a row holds."""
    return next((layout for layout in LAYOUTS if layout.matches(heads)), None)
