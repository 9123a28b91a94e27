"""fill: one pre-filled progress workbook per reporting office, from templates/progress_form.xlsx.

Styles come from the template's prototype rows, so restyling the template in Excel restyles every
office's workbook.  Definition columns are locked (sheet protection without a password: a clerk
can still unprotect knowingly, and validate will notice); answer cells are unlocked and shaded.
"""

from __future__ import annotations

import hashlib
import logging
import os
from concurrent.futures import ProcessPoolExecutor
from copy import copy
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.pagebreak import Break

from ..errors import YuebaoError
from ..filenames import safe_name
from ..models import Office, Status, TaskList
from ..period import Period
from ..wording import TEMPLATES
from ..xlsx import EXCEL_CALC_ID, set_cell, write_row
from . import layout as form
from . import template_copy  # (it imports this module: names are looked up when used)
from .content import PROTOTYPE_ROWS, FormContent, form_content
from .content import form_title as form_title  # noqa: F401 - where summary/outputs.py looks
from .prefill import Carried

log = logging.getLogger(__name__)
TEMPLATE = TEMPLATES / "progress_form.xlsx"
STATUS_LIST = '"' + ",".join(Status.choices()) + '"'


def form_file_name(month: str, office: str) -> str:
    return f"进展情况表_{month}_{safe_name(office)}.xlsx"


@dataclass
class FillResult:
    paths: list[Path]
    folder: Path
    carried: Carried | None = None  # last month's answers written into the forms
    failed: list[tuple[Path, str]] = field(
        default_factory=list
    )  # forms that could not be written, and why


def fill_month(
    tasks: TaskList,
    period: Period,
    bureau: str,
    offices: list[Office],
    out_dir: Path,
    progress=None,
    carried: Carried | None = None,
) -> FillResult:
    if not TEMPLATE.is_file():  # an incomplete installation: no office's form can be written
        raise YuebaoError(
            f"找不到表格模板：{TEMPLATE}（安装不完整，请重新安装yuebao）",
            f"form template missing: {TEMPLATE}",
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    shared = (tasks, period, bureau, task_list_fingerprint(tasks), carried)
    jobs = [(office, out_dir / form_file_name(period.label, office.name)) for office in offices]
    jobs, clashing = _apart(jobs)
    if len(jobs) >= PARALLEL_FROM and (os.cpu_count() or 1) > 1:  # a city's offices: use every core
        # the task list goes to each worker once, not with every office
        with ProcessPoolExecutor(
            max_workers=min(4, os.cpu_count() or 1), initializer=_init_filler, initargs=shared
        ) as pool:
            done = [
                _report(progress, i, len(jobs), out)
                for i, out in enumerate(pool.map(_fill_job, jobs, chunksize=16), start=1)
            ]
    else:
        _init_filler(*shared)
        done = [
            _report(progress, i, len(jobs), _fill_job(job)) for i, job in enumerate(jobs, start=1)
        ]
    failed = clashing + [(p, problem) for p, problem in done if problem is not None]
    return FillResult(
        paths=[p for p, problem in done if problem is None],
        folder=out_dir,
        carried=carried,
        failed=failed,
    )


def _apart(jobs: list) -> tuple[list, list[tuple[Path, str]]]:
    """Offices whose forms would share one file name get none (nor the mail): one would overwrite
    the other, and neither office could be sure the form it got is its own."""
    names: dict[str, list[str]] = {}
    for office, path in jobs:
        names.setdefault(path.name.casefold(), []).append(office.name)  # Windows ignores case
    clashing = [
        (path, f"与“{'”“'.join(names[path.name.casefold()])}”的文件名相同，请在任务清单中改名")
        for office, path in jobs
        if len(names[path.name.casefold()]) > 1
    ]
    return [(o, p) for o, p in jobs if len(names[p.name.casefold()]) == 1], clashing


PARALLEL_FROM = 8
_worker: dict = {}


def _init_filler(
    tasks: TaskList, period: Period, bureau: str, fingerprint: str, carried: Carried | None
) -> None:
    _worker.update(
        tasks=tasks, period=period, bureau=bureau, fingerprint=fingerprint, carried=carried
    )
    try:  # the forms as copies of one openpyxl-written form: a tenth of the time
        _worker["copy"] = template_copy.TemplateCopy(tasks, period, bureau, fingerprint, carried)
    except template_copy.CannotCopy as exc:
        log.info("forms written by openpyxl: %s", exc)
        _worker["copy"] = None


def _fill_job(job) -> tuple[Path, str | None]:
    """(path, None) when written; (path, why not) otherwise: one office's failure never stops the
    others."""
    office, path = job
    try:
        if _worker["copy"]:
            try:
                _worker["copy"].write(office, path)
                return path, None
            except template_copy.CannotCopy as exc:  # a value it has no style for
                log.info("%s written by openpyxl: %s", path.name, exc)
        fill_office(
            _worker["tasks"],
            office,
            _worker["period"],
            _worker["bureau"],
            path,
            _worker["fingerprint"],
            _worker["carried"],
        )
        return path, None
    except PermissionError:
        if path.is_file():  # last run's form still open in Excel or WPS: Windows locks it
            log.warning("%s is locked (open in a spreadsheet program?)", path.name)
            return path, "文件正被占用，可能正在Excel或WPS中打开，请关闭后重新运行 yuebao fill"
        log.exception("filling %s failed", path.name)
        return path, f"没有写入权限，请检查文件夹：{path.parent}"
    except Exception as exc:  # noqa: BLE001 - one office's failure never stops the others
        log.exception("filling %s failed", path.name)
        return path, f"{type(exc).__name__}: {exc}"


def _report(progress, i: int, n: int, done: tuple[Path, str | None]) -> tuple[Path, str | None]:
    if progress:
        progress(i, n, done[0].stem.rsplit("_", 1)[-1])
    return done


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


def write_form(wb, content: FormContent) -> dict:
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


def put_cell(cell, style, value) -> None:
    """A form cell: its style class's style, and its value (blank when None)."""
    cell._style = copy(style)
    if value is not None:
        set_cell(cell, value)
