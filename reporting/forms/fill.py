"""fill: one pre-filled progress workbook per reporting office, from templates/progress_form.xlsx.

The month's filling: each office's form made as a copy of one openpyxl-written form
(template_copy.py), or by openpyxl itself (openpyxl_form.py) when the copy cannot; many offices on
several cores; one office's failure never stops the others.  What the form holds and how it looks
is said in content.py, layout.py and openpyxl_form.py.
"""

from __future__ import annotations

import logging
import os
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import YuebaoError
from ..filenames import safe_name
from ..models import Office, Progress, TaskList
from ..period import Period
from . import openpyxl_form, template_copy
from .content import form_title as form_title  # noqa: F401 - where summary/outputs.py looks
from .openpyxl_form import (  # the openpyxl writer, importable from here as before
    STATUS_LIST,
    fill_office,
    put_cell,
    task_list_fingerprint,
    write_form,
)
from .prefill import Carried

log = logging.getLogger(__name__)
Job = tuple[Office, Path]  # an office and where its form goes


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
    progress: Progress | None = None,
    carried: Carried | None = None,
) -> FillResult:
    template = openpyxl_form.TEMPLATE  # looked up when filling: a test points it elsewhere
    if not template.is_file():  # an incomplete installation: no office's form can be written
        raise YuebaoError(
            f"找不到表格模板：{template}（安装不完整，请重新安装yuebao）",
            f"form template missing: {template}",
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


def _apart(jobs: list[Job]) -> tuple[list[Job], list[tuple[Path, str]]]:
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


# from this many forms on, worker processes: below, starting a pool (about 80 ms) costs more than
# it saves (11 forms: 0.06 s in one process, 0.10 s on two workers; 40 forms of 20 tasks: 0.21 s
# and 0.18 s)
PARALLEL_FROM = 32
_worker: dict[str, Any] = {}  # what a filling process holds (once, not with each office)


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


def _fill_job(job: Job) -> tuple[Path, str | None]:
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


def _report(
    progress: Progress | None, i: int, n: int, done: tuple[Path, str | None]
) -> tuple[Path, str | None]:
    if progress:
        progress(i, n, done[0].stem.rsplit("_", 1)[-1])
    return done


__all__ = [
    "STATUS_LIST",
    "FillResult",
    "fill_month",
    "fill_office",
    "form_file_name",
    "form_title",
    "put_cell",
    "task_list_fingerprint",
    "write_form",
]
