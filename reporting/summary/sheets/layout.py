"""Where a printed sheet's pages break.  A sheet is printed at the scale its columns fill the
page's width with (`Layout`, kept by the writer beside xlsxwriter's worksheet, never on it), so
the writer knows each page's height in rows and places the breaks itself (`Pages`)."""

from __future__ import annotations

from dataclasses import dataclass

from xlsxwriter.worksheet import Worksheet

from ... import xlsx

MARGIN_TOP, HEADER_MARGIN = 0.55, 0.2  # inches: top and bottom margins; header and footer's
MARGIN_SIDE = 0.3  # inches, left and right: the widest font's columns reach them (paper.py)


@dataclass(frozen=True)
class Layout:
    """How a sheet prints: its scale (percent) and the header row repeated on every page."""

    scale: int
    header_row: int


class Pages:
    """Manual page breaks for a sheet printed at a known scale.  Blocks (a task's rows) are
    packed: a block starts a new page only when it does not fit on this one and this page is
    already 85 % full; otherwise it fills this page and goes on on the next one, where
    its first row shows the task again.  A page break inside a row never happens."""

    FULL = 0.85  # a page less full than this is filled with part of the next block

    def __init__(self, ws: Worksheet, layout: Layout, first_row: int) -> None:
        self.ws = ws
        page = (xlsx.A4_LANDSCAPE[1] - 2 * 72 * MARGIN_TOP) * 0.95  # the body, a little spare
        self.height = page * 100 / layout.scale
        self.repeat = points(ws, layout.header_row, layout.header_row)  # on every page
        self.used = points(ws, 0, first_row - 1)  # title, as-of line, legend, header
        self.breaks: list[int] = []

    def place(self, row: int, heights: list[float], tall: list[float]) -> set[int]:
        """The block from `row` with these row heights (`tall`: each row's height when it is the
        first a page shows of the block): the indices of its rows that start a page."""
        starts: set[int] = set()
        fresh = self.height - self.repeat
        need = tall[0] + sum(heights[1:])
        if (
            self.used + need > self.height
            and need <= fresh
            and self.used >= self.FULL * self.height
        ):
            starts.add(0)
            self.breaks.append(row)
            self.used = self.repeat
        for i, h in enumerate(heights):
            h = tall[i] if i == 0 else h
            if self.used + h > self.height and self.used > self.repeat:
                starts.add(i)
                self.breaks.append(row + i)
                self.used = self.repeat
                h = tall[i]
            self.used += h
        return starts

    def close(self) -> None:
        if self.breaks:
            self.ws.set_h_pagebreaks(sorted(set(self.breaks))[:1023])  # Excel's limit


def points(ws: Worksheet, first: int, last: int) -> float:
    """Height in points of rows first..last as set so far (row 0-based)."""
    pixels = ws.row_sizes  # xlsxwriter keeps set_row's heights in pixels
    return float(sum((pixels.get(r) or [20])[0] * 0.75 for r in range(first, last + 1)))


def split_columns(widths: list[float], parts: int) -> list[tuple[int, int]]:
    """Cut the columns into `parts` consecutive groups of about equal width."""
    total, start, acc = sum(widths), 0, 0.0
    groups: list[tuple[int, int]] = []
    for i, w in enumerate(widths):
        acc += w
        if (
            acc >= total * (len(groups) + 1) / parts
            and len(groups) < parts - 1
            and i < len(widths) - 1
        ):
            groups.append((start, i))
            start = i + 1
    groups.append((start, len(widths) - 1))
    return groups
