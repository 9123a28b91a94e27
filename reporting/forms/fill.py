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
from datetime import datetime
from pathlib import Path

import openpyxl
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.cell_range import CellRange
from openpyxl.worksheet.datavalidation import DataValidation

from .. import __version__
from ..errors import YuebaoError
from ..filenames import safe_name
from ..models import Office, Status, TaskList
from ..period import Period
from ..wording import TEMPLATES, render
from ..xlsx import EXCEL_CALC_ID, set_cell, write_row
from . import layout as form
from .prefill import Carried

log = logging.getLogger(__name__)
TEMPLATE = TEMPLATES / "progress_form.xlsx"
STATUS_LIST = '"' + ",".join(Status.choices()) + '"'


def form_file_name(month: str, office: str) -> str:
    return f"进展情况表_{month}_{safe_name(office)}.xlsx"


def form_title(bureau: str, period: Period) -> str:
    return render(
        "form_title.j2",
        bureau=bureau,
        year=period.year,
        period_start=period.start_month,
        month=period.month,
    )


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
                for i, out in enumerate(pool.map(_fill_job, jobs, chunksize=4), start=1)
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


def _fill_job(job) -> tuple[Path, str | None]:
    """(path, None) when written; (path, why not) otherwise: one office's failure never stops the
    others."""
    office, path = job
    try:
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
    wb = openpyxl.load_workbook(TEMPLATE)
    ws = wb[form.SHEET]
    protos = {
        kind: [copy(ws.cell(row, col)._style) for col in range(1, len(form.HEADERS) + 1)]
        for kind, row in (
            ("task", form.PROTO_TASK),
            ("milestone", form.PROTO_MILESTONE),
            ("due", form.PROTO_MILESTONE_DUE),
        )
    }
    ws.delete_rows(form.PROTO_TASK, 3)

    set_cell(ws[form.TITLE_CELL], form_title(bureau, period))
    note = render(
        "form_note.j2",
        month=period.month,
        statuses=Status.choices(),
        deadline=period.deadline,
        carried_from=carried and carried.month_of_year,
        period_start=period.start_month,
    )
    set_cell(ws[form.NOTE_CELL], note)
    set_cell(ws[form.OFFICE_CELL], office.name)
    set_cell(ws[form.DEADLINE_CELL], period.deadline)

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
    filled_on_dv.add(form.FILLED_ON_CELL)
    for dv in (status_dv, date_dv, filled_on_dv):
        ws.add_data_validation(dv)

    col = {h: i for i, h in enumerate(form.HEADERS, start=1)}

    row = form.FIRST_DATA_ROW
    for task in tasks.tasks_of(office.name):
        start = row
        _put(
            ws,
            row,
            protos["task"],
            {
                form.KEY: task.key,
                form.NO: task.no,
                form.NAME: task.name,
                form.CONTENT: task.overview or task.content,
                form.OFFICES: "、".join(task.offices),
            },
        )
        progress = problems = ""
        if carried and task.key in carried.tasks:  # last month's text, to be brought up to date
            progress, problems = carried.tasks[task.key]
            set_cell(ws.cell(row, col[form.PROGRESS]), progress)
            set_cell(ws.cell(row, col[form.PROBLEMS]), problems)
        ws.row_dimensions[row].height = form.task_row_height(
            task.overview or task.content, task.name, progress, problems
        )
        for m in task.milestones:
            row += 1
            due_now = m.due is not None and m.due <= period.end
            _put(
                ws,
                row,
                protos["due" if due_now else "milestone"],
                {form.KEY: m.key, form.CONTENT: m.text, form.DUE: m.due or form.UNDATED},
            )
            if (
                carried and m.key in carried.done
            ):  # done stays done; other statuses are judged afresh
                set_cell(ws.cell(row, col[form.STATUS]), Status.DONE.value)
                set_cell(ws.cell(row, col[form.DONE_ON]), carried.done[m.key])
            status_dv.add(f"{get_column_letter(col[form.STATUS])}{row}")
            date_dv.add(f"{get_column_letter(col[form.DONE_ON])}{row}")
            ws.row_dimensions[row].height = form.milestone_row_height(m.text)
        for header in (form.NO, form.NAME, form.OFFICES):  # one task, one visual block
            if row > start:
                # not ws.merge_cells: it re-derives the borders cell by cell (three quarters of the
                # fill
                # time), and the prototype rows already give every covered cell its borders
                ws.merged_cells.add(
                    CellRange(min_col=col[header], min_row=start, max_col=col[header], max_row=row)
                )
        row += 1

    last = max(row - 1, form.FIRST_DATA_ROW)
    ws.print_title_rows = f"{form.HEADER_ROW}:{form.HEADER_ROW}"
    ws.print_area = f"B1:{get_column_letter(len(form.HEADERS))}{last}"
    ws.protection.sheet = True
    ws.protection.formatColumns = False  # allowed: widen a column, resize a row
    ws.protection.formatRows = False
    _write_meta(wb, office.name, period, tasks.title, fingerprint or task_list_fingerprint(tasks))
    # no formulas: nothing to recalculate, and Excel does not ask to save a form only read
    wb.calculation.fullCalcOnLoad, wb.calculation.calcId = False, EXCEL_CALC_ID
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _put(ws, row: int, styles: list, values: dict) -> None:
    for i, header in enumerate(form.HEADERS, start=1):
        cell = ws.cell(row, i)
        cell._style = copy(styles[i - 1])
        if header in values:
            set_cell(cell, values[header])


def _write_meta(wb, office: str, period: Period, title: str, fingerprint: str) -> None:
    meta = wb.create_sheet(form.META_SHEET)
    for row, pair in enumerate(
        (
            ("office", office),
            ("month", period.label),
            ("task_list", title),
            ("task_list_fingerprint", fingerprint),
            ("generated_at", datetime.now().isoformat(timespec="seconds")),
            ("generator", f"yuebao {__version__}"),
        ),
        start=1,
    ):
        write_row(meta, row, pair)
    meta.sheet_state = "hidden"
    meta.protection.sheet = True
