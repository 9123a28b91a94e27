"""The month's merged state: every milestone with its latest report and light, every office's return.

Built once from a validated month (validate.MonthCheck); the summary workbook, the printed text
and the ledger history all read from it.
"""
from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime

from .lights import days_overdue, light
from .models import Finding, Light, Milestone, Office, Severity, Task, TaskList
from .period import Period
from .validate import MonthCheck


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


@dataclass
class MonthSummary:
    title: str
    period: Period
    as_of: date
    rows: list[MilestoneRow]
    offices: list[OfficeRow]
    findings: list[Finding]

    @property
    def counts(self) -> Counter:
        return Counter(r.light for r in self.rows if r.milestone is not None)

    @property
    def overdue(self) -> list[MilestoneRow]:
        rows = [r for r in self.rows if r.light is Light.OVERDUE]
        return sorted(rows, key=lambda r: (-r.days_overdue, r.task.key))

    @property
    def due_by_month(self) -> int:
        return sum(1 for r in self.rows if r.milestone and r.milestone.due and r.milestone.due <= self.period.end)


NOT_RETURNED = "未报送"


def build_summary(tasks: TaskList, period: Period, check: MonthCheck, as_of: date, amber_days: int,
                  office_info, title: str) -> MonthSummary:
    rows: list[MilestoneRow] = []
    for task in tasks.tasks:
        ret = check.chosen.get(task.lead)
        report = ret.tasks.get(task.key) if ret else None
        progress = report.progress if report else ""
        problems = report.problems if report else ""
        if not task.milestones:
            rows.append(MilestoneRow(task, None, "" if ret else NOT_RETURNED, None, None, 0, progress, problems))
        for m in task.milestones:
            mr = report.milestones.get(m.key) if report else None
            lt = light(m, mr, as_of, amber_days)
            status = (mr.status if mr else "") if ret else NOT_RETURNED
            rows.append(MilestoneRow(task, m, status, mr.completed_on if mr else None, lt,
                                     days_overdue(m, as_of) if lt is Light.OVERDUE else 0, progress, problems))

    offices = []
    for name in tasks.lead_offices():
        ret = check.chosen.get(name)
        mine = [f for f in check.findings if f.office == name]
        row = OfficeRow(office_info(name), tasks=len(tasks.tasks_of(name)), state=NOT_RETURNED,
                        errors=sum(f.severity is Severity.ERROR for f in mine),
                        warnings=sum(f.severity is Severity.WARNING for f in mine),
                        lights=Counter(r.light for r in rows if r.task.lead == name and r.milestone))
        if ret:
            row.state = "逾期报送" if ret.received_at.date() > period.deadline else "按时报送"
            row.file, row.received_at = ret.file_name, ret.received_at
            row.filled_by, row.filled_on = ret.filled_by, ret.filled_on
        offices.append(row)
    return MonthSummary(title=title, period=period, as_of=as_of, rows=rows, offices=offices,
                        findings=check.findings)
