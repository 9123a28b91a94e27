"""Read a returned progress workbook back into a models.Return.

Rows are matched by the hidden task key, columns by their header text, so re-sorted rows, moved
columns and moved header rows are all understood.  What cannot be understood becomes a finding;
nothing a clerk wrote is dropped without one.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.utils import get_column_letter

from ..forms import layout as form
from ..models import (
    Finding,
    MilestoneReport,
    Return,
    Severity,
    TaskList,
    TaskReport,
)
from . import values as cells
from .form_head import label_raw, label_value, month_from_title
from .grids import MAX_FILE_BYTES, Bounds, Grid, Row, Unreadable, open_book
from .shown_text import AMBIGUOUS, KEY, ShownText, guess_key


def reading_bounds(tasks: TaskList) -> Bounds:
    """How far a return is read: twice the longest office form plus a margin, and 64 columns.

    Clerks add rows and columns, never thousands; a sheet reaching further is cut there, with a
    finding, so one value typed in the last cell cannot make a 10 KB file cost gigabytes.
    """
    return Bounds(rows=2 * (form.FIRST_DATA_ROW + tasks.most_rows) + 200, cols=64)


def read_return(
    ret: Return,
    path: Path,
    tasks: TaskList,
    max_bytes: int = MAX_FILE_BYTES,
    bounds: Bounds | None = None,
) -> list[Finding]:
    """Fill `ret` from the workbook at `path`; return the findings about its shape."""
    bounds = bounds or reading_bounds(tasks)
    try:
        book = open_book(path, max_bytes, bounds)
    except Unreadable as exc:
        ret.readable = False
        return [Finding(exc.code, exc.message, file=ret.file_name)]
    findings: list[Finding] = []
    suffix = Path(ret.file_name).suffix.lower()
    if book.kind in ("xls", "csv", "ods"):
        named = f"（文件扩展名为{suffix or '无'}）" if suffix.lstrip(".") != book.kind else ""
        findings.append(
            Finding(
                "old_format",
                f"收到的是.{book.kind}格式的文件{named}，已尽量读取；下次请使用下发的.xlsx表格报送",
                Severity.WARNING,
                file=ret.file_name,
            )
        )
    findings += _read(book.sheets, book.hidden, ret, tasks)
    for sheet, cell in book.beyond.items():
        findings.append(
            Finding(
                "cells_outside_form",
                f"工作表“{sheet}”直到{cell}单元格还有内容，远超进展情况表的范围"
                f"（{bounds.rows}行、{get_column_letter(bounds.cols)}列以内），超出部分未读取。"
                "多为误在很远处输入了内容：请按Ctrl+End找到并删除后重新保存；"
                "如确有需要汇总的内容，请填写到表格中对应任务的行内",
                Severity.WARNING,
                office=ret.office,
                file=ret.file_name,
                sheet=sheet,
                cell=cell,
            )
        )
    if book.formulas:
        ret.formula_cells = _formulas_without_values(path, ret.sheet, bounds)
    return findings


def _formulas_without_values(path: Path, sheet: str, bounds: Bounds) -> set[str]:
    """Cells holding a formula whose result was never saved (written by a program, not Excel).

    calamine reads such a cell as empty; the clerk must be told why.  Only xlsx files holding
    formulas get here, and only the bounded area is read.
    """
    found: set[str] = set()
    with path.open("rb") as fh, path.open("rb") as fv:
        try:
            wb = openpyxl.load_workbook(fh, read_only=True)
            values = openpyxl.load_workbook(fv, read_only=True, data_only=True)
        except (zipfile.BadZipFile, OSError, KeyError, ValueError):
            return found
        try:
            if sheet not in wb.sheetnames:
                return found
            area = dict(max_row=bounds.rows, max_col=bounds.cols)
            for row, cached in zip(wb[sheet].iter_rows(**area), values[sheet].iter_rows(**area)):
                for cell, value in zip(row, cached):
                    formula = isinstance(cell.value, str) and cell.value.startswith("=")
                    if formula and value.value in (None, ""):
                        found.add(cell.coordinate)
        finally:
            wb.close()
            values.close()
    return found


def _read(
    sheets: dict[str, Grid], hidden: list[str], ret: Return, tasks: TaskList
) -> list[Finding]:
    findings: list[Finding] = []
    meta: dict[str, str] = {}
    if form.META_SHEET in sheets:
        meta = {
            cells.text(r[0]): cells.text(r[1]) for r in sheets[form.META_SHEET] if r and len(r) > 1
        }
    sheet, grid, header_at = _find_form_sheet(sheets)
    if sheet is None:
        sheet, grid = _sheet_with_keys(sheets, tasks)
        if (
            sheet is not None
        ):  # the header rows were deleted: the hidden keys still say which row is which
            ret.sheet = sheet
            findings.append(
                Finding(
                    "header_missing",
                    "表头行被删除，已按隐藏的任务键和下发表格的列顺序读取，请核对；"
                    "下次请勿删除表头",
                    Severity.WARNING,
                    file=ret.file_name,
                    sheet=sheet,
                )
            )
            ret.office, ret.month = meta.get("office", ""), meta.get("month", "")
            columns = {h: i for i, h in enumerate(form.HEADERS)}
            ret.columns = {h: get_column_letter(i + 1) for h, i in columns.items()}
            keys = tasks.by_key()
            first = next(
                i for i, r in enumerate(grid) if r and cells.text(r[0]).split("-M")[0] in keys
            )
            _read_rows(grid, first - 1, columns, ret, tasks, findings, sheet)
            return findings
    if sheet is None:
        ret.readable = False
        return [
            Finding(
                "no_form_sheet",
                "文件中找不到进展情况表（没有含“项目名称”“进展情况”表头的工作表）。"
                "请使用局办公室下发的表格填写后重新报送",
                file=ret.file_name,
            )
        ]
    ret.sheet = sheet
    if sheet != form.SHEET and len(sheets) > 1:
        findings.append(
            Finding(
                "sheet_renamed",
                f"工作表名称被改为“{sheet}”（原为“{form.SHEET}”），已按内容识别，下次请勿改名",
                Severity.WARNING,
                file=ret.file_name,
                sheet=sheet,
            )
        )
    extra = [
        n
        for n in sheets
        if n not in (sheet, form.META_SHEET) and n not in hidden and any(map(any, sheets[n]))
    ]
    if extra:
        findings.append(
            Finding(
                "extra_sheets",
                f"文件中另有工作表“{'、'.join(extra)}”，其内容未计入汇总；"
                "如有需要汇总的内容，请填写到“进展情况表”中",
                Severity.WARNING,
                file=ret.file_name,
            )
        )
    head = grid[:header_at]
    ret.office_shown = label_value(head, "填报股室")
    ret.office = meta.get("office") or ret.office_shown
    ret.filled_by = label_value(head, "填报人")
    ret.filled_on = cells.to_date(label_raw(head, "填报日期"), tasks.year)
    ret.month = meta.get("month") or month_from_title(head)

    columns = {}
    for i, value in enumerate(grid[header_at]):
        name = cells.squash(value)
        for header in form.HEADERS:
            if name == header and header not in columns:
                columns[header] = i
    ret.columns = {h: get_column_letter(i + 1) for h, i in columns.items()}
    missing = [h for h in form.HEADERS if h not in columns and h != form.KEY]
    if missing:
        findings.append(
            Finding(
                "column_missing",
                f"表头缺少列：{'、'.join(missing)}。这些列的内容无法读取，请使用下发的表格重新填写",
                file=ret.file_name,
                sheet=sheet,
                row=header_at + 1,
            )
        )
    if form.KEY not in columns:
        findings.append(
            Finding(
                "key_column_missing",
                "隐藏的“任务键”列被删除，已按编号和节点文字匹配各行，请核对汇总结果；下次请勿删除列",
                Severity.WARNING,
                file=ret.file_name,
                sheet=sheet,
            )
        )
    _read_rows(grid, header_at, columns, ret, tasks, findings, sheet)
    return findings


def _sheet_with_keys(
    sheets: dict[str, Grid], tasks: TaskList
) -> tuple[str, Grid] | tuple[None, Grid]:
    """A sheet whose first column holds this task list's keys, when no header can be found."""
    keys = tasks.by_key()
    for name, grid in sheets.items():
        if name != form.META_SHEET and sum(cells.text(r[0]) in keys for r in grid if r) >= 1:
            return name, grid
    return None, []


