"""The task list workbook (重点工作任务一览表) in yuebao's own layout: read and write.

Layout (one sheet; the title in the first row, then a header row, then one row per task):

    序号 | 任务名称 | 主要内容和关键时间节点计划 | 责任股室 | 牵头股室 | 备注 | 任务编码 | 上级任务

(the last two optional)

责任股室 lists every responsible office (separated by line breaks, spaces or 、); 牵头股室 names
the one that reports.  When 牵头股室 is empty the first office of 责任股室 leads, with a warning.
任务编码 is a stable key; without it the key is "T" + 序号 (T01, T02 …).  上级任务 names the
upper level's task (its 任务编码) that this task serves, for `yuebao rollup`.
Other layouts (Taishan's underlined lead office, Pengjiang, city lists) are converted into this one
by `yuebao tasks import`.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import Any

import openpyxl
import python_calamine
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from ..errors import YuebaoError
from ..filenames import safe_name
from ..heap import collection_paused
from ..models import Finding, Severity, Task, TaskList
from ..xlsx import write_row
from .doubts import NO_LEAD, task_ref
from .milestones import parse_milestones

COLUMNS = {  # header text -> Task attribute
    "序号": "no",
    "任务名称": "name",
    "主要内容和关键时间节点计划": "content",
    "责任股室": "offices",
    "牵头股室": "lead",
    "备注": "remarks",
    "任务编码": "key",
    "上级任务": "parent",
}
REQUIRED_COLUMNS = ("序号", "任务名称", "主要内容和关键时间节点计划", "责任股室")
SHEET = "重点工作任务一览表"
_OFFICE_SPLIT = re.compile(r"[\s、，,;；/]+")
_YEAR = re.compile(r"(20\d\d)\s*年")


def split_offices(text: str) -> list[str]:
    return [o for o in _OFFICE_SPLIT.split(text or "") if o]


def task_key(no: str, row: int) -> str:
    digits = re.sub(r"\D", "", str(no))
    return f"T{int(digits):02d}" if digits else f"R{row:03d}"


def read_task_list(path: str | Path, year: int | None = None) -> TaskList:
    with collection_paused():  # a province: 30,000 tasks that all stay, see heap.py
        return _read_task_list(Path(path), year)


def _read_task_list(path: Path, year: int | None) -> TaskList:
    if not path.is_file():
        raise YuebaoError(f"找不到任务清单：{path}", f"task list not found: {path}")
    # calamine: values are all we need, and a province's 30,000 tasks load 5x faster than openpyxl
    try:
        wb = python_calamine.CalamineWorkbook.from_path(str(path))
        sheet = SHEET if SHEET in wb.sheet_names else wb.sheet_names[0]
        rows = wb.get_sheet_by_name(sheet).to_python(skip_empty_area=False)
    except Exception as exc:  # noqa: BLE001 - calamine raises several kinds for damaged files
        raise YuebaoError(
            f"任务清单无法打开，请用Excel另存为.xlsx后重试：{path.name}",
            f"task list unreadable: {exc}",
        ) from exc
    header_at = next(
        (i for i, r in enumerate(rows[:15]) if "任务名称" in [_text(c) for c in r]), None
    )
    if header_at is None:
        raise YuebaoError(
            f"任务清单“{path.name}”中找不到表头（需要：{'、'.join(REQUIRED_COLUMNS)}）",
            f"no header row in task list {path.name}",
        )
    cols = {_text(c): i for i, c in enumerate(rows[header_at]) if _text(c) in COLUMNS}
    missing = [c for c in REQUIRED_COLUMNS if c not in cols]
    if missing:
        raise YuebaoError(
            f"任务清单“{path.name}”缺少列：{'、'.join(missing)}",
            f"task list lacks columns: {', '.join(missing)}",
        )
    title = next((_text(c) for r in rows[:header_at] for c in r if _text(c)), path.stem)
    if year is None:
        found = _YEAR.search(title)
        if not found:
            raise YuebaoError(
                f"无法从任务清单标题“{title}”读出年份，请在config.yaml中设置year",
                "cannot read the year from the task list title; set `year` in config.yaml",
            )
        year = int(found.group(1))

    tasks, findings = _read_tasks(rows, header_at, cols, year, path.name, sheet)
    findings += office_name_findings(tasks, path.name, sheet)
    dup = {key for key, n in Counter(t.key for t in tasks).items() if n > 1}
    if dup:
        raise YuebaoError(
            f"任务清单中任务编号重复：{'、'.join(sorted(dup))}，每项任务的序号或任务编码必须唯一",
            f"duplicate task keys: {', '.join(sorted(dup))}",
        )
    return TaskList(title=title, year=year, tasks=tasks, path=path, findings=findings)


def _read_tasks(
    rows: list, header_at: int, cols: dict[str, int], year: int, file: str, sheet: str
) -> tuple[list[Task], list[Finding]]:
    """The tasks of the rows under the header, and what is wrong with them."""
    tasks: list[Task] = []
    findings: list[Finding] = []
    fields = [(COLUMNS[name], idx) for name, idx in cols.items()]
    has_lead_column = "牵头股室" in cols
    content_col = get_column_letter(cols["主要内容和关键时间节点计划"] + 1)
    for i, row in enumerate(rows[header_at + 1 :], start=header_at + 2):
        width = len(row)
        get = {attr: _text(row[idx]) if idx < width else "" for attr, idx in fields}
        if not (get.get("name") or get.get("content")):
            continue  # blank or note line ("说明：…")
        offices = split_offices(get.get("offices", ""))
        lead = get.get("lead", "").strip()
        where: dict[str, Any] = dict(file=file, sheet=sheet, row=i)
        ref = task_ref(get["no"]) if get.get("no") else "本行"
        if not lead and offices:
            lead = offices[0]
            if has_lead_column:
                findings.append(
                    Finding(
                        "lead_assumed",
                        f"{ref}任务未填牵头股室，按责任股室第一个“{lead}”作为牵头股室",
                        Severity.WARNING,
                        **where,
                    )
                )
        if not lead:
            findings.append(
                Finding(
                    "no_office",
                    f"{ref}任务没有填写责任股室，无法确定由谁报送：请在“牵头股室”列填写"
                    "由哪个股室牵头报送",
                    Severity.ERROR,
                    **where,
                )
            )
            lead = NO_LEAD
        if lead not in offices:
            offices.insert(0, lead)
        else:  # lead first, the others in their written order
            offices.remove(lead)
            offices.insert(0, lead)
        key = get.get("key") or task_key(get.get("no", ""), i)
        overview, milestones = parse_milestones(key, get.get("content", ""), year)
        for m in milestones:
            if m.due is None:
                findings.append(
                    Finding(
                        "undated_milestone",
                        f"{ref}任务的节点“{m.text}”读不出完成时间（{m.date_note}），"
                        "该节点已保留但不会判断逾期，请在任务清单中写明时间",
                        Severity.WARNING,
                        cell=f"{content_col}{i}",
                        task_key=key,
                        **where,
                    )
                )
        tasks.append(
            Task(
                key=key,
                no=get.get("no", ""),
                name=get.get("name", ""),
                content=get.get("content", ""),
                overview=overview,
                offices=tuple(offices),
                lead=lead,
                remarks=get.get("remarks", ""),
                milestones=tuple(milestones),
                source_row=i,
                parent=get.get("parent", ""),
            )
        )
    return tasks, findings


def office_name_findings(tasks: list[Task], file: str, sheet: str) -> list[Finding]:
    """Lead offices whose names cannot be file names as they are (they are mapped, see filenames),
    and two offices that would share one file name."""
    findings = []
    first_row: dict[str, int | None] = {}
    for t in tasks:
        first_row.setdefault(t.lead, t.source_row)
    by_file: dict[str, list[str]] = {}
    for office, row in first_row.items():
        safe = safe_name(office)
        by_file.setdefault(safe.casefold(), []).append(office)  # Windows does not tell case apart
        if safe != office:
            text = (
                f"牵头股室“{office}”含有不能用于文件名的字符"
                f'（如 / \\ : * ? " < > |）或为系统保留名，'
                f"其表格、反馈和提醒的文件名中写作“{safe}”，表格内仍用原名。建议在任务清单中改名"
            )
            findings.append(
                Finding("office_file_name", text, Severity.WARNING, file=file, sheet=sheet, row=row)
            )  # about the list, not an office's return
    for names in by_file.values():
        if len(names) > 1:
            findings.append(
                Finding(
                    "office_name_clash",
                    f"牵头股室“{'”“'.join(names)}”的文件名相同"
                    f"（{safe_name(names[0])}），不会为它们生成表格，请在任务清单中改名使之可区分",
                    Severity.ERROR,
                    file=file,
                    sheet=sheet,
                    row=first_row[names[0]],
                )
            )
    return findings


def write_task_list(tasks: TaskList, path: str | Path) -> Path:
    """Write a task list in yuebao's layout (the output of `yuebao tasks import`)."""
    path = Path(path)
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = SHEET
    headers = [
        "序号",
        "任务名称",
        "主要内容和关键时间节点计划",
        "责任股室",
        "牵头股室",
        "备注",
        "任务编码",
        "上级任务",
    ]
    widths = [6, 22, 70, 16, 12, 28, 10, 10]
    title = (
        tasks.title if _YEAR.search(tasks.title) else f"{tasks.title}（{tasks.year}年）"
    )  # the reader needs the year
    write_row(ws, 1, [title])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(headers))
    ws["A1"].font = Font(name="宋体", size=16, bold=True)
    ws["A1"].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 30
    write_row(ws, 2, headers)
    thin = Side(style="thin")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    for row, t in enumerate(tasks.tasks, start=3):
        write_row(
            ws,
            row,
            [t.no, t.name, t.content, "\n".join(t.offices), t.lead, t.remarks, t.key, t.parent],
        )
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            cell.border = border
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.font = Font(name="宋体", size=10, bold=cell.row == 2)
    for i, w in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(i)].width = w
    ws.freeze_panes = "A3"
    ws.print_title_rows = "2:2"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    for cell in ws[2]:
        cell.fill = PatternFill("solid", fgColor="DDEBF7")
    path.parent.mkdir(parents=True, exist_ok=True)
    wb.save(path)
    return path


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()
