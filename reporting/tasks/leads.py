"""Lead offices for an imported list: a plan names the bureau (区教育局), a bureau reports by 股室.

- `read_leads` reads a 对照表 (序号 | 牵头股室 | 配合股室, in .xlsx/.xls/.csv), `apply_leads`
  puts it into the list in one step (`yuebao tasks import … --leads 对照表.xlsx`);
- `write_leads_sheet` writes that 对照表 for the tasks still to assign, ready to fill in;
- `mark_unassigned` leaves their 牵头股室 cell empty and yellow in the converted list, with a
  drop-down of the offices in config.yaml, so they can also be chosen there.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.worksheet.datavalidation import DataValidation

from ..errors import YuebaoError
from ..intake import values as cells
from ..intake.grids import Unreadable, load_sheets
from ..models import Finding, Severity, Task, TaskList
from ..xlsx import write_row
from .doubts import is_bureau, task_ref
from .tasklist import split_offices

# 任务编码 last: a list of two tables numbers each from 1 (重点工作 1, 2 …; 民生实事 1, 2 …)
LEADS_HEADERS = ["序号", "任务名称", "原牵头单位", "牵头股室", "配合股室", "任务编码"]
_TO_FILL = PatternFill("solid", fgColor="FFEB9C")
_CHOICES_SHEET = "股室"


def unassigned(tasks: TaskList, bureau: str = "") -> list[Task]:
    return [t for t in tasks.tasks if not t.lead or is_bureau(t.lead, bureau)]


def read_leads(path: Path) -> dict[str, tuple[str, list[str]]]:
    """序号 (or 任务编码) -> (牵头股室, 配合股室) from the 对照表; rows without a 牵头股室 are left
    out."""
    try:
        sheets, _ = load_sheets(path)
    except FileNotFoundError as exc:
        raise YuebaoError(f"找不到牵头股室对照表：{path}", f"leads file not found: {path}") from exc
    except Unreadable as exc:
        raise YuebaoError(
            f"牵头股室对照表无法打开：{path.name}。{exc.message}", f"leads unreadable: {exc.code}"
        ) from exc
    for rows in sheets.values():
        for i, row in enumerate(rows[:10]):
            heads = [cells.squash(c) for c in row]
            if "牵头股室" in heads and ("序号" in heads or "任务编码" in heads):
                at = {
                    h: heads.index(h)
                    for h in ("序号", "任务编码", "牵头股室", "配合股室")
                    if h in heads
                }
                found = {}
                for r in rows[i + 1 :]:
                    get = {h: cells.text(r[j]) if j < len(r) else "" for h, j in at.items()}
                    task = get.get("任务编码") or get.get("序号", "")
                    if task and get["牵头股室"]:
                        found[task] = (get["牵头股室"], split_offices(get.get("配合股室", "")))
                return found
    raise YuebaoError(
        f"牵头股室对照表“{path.name}”中找不到表头（需要：序号、牵头股室；可选：配合股室）",
        f"no header in leads file {path.name}",
    )


def apply_leads(
    tasks: TaskList, leads: dict[str, tuple[str, list[str]]], known: list[str], bureau: str = ""
) -> tuple[TaskList, list[Finding]]:
    """The list with each task of the 对照表 given its lead office; the bureau leaves the
    offices."""
    findings: list[Finding] = []
    tasks = replace(tasks, tasks=list(tasks.tasks))
    by_id = {t.no: i for i, t in enumerate(tasks.tasks)}
    by_id |= {t.key: i for i, t in enumerate(tasks.tasks)}
    for task_id, (lead, joined) in leads.items():
        if task_id not in by_id:
            findings.append(
                Finding(
                    "leads_unknown_task",
                    f"对照表中的序号“{task_id}”在任务清单中没有，已忽略",
                    Severity.WARNING,
                )
            )
            continue
        t = tasks.tasks[by_id[task_id]]
        others = [o for o in (*joined, *t.offices) if o != lead and not is_bureau(o, bureau)]
        offices = [lead, *others]
        tasks.tasks[by_id[task_id]] = replace(t, lead=lead, offices=tuple(dict.fromkeys(offices)))
        if known and lead not in known:
            findings.append(
                Finding(
                    "lead_not_in_config",
                    f"{task_ref(t.no)}任务的牵头股室“{lead}”不在config.yaml的"
                    "offices中，请核对名称（否则无法给该股室发送邮件）",
                    Severity.WARNING,
                    task_key=t.key,
                )
            )
    return tasks, findings


def write_leads_sheet(tasks: list[Task], path: Path, known: list[str]) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "牵头股室对照表"
    write_row(ws, 1, LEADS_HEADERS)
    for row, t in enumerate(tasks, start=2):
        write_row(ws, row, [t.no, t.name, t.lead, "", "", t.key])
    for cell in ws[1]:
        cell.font = Font(bold=True)
    for row in ws.iter_rows(min_row=2, min_col=4, max_col=4):
        row[0].fill = _TO_FILL
    for letter, width in zip("ABCDEF", (6, 40, 16, 16, 30, 10)):
        ws.column_dimensions[letter].width = width
    _choices(wb, ws, "D", len(tasks) + 1, known)
    ws.freeze_panes = "A2"
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def mark_unassigned(path: Path, tasks: list[Task], known: list[str]) -> None:
    """The converted list: empty yellow 牵头股室 cells for the tasks to assign, a drop-down for
    all."""
    wb = openpyxl.load_workbook(path)
    ws = wb.worksheets[0]
    headers = [c.value for c in ws[2]]
    lead_col = headers.index("牵头股室") + 1
    key_col = headers.index("任务编码") + 1
    keys = {t.key for t in tasks}
    for row in ws.iter_rows(min_row=3):
        if row[key_col - 1].value in keys:
            cell = row[lead_col - 1]
            cell.value = None
            cell.fill = _TO_FILL
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    letter = openpyxl.utils.get_column_letter(lead_col)
    _choices(wb, ws, letter, ws.max_row, known, first_row=3)
    wb.save(path)


def _choices(
    wb: Any, ws: Any, letter: str, last_row: int, known: list[str], first_row: int = 2
) -> None:
    if not known or last_row < first_row:
        return
    sheet = wb.create_sheet(_CHOICES_SHEET)
    for row, name in enumerate(known, start=1):
        write_row(sheet, row, [name])
    sheet.sheet_state = "hidden"
    rule = DataValidation(
        type="list",
        formula1=f"'{_CHOICES_SHEET}'!$A$1:$A${len(known)}",
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="牵头股室",
        error="请从下拉列表中选择config.yaml中的股室",
    )
    ws.add_data_validation(rule)
    rule.add(f"{letter}{first_row}:{letter}{last_row}")
