"""The one data model every step shares: task, milestone, office, return, finding.

Everything here is plain data.  Reading (tasklist, returns), checking (validate) and
writing (fill, merge) live in their own modules and pass these objects around.
"""

from __future__ import annotations

import enum
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
from functools import cached_property
from pathlib import Path

# told of each file as a step goes through many: (this one's number from 1, how many, its name)
Progress = Callable[[int, int, str], None]


class Status(str, enum.Enum):
    """What a lead office says about one milestone (the drop-down in the form)."""

    DONE = "已完成"
    ON_TRACK = "按计划推进"
    BEHIND = "滞后"
    NOT_STARTED = "未启动"
    EXTENSION = "申请延期"  # with the requested date in 完成日期 and the reason in the task's 备注

    @classmethod
    def choices(cls) -> list[str]:
        return [s.value for s in cls]


class Light(str, enum.Enum):
    """How a milestone looks in the summary as of a given day."""

    DONE = "已完成"  # green
    OVERDUE = "逾期"  # red: due date passed, not done
    DUE_SOON = "临期"  # amber: due within the amber window, not done
    NOT_DUE = "未到期"  # no colour
    UNDATED = "无法识别日期"  # grey: the plan's date could not be read


class OfficeState(str, enum.Enum):
    """How an office stands in a month: what the summary, the reminders and the letters go by."""

    ON_TIME = "按时报送"
    LATE = "逾期报送"
    NOT_RETURNED = "未报送"
    REJECTED = "报表有误"  # a return with errors: counts as not returned until a corrected one

    def __str__(self) -> str:
        return self.value

    @property
    def missing(self) -> bool:
        """No usable return: reminded, escalated, red."""
        return self in (OfficeState.NOT_RETURNED, OfficeState.REJECTED)


class ChangeKind(str, enum.Enum):
    """Something that moved since last month (or, tellingly, did not), most urgent first."""

    NEWLY_OVERDUE = "新逾期"
    UNDONE = "完成状态撤回"
    SAME_TWICE = "进展连续两月未更新"
    SAME_PROGRESS = "进展与上月相同"
    SAME_PROBLEMS = "问题与计划与上月相同"
    NEWLY_DONE = "新完成"

    def __str__(self) -> str:
        return self.value


class Severity(str, enum.Enum):
    ERROR = "错误"  # the return cannot be accepted as it is
    WARNING = "警告"  # accepted, but someone should look


@dataclass(frozen=True)
class Milestone:
    """One key milestone (关键时间节点) of a task, with its due date when readable."""

    task_key: str
    seq: int  # 1-based order inside the task
    text: str  # the original phrase, kept verbatim
    due: date | None  # None when the date could not be read
    date_note: str = ""  # how the date was read ("3月底前" -> 3-31), or why not
    extended_from: date | None = None  # the planned date before an approved extension (延期)

    @property
    def key(self) -> str:
        return f"{self.task_key}-M{self.seq}"


@dataclass(frozen=True)
class Task:
    """One numbered task of the task list (重点工作任务一览表)."""

    key: str  # stable id, e.g. "T01"; survives re-sorting
    no: str  # 序号 as printed
    name: str  # 任务名称
    content: str  # 主要内容和关键时间节点计划, as written
    overview: str  # the content without the milestone lines
    offices: tuple[str, ...]  # 责任股室, lead first
    lead: str  # 牵头股室: the office that reports
    remarks: str = ""  # 备注
    milestones: tuple[Milestone, ...] = ()
    source_row: int | None = None  # row in the task list workbook, for messages
    parent: str = ""  # 上级任务: the key of the upper level's task this one serves (roll-ups)


@dataclass(frozen=True)
class Office:
    """A 股室 (section/office) with its contacts, from config.yaml."""

    name: str
    contact: str = ""
    email: str = ""
    phone: str = ""
    leader: str = ""
    leader_email: str = ""


