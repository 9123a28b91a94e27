"""The month's merged state: every milestone with its latest report and light, every office's
return.

Built once, by one pure function (summarise), from a validated month (validate.MonthCheck), the
rules and what the ledger remembers of the months before; the summary workbook, the printed text
and the ledger history all read from it, and nothing changes it afterwards.
"""

from __future__ import annotations

import enum
from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Callable

from ..checks.rules import apply_rules
from ..checks.validate import MonthCheck
from ..filenames import shown_name
from ..forms.layout import PROGRESS
from ..intake.values import squash
from ..ledger.records import ItemState
from ..models import (
    ChangeKind,
    Finding,
    Light,
    Milestone,
    Office,
    OfficeState,
    Return,
    Severity,
    Status,
    Task,
    TaskList,
)
from ..period import Period, make_period
from ..wording import render
from .verdicts import GREEN, RED, YELLOW, days_overdue, done_late, office_light, verdict
from .words import Word, latest_words, words_of_rows

if TYPE_CHECKING:  # handed in by the cycle
    from ..ledger import Ledger


class Said(str, enum.Enum):
    """Where a milestone row's word comes from this month."""

    REPORTED = "reported"  # the counted return gives its status
    BLANK = "blank"  # the counted return has the row, its status left empty
    ROW_MISSING = "row_missing"  # the counted return lacks the row
    NO_RETURN = "no_return"  # no usable return this month


SHOWN = {Said.NO_RETURN: "未报送", Said.ROW_MISSING: "表中缺失"}  # the words printed for them


@dataclass
class MilestoneRow:
    task: Task
    milestone: Milestone | None  # None for a task without milestones
    status: str  # as the counted return reports it ("" when it says nothing)
    completed_on: date | None  # of the latest word (this month's, else an earlier month's)
    light: Light | None
    days_overdue: int
    progress: str
    problems: str
    remarks: str = ""
    said: Said = Said.REPORTED
    word: Word | None = None  # the latest status reported, this month or before
    late_done: bool = False  # reported 已完成 on a day after its due date (逾期完成)

    @property
    def status_shown(self) -> str:
        """The status as printed: what was reported, else why nothing was."""
        return SHOWN.get(self.said, self.status)


@dataclass
class OfficeRow:
    office: Office
    tasks: int
    state: OfficeState
    file: str = ""
    file_shown: str = ""  # the file as its office named it (filenames.shown_name): what is shown
    received_at: datetime | None = None
    filled_by: str = ""
    filled_on: date | None = None
    errors: int = 0
    warnings: int = 0
    lights: Counter = field(default_factory=Counter)
    light: str = ""  # 红灯 / 黄灯 / 绿灯
    overdue_share: float = 0.0
    counted: Return | None = None  # the return that counts this month, whatever its state


@dataclass
class Change:
    """Something that moved since last month (or, tellingly, did not)."""

    kind: ChangeKind
    task: Task
    milestone: Milestone | None
    note: str = ""


CHANGE_KINDS = tuple(ChangeKind)  # most urgent first: the 变化 sheet's order


@dataclass
class MonthSummary:
    title: str
    period: Period
    as_of: date
    rows: list[MilestoneRow]
    offices: list[OfficeRow]
    findings: list[Finding]
    changes: list[Change] = field(default_factory=list)
    has_previous: bool = False  # was last month merged, so that 变化 means something
    trend: dict[str, int] = field(
        default_factory=dict
    )  # month -> overdue count, this month included
    red_share: float = 0.2  # the light rule's threshold, as configured
    unit: str = ""  # the bureau this summary is of (a county's name, for a city roll-up)

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
        end = self.period.end  # computed once, not per row
        return sum(
            1 for r in self.rows if r.milestone and r.milestone.due and r.milestone.due <= end
        )


NOT_RETURNED = OfficeState.NOT_RETURNED
MISSING_TASK = "（报表中缺少该任务）"  # shown as the progress of a task a return left out


def state_items(s: MonthSummary) -> list[ItemState]:
    """The month's state as the ledger keeps it (see Ledger.record_state)."""
    return [
        ItemState(
            item=(r.milestone.key if r.milestone else r.task.key),
            task_key=r.task.key,
            office=r.task.lead,
            status=r.status,
            completed_on=r.completed_on.isoformat() if r.completed_on else None,
            light=r.light.value if r.light else "",
            progress=r.progress,
            problems=r.problems,
        )
        for r in s.rows
    ]


