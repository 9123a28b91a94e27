"""Sheets of blocks (汇总, the summary's and the roll-up's): a task and its milestones one shaded
block, its own cells repeated in grey on its later rows, blocks packed onto pages (layout.Pages),
and past Excel's row limit continued on a second sheet (said as `rows_split`)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from xlsxwriter.worksheet import Worksheet

from ... import xlsx
from ...models import Finding, Severity
from ...paper import one_line, text_height
from ...xlsx_rows import RowCell
from .frame import Book
from .layout import Pages
from .styles import SIZE

KEY, LONG = "key", "long"  # a block's own cells: repeated whole in grey / as one grey line
Shared = list[tuple[int, Any, str]]  # a block's own cells: (column, value, KEY or LONG)
Block = tuple[Shared, list[list[RowCell]]]  # (its own cells, each row's other cells)


def block_sheet(
    book: Book,
    name: str,
    headers: list[str],
    widths: list[float],
    blocks: Sequence[Block],
    printed: int,
) -> None:
    """A sheet of blocks (a task and its milestones), printed in its first `printed` columns.
    `blocks` holds (shared, rows): shared, the block's own cells (column, value, KEY or LONG);
    rows, each row's other cells (column, value, format).

    A block's first row shows its own cells whole, in black.  Its other rows show them in
    grey, whole where they fit the row's own height, else in one line ending in "…": no row
    grows for, or cuts, a repeated text.  The first row a
    page shows of a block begun on the page before shows its KEY cells (序号, name) in
    black again.  Past Excel's row limit the blocks go on in 汇总（2）…"""
    ws, r = book.sheet(name, headers, widths, legend=True, printed=printed)
    rows, top, part = book.rows(ws), r, 1
    pages = Pages(ws, book.layouts[name], r)
    for n, (shared, own) in enumerate(blocks):
        if r + len(own) > xlsx.MAX_ROWS:  # Excel's row limit: a new sheet, the block whole
            _close_blocks(ws, pages, top, r, len(headers), printed)
            part += 1
            split = xlsx.split_name(name, part)
            ws, r = book.sheet(split, headers, widths, legend=True, printed=printed)
            rows, top, pages = book.rows(ws), r, Pages(ws, book.layouts[split], r)
            book.s.findings.append(
                Finding(
                    "rows_split",
                    f"{name}超过Excel单表{xlsx.MAX_ROWS}行的上限，续在“{split}”表",
                    Severity.WARNING,
                )
            )
        band = ("band",) if n % 2 else ()
        black = {c: book.fmt("cell", *band, *(("center",) if c == 0 else ())) for c, _, _ in shared}
        grey = {
            c: book.fmt("cell", *band, "repeat", *(("center",) if c == 0 else ()))
            for c, _, _ in shared
        }

        def height(cells: Sequence[tuple[int, Any, Any]]) -> float:
            texts = [
                (v, widths[c]) for c, v, _ in cells if c < printed and isinstance(v, str) and v
            ]
            return max((text_height(v, w, SIZE) for v, w in texts), default=20)

        own_h = [height(cells) for cells in own]  # each row's own cells
        shared_h = {c: height([(c, v, None)]) for c, v, _ in shared}
        keys = {c for c, _, kind in shared if kind is KEY}
        key_h = max((shared_h[c] for c in keys), default=20)
        heights = [max(own_h[0], *shared_h.values())] + own_h[1:]
        tall = [heights[0]] + [max(h, key_h) for h in own_h[1:]]  # a page's first row

        def shown(i: int, black_cells: set[int], h: float) -> list[RowCell]:
            """Row i: the block's cells in `black_cells` in black, the others grey, whole
            where they fit the row, else in one line (columns not printed: whole)."""
            out: list[RowCell] = []
            for c, v, _ in shared:
                if c in black_cells:
                    out.append((c, v, black[c]))
                    continue
                if c < printed and isinstance(v, str) and v and shared_h[c] > h:
                    v = one_line(v, widths[c], SIZE)
                out.append((c, v, grey[c]))
            return sorted([*out, *own[i]], key=lambda cell: cell[0])

        starts = pages.place(r, heights, tall)
        every = {c for c, _, _ in shared}
        for i in range(len(own)):
            if i == 0:
                cells, h = shown(0, every, heights[0]), heights[0]
            elif i in starts:  # a page begins here: the task named again, in black
                cells, h = shown(i, keys, tall[i]), tall[i]
            else:
                cells, h = shown(i, set(), heights[i]), heights[i]
            rows.row(r, cells, h)
            r += 1
    _close_blocks(ws, pages, top, r, len(headers), printed)


def _close_blocks(
    ws: Worksheet, pages: Pages, top: int, end: int, columns: int, printed: int
) -> None:
    pages.close()
    ws.autofilter(top - 1, 0, max(end - 1, top), columns - 1)
    ws.print_area(0, 0, max(end - 1, top), printed - 1)
