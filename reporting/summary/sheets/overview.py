"""概览, the page a chief reads first (the paragraph, the totals, the offices ranked worst first,
the two charts beside them), and 股室一览, every office when 概览 cannot hold them all."""

from __future__ import annotations

from collections.abc import Sequence

from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from ...models import Light, OfficeState, Severity
from ...paper import text_height
from ...wording import render
from .. import charts
from ..month import NOT_RETURNED, REJECTED, MonthSummary, OfficeRow
from ..verdicts import LIGHT_RULE, RED, YELLOW
from .changes import shown_changes
from .frame import Book
from .layout import points
from .styles import CHART_COLOURS, SIZE

ALL_OFFICES = "股室一览"  # written only when 概览 cannot list every office
OFFICE_ROW = 22  # points: beside the bar chart, room for each office's name on its axis
OVERVIEW_OFFICES = 25  # offices 概览 lists: more would not fit one readable page
OFFICE_HEADERS = [
    "牵头股室",
    "任务数",
    "节点数",
    "已完成",
    "逾期",
    "临期",
    "未到期",
    "报送情况",
    "错误",
    "提醒",
    "督办灯",
]
OFFICE_WIDTHS: list[float] = [13, 6, 6, 6, 6, 6, 6, 10, 5, 5, 7]
OVERVIEW_CHART_WIDTHS: list[float] = [
    2,
    10,
    10,
    10,
    10,
    10,
    10,
]  # beside the office table: a gap, the charts


def summary_text(s: MonthSummary, amber_days: int) -> str:
    counts = s.counts
    late = [o.office.name for o in s.offices if o.state is OfficeState.LATE]
    missing = [o.office.name for o in s.offices if o.state == NOT_RETURNED]
    rejected = [o.office.name for o in s.offices if o.state == REJECTED]
    return render(
        "summary_text.j2",
        as_of=s.as_of,
        tasks=len({r.task.key for r in s.rows}),
        milestones=sum(1 for r in s.rows if r.milestone),
        month=s.period.month,
        due_by_month=s.due_by_month,
        done=counts[Light.DONE],
        overdue=counts[Light.OVERDUE],
        due_soon=counts[Light.DUE_SOON],
        undated=counts[Light.UNDATED],
        amber_days=amber_days,
        offices=len(s.offices),
        on_time=sum(o.state is OfficeState.ON_TIME for o in s.offices),
        late=len(late),
        late_names=late,
        missing=len(missing),
        missing_names=missing,
        rejected=len(rejected),
        rejected_names=rejected,
        errors=sum(f.severity is Severity.ERROR for f in s.findings),
        warnings=sum(f.severity is Severity.WARNING for f in s.findings),
    )