def find_changes(
    rows: list[MilestoneRow], previous: dict[str, ItemState], before: dict[str, ItemState]
) -> list[Change]:
    """Compare with the ledger's state of the two months before (item -> ItemState)."""
    if not previous:
        return []
    changes: list[Change] = []
    seen_tasks: set[str] = set()
    by_task_prev = {r.task_key: r for r in previous.values()}
    by_task_before = {r.task_key: r for r in before.values()}
    for r in rows:
        m = r.milestone
        if m is not None:
            p = previous.get(m.key)
            was = p.light if p else ""
            if r.light is Light.DONE and was != Light.DONE.value:
                note = f"完成日期 {r.completed_on:%Y-%m-%d}" if r.completed_on else ""
                if p is not None and not p.status:
                    note = "上月未报该节点状态，本月报已完成" + (f"（{note}）" if note else "")
                changes.append(Change(ChangeKind.NEWLY_DONE, r.task, m, note))
            elif r.light is Light.OVERDUE and was != Light.OVERDUE.value:
                changes.append(
                    Change(ChangeKind.NEWLY_OVERDUE, r.task, m, f"已逾期{r.days_overdue}天")
                )
            if r.light is not Light.DONE and was == Light.DONE.value:
                changes.append(
                    Change(
                        ChangeKind.UNDONE, r.task, m, f"上月报已完成，本月报“{r.status or '未填'}”"
                    )
                )
        if r.task.key in seen_tasks or r.said is Said.NO_RETURN:
            continue
        seen_tasks.add(r.task.key)
        p, b = by_task_prev.get(r.task.key), by_task_before.get(r.task.key)
        if r.progress and p is not None and squash(p.progress) == squash(r.progress):
            twice = b is not None and squash(b.progress) == squash(r.progress)
            kind = ChangeKind.SAME_TWICE if twice else ChangeKind.SAME_PROGRESS
            changes.append(
                Change(
                    kind,
                    r.task,
                    None,
                    "进展情况与上月完全相同" + ("，且与前月相同" if twice else ""),
                )
            )
        if r.problems and p is not None and squash(p.problems) == squash(r.problems):
            changes.append(
                Change(
                    ChangeKind.SAME_PROBLEMS, r.task, None, "存在问题和下一步工作计划与上月完全相同"
                )
            )
    order = {k: i for i, k in enumerate(CHANGE_KINDS)}
    return sorted(
        changes, key=lambda c: (order[c.kind], c.task.key, c.milestone.seq if c.milestone else 0)
    )


def milestone_rows(
    tasks: TaskList,
    check: MonthCheck,
    as_of: date,
    amber_days: int,
    earlier: dict | None = None,
    month: str = "",
) -> list[MilestoneRow]:
    """Every milestone (a task without any: the task) with its latest word and verdict.

    The latest word is what the counted return says of it, else what the office said last in an
    earlier month of the year (`earlier`: milestone key -> Word): a milestone done in June is not
    "overdue" in July because July's form is missing or its row empty; a later 滞后 undoes an
    earlier 已完成.  Every surface reads these rows; none decides "done" on its own."""
    earlier = earlier or {}
    rows: list[MilestoneRow] = []
    for task in tasks.tasks:
        ret = check.chosen.get(task.lead)
        report = ret.tasks.get(task.key) if ret else None
        progress = report.progress if report else (MISSING_TASK if ret else "")
        problems = report.problems if report else ""
        remarks = report.remarks if report else ""
        if not task.milestones:
            said = Said.REPORTED if ret else Said.NO_RETURN
            rows.append(
                MilestoneRow(task, None, "", None, None, 0, progress, problems, remarks, said)
            )
        for m in task.milestones:
            mr = report.milestones.get(m.key) if report else None
            word: Word | None
            if mr is not None and mr.status:
                said, word = Said.REPORTED, Word(mr.status, mr.completed_on, month)
            else:
                said = Said.NO_RETURN if ret is None else (Said.BLANK if mr else Said.ROW_MISSING)
                word = earlier.get(m.key)
            done = word is not None and word.status == Status.DONE.value
            lt = verdict(m.due, done, as_of, amber_days)
            completed_on = word.completed_on if word else None
            rows.append(
                MilestoneRow(
                    task,
                    m,
                    mr.status if mr else "",
                    completed_on,
                    lt,
                    days_overdue(m, as_of) if lt is Light.OVERDUE else 0,
                    progress,
                    problems,
                    remarks,
                    said,
                    word,
                    done and done_late(m.due, completed_on),
                )
            )
    return rows


@dataclass(frozen=True)
class History:
    """What the ledger remembers of the months before, as the month is judged and compared."""

    previous: dict[str, ItemState] = field(default_factory=dict)  # last month's merged state
    before: dict[str, ItemState] = field(default_factory=dict)  # the month before last's
    trend: dict[str, int] = field(default_factory=dict)  # earlier months of the year -> overdue
    words: dict = field(default_factory=dict)  # milestone -> the latest Word of earlier months


def history_of(
    ledger: Ledger, period: Period, fresh: dict[str, MonthSummary] | None = None
) -> History:
    """The History of `period` as the ledger holds it (merged months); `fresh`: month ->
    MonthSummary of earlier months judged anew (returns their merge did not count yet)."""
    last = period.previous()
    trend = {m: n for m, n in ledger.overdue_trend(period.year).items() if m < period.label}
    by_month: dict[str, Mapping[str, tuple[str, date | str | None]]] = {
        **ledger.reports_before(period.label)
    }
    for m, summary in (fresh or {}).items():
        by_month[m] = words_of_rows(summary.rows)
    return History(
        ledger.state(last),
        ledger.state(make_period(last).previous()),
        trend,
        latest_words(by_month),
    )


