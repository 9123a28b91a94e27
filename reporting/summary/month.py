"""The month's merged state: every milestone with its latest report and light, every office's return.

Built once from a validated month (validate.MonthCheck); the summary workbook, the printed text
and the ledger history all read from it.
"""
from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from ..intake.values import squash
from .verdicts import days_overdue, light
from ..models import Finding, Light, Milestone, Office, Severity, Status, Task, TaskList
from ..period import Period
from ..checks.rules import GREEN, RED, YELLOW, office_light
from ..checks.validate import MonthCheck


@dataclass
class MilestoneRow:
    task: Task
    milestone: Milestone | None   # None for a task without milestones
    status: str                   # as reported; "未报送" when the office sent nothing usable
    completed_on: date | None
    light: Light | None
    days_overdue: int
    progress: str
    problems: str
    remarks: str = ""


@dataclass
class OfficeRow:
    office: Office
    tasks: int
    state: str                    # 按时报送 / 逾期报送 / 未报送
    file: str = ""
    received_at: datetime | None = None
    filled_by: str = ""
    filled_on: date | None = None
    errors: int = 0
    warnings: int = 0
    lights: Counter = field(default_factory=Counter)
    light: str = ""               # 红灯 / 黄灯 / 绿灯
    overdue_share: float = 0.0


@dataclass
class Change:
    """Something that moved since last month (or, tellingly, did not)."""

    kind: str                     # one of CHANGE_KINDS
    task: Task
    milestone: Milestone | None
    note: str = ""


NEWLY_DONE, NEWLY_OVERDUE, UNDONE = "新完成", "新逾期", "完成状态撤回"
SAME_PROGRESS, SAME_TWICE, SAME_PROBLEMS = "进展与上月相同", "进展连续两月未更新", "问题与计划与上月相同"
CHANGE_KINDS = (NEWLY_OVERDUE, UNDONE, SAME_TWICE, SAME_PROGRESS, SAME_PROBLEMS, NEWLY_DONE)


@dataclass
class MonthSummary:
    title: str
    period: Period
    as_of: date
    rows: list[MilestoneRow]
    offices: list[OfficeRow]
    findings: list[Finding]
    changes: list[Change] = field(default_factory=list)
    has_previous: bool = False    # was last month merged, so that 变化 means something
    trend: dict[str, int] = field(default_factory=dict)  # month -> overdue count, this month included
    red_share: float = 0.2        # the light rule's threshold, as configured
    unit: str = ""                # the bureau this summary is of (a county's name, for a city roll-up)

    @property
    def counts(self) -> Counter:
        return Counter(r.light for r in self.rows if r.milestone is not None)

    @property
    def overdue(self) -> list[MilestoneRow]:
        rows = [r for r in self.rows if r.light is Light.OVERDUE]
        return sorted(rows, key=lambda r: (-r.days_overdue, r.task.key))

    @property
    def extension_requests(self) -> list[MilestoneRow]:
        return [r for r in self.rows if r.status == Status.EXTENSION.value]

    @property
    def due_by_month(self) -> int:
        return sum(1 for r in self.rows if r.milestone and r.milestone.due and r.milestone.due <= self.period.end)


NOT_RETURNED = "未报送"
MISSING_ROW = "表中缺失"
MISSING_TASK = "（报表中缺少该任务）"   # shown as the progress of a task a return left out


def state_items(s: MonthSummary) -> list[tuple]:
    """The month's state as the ledger keeps it (see Ledger.record_state)."""
    return [((r.milestone.key if r.milestone else r.task.key), r.task.key, r.task.lead, r.status,
             r.completed_on.isoformat() if r.completed_on else None, r.light.value if r.light else "",
             r.progress, r.problems) for r in s.rows]