@dataclass
class TaskList:
    title: str
    year: int
    tasks: list[Task]
    path: Path | None = None
    findings: list["Finding"] = field(default_factory=list)

    # Indexes built once: a province's list has tens of thousands of tasks and thousands of offices.
    @cached_property
    def _by_key(self) -> dict[str, Task]:
        return {t.key: t for t in self.tasks}

    @cached_property
    def _by_lead(self) -> dict[str, list[Task]]:
        index: dict[str, list[Task]] = {}
        for t in self.tasks:
            index.setdefault(t.lead, []).append(t)
        return index

    def by_key(self) -> dict[str, Task]:
        return self._by_key

    @cached_property
    def most_rows(self) -> int:
        """Task and milestone rows of the office that reports the most (its form is the longest)."""
        return max(
            (sum(1 + len(t.milestones) for t in tasks) for tasks in self._by_lead.values()),
            default=0,
        )

    def milestones(self) -> list[Milestone]:
        return [m for t in self.tasks for m in t.milestones]

    def lead_offices(self) -> list[str]:
        """Offices that must return a progress sheet, in task-list order."""
        return list(self._by_lead)

    def tasks_of(self, office: str) -> list[Task]:
        return self._by_lead.get(office, [])


@dataclass
class MilestoneReport:
    """What a return says about one milestone."""

    milestone_key: str
    status: str = ""  # as typed, normalised to a Status value when possible
    completed_on: date | None = None
    row: int | None = None
    definition: dict[str, str] = field(default_factory=dict)  # locked columns as found


@dataclass
class TaskReport:
    """What a return says about one task."""

    task_key: str
    progress: str = ""  # 进展情况
    problems: str = ""  # 存在问题和下一步工作计划
    remarks: str = ""  # 备注
    row: int | None = None
    definition: dict[str, str] = field(default_factory=dict)  # locked columns as found
    milestones: dict[str, MilestoneReport] = field(default_factory=dict)


@dataclass
class Return:
    """One returned progress workbook, as received and as read."""

    file_name: str  # name as found in the inbox
    sha256: str
    received_at: datetime
    archived_path: Path | None = None
    office: str = ""  # office the workbook says it is from (its hidden mark, else 填报股室)
    office_shown: str = ""  # the 填报股室 printed on the sheet
    month: str = ""  # "YYYY-MM" the workbook says it reports
    filled_by: str = ""  # 填报人
    filled_on: date | None = None  # 填报日期
    sheet: str = ""
    columns: dict[str, str] = field(default_factory=dict)  # header -> column letter as found
    formula_cells: set[str] = field(default_factory=set)  # formulas with no saved result ("F7")
    readable: bool = True
    tasks: dict[str, TaskReport] = field(default_factory=dict)
    accepted: bool = True
    superseded_by: str | None = None  # file name of the newer return that replaces it
    sent_again_at: datetime | None = None  # the same file received again, latest time

    @property
    def last_received(self) -> datetime:
        """When the bureau last received this file: of an office's returns, the one last
        received counts (a file sent again is sent again: it counts anew)."""
        return max(self.received_at, self.sent_again_at or self.received_at)


@dataclass
class Finding:
    """A problem found anywhere in the cycle, phrased for the clerk who must fix it."""

    code: str  # stable machine code, e.g. "missing_task"
    message: str  # Chinese: what is wrong and what to do
    severity: Severity = Severity.ERROR
    office: str = ""
    file: str = ""
    sheet: str = ""
    row: int | None = None
    cell: str = ""  # Excel address, e.g. "F7"
    task_key: str = ""

    @property
    def where(self) -> str:
        """Where to look, as a clerk reads it: 文件 / 工作表!单元格 / 第N行."""
        parts = []
        if self.file:
            parts.append(self.file)
        if self.sheet and self.cell:
            parts.append(f"{self.sheet}!{self.cell}")
        elif self.sheet:
            parts.append(self.sheet)
        if self.row and not self.cell:
            parts.append(f"第{self.row}行")
        return " / ".join(parts)