@dataclass(frozen=True)
class Settings:
    """What config.yaml says about the summary."""

    unit: str  # the bureau (its name titles the summary)
    amber_days: int
    red_share: float
    rules: dict[str, str]  # finding code -> 错误 / 警告
    office_info: Callable[[str], Office]


def summarise(
    tasks: TaskList,
    period: Period,
    check: MonthCheck,
    as_of: date,
    settings: Settings,
    history: History,
) -> MonthSummary:
    """The month's summary, built once: rows, changes since the months before, every finding with
    its configured severity (applied first, so counts and lights go by it), office rows, trend."""
    rows = milestone_rows(tasks, check, as_of, settings.amber_days, history.words, period.label)
    changes = find_changes(rows, history.previous, history.before)
    findings = check.findings + unchanged_findings(changes, check)
    apply_rules(findings, settings.rules)
    offices = office_rows(
        tasks, period, check, rows, findings, settings.office_info, settings.red_share
    )
    overdue = sum(1 for r in rows if r.milestone is not None and r.light is Light.OVERDUE)
    title = render("summary_title.j2", bureau=settings.unit, year=period.year)
    return MonthSummary(
        title=title,
        period=period,
        as_of=as_of,
        rows=rows,
        offices=offices,
        findings=findings,
        changes=changes,
        has_previous=bool(history.previous),
        trend={**history.trend, period.label: overdue},
        red_share=settings.red_share,
        unit=settings.unit,
    )


def unchanged_findings(changes: list[Change], check: MonthCheck) -> list[Finding]:
    """A warning for each task whose progress text is last month's, at the cell it is in."""
    found = []
    for change in changes:
        if change.kind not in (ChangeKind.SAME_PROGRESS, ChangeKind.SAME_TWICE):
            continue
        ret = check.chosen.get(change.task.lead)  # the text compared is the chosen return's
        report = ret.tasks.get(change.task.key) if ret else None
        row = report.row if report else None
        column = ret.columns.get(PROGRESS) if ret else None
        cell = f"{column}{row}" if column and row else ""
        twice = "（已连续两个月未更新）" if change.kind is ChangeKind.SAME_TWICE else ""
        found.append(
            Finding(
                "progress_unchanged",
                f"第{change.task.no}项任务“{change.task.name}”的进展情况与上月完全相同"
                + twice
                + "，请核实并填写本月的新进展",
                Severity.WARNING,
                office=change.task.lead,
                file=ret.file_name if ret else "",
                sheet=ret.sheet if ret else "",
                row=row,
                cell=cell,
                task_key=change.task.key,
            )
        )
    return found


REJECTED = OfficeState.REJECTED


def findings_by_office(findings: list[Finding]) -> dict[str, list[Finding]]:
    """Grouped once, in their order: a province has 3,000 offices to look up."""
    grouped: dict[str, list[Finding]] = defaultdict(list)
    for f in findings:
        grouped[f.office].append(f)
    return grouped


def office_rows(
    tasks: TaskList,
    period: Period,
    check: MonthCheck,
    rows: list[MilestoneRow],
    findings: list[Finding],
    office_info: Callable[[str], Office],
    red_share: float,
) -> list[OfficeRow]:
    """Each lead office's return status, counts and light, worst first.  A return with errors
    counts as not returned."""
    findings_of = findings_by_office(findings)
    end = period.end
    rows_of: dict[str, list[MilestoneRow]] = defaultdict(list)
    for r in rows:
        if r.milestone:
            rows_of[r.task.lead].append(r)
    offices = []
    for name in tasks.lead_offices():
        ret = check.chosen.get(name)
        mine = findings_of.get(name, [])
        row = OfficeRow(
            office_info(name),
            tasks=len(tasks.tasks_of(name)),
            state=OfficeState.NOT_RETURNED,
            errors=sum(f.severity is Severity.ERROR for f in mine),
            warnings=sum(f.severity is Severity.WARNING for f in mine),
            lights=Counter(r.light for r in rows_of.get(name, [])),
        )
        if ret:
            row.counted = ret
            row.file, row.received_at = ret.file_name, ret.received_at
            row.file_shown = shown_name(ret.file_name, ret.received_at)
            row.filled_by, row.filled_on = ret.filled_by, ret.filled_on
            if any(f.severity is Severity.ERROR and f.file == ret.file_name for f in mine):
                # errors: counts as not returned until a corrected file comes
                row.state = OfficeState.REJECTED
            else:
                late = ret.received_at.date() > period.deadline
                row.state = OfficeState.LATE if late else OfficeState.ON_TIME
        due = sum(
            1
            for r in rows_of.get(name, [])
            if r.milestone and r.milestone.due and r.milestone.due <= end
        )
        row.light, row.overdue_share = office_light(
            row.state, row.lights, due, red_share, rows_of[name]
        )
        offices.append(row)
    rank = {RED: 0, YELLOW: 1, GREEN: 2}
    return sorted(
        offices, key=lambda o: (rank[o.light], -o.overdue_share)
    )  # stable: list order among equals
