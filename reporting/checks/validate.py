"""validate: check the month's returns against the task list and say what each clerk must fix.

Findings are data: validate never raises for a bad return.  Each finding names the file, sheet,
row (and cell where there is one) and says in Chinese what to do.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from ..filenames import shown_name
from ..forms import layout as form
from ..intake import values as cells
from ..intake.grids import MAX_FILE_BYTES
from ..intake.reading import read_month
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

if TYPE_CHECKING:
    from ..intake.reading import ReadCache
    from ..models import Progress

ERROR, WARNING = Severity.ERROR, Severity.WARNING
# what a return's checks report through: (code, message, severity=, row=, header=, task_key=)
Say = Callable[..., None]


@dataclass
class MonthCheck:
    """The validated month: which return stands for each office, and every finding."""

    returns: list[Return]
    chosen: dict[str, Return] = field(default_factory=dict)  # office -> the return that counts
    findings: list[Finding] = field(default_factory=list)


def check_returns(
    tasks: TaskList,
    period: Period,
    returns: list[Return],
    as_of: date,
    max_bytes: int = MAX_FILE_BYTES,
    progress: Progress | None = None,
    other_months: list[Return] | None = None,
    cache: ReadCache | None = None,
) -> MonthCheck:
    """Read the month's archived returns (see intake.reading) and validate them; the returns
    received after `as_of` are listed, unread, at the end of check.returns.  `other_months`: see
    validate_month; `cache`: see read_month."""
    read, future, read_findings = read_month(returns, tasks, as_of, max_bytes, progress, cache)
    check = validate_month(tasks, period, read, read_findings, as_of, other_months)
    check.returns += future
    return check


def validate_month(
    tasks: TaskList,
    period: Period,
    returns: list[Return],
    read_findings: list[Finding],
    as_of: date,
    other_months: list[Return] | None = None,
) -> MonthCheck:
    """`other_months`: the ledger's returns filed under other months (each with .month set to the
    month it is filed under): an office without a return this month whose return of another month
    came in this month is told that this month's form is still to be sent."""
    check = MonthCheck(returns=returns, findings=list(tasks.findings) + list(read_findings))
    offices = tasks.lead_offices()
    readable = [r for r in returns if r.readable]
    for r in returns:
        if not r.readable:
            r.accepted = False
    spelled = {cells.office_key(o): o for o in offices}  # 職終股 is 职终股: the list's spelling
    for r in readable:
        check.findings += _check_identity(r, offices, spelled, period)
        check.findings += _check_owner(r, tasks)

    # One return per office counts: the newest received (then the latest 填报日期).
    returns_of: dict[str, list[Return]] = {}
    for r in readable:
        if r.accepted:
            returns_of.setdefault(r.office, []).append(r)
    read_of: dict[str, list[Finding]] = {}
    for f in read_findings:
        read_of.setdefault(f.file, []).append(f)
    for office in offices:
        mine = returns_of.get(office)
        if not mine:
            continue
        mine.sort(key=lambda r: (r.last_received, r.filled_on or date.min))
        newest = mine[-1]
        check.chosen[office] = newest
        for f in read_of.get(newest.file_name, []):  # what reading found reaches the office too
            f.office = f.office or office
        for old in mine[:-1]:
            old.superseded_by = newest.file_name
            check.findings.append(
                Finding(
                    "superseded",
                    f"{office}报送了多份报表，已采用较新的{_received(newest)}；"
                    f"{_received(old)}保留在存档中但不计入汇总",
                    WARNING,
                    office=office,
                    file=old.file_name,
                )
            )

    sent_other_month = _other_month_returns(other_months, spelled, period, as_of)
    for office in offices:
        ret = check.chosen.get(office)
        if ret is None:
            check.findings.append(
                Finding(
                    "not_returned",
                    f"截至{as_of.month}月{as_of.day}日未收到{office}的{period.span_zh}"
                    f"进展情况表（截止日期{period.deadline.month}月{period.deadline.day}日），请催报",
                    ERROR,
                    office=office,
                )
            )
            check.findings += sent_other_month.get(office, [])
            continue
        if ret.received_at.date() > period.deadline:
            late = (ret.received_at.date() - period.deadline).days
            check.findings.append(
                Finding(
                    "late",
                    f"{office}于{ret.received_at.month}月{ret.received_at.day}日报送，晚于截止日期"
                    f"{period.deadline.month}月{period.deadline.day}日{late}天",
                    WARNING,
                    office=office,
                    file=ret.file_name,
                )
            )
        check.findings += _check_content(ret, tasks, period)
    return check