def find_changes(s: MonthSummary, previous: dict, before: dict) -> list[Change]:
    """Compare with the ledger's state of the two months before (item -> row with status, light, progress)."""
    if not previous:
        return []
    changes: list[Change] = []
    seen_tasks: set[str] = set()
    by_task_prev = {r["task_key"]: r for r in previous.values()}
    by_task_before = {r["task_key"]: r for r in before.values()}
    for r in s.rows:
        m = r.milestone
        if m is not None:
            p = previous.get(m.key)
            was = p["light"] if p else ""
            if r.light is Light.DONE and was != Light.DONE.value:
                note = f"完成日期 {r.completed_on:%Y-%m-%d}" if r.completed_on else ""
                if p is not None and p["status"] in (NOT_RETURNED, MISSING_ROW):
                    note = f"上月{p['status']}，本月报已完成" + (f"（{note}）" if note else "")
                changes.append(Change(NEWLY_DONE, r.task, m, note))
            elif r.light is Light.OVERDUE and was != Light.OVERDUE.value:
                changes.append(Change(NEWLY_OVERDUE, r.task, m, f"已逾期{r.days_overdue}天"))
            if r.light is not Light.DONE and was == Light.DONE.value:
                changes.append(Change(UNDONE, r.task, m, f"上月报已完成，本月报“{r.status or '未填'}”"))
        if r.task.key in seen_tasks or r.status == NOT_RETURNED:
            continue
        seen_tasks.add(r.task.key)
        p, b = by_task_prev.get(r.task.key), by_task_before.get(r.task.key)
        if r.progress and p is not None and squash(p["progress"]) == squash(r.progress):
            twice = b is not None and squash(b["progress"]) == squash(r.progress)
            changes.append(Change(SAME_TWICE if twice else SAME_PROGRESS, r.task, None,
                                  "进展情况与上月完全相同" + ("，且与前月相同" if twice else "")))
        if r.problems and p is not None and squash(p["problems"]) == squash(r.problems):
            changes.append(Change(SAME_PROBLEMS, r.task, None, "存在问题和下一步工作计划与上月完全相同"))
    order = {k: i for i, k in enumerate(CHANGE_KINDS)}
    return sorted(changes, key=lambda c: (order[c.kind], c.task.key, c.milestone.seq if c.milestone else 0))


def build_summary(tasks: TaskList, period: Period, check: MonthCheck, as_of: date, amber_days: int,
                  office_info, title: str) -> MonthSummary:
    rows: list[MilestoneRow] = []
    for task in tasks.tasks:
        ret = check.chosen.get(task.lead)
        report = ret.tasks.get(task.key) if ret else None
        progress = report.progress if report else (MISSING_TASK if ret else "")
        problems = report.problems if report else ""
        if not task.milestones:
            rows.append(MilestoneRow(task, None, "" if ret else NOT_RETURNED, None, None, 0, progress, problems))
        for m in task.milestones:
            mr = report.milestones.get(m.key) if report else None
            lt = light(m, mr, as_of, amber_days)
            status = (mr.status if mr else MISSING_ROW) if ret else NOT_RETURNED
            rows.append(MilestoneRow(task, m, status, mr.completed_on if mr else None, lt,
                                     days_overdue(m, as_of) if lt is Light.OVERDUE else 0, progress, problems,
                                     report.remarks if report else ""))

    summary = MonthSummary(title=title, period=period, as_of=as_of, rows=rows, offices=[], findings=check.findings)
    summary.offices = office_rows(tasks, period, check, summary, office_info)
    return summary


REJECTED = "报表有误"


def findings_by_office(findings: list[Finding]) -> dict[str, list[Finding]]:
    """Grouped once, in their order: a province has 3,000 offices to look up."""
    grouped: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        grouped[f.office].append(f)
    return grouped


def office_rows(tasks: TaskList, period: Period, check: MonthCheck, s: MonthSummary, office_info,
                red_share: float = 0.2) -> list[OfficeRow]:
    """Each lead office's return status, counts and light, worst first.  A return with errors counts as not returned."""
    findings_of = findings_by_office(s.findings)
    rows_of: dict[str, list[MilestoneRow]] = defaultdict(list)
    for r in s.rows:
        if r.milestone:
            rows_of[r.task.lead].append(r)
    offices = []
    for name in tasks.lead_offices():
        ret = check.chosen.get(name)
        mine = findings_of.get(name, [])
        row = OfficeRow(office_info(name), tasks=len(tasks.tasks_of(name)), state=NOT_RETURNED,
                        errors=sum(f.severity is Severity.ERROR for f in mine),
                        warnings=sum(f.severity is Severity.WARNING for f in mine),
                        lights=Counter(r.light for r in rows_of.get(name, [])))
        if ret:
            row.file, row.received_at = ret.file_name, ret.received_at
            row.filled_by, row.filled_on = ret.filled_by, ret.filled_on
            if any(f.severity is Severity.ERROR and f.file == ret.file_name for f in mine):
                row.state = REJECTED   # errors: counts as not returned until a corrected file comes
            else:
                row.state = "逾期报送" if ret.received_at.date() > period.deadline else "按时报送"
        due = sum(1 for r in rows_of.get(name, []) if r.milestone.due and r.milestone.due <= period.end)
        row.light, row.overdue_share = office_light(row.state, row.lights, due, red_share)
        offices.append(row)
    rank = {RED: 0, YELLOW: 1, GREEN: 2}
    return sorted(offices, key=lambda o: (rank[o.light], -o.overdue_share))  # stable: list order among equals
