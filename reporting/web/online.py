"""在线填报: the office's form as a web page, and the workbook it becomes.

The page is built from the same description the workbook form is written from (forms/content.py:
the month's own task list, last month's answers and the milestones done, carried as fill carries
them), and what the office types is written back into that description and saved by the form
writer (forms/fill.write_form): locked definitions, the answers, 填报人 and 填报日期.  So a return
filled online is the very file the office could have uploaded, and it is checked by reading that
file with the upload's reader and `validate`'s rules (see online_pages.py): nothing here judges.

The fields are plain strings named after the form's keys (`progress:T01`, `status:T01-M2`), as a
browser sends them and as a draft keeps them.  Clerk text is text: every string goes in through
xlsx.set_cell, never as a formula.
"""

from __future__ import annotations

import copy
import io
import logging
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from functools import lru_cache

import openpyxl

from ..context import Cycle
from ..forms import layout as form
from ..forms.content import FormContent, form_content
from ..forms.fill import task_list_fingerprint, write_form
from ..forms.openpyxl_form import TEMPLATE
from ..forms.template_copy import (
    CORE_PART,
    CannotCopy,
    TemplateCopy,
    dated_part,
    modified_at,
)
from ..intake.values import EXCEL_CELL_CHARS, to_date
from ..models import Finding, Milestone, Office, Severity, Status, Task
from ..period import Period
from ..summary.carried import last_answers
from ..xlsx_rows import excel_units
from .kept import Kept

log = logging.getLogger(__name__)
FILLED_BY, PHONE = "filled_by", "phone"
PROGRESS, PROBLEMS, STATUS, DONE, EXT, REASON = (
    "progress",
    "problems",
    "status",
    "done",
    "ext",
    "reason",
)
MAX_FIELD_CHARS = 100_000  # beyond any cell (32,767): validate says where a text is too long


@dataclass(frozen=True)
class MilestoneItem:
    milestone: Milestone
    due_now: bool  # due by the end of the month: the form's coloured rows, shown first
    this_month: bool  # due within the month itself (else earlier)

    @property
    def key(self) -> str:
        return self.milestone.key


@dataclass(frozen=True)
class TaskItem:
    task: Task
    milestones: tuple[MilestoneItem, ...]  # due by the month's end first, then in order

    @property
    def due_now(self) -> int:
        return sum(m.due_now for m in self.milestones)


@dataclass
class OnlineForm:
    office: Office
    period: Period
    content: FormContent  # the form as fill writes it, last month's answers carried
    tasks: list[TaskItem]  # tasks with milestones due by the month's end first
    made_from: tuple = ()  # what the month's forms are made from (template_copy.TemplateCopy)

    @property
    def milestone_count(self) -> int:
        return sum(len(t.milestones) for t in self.tasks)

    def prefilled(self) -> dict[str, str]:
        """The fields as the workbook form holds them before the office answers: last month's
        texts, the milestones done with their dates; 填报人 and phone from config.yaml."""
        fields = {FILLED_BY: self.office.contact, PHONE: self.office.phone}
        for _, row in self.content.numbered():
            key, values = row.values[form.KEY], row.values
            if row.milestone:
                fields[f"{STATUS}:{key}"] = str(values.get(form.STATUS) or "")
                fields[f"{DONE}:{key}"] = _date_text(values.get(form.DONE_ON))
            else:
                fields[f"{PROGRESS}:{key}"] = str(values.get(form.PROGRESS) or "")
                fields[f"{PROBLEMS}:{key}"] = str(values.get(form.PROBLEMS) or "")
        return fields

    def names(self) -> set[str]:
        """Every field the page has: nothing else sent is kept."""
        names = {FILLED_BY, PHONE}
        for item in self.tasks:
            names |= {f"{PROGRESS}:{item.task.key}", f"{PROBLEMS}:{item.task.key}"}
            for m in item.milestones:
                names |= {f"{kind}:{m.key}" for kind in (STATUS, DONE, EXT, REASON)}
        return names

    def fields_from(self, sent: Mapping[str, object]) -> dict[str, str]:
        """The page's fields out of what a browser sent (a form or a dict); the rest ignored.
        A text area's lines come as CRLF: kept as a cell keeps them, one LF each."""
        return {
            name: str(sent.get(name, ""))[:MAX_FIELD_CHARS].replace("\r\n", "\n")
            for name in self.names()
            if name in sent
        }