def write_overview(book: Book, listed: int = OVERVIEW_OFFICES) -> None:
    """One page a chief reads first: paragraph and totals, the office table on the left, the
    charts beside it on the right; the `listed` most urgent offices when there are more."""
    s = book.s
    counts = s.counts
    totals = [
        ("节点总数", sum(1 for r in s.rows if r.milestone)),
        ("本月应完成", s.due_by_month),
        ("已完成", counts[Light.DONE]),
        ("逾期", counts[Light.OVERDUE]),
        ("临期", counts[Light.DUE_SOON]),
        ("未到期", counts[Light.NOT_DUE]),
    ]
    table = len(OFFICE_HEADERS)
    widths = OFFICE_WIDTHS + OVERVIEW_CHART_WIDTHS
    last = len(widths) - 1
    empty = empty_sheets_note(book)

    def paragraph_and_totals(ws: Worksheet) -> None:
        text = summary_text(s, book.amber) + (f"\n{empty}" if empty else "")
        ws.merge_range(2, 0, 2, last, text, book.fmt("para"))
        ws.set_row(2, text_height(text, sum(widths), SIZE))
        for i, (label, _) in enumerate(totals):
            ws.write(3, i, label, book.fmt("head"))
        ws.set_row(3, 32)
        for i, (label, n) in enumerate(totals):
            red = label == "逾期" and n
            ws.write_number(4, i, n, book.fmt("cell", "center", *([Light.OVERDUE] if red else [])))
        ws.set_row(4, 20)
        ws.set_row(5, 8)  # a thin gap: the page's height goes to the office rows and chart

    # with many offices only the most urgent (the table is ranked worst first): one page
    ws, first = book.sheet(
        "概览",
        OFFICE_HEADERS + [""] * len(OVERVIEW_CHART_WIDTHS),
        widths,
        header_row=6,
        above_header=paragraph_and_totals,
    )
    ws.freeze_panes(0, 0)  # one page: nothing to keep in view while scrolling
    ws.fit_to_pages(1, 1)
    shown = s.offices[:listed]
    office_table(book, ws, first, shown)
    rule_row = first + len(shown)
    if len(s.offices) > len(shown):
        ws.merge_range(
            rule_row,
            0,
            rule_row,
            table - 1,
            f"共{len(s.offices)}个股室，此处按督办灯列出最需关注的{len(shown)}个；"
            f"全部股室见“{ALL_OFFICES}”表",
            book.fmt("para", "bold"),
        )
        rule_row += 1
    rule = "督办灯规则：" + LIGHT_RULE.format(share=s.red_share)
    ws.merge_range(rule_row, 0, rule_row, table - 1, rule, book.fmt("para"))
    ws.set_row(rule_row, text_height(rule, sum(OFFICE_WIDTHS), SIZE))
    legend_row = rule_row + 1
    book.legend(ws, legend_row, OFFICE_WIDTHS)
    trend_row = legend_row + 2  # the trend chart's data: hidden rows (its points are labelled)
    ws.write(trend_row, 0, "月份", book.fmt("head"))
    ws.write(trend_row, 1, "逾期节点", book.fmt("head"))
    ws.set_row(trend_row, None, None, {"hidden": True})
    for i, (month, n) in enumerate(s.trend.items(), start=1):
        ws.write(trend_row + i, 0, month, book.fmt("cell", "center"))
        ws.write_number(trend_row + i, 1, n, book.fmt("cell", "center"))
        ws.set_row(trend_row + i, None, None, {"hidden": True})
    ws.print_area(0, 0, legend_row, last)
    charts.overview_charts(
        book.wb,
        ws,
        "概览",
        first,
        first + len(shown) - 1,
        (trend_row, len(s.trend)),
        top=6,
        left=table + 1,
        width=sum(OVERVIEW_CHART_WIDTHS[1:]),
        height=points(ws, 6, legend_row),
        title="各股室节点状态"
        if len(shown) == len(s.offices)
        else f"最需关注的{len(shown)}个股室节点状态",
        colours=CHART_COLOURS,
    )


def empty_sheets_note(book: Book) -> str:
    """What the sheets left out because they would print empty would have said."""
    notes = []
    if not shown_changes(book):
        notes.append(
            "与上月相比没有变化。"
            if book.s.has_previous
            else f"没有{book.s.period.previous()}的汇总记录，无法与上月比较；下月起列出“变化”表。"
        )
    if not book.s.extension_requests:
        notes.append("本月没有延期申请。")
    return "".join(notes)


def write_all_offices(book: Book, listed: int = OVERVIEW_OFFICES) -> None:
    """Every office, ranked as on 概览: only written when 概览 cannot hold them all."""
    offices = book.s.offices
    if len(offices) <= listed:
        return
    ws, top = book.sheet(ALL_OFFICES, OFFICE_HEADERS, OFFICE_WIDTHS, legend=True)
    office_table(book, ws, top, offices)
    ws.autofilter(top - 1, 0, top - 1 + len(offices), len(OFFICE_HEADERS) - 1)


def office_table(book: Book, ws: Worksheet, first: int, offices: Sequence[OfficeRow]) -> None:
    center = book.fmt("cell", "center")
    for r, o in enumerate(offices, start=first):
        ws.write(r, 0, o.office.name, book.fmt("cell"))
        for c, n in enumerate(
            [
                o.tasks,
                sum(o.lights.values()),
                o.lights[Light.DONE],
                o.lights[Light.OVERDUE],
                o.lights[Light.DUE_SOON],
                o.lights[Light.NOT_DUE],
            ],
            start=1,
        ):
            red = c == 4 and n
            ws.write_number(r, c, n, book.fmt("cell", Light.OVERDUE, "center") if red else center)
        ws.write(r, 7, o.state, state_format(book, o.state))
        ws.write_number(r, 8, o.errors, center)
        ws.write_number(r, 9, o.warnings, center)
        ws.write(
            r,
            10,
            o.light,
            book.fmt("cell", {RED: "missing", YELLOW: "late"}.get(o.light, "good")),
        )
        ws.set_row(r, OFFICE_ROW if len(offices) <= 15 else 20)


def state_format(book: Book, state: OfficeState) -> Format:
    kind = {NOT_RETURNED: "missing", REJECTED: "missing", OfficeState.LATE: "late"}.get(state)
    return book.fmt("cell", kind or "center")
