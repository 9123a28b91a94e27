"""What a clerk does to a progress workbook, done with openpyxl: answer it, or damage it.

Used to build the bundled sample returns, the test corpus and the benchmark's synthetic months.
It edits the office workbook that fill wrote, the way a clerk would in Excel.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import openpyxl

from .forms import layout as form

if TYPE_CHECKING:  # untyped (Any to mypy): named for the reader
    from openpyxl.workbook.workbook import Workbook
    from openpyxl.worksheet.worksheet import Worksheet


def open_form(path: Path) -> tuple[Workbook, Worksheet]:
    wb = openpyxl.load_workbook(path)
    return wb, wb[form.SHEET]


def rows_by_key(ws: Worksheet) -> dict[str, int]:
    return {str(ws.cell(r, 1).value): r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value}


def column(header: str) -> int:
    return form.HEADERS.index(header) + 1


def answer(
    ws: Worksheet, filled_by: str, filled_on: date | None, tasks: dict[str, dict[str, Any]]
) -> None:
    """Type the answers into the open cells.

    tasks: {task_key: {"progress", "problems", "remarks", "milestones": {seq: {"status",
    "completed_on"}}}}
    """
    ws[form.FILLED_BY_CELL] = filled_by
    ws[form.FILLED_ON_CELL] = filled_on
    rows = rows_by_key(ws)
    for key, ans in tasks.items():
        if key not in rows:
            continue
        r = rows[key]
        for header, field in (
            (form.PROGRESS, "progress"),
            (form.PROBLEMS, "problems"),
            (form.REMARKS, "remarks"),
        ):
            if ans.get(field):
                ws.cell(r, column(header), ans[field])
        for seq, ms in (ans.get("milestones") or {}).items():
            mr = rows.get(f"{key}-M{seq}")
            if mr is None:
                continue
            ws.cell(mr, column(form.STATUS), ms.get("status"))
            ws.cell(mr, column(form.DONE_ON), ms.get("completed_on"))


def delete_task_block(ws: Worksheet, task_key: str) -> list[int]:
    """Delete a task's rows, as a clerk who thinks the task is not theirs would."""
    rows = sorted(
        r for k, r in rows_by_key(ws).items() if k == task_key or k.startswith(task_key + "-M")
    )
    for rng in list(ws.merged_cells.ranges):
        if rng.min_row <= rows[-1] and rng.max_row >= rows[0]:
            ws.unmerge_cells(str(rng))
    ws.delete_rows(rows[0], len(rows))
    return rows


def overwrite_locked(ws: Worksheet, key: str, header: str, value: object) -> int:
    """Unprotect the sheet and type over a definition cell (it happens)."""
    ws.protection.sheet = False
    r = rows_by_key(ws)[key]
    ws.cell(r, column(header), value)
    return r