def _find_form_sheet(
    sheets: dict[str, Grid],
) -> tuple[str, Grid, int] | tuple[None, Grid, int]:
    """The first sheet whose top rows hold the form's header (the sheet may be renamed)."""
    for name in sorted(sheets, key=lambda n: n != form.SHEET):
        if name == form.META_SHEET:
            continue
        grid = sheets[name]
        for i, row in enumerate(grid[:30]):
            found = {cells.squash(v) for v in row}
            if form.PROGRESS in found and (form.NAME in found or form.NO in found):
                return name, grid, i
    return None, [], 0


def _read_rows(
    grid: Grid,
    header_at: int,
    columns: dict[str, int],
    ret: Return,
    tasks: TaskList,
    findings: list[Finding],
    sheet: str,
) -> None:
    by_key = tasks.by_key()
    seen: dict[str, int] = {}
    current_task: str | None = None
    rows = grid[header_at + 1 :]
    shown = ShownText(rows, columns, by_key)
    # the key column is hidden: sorting only the visible columns moves the text, not the keys; then
    # every row is matched by its text, and a row whose text fits several milestones is refused
    out_of_step = shown.out_of_step()
    moved: list[int] = []
    get = shown.get
    where: dict[str, Any] = dict(file=ret.file_name, sheet=sheet)
    milestone_locked = [(h, columns.get(h)) for h in form.MILESTONE_LOCKED]
    task_locked = [(h, columns.get(h)) for h in form.TASK_LOCKED]

    for r, row in enumerate(rows, start=header_at + 2):
        key = cells.text(get(row, form.KEY))
        if not key:
            key = guess_key(row, get, by_key, current_task)
        if not key:
            values = [cells.visible(v) for v in row if cells.text(v)]
            if values:
                findings.append(
                    Finding(
                        "row_without_key",
                        "第%d行不是下发表格中的行，内容未计入汇总：“%s”。"
                        "请把内容填写到对应任务的行内" % (r, "｜".join(values)[:80]),
                        Severity.WARNING,
                        file=ret.file_name,
                        sheet=sheet,
                        row=r,
                    )
                )
            continue
        if not KEY.match(key):
            findings.append(
                Finding(
                    "bad_key",
                    f"第{r}行的任务键“{cells.visible(key)[:40]}”无法识别，"
                    "该行未计入汇总。请勿修改隐藏列",
                    row=r,
                    **where,
                )
            )
            continue
        if out_of_step:
            found = shown.key_of(row)
            if found is AMBIGUOUS or not found:
                why = (
                    "对应多个节点，无法确定是哪一个"
                    if found
                    else "与任务清单中的任务和节点都不一致，无法确定是哪一行"
                )
                content = cells.visible(get(row, form.CONTENT))[:30]
                findings.append(
                    Finding(
                        "row_unmatched",
                        "本表隐藏的任务键与显示的内容已错位（可能排序时未选中"
                        f"整张表），第{r}行的内容“{content}”{why}，该行未计入汇总。"
                        "请使用下发的表格按原顺序填写后重新报送",
                        row=r,
                        **where,
                    )
                )
                continue
            if found != key:
                moved.append(r)
                key = found
        if key in seen:
            findings.append(
                Finding(
                    "duplicate_row",
                    f"第{r}行与第{seen[key]}行是同一{'节点' if '-M' in key else '任务'}"
                    f"（{key}），已采用第{seen[key]}行，第{r}行内容未计入汇总。请删除重复的行",
                    file=ret.file_name,
                    sheet=sheet,
                    row=r,
                )
            )
            continue
        seen[key] = r
        task_key = key.split("-M")[0]
        report = ret.tasks.get(task_key) or ret.tasks.setdefault(
            task_key, TaskReport(task_key=task_key)
        )
        if "-M" in key:
            status_raw = get(row, form.STATUS)
            definition = _texts(row, milestone_locked)
            definition["_done_raw"] = cells.text(get(row, form.DONE_ON))
            report.milestones[key] = MilestoneReport(
                milestone_key=key,
                status=cells.text(status_raw),
                row=r,
                definition=definition,
                completed_on=cells.to_date(get(row, form.DONE_ON), tasks.year),
            )
        else:
            current_task = task_key
            report.row = r
            report.progress = cells.text(get(row, form.PROGRESS))
            report.problems = cells.text(get(row, form.PROBLEMS))
            report.remarks = cells.text(get(row, form.REMARKS))
            report.definition = _texts(row, task_locked)
    if moved:
        rows_zh = "、".join(map(str, moved[:20])) + ("等" if len(moved) > 20 else "")
        findings.append(
            Finding(
                "key_mismatch",
                f"第{rows_zh}行显示的内容与隐藏的任务键不一致（可能排序时"
                "未选中整张表），已按各行显示的任务名称和节点内容对应，请核对汇总结果；"
                "下次排序请先全选整张表",
                Severity.WARNING,
                row=moved[0],
                **where,
            )
        )


def _texts(row: Row, located: list[tuple[str, int | None]]) -> dict[str, str]:
    """{header: the row's text in its column ("" where the row has no such cell)}."""
    width = len(row)
    return {h: cells.text(row[i]) if i is not None and i < width else "" for h, i in located}
