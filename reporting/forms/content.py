"""What goes into one office's progress form: header cells, rows, each row's style class and height.

The one description both writers follow: fill.py's openpyxl writer (the reference) and copy.py's
template copy (the fast one), so the two cannot drift apart (tests compare them cell by cell).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime

from .. import __version__
from ..models import Office, Status, TaskList
from ..period import Period
from ..wording import render
from . import layout as form
from .prefill import Carried

# style classes: each takes its cells' styles from one prototype row of the template
TASK, MILESTONE, DUE = "task", "milestone", "due"
PROTOTYPE_ROWS = {
    TASK: form.PROTO_TASK,
    MILESTONE: form.PROTO_MILESTONE,
    DUE: form.PROTO_MILESTONE_DUE,
}
BLOCK_COLUMNS = (form.NO, form.NAME, form.OFFICES)  # merged down a task's rows: one visual block
TITLE_POINTS, BLOCK_POINTS = 32.0, 22.0  # rows 1 and 2 as the template sets them


@dataclass
class FormRow:
    kind: str  # TASK, MILESTONE or DUE (a milestone due by the end of the report month)
    values: dict[str, object]  # header -> value; the other cells of the row are left blank
    height: float

    @property
    def milestone(self) -> bool:
        return self.kind != TASK


@dataclass
class FormContent:
    cells: dict[str, object]  # header block: coordinate -> value
    rows: list[FormRow]  # from form.FIRST_DATA_ROW down
    merges: list[tuple[str, int, int]] = field(default_factory=list)  # (header, first, last row)
    meta: list[tuple[str, str]] = field(default_factory=list)  # the hidden sheet's pairs
    note_height: float = 56.0  # row 3, 填报说明: every line printed

    @property
    def page_breaks(self) -> list[int]:
        """Rows that start a printed page: a task is never printed apart from its milestones."""
        above = TITLE_POINTS + BLOCK_POINTS + self.note_height + form.HEADER_POINTS
        rows = [(r, row.height, not row.milestone) for r, row in self.numbered()]
        return form.page_breaks(rows, above)

    def row_breaks_xml(self) -> str:
        """The page breaks as the sheet's XML holds them (after its header and footer)."""
        breaks = self.page_breaks
        if not breaks:
            return ""
        found = "".join(f'<brk id="{r - 1}" max="16383" man="1"/>' for r in breaks)
        return (
            f'<rowBreaks count="{len(breaks)}" manualBreakCount="{len(breaks)}">{found}</rowBreaks>'
        )

    def numbered(self) -> Iterator[tuple[int, FormRow]]:
        """(sheet row, row) for every row of the form, from its first data row."""
        return enumerate(self.rows, start=form.FIRST_DATA_ROW)

    @property
    def last_row(self) -> int:
        return max(form.FIRST_DATA_ROW + len(self.rows) - 1, form.FIRST_DATA_ROW)

    @property
    def print_area(self) -> str:
        return f"B1:{form.column_letter(form.HEADERS[-1])}{self.last_row}"

    def dropdown_cells(self, header: str) -> list[str]:
        """Cells of a milestone answer column (节点状态, 完成日期): one per milestone row."""
        letter = form.column_letter(header)
        return [f"{letter}{r}" for r, row in self.numbered() if row.milestone]


def form_title(bureau: str, period: Period) -> str:
    return render(
        "form_title.j2",
        bureau=bureau,
        year=period.year,
        period_start=period.start_month,
        month=period.month,
    )


def form_content(
    tasks: TaskList,
    office: Office,
    period: Period,
    bureau: str,
    fingerprint: str,
    carried: Carried | None,
) -> FormContent:
    """One office's form; rows are sized by layout.py (text whole, room to answer)."""
    note = render(
        "form_note.j2",
        month=period.month,
        statuses=Status.choices(),
        deadline=period.deadline,
        carried_from=carried and carried.month_of_year,
        period_start=period.start_month,
    )
    content = FormContent(
        cells={
            form.TITLE_CELL: form_title(bureau, period),
            form.NOTE_CELL: note,
            form.OFFICE_CELL: office.name,
            form.DEADLINE_CELL: period.deadline,
        },
        rows=[],
        note_height=max(56.0, form.note_height(note)),
        meta=[
            ("office", office.name),
            ("month", period.label),
            ("task_list", tasks.title),
            ("task_list_fingerprint", fingerprint),
            ("generated_at", datetime.now().isoformat(timespec="seconds")),
            ("generator", f"yuebao {__version__}"),
        ],
    )
    rows = content.rows
    period_end = period.end
    for task in tasks.tasks_of(office.name):
        values: dict[str, object] = {
            form.KEY: task.key,
            form.NO: task.no,
            form.NAME: task.name,
            form.CONTENT: task.overview or task.content,
            form.OFFICES: "、".join(task.offices),
        }
        progress = problems = ""
        if carried and task.key in carried.tasks:  # last month's text, to be brought up to date
            progress, problems = carried.tasks[task.key]
            values[form.PROGRESS], values[form.PROBLEMS] = progress, problems
        height = form.task_row_height(task.overview or task.content, task.name, progress, problems)
        rows.append(FormRow(TASK, values, height))
        start = form.FIRST_DATA_ROW + len(rows) - 1
        for m in task.milestones:
            due_now = m.due is not None and m.due <= period_end
            values = {form.KEY: m.key, form.CONTENT: m.text, form.DUE: m.due or form.UNDATED}
            if carried and m.key in carried.done:  # done stays done; others are judged afresh
                values[form.STATUS], values[form.DONE_ON] = Status.DONE.value, carried.done[m.key]
            rows.append(
                FormRow(DUE if due_now else MILESTONE, values, form.milestone_row_height(m.text))
            )
        end = form.FIRST_DATA_ROW + len(rows) - 1
        if end > start:
            content.merges += [(header, start, end) for header in BLOCK_COLUMNS]
    return content