def online_form(cycle: Cycle, month: str, office: str) -> OnlineForm:
    """The office's form of the month, as `yuebao fill` would write it now."""
    period = cycle.period(month)
    with cycle.ledger() as ledger:
        tasks = cycle.tasks_for(month, ledger)
        carried = last_answers(ledger, period) if cycle.config.reporting.prefill else None
    made_from = (tasks, period, cycle.config.bureau, task_list_fingerprint(tasks), carried)
    content = form_content(tasks, cycle.config.office(office), period, *made_from[2:])
    items = []
    for task in tasks.tasks_of(office):
        ms = [
            MilestoneItem(
                m,
                m.due is not None and m.due <= period.end,
                m.due is not None and (m.due.year, m.due.month) == (period.year, period.month),
            )
            for m in task.milestones
        ]
        ms.sort(key=lambda m: not m.due_now)  # stable: the plan's order otherwise
        items.append(TaskItem(task, tuple(ms)))
    items.sort(key=lambda t: t.due_now == 0)
    return OnlineForm(cycle.config.office(office), period, content, items, made_from)


def filled_content(online: OnlineForm, fields: dict[str, str], day: date) -> FormContent:
    """The form's content with the office's answers in it (what the workbook will hold)."""
    content = copy.deepcopy(online.content)
    year = online.period.year
    filled_by = " ".join(x for x in (_line(fields.get(FILLED_BY)), _line(fields.get(PHONE))) if x)
    content.cells[form.FILLED_BY_CELL] = filled_by or None
    content.cells[form.FILLED_ON_CELL] = day
    content.meta = [
        (k, f"{day.isoformat()}T00:00:00" if k == "generated_at" else v) for k, v in content.meta
    ]
    reasons: dict[str, list[str]] = {}  # task key -> 申请延期 reasons, for its 备注
    for row in content.rows:
        if not row.milestone:
            continue
        key = str(row.values[form.KEY])  # a task's or milestone's key: text
        status = fields.get(f"{STATUS}:{key}", "").strip()
        row.values[form.STATUS] = status or None
        wanted = status == Status.EXTENSION.value
        typed = fields.get(f"{EXT if wanted else DONE}:{key}", "").strip()
        row.values[form.DONE_ON] = (to_date(typed, year) or typed) if typed else None
        reason = fields.get(f"{REASON}:{key}", "").strip()
        if wanted and reason:
            task_key, seq = key.rsplit("-M", 1)
            reasons.setdefault(task_key, []).append(f"第{seq}个节点申请延期：{reason}")
    for row in content.rows:
        if row.milestone:
            continue
        key = str(row.values[form.KEY])  # a task's or milestone's key: text
        progress = fields.get(f"{PROGRESS}:{key}", "")
        problems = fields.get(f"{PROBLEMS}:{key}", "")
        remarks = "\n".join(reasons.get(key, []))
        row.values[form.PROGRESS] = progress or None
        row.values[form.PROBLEMS] = problems or None
        row.values[form.REMARKS] = remarks or None
        row.height = form.task_row_height(
            str(row.values.get(form.CONTENT) or ""),
            str(row.values.get(form.NAME) or ""),
            progress[:2000],  # a row is at most 409 points high however long the text
            problems[:2000],
        )
    return content


def workbook_bytes(online: OnlineForm, fields: dict[str, str], day: date) -> bytes:
    """The office's workbook with its answers, written as `yuebao fill` writes forms (a copy of
    the openpyxl-written form, else openpyxl itself).  The same answers on the same day give the
    same bytes (no clock inside), so sending them twice stores one file."""
    content, made = filled_content(online, fields, day), datetime(day.year, day.month, day.day)
    try:
        return _copier(online.made_from, made).bytes_of(content, online.office.name)
    except CannotCopy as exc:  # a restyled template the copy cannot follow: openpyxl writes it
        log.info("online form written by openpyxl: %s", exc)
    return openpyxl_bytes(content, made)


def openpyxl_bytes(content: FormContent, made: datetime) -> bytes:
    """The workbook of `content` written by openpyxl itself (what the copy is made from)."""
    wb = openpyxl.load_workbook(io.BytesIO(_template()))
    write_form(wb, content)
    wb.properties.created = wb.properties.modified = made
    out = io.BytesIO()
    wb.save(out)
    return _without_clock(out.getvalue(), made)


