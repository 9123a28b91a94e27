"""The form as openpyxl writes it from templates/progress_form.xlsx: the reference every office's
form is made by (fill_office) and the one the template copy (template_copy.py) learns its styles
from and is checked against.  Apart from fill.py, which runs the month's filling and calls both:
so neither imports the other.

Styles come from the template's prototype rows, so restyling the template in Excel restyles every
office's workbook.  Definition columns are locked (sheet protection without a password: a clerk
can still unprotect knowingly, and validate will notice); answer cells are unlocked and shaded.
"""

from __future__ import annotations

import hashlib
from copy import copy
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell import Cell
from openpyxl.workbook import Workbook
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break

from ..models import Office, Status, TaskList
from ..period import Period
from ..wording import TEMPLATES
from ..xlsx import EXCEL_CALC_ID, set_cell, write_row
from . import layout as form
from .content import PROTOTYPE_ROWS, FormContent, form_content
from .prefill import Carried

TEMPLATE = TEMPLATES / "progress_form.xlsx"
STATUS_LIST = '"' + ",".join(Status.choices()) + '"'


def task_list_fingerprint(tasks: TaskList) -> str:
    """Which task list a form was filled from: validate tells a stale form from an edited one."""
    text = "\n".join(f"{t.key}\t{t.name}\t{t.content}" for t in tasks.tasks)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def fill_office(
    tasks: TaskList,
    office: Office,
    period: Period,
    bureau: str,
    path: Path,
    fingerprint: str | None = None,
    carried: Carried | None = None,
) -> Path:
    """One office's form written by openpyxl: the reference the template copy is checked against."""
    wb = openpyxl.load_workbook(TEMPLATE)
    fingerprint = fingerprint or task_list_fingerprint(tasks)
    write_form(wb, form_content(tasks, office, period, bureau, fingerprint, carried))
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def write_form(wb: Workbook, content: FormContent) -> dict[str, Any]:
    """The template workbook `wb` turned into the form `content` describes; returns what the
    template copy needs to know: each style class's cell styles and the drop-downs by column."""
    ws = wb[form.SHEET]
    protos = {
        kind: [copy(ws.cell(row, col)._style) for col in range(1, len(form.HEADERS) + 1)]
        for kind, row in PROTOTYPE_ROWS.items()
    }
    ws.delete_rows(min(PROTOTYPE_ROWS.values()), len(PROTOTYPE_ROWS))
    for coordinate, value in content.cells.items():
        set_cell(ws[coordinate], value)

    status_dv = DataValidation(
        type="list",
        formula1=STATUS_LIST,
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="节点状态",
        error="请从下拉列表中选择：" + "、".join(Status.choices()),
        promptTitle="节点状态",
        prompt="请选择该节点的进展状态",
        showInputMessage=True,
    )
    date_dv = DataValidation(
        type="date",
        operator="between",
        formula1="DATE(2000,1,1)",
        formula2="DATE(2100,12,31)",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="完成日期",
        error="请填写日期，例如 2022-06-15",
    )
    filled_on_dv = copy(date_dv)
    filled_on_dv.errorTitle = "填报日期"  # its own name in the box Excel shows, not 完成日期
    filled_on_dv.add(form.FILLED_ON_CELL)
    for dv in (status_dv, date_dv, filled_on_dv):
        ws.add_data_validation(dv)
    dropdowns = {form.STATUS: status_dv, form.DONE_ON: date_dv}
    for header, dv in dropdowns.items():
        for coordinate in content.dropdown_cells(header):
            dv.add(coordinate)

    for r, row in content.numbered():
        for i, header in enumerate(form.HEADERS, start=1):
            put_cell(ws.cell(r, i), protos[row.kind][i - 1], row.values.get(header))
        ws.row_dimensions[r].height = row.height
    col = {h: i for i, h in enumerate(form.HEADERS, start=1)}
    for header, first, last in content.merges:
        # not ws.merge_cells: it re-derives the borders cell by cell (three quarters of the fill
        # time), and the prototype rows already give every covered cell its borders
        ws.merged_cells.add(
            CellRange(min_col=col[header], min_row=first, max_col=col[header], max_row=last)
        )

    ws.row_dimensions[ws[form.NOTE_CELL].row].height = content.note_height
    for r in content.page_breaks:  # a task printed with its milestones (content.py)
        ws.row_breaks.append(Break(id=r - 1))
    # every printed page says whose form it is, of which month, and by when (page 2 has no title)
    title, office = content.cells[form.TITLE_CELL], content.cells[form.OFFICE_CELL]
    ws.oddHeader.center.text, ws.oddHeader.center.size = f"{title} {office}", 11
    ws.oddFooter.right.text = f"报送截止 {content.cells[form.DEADLINE_CELL]:%Y-%m-%d}"
    ws.oddFooter.right.size = 11
    ws.print_title_rows = f"{form.HEADER_ROW}:{form.HEADER_ROW}"
    ws.print_area = content.print_area
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # allowed: widen a column, resize a row
    ws.protection.formatRows = False
    meta = wb.create_sheet(form.META_SHEET)
    for r, pair in enumerate(content.meta, start=1):
        write_row(meta, r, pair)
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
    # no formulas: nothing to recalculate, and Excel does not ask to save a form only read
    wb.calculation.fullCalcOnLoad, wb.calculation.calcId = False, EXCEL_CALC_ID
    return {"styles": protos, "dropdowns": dropdowns}


def put_cell(cell: Cell, style: Any, value: object) -> None:
    """A form cell: its style class's style, and its value (blank when None)."""
    cell._style = copy(style)
    if value is not None:
        set_cell(cell, value)
