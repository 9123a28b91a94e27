"""One return's content against its office's tasks: who filled it and when, each task's row and
its locked cells, each milestone's status and completion date, texts too long for a cell.

validate.py decides the month (which return counts for each office, who has not sent one); this
room judges what one counted return says, row by row.  Findings are data: nothing here raises.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from ..forms import layout as form
from ..intake import values as cells
from ..models import (
    Finding,
    Milestone,
    MilestoneReport,
    Return,
    Severity,
    Status,
    Task,
    TaskList,
    TaskReport,
)
from ..period import Period
from ..tasks.tasklist import split_offices
from ..xlsx_rows import excel_units

ERROR, WARNING = Severity.ERROR, Severity.WARNING
# what a return's checks report through: (code, message, severity=, row=, header=, task_key=)
Say = Callable[..., None]


def check_content(ret: Return, tasks: TaskList, period: Period) -> list[Finding]:
    """The findings on one counted return's content (its office's tasks and milestones)."""
    out: list[Finding] = []
    expected = tasks.tasks_of(ret.office)
    expected_keys = {t.key for t in expected}
    all_tasks = tasks.by_key()

    def finding(
        code: str,
        message: str,
        severity: Severity = ERROR,
        row: int | None = None,
        header: str | None = None,
        task_key: str = "",
    ) -> None:
        cell = f"{ret.columns[header]}{row}" if header in ret.columns and row else ""
        if cell in ret.formula_cells:
            message += (
                "（该单元格是公式，但文件中没有保存计算结果："
                "请在Excel中打开后保存，或直接填写内容）"
            )
        out.append(
            Finding(
                code,
                message,
                severity,
                office=ret.office,
                file=ret.file_name,
                sheet=ret.sheet,
                row=row,
                cell=cell,
                task_key=task_key,
            )
        )

    if not ret.filled_by:
        finding("no_filled_by", "未填写“填报人”，请补填", WARNING)
    if ret.filled_on is None:
        finding(
            "no_filled_on",
            f"未填写“填报日期”（或无法识别为日期），请补填，例如 {period.label}-15",
            WARNING,
        )

    for key, sent in ret.tasks.items():
        if key not in expected_keys:
            other = all_tasks.get(key)
            text = (
                f"第{sent.row or '?'}行是第{other.no}项任务“{other.name}”，"
                f"牵头股室为{other.lead}，不属于本股室，未计入汇总"
                if other
                else f"第{sent.row or '?'}行的任务（{key}）不在任务清单中，未计入汇总，"
                "请核对是否使用了最新下发的表格"
            )
            finding("unknown_task", text, WARNING, row=sent.row)

    for task in expected:
        report = ret.tasks.get(task.key)
        label = f"第{task.no}项任务“{task.name}”"
        if report is None or report.row is None:
            finding(
                "missing_task",
                f"缺少{label}的行（可能被删除）。请在下发的表格中填写该任务后重新报送",
                task_key=task.key,
            )
            if report is None:
                continue
        else:
            _check_definition(task, report, finding)
            _check_lengths(report, finding, task)
            if not report.progress:
                finding(
                    "empty_progress",
                    f"{label}的“进展情况”未填写，请填写1—{period.month}月的落实情况",
                    row=report.row,
                    header=form.PROGRESS,
                    task_key=task.key,
                )
        _check_milestones(task, report, period, ret.received_at.date(), finding, label)
    return out


def _check_definition(task: Task, report: TaskReport, finding: Say) -> None:
    found = report.definition
    want = {form.NO: task.no, form.NAME: task.name, form.CONTENT: task.overview or task.content}
    for header, original in want.items():
        if not cells.same_text(found.get(header), original):
            finding(
                "definition_altered",
                f"第{task.no}项任务的“{header}”被修改为“{_short(found.get(header))}”，"
                f"原为“{_short(original)}”。该列由任务清单生成，已按原内容汇总；如需调整任务请联系局办公室",
                row=report.row,
                header=header,
                task_key=task.key,
                severity=WARNING,
            )
    if set(split_offices(found.get(form.OFFICES, ""))) != set(task.offices):
        finding(
            "definition_altered",
            f"第{task.no}项任务的“责任股室”被修改为“{_short(found.get(form.OFFICES))}”，"
            f"原为“{'、'.join(task.offices)}”。如需调整分工请联系局办公室",
            row=report.row,
            header=form.OFFICES,
            task_key=task.key,
            severity=WARNING,
        )
    for header in (form.DUE, *form.MILESTONE_INPUTS):  # locked and blank on a task's own row
        if found.get(header):
            advice = (
                "如需调整，请在各节点所在行的“节点状态”中选择“申请延期”并填写申请的日期"
                if header == form.DUE
                else f"请填写到各节点所在行的“{header}”中"
            )
            finding(
                "definition_altered",
                f"第{task.no}项任务所在行的“{header}”是锁定的空白单元格，"
                f"填写的“{_short(found[header])}”未计入汇总。" + advice,
                row=report.row,
                header=header,
                task_key=task.key,
                severity=WARNING,
            )


def _check_lengths(report: TaskReport, finding: Say, task: Task) -> None:
    """Text longer than an Excel cell holds is cut in every workbook we write: say where it is."""
    limit = cells.EXCEL_CELL_CHARS
    answers = (
        (form.PROGRESS, report.progress),
        (form.PROBLEMS, report.problems),
        (form.REMARKS, report.remarks),
    )
    texts = [(report.row, header, text) for header, text in answers]
    texts += [(mr.row, form.STATUS, mr.status) for mr in report.milestones.values()]
    for row, header, text in texts:
        # counted as Excel counts, as the summary's sheets cut it (an emoji, a rare 汉字 of
        # Extension B, is two); a text under half the limit cannot reach it
        units = excel_units(text) if len(text) > limit // 2 else len(text)
        if units > limit:
            counted = f"{len(text)}字" + (f"（按Excel计为{units}字）" if units != len(text) else "")
            finding(
                "cell_truncated",
                f"第{task.no}项任务“{_short(task.name)}”的“{header}”有{counted}，"
                f"超过Excel单元格上限{limit}字，汇总表中已截断，全文见原报表；请精简到{limit}字以内",
                WARNING,
                row=row,
                header=header,
                task_key=task.key,
            )


def _check_milestones(
    task: Task, report: TaskReport, period: Period, received: date, finding: Say, label: str
) -> None:
    """`received`: the day the return was received; nothing it reports was done later."""
    for m in task.milestones:
        mr = report.milestones.get(m.key)
        due_now = m.due is not None and m.due <= period.end
        if mr is None:
            finding(
                "missing_milestone",
                f"{label}的第{m.seq}个节点“{_short(m.text)}”的行缺失（可能被删除），"
                "请在下发的表格中填写该节点",
                task_key=task.key,
            )
            continue
        _check_milestone_definition(task, m, mr, report.row, period.year, finding, label)
        if not mr.status:
            if due_now and m.due is not None:  # (due_now says it; mypy reads this)
                finding(
                    "empty_status",
                    f"{label}的第{m.seq}个节点应于{m.due.month}月{m.due.day}日前完成，“节点状态”未选择，"
                    f"请从下拉列表选择（{'、'.join(Status.choices())}）",
                    row=mr.row,
                    header=form.STATUS,
                    task_key=task.key,
                )
            continue
        value, known = cells.status(mr.status)
        if not known:
            shown = cells.visible(mr.status)
            hidden = (
                "（其中[]标出的是看不见的字符，复制粘贴时常会带入）" if shown != mr.status else ""
            )
            finding(
                "bad_status",
                f"{label}第{m.seq}个节点的状态“{_short(shown)}”不是可选值{hidden}，请删除"
                f"该单元格的内容，从下拉列表重新选择（{'、'.join(Status.choices())}）",
                row=mr.row,
                header=form.STATUS,
                task_key=task.key,
            )
            mr.status = shown  # the summary shows it as the message quotes it
            continue
        if cells.squash(mr.status).rstrip("。.") != value:  # a word outside the list ("完成")
            finding(
                "status_read_as",
                f"{label}第{m.seq}个节点的状态“{_short(cells.visible(mr.status))}”不是下拉列表中的"
                f"选项，已按“{value}”汇总；如不是此意，请从下拉列表重新选择"
                f"（{'、'.join(Status.choices())}）",
                WARNING,
                row=mr.row,
                header=form.STATUS,
                task_key=task.key,
            )
        mr.status = value
        if value == Status.DONE.value:
            if mr.completed_on is None:
                raw = mr.definition.get("_done_raw")
                finding(
                    "no_done_date",
                    f"{label}第{m.seq}个节点已完成，但完成日期"
                    + (f"“{_short(raw)}”无法识别为日期" if raw else "未填写")
                    + f"，请填写，例如 {period.label}-15",
                    WARNING,
                    row=mr.row,
                    header=form.DONE_ON,
                    task_key=task.key,
                )
            elif mr.completed_on > received:
                finding(
                    "future_done_date",
                    f"{label}第{m.seq}个节点的完成日期{mr.completed_on:%Y-%m-%d}晚于收到报表的日期"
                    f"{received:%Y-%m-%d}，报送时尚未到该日期，不可能已完成。请核对完成日期",
                    WARNING,
                    row=mr.row,
                    header=form.DONE_ON,
                    task_key=task.key,
                )


def _check_milestone_definition(
    task: Task,
    m: Milestone,
    mr: MilestoneReport,
    task_row: int | None,
    year: int,
    finding: Say,
    label: str,
) -> None:
    """Every locked cell of a milestone's row: text and date as in the task list, the rest blank."""
    found = mr.definition
    where: dict[str, Any] = dict(row=mr.row, task_key=task.key)
    if not cells.same_text(found.get(form.CONTENT), m.text):
        finding(
            "definition_altered",
            f"{label}第{m.seq}个节点的内容被修改为"
            f"“{_short(found.get(form.CONTENT))}”，原为“{_short(m.text)}”。节点内容由任务清单生成，"
            "已按原内容汇总；如需调整请联系局办公室",
            header=form.CONTENT,
            **where,
            severity=WARNING,
        )
    due = found.get(form.DUE, "")
    planned = [d for d in (m.due, m.extended_from) if d]
    if planned:  # the form writes the date as 2022-06-30: read only what differs from that
        altered = due not in [d.isoformat() for d in planned] and _as_date(due, year) not in planned
    else:
        altered = cells.squash(due) != form.UNDATED
    if altered:
        planned_text = m.due.isoformat() if m.due else form.UNDATED
        finding(
            "definition_altered",
            f"{label}第{m.seq}个节点的“计划完成时间”被修改为"
            f"“{_short(due) or '空白'}”，原为“{planned_text}”。计划完成时间由任务清单生成，"
            "已按原时间判定是否逾期；如需调整，请在“节点状态”中选择“申请延期”并填写申请的日期",
            header=form.DUE,
            **where,
            severity=WARNING,
        )
    offices = "、".join(task.offices)
    for header, original in ((form.NO, task.no), (form.NAME, task.name), (form.OFFICES, offices)):
        value = found.get(header)  # blank under the task's merged cell, or its text filled down
        if not value:
            continue
        same = (
            set(split_offices(value)) == set(task.offices)
            if header == form.OFFICES
            else cells.same_text(value, original)
        )
        if not same:
            finding(
                "definition_altered",
                f"{label}第{m.seq}个节点所在行的“{header}”被改为"
                f"“{_short(value)}”，原为“{_short(original)}”。该列由任务清单生成，已按原内容汇总",
                header=header,
                **where,
                severity=WARNING,
            )
    for header in form.TASK_INPUTS:
        if found.get(header):
            finding(
                "definition_altered",
                f"{label}第{m.seq}个节点所在行的“{header}”是锁定的空白单元格，"
                f"填写的“{_short(found[header])}”未计入汇总。请填写到该任务所在行"
                + (f"（第{task_row}行）" if task_row else "")
                + f"的“{header}”中",
                header=header,
                **where,
                severity=WARNING,
            )


def _as_date(text: str, year: int) -> date | None:
    """The date a 计划完成时间 cell shows, also as other programs export it ("2022-05-31 00:00:00",
    a serial number as text)."""
    head = text.split(" ")[0].split("T")[0]
    return cells.to_date(text, year) or cells.to_date(int(head) if head.isdigit() else head, year)


def _short(text: object, limit: int = 40) -> str:
    text = cells.visible(text).replace("\n", " ")
    return text if len(text) <= limit else text[:limit] + "…"