def _copier(made_from: tuple, made: datetime) -> TemplateCopy:
    """The month's form copier for forms written on `made` (learning the form costs about a
    tenth of a second: once a day per month and list, not once per 提交)."""
    tasks, period, bureau, fingerprint, carried = made_from
    key = (tasks.title, fingerprint, period.label, bureau, carried and carried.month_of_year, made)
    return _copiers.made(
        key, lambda: TemplateCopy(tasks, period, bureau, fingerprint, carried, made=made)
    )


COPIERS_KEPT = 8
_copiers: Kept[TemplateCopy] = Kept(COPIERS_KEPT)


@lru_cache(maxsize=1)
def _template() -> bytes:
    return TEMPLATE.read_bytes()


def _without_clock(data: bytes, stamp: datetime) -> bytes:
    """The zip again with every part dated `stamp` (zipfile dates each part with the clock, and
    openpyxl's save writes the time of saving as the workbook's 修改时间)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            part = dated_part(info.filename, stamp)
            part.external_attr = info.external_attr
            content = src.read(info.filename)
            if info.filename == CORE_PART:
                content = modified_at(content, stamp)
            dst.writestr(part, content)
    return out.getvalue()


def _line(text: str | None) -> str:
    return " ".join((text or "").split())


def _date_text(value: object) -> str:
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    return str(value or "")


# -- findings beside their fields ---------------------------------------------------------------
GENERAL = ""  # findings of the return as a whole: shown above the form
_BY_HEADER = {form.PROGRESS: PROGRESS, form.PROBLEMS: PROBLEMS, form.STATUS: STATUS}
_WHOLE = {"no_filled_by": FILLED_BY, "no_filled_on": FILLED_BY}


def placed(
    online: OnlineForm, fields: dict[str, str], findings: list[Finding]
) -> dict[str, list[Finding]]:
    """field name -> the findings about it (GENERAL: about the return as a whole; `task:T01`:
    about a task without a field of its own).  A finding names its cell (column letter and row
    of the workbook written from `online`): that cell is one field of the page."""
    keys = {r: str(row.values[form.KEY]) for r, row in online.content.numbered()}
    letters = {form.column_letter(h): h for h in form.HEADERS}
    out: dict[str, list[Finding]] = {}
    for f in findings:
        header = letters.get(f.cell.rstrip("0123456789")) if f.cell else None
        key = keys.get(f.row) if f.row else None
        name = GENERAL
        if key and header in _BY_HEADER:
            name = f"{_BY_HEADER[header]}:{key}"
        elif key and header == form.DONE_ON:
            wanted = fields.get(f"{STATUS}:{key}", "").strip() == Status.EXTENSION.value
            name = f"{EXT if wanted else DONE}:{key}"
        elif key or f.task_key:
            name = f"task:{(key or f.task_key).split('-M')[0]}"
        elif f.code in _WHOLE:
            name = _WHOLE[f.code]
        out.setdefault(name, []).append(f)
    return out


_WORDS = {PROGRESS: form.PROGRESS, PROBLEMS: form.PROBLEMS, REASON: "延期理由", FILLED_BY: "填报人"}


def too_long(online: OnlineForm, fields: dict[str, str]) -> dict[str, list[Finding]]:
    """field name -> an error for a text longer than an Excel cell holds (counted as Excel
    counts, as validate's cell_truncated does): the workbook could not keep it whole, so it is
    not submitted; the office shortens it (an uploaded file says so only in the summary)."""
    names = {item.task.key: item.task for item in online.tasks}
    limit, out = EXCEL_CELL_CHARS, {}
    for name, text in fields.items():
        if len(text) <= limit // 2 or (units := excel_units(text)) <= limit:
            continue
        kind, _, key = name.partition(":")
        task = names.get(key.split("-M")[0])
        where = f"第{task.no}项任务“{task.name}”的" if task else ""
        counted = f"{len(text)}字" + (f"（按Excel计为{units}字）" if units != len(text) else "")
        out[name] = [
            Finding(
                "cell_truncated",
                f"{where}“{_WORDS.get(kind, kind)}”有{counted}，超过Excel单元格上限{limit}字，"
                f"表格中放不下，不能提交。请精简到{limit}字以内",
                Severity.ERROR,
                office=online.office.name,
                task_key=task.key if task else "",
            )
        ]
    return out