def _other_month_returns(
    others: list[Return] | None, spelled: dict[str, str], period: Period, as_of: date
) -> dict[str, list[Finding]]:
    """{office: a finding for each of its returns of other months received from the 1st of this
    month to `as_of`}: it may believe it has sent this month's form (what it sent is filed under
    its own month).  A return not yet validated names its office by its file name."""
    since = date(period.year, period.month, 1)
    found: dict[str, list[Finding]] = {}
    for r in sorted(others or [], key=lambda r: (r.last_received, r.file_name)):
        if r.month == period.label or not since <= r.last_received.date() <= as_of:
            continue
        if r.office:
            office = spelled.get(cells.office_key(r.office), "")
        else:
            named = [o for o in spelled.values() if o and o in r.file_name]
            office = named[0] if len(named) == 1 else ""
        if not office:
            continue
        filed = _month_zh(r.month)
        found.setdefault(office, []).append(
            Finding(
                "other_month_return",
                f"{_received(r)}是{filed}的报表，已归入{filed}"
                f"，不能代替本月的报表。本月（{period.month}月）的{period.span_zh}进展情况表"
                f"（截止日期{period.deadline.month}月{period.deadline.day}日）仍未收到，"
                "请使用本月下发的表格填写后报送",
                WARNING,
                office=office,
                file=r.file_name,
            )
        )
    return found


def _received(ret: Return) -> str:
    """A return as its office knows it: when it came, and its name (filenames.shown_name)."""
    when, name = ret.last_received, shown_name(ret.file_name, ret.received_at)
    return f"{when.month}月{when.day}日{when:%H:%M}收到的“{name}”"


def _month_zh(label: str) -> str:
    """The month as clerks write it: 2022-06 -> 2022年6月."""
    year, _, month = label.partition("-")
    return f"{year}年{int(month)}月" if month.isdigit() else label


def _check_identity(
    ret: Return, offices: list[str], spelled: dict[str, str], period: Period
) -> list[Finding]:
    """`spelled`: {office_key(office): the office as the task list spells it}."""
    ret.office = spelled.get(cells.office_key(ret.office), ret.office) if ret.office else ""
    where: dict[str, Any] = dict(office=ret.office, file=ret.file_name, sheet=ret.sheet)
    shown = ret.office_shown
    if shown and ret.office and cells.office_key(shown) != cells.office_key(ret.office):
        # a copy of another office's form: counted for neither, so it supersedes nobody's return
        ret.accepted = False
        # as a rule the sheet names its sender
        where["office"] = spelled.get(cells.office_key(shown), ret.office)
        return [
            Finding(
                "office_mismatch",
                f"报表上的填报股室为“{cells.visible(shown)}”，但该表格是"
                f"下发给“{ret.office}”的（表内隐藏的股室标记），可能复制或改动了其他股室的表格。"
                "无法确定是哪个股室的报表，未计入汇总，也不替代任何股室的报表。"
                "请使用本股室下发的表格填写后重新报送",
                **where,
            )
        ]
    if not ret.office:
        ret.accepted = False
        return [
            Finding(
                "no_office",
                "报表未写明填报股室，无法确定是哪个股室报送的。请在“填报股室”处填写后重新报送",
                **where,
            )
        ]
    if ret.office not in offices:
        ret.accepted = False
        named = "、".join(offices[:10]) + (f"等{len(offices)}个股室" if len(offices) > 10 else "")
        return [
            Finding(
                "wrong_office",
                f"报表的填报股室为“{ret.office}”，不是任何任务的牵头股室（应为：{named}）。"
                "请使用本股室的表格重新报送",
                **where,
            )
        ]
    if ret.month and ret.month != period.label:
        ret.accepted = False
        return [
            Finding(
                "wrong_month",
                f"这是{ret.month}的报表，本次汇总的是{period.label}（{period.span_zh}），"
                "请报送本月下发的表格",
                **where,
            )
        ]
    if not ret.month:
        return [
            Finding(
                "no_month",
                f"报表标题中读不出月份，已按本次汇总的{period.label}处理，请核对",
                WARNING,
                **where,
            )
        ]
    return []


def _check_owner(ret: Return, tasks: TaskList) -> list[Finding]:
    """Rows that are all another office's tasks: that office's rows pasted into this form."""
    if not ret.accepted or not ret.tasks:
        return []
    own = {t.key for t in tasks.tasks_of(ret.office)}
    leads = {tasks.by_key()[k].lead for k in ret.tasks if k in tasks.by_key()}
    if own & ret.tasks.keys() or not leads:
        return []
    ret.accepted = False
    sender = next(iter(leads)) if len(leads) == 1 else ret.office  # whose rows these are
    return [
        Finding(
            "office_mismatch",
            f"报表的填报股室为“{ret.office}”，但表中的任务都是"
            f"{'、'.join(sorted(leads))}的任务，可能把其他股室的内容粘贴到了本表。无法确定是哪个股室的"
            "报表，未计入汇总，也不替代任何股室的报表。请使用本股室下发的表格填写后重新报送",
            office=sender,
            file=ret.file_name,
            sheet=ret.sheet,
        )
    ]


def _check_content(ret: Return, tasks: TaskList, period: Period) -> list[Finding]:
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
