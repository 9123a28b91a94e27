"""merge: write the summary workbook section chiefs open (and print).

Sheets, in the order a chief prints them: 概览 (paragraph, counts, offices, charts: one page),
逾期事项 and 临期事项 (what to follow up, with whom), 汇总 (every milestone, colour-coded), 变化 and
延期申请 (left out when empty: 概览 says so), 报送情况, 校验问题.  Colour is never the only
signal: the 判定 column says it in words.  Printed text is at least 8 points on A4 landscape:
each sheet is printed at the scale its columns fill the page with, and a task's rows are kept on
one page (page breaks placed by the writer).
The file is saved atomically (xlsx.save_atomically): a crash never leaves half a summary.
"""

from __future__ import annotations

from pathlib import Path

from .. import xlsx
from ..codes import REGISTRY
from ..filenames import safe_name
from ..intake.values import EXCEL_CELL_CHARS
from ..models import ChangeKind, Finding, Light, OfficeState, Severity
from ..paper import one_line, text_height, text_width
from ..wording import render
from ..xlsx_rows import RowWriter
from . import charts
from .month import NOT_RETURNED, REJECTED, MonthSummary, Said
from .verdicts import LIGHT_RULE, RED, YELLOW

FONT = "宋体"
SIZE = 11  # every sheet prints at 75% or more: no text under 8 points on paper
CELL = {"font_name": FONT, "font_size": SIZE, "valign": "top", "text_wrap": True, "border": 1}
HEAD = {**CELL, "bold": True, "bg_color": "#D9E1F2", "align": "center", "valign": "vcenter"}
BAND = "#EEF2F8"  # every other task's own columns in 汇总: one task, one block
REPEAT_GREY = "#7F7F7F"  # a task's values repeated on its later milestone rows
LATE_DONE = "逾期完成"  # 判定 of a milestone reported done after its due date
MARGIN_TOP, HEADER_MARGIN = 0.55, 0.2  # inches: top and bottom margins; header and footer's
KEY, LONG = "key", "long"  # a block's own cells: repeated whole in grey / as one grey line
DEFAULT_FILLS = {
    Light.OVERDUE: "#FFC7CE",
    Light.DUE_SOON: "#FFEB9C",
    Light.DONE: "#C6EFCE",
    Light.UNDATED: "#D9D9D9",
}
FONT_COLOURS = {
    Light.OVERDUE: "#9C0006",
    Light.DUE_SOON: "#9C5700",
    Light.DONE: "#006100",
    Light.UNDATED: "#404040",
}
CHART_COLOURS = {  # grey levels 57, 143, 189, 242: apart on a black-and-white printer too
    Light.DONE: "#70AD47",
    Light.OVERDUE: "#C00000",
    Light.DUE_SOON: "#FFC000",
    Light.NOT_DUE: "#F2F2F2",
}
LEGEND = [
    (Light.OVERDUE, "已过计划完成时间，未报已完成"),
    (Light.DUE_SOON, "{amber}天内到期，尚未完成"),
    (Light.DONE, "已报完成"),
    (Light.UNDATED, "完成时间不明"),
]


def summary_file_name(month: str, unit: str) -> str:
    """With the unit: the level above drops many units' summaries into one inbox."""
    return f"重点工作进展汇总_{month}_{safe_name(unit)}.xlsx"


def findings_file_name(month: str) -> str:
    return f"校验问题_{month}.xlsx"


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


MAX_CELL_CHARS = EXCEL_CELL_CHARS  # longer text makes a file Excel calls corrupt
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
OFFICE_WIDTHS = [13, 6, 6, 6, 6, 6, 6, 10, 5, 5, 7]
OVERVIEW_CHART_WIDTHS = [2] + [10] * 6  # beside the office table: a gap, then the charts
SHEETS = (  # printing the whole workbook: what a chief reads first comes first
    "概览",
    ALL_OFFICES,
    "逾期事项",
    "临期事项",
    "汇总",
    "变化",
    "延期申请",
    "报送情况",
    "校验问题",
    "数据",
)
DATA_SHEET, META_SHEET = "数据", "yuebao"  # hidden: what the level above reads (`yuebao rollup`)
DATA_HEADERS = [
    "单位",
    "牵头股室",
    "任务编码",
    "上级任务",
    "序号",
    "任务名称",
    "节点编码",
    "关键节点",
    "计划完成时间",
    "填报状态",
    "完成日期",
    "判定",
    "进展情况",
    "存在问题和下一步工作计划",
    # for the roll-up (summary/chain.py): the planned date before an approved extension, and the
    # levels below the writing unit a row came through (empty in a unit's own summary)
    "原计划完成时间",
    "来源链",
]
PRINT_SHEETS = ("概览", "逾期事项", "临期事项")  # what `merge --pdf` prints for the chiefs
WRITE_OPTIONS = {
    "default_date_format": "yyyy-mm-dd",
    "remove_timezone": True,
    "constant_memory": True,
}


def write_summary(
    s: MonthSummary,
    path: Path,
    amber_days: int,
    fills: dict | None = None,
    sheets: tuple[str, ...] = SHEETS,
) -> Path:
    """The summary saved as `path` (or beside it, when that one is locked); where it went."""

    # constant memory: each row goes to disk once the next begins (a province month: 310 MB
    # instead of 690 MB), so every sheet is written strictly top to bottom
    def write(wb) -> None:
        _fill_book(wb, _Book(wb, s, amber_days, fills), sheets)

    return xlsx.save_atomically(path, write, WRITE_OPTIONS)


def _fill_book(wb, book: _Book, sheets: tuple[str, ...]) -> None:
    writers = {
        "概览": book.overview,
        ALL_OFFICES: book.all_offices,
        "汇总": book.all_milestones,
        "逾期事项": book.overdue,
        "临期事项": book.due_soon,
        "变化": book.changes,
        "延期申请": book.extensions,
        "报送情况": book.submissions,
        "校验问题": book.findings,
        "数据": book.data,
    }
    for name in sheets:
        writers[name]()


def _number(value):
    """序号 "12" as the number 12 (sorts 1, 2 … 10, no green triangles); anything else as text."""
    text = str(value or "").strip()
    return int(text) if text.isdigit() and len(text) < 10 else value


class _Book:
    def __init__(self, wb, s: MonthSummary, amber_days: int, fills: dict | None = None):
        self.wb, self.s, self.amber = wb, s, amber_days
        self.fills = {**DEFAULT_FILLS, **(fills or {})}
        self._formats: dict = {}
        self._milestone_formats: dict = {}  # (light, done late) -> a milestone's cells' formats
        self.offices = {o.office.name: o.office for o in s.offices}

    def fmt(self, *kinds, **extra):
        """A cell format built from named parts (cached: Excel allows 64,000 formats)."""
        key = (kinds, *sorted(extra.items())) if extra else kinds
        if key not in self._formats:
            props = {}
            for kind in kinds:
                props.update(self._part(kind))
            props.update(extra)
            self._formats[key] = self.wb.add_format(props)
        return self._formats[key]

    def _part(self, kind) -> dict:
        if isinstance(kind, Light):
            return {"bg_color": self.fills[kind]} if kind in self.fills else {}
        return {
            "cell": CELL,
            "head": HEAD,
            "center": {"align": "center"},
            "bold": {"bold": True},
            "date": {"align": "center", "num_format": "yyyy-mm-dd"},
            "datetime": {"align": "center", "num_format": "yyyy-mm-dd hh:mm"},
            "title": {"font_name": FONT, "font_size": 16, "bold": True, "align": "center"},
            "sub": {"font_name": FONT, "font_size": SIZE, "font_color": "#404040"},
            "para": {"font_name": FONT, "font_size": SIZE, "text_wrap": True, "valign": "top"},
            "missing": {"bg_color": self.fills[Light.OVERDUE], "align": "center", "bold": True},
            "late": {"bg_color": self.fills[Light.DUE_SOON], "align": "center", "bold": True},
            "good": {"bg_color": self.fills[Light.DONE], "align": "center"},
            "band": {"bg_color": BAND},
            "repeat": {"font_color": REPEAT_GREY},
        }[kind]

    def verdict_format(self, lt: Light | None, late_done: bool = False):
        """判定: the word, on the light's fill, bold; a milestone done late framed as such."""
        if lt is None:
            return self.fmt("cell", "center")
        if late_done:
            return self.fmt("cell", lt, "center", "bold", font_color=FONT_COLOURS[Light.OVERDUE])
        return self.fmt("cell", lt, "center", "bold")

    # -- layout helpers ---------------------------------------------------------------------
    def sheet(
        self,
        name: str,
        headers: list[str],
        widths: list[float],
        legend: bool = False,
        header_row: int | None = None,
        above_header=None,
        printed: int | None = None,
    ):
        """A sheet with title, as-of line, optional colour legend, header row; returns (ws, first
        data row).  Printed at the scale that fills the page's width with the first `printed`
        columns (all by default), so the page breaks the writer places are where they print.

        above_header(ws) writes what goes between the as-of line and a lower header row (rows are
        written top to bottom only)."""
        ws = self.wb.add_worksheet(name)
        printed = printed or len(headers)
        last_col = printed - 1
        title = f"{self.s.title} · {name}（{self.s.period.span_zh}）"
        # 16 points, or smaller for a long title over narrow columns: never cut at both ends
        room = sum(map(xlsx.column_points, widths[:printed])) - 10
        size = max(SIZE, min(16, int(room / max(1.0, text_width(title)))))
        ws.merge_range(0, 0, 0, last_col, title, self.fmt("title", font_size=size))
        ws.set_row(0, 30)
        ws.merge_range(
            1,
            0,
            1,
            last_col,
            f"截至 {self.s.as_of:%Y-%m-%d}；报送截止 {self.s.period.deadline:%Y-%m-%d}",
            self.fmt("sub"),
        )
        ws.set_row(1, 18)
        if legend:
            self.legend(ws, 2, widths[:printed])
        if above_header:
            above_header(ws)
        header_row = header_row or (3 if legend else 2)
        for i, (h, w) in enumerate(zip(headers, widths)):
            ws.set_column(i, i, w)
            if h:  # a column without a header (概览's charts) gets no header fill either
                ws.write(header_row, i, h, self.fmt("head"))
        ws.set_row(header_row, 32)
        ws.scale = xlsx.fit_scale(widths[:printed])
        xlsx.print_setup(ws, header_row, scale=ws.scale)
        if ws.scale < 100:  # the page's height to the rows: header and footer in the margins
            ws.set_margins(xlsx.PAGE_MARGIN, xlsx.PAGE_MARGIN, MARGIN_TOP, MARGIN_TOP)
        edge = {"margin": HEADER_MARGIN}
        ws.set_header(f'&C&"{FONT},Bold"&12{self.s.title} {name}', edge)
        ws.set_footer(f"&C&11第 &P 页，共 &N 页&R&11截至{_zh_date(self.s.as_of)}", edge)
        return ws, header_row + 1

    def legend(self, ws, row: int, widths: list[float]) -> None:
        """The colour key across the row, each entry wide enough to read, the meaning in words."""
        groups = _split(widths, len(LEGEND))
        height = 32.0
        for (first, last), (lt, text) in zip(groups, LEGEND):
            label = f"{lt.value}：{text.format(amber=self.amber)}"
            fmt = self.fmt("cell", lt, "center", "bold", valign="vcenter")
            if last > first:
                ws.merge_range(row, first, row, last, label, fmt)
            else:
                ws.write(row, first, label, fmt)
            height = max(height, text_height(label, sum(widths[first : last + 1]), SIZE))
        ws.set_row(row, height)

    @staticmethod
    def clip(text):
        """Text cut to Excel's cell limit (validate has told the office: `cell_truncated`)."""
        if not isinstance(text, str) or len(text) <= MAX_CELL_CHARS:
            return text
        marker = "……（超出Excel单元格长度，已截断）"
        return text[: MAX_CELL_CHARS - len(marker)] + marker

    def note(self, ws, row: int, text: str, ncols: int) -> None:
        ws.merge_range(row, 0, row, ncols - 1, text, self.fmt("para"))
        ws.set_row(row, 22)

    def write_date(self, ws, row, col, value, fmt) -> None:
        if value is not None and not isinstance(value, str):
            ws.write_datetime(row, col, value, fmt)
        else:
            ws.write(row, col, value if value is not None else "", fmt)

    # -- sheets -----------------------------------------------------------------------------
    def overview(self) -> None:
        """One page a chief reads first: paragraph and totals, the office table on the left, the
        charts beside it on the right."""
        s = self.s
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
        empty = self.empty_sheets_note()

        def paragraph_and_totals(ws) -> None:
            text = summary_text(s, self.amber) + (f"\n{empty}" if empty else "")
            ws.merge_range(2, 0, 2, last, text, self.fmt("para"))
            ws.set_row(2, text_height(text, sum(widths), SIZE))
            for i, (label, _) in enumerate(totals):
                ws.write(3, i, label, self.fmt("head"))
            ws.set_row(3, 32)
            for i, (label, n) in enumerate(totals):
                red = label == "逾期" and n
                ws.write_number(
                    4, i, n, self.fmt("cell", "center", *([Light.OVERDUE] if red else []))
                )
            ws.set_row(4, 20)
            ws.set_row(5, 8)  # a thin gap: the page's height goes to the office rows and chart

        # with many offices only the most urgent (the table is ranked worst first): one page
        ws, first = self.sheet(
            "概览",
            OFFICE_HEADERS + [""] * len(OVERVIEW_CHART_WIDTHS),
            widths,
            header_row=6,
            above_header=paragraph_and_totals,
        )
        ws.freeze_panes(0, 0)  # one page: nothing to keep in view while scrolling
        ws.fit_to_pages(1, 1)
        shown = s.offices[:OVERVIEW_OFFICES]
        self.office_table(ws, first, shown)
        rule_row = first + len(shown)
        if len(s.offices) > len(shown):
            ws.merge_range(
                rule_row,
                0,
                rule_row,
                table - 1,
                f"共{len(s.offices)}个股室，此处按督办灯列出最需关注的{len(shown)}个；"
                f"全部股室见“{ALL_OFFICES}”表",
                self.fmt("para", "bold"),
            )
            rule_row += 1
        rule = "督办灯规则：" + LIGHT_RULE.format(share=s.red_share)
        ws.merge_range(rule_row, 0, rule_row, table - 1, rule, self.fmt("para"))
        ws.set_row(rule_row, text_height(rule, sum(OFFICE_WIDTHS), SIZE))
        legend_row = rule_row + 1
        self.legend(ws, legend_row, OFFICE_WIDTHS)
        trend_row = legend_row + 2  # the trend chart's data: hidden rows (its points are labelled)
        ws.write(trend_row, 0, "月份", self.fmt("head"))
        ws.write(trend_row, 1, "逾期节点", self.fmt("head"))
        ws.set_row(trend_row, None, None, {"hidden": True})
        for i, (month, n) in enumerate(s.trend.items(), start=1):
            ws.write(trend_row + i, 0, month, self.fmt("cell", "center"))
            ws.write_number(trend_row + i, 1, n, self.fmt("cell", "center"))
            ws.set_row(trend_row + i, None, None, {"hidden": True})
        ws.print_area(0, 0, legend_row, last)
        charts.overview_charts(
            self.wb,
            ws,
            "概览",
            first,
            first + len(shown) - 1,
            (trend_row, len(s.trend)),
            top=6,
            left=table + 1,
            width=sum(OVERVIEW_CHART_WIDTHS[1:]),
            height=_points(ws, 6, legend_row),
            title="各股室节点状态"
            if len(shown) == len(s.offices)
            else f"最需关注的{len(shown)}个股室节点状态",
            colours=CHART_COLOURS,
        )

    def empty_sheets_note(self) -> str:
        """What the sheets left out because they would print empty would have said."""
        notes = []
        if not self.shown_changes():
            notes.append(
                "与上月相比没有变化。"
                if self.s.has_previous
                else f"没有{self.s.period.previous()}的汇总记录，无法与上月比较"
                "；下月起列出“变化”表。"
            )
        if not self.s.extension_requests:
            notes.append("本月没有延期申请。")
        return "".join(notes)

    def all_offices(self) -> None:
        """Every office, ranked as on 概览: only written when 概览 cannot hold them all."""
        if len(self.s.offices) <= OVERVIEW_OFFICES:
            return
        ws, top = self.sheet(ALL_OFFICES, OFFICE_HEADERS, OFFICE_WIDTHS, legend=True)
        self.office_table(ws, top, self.s.offices)
        ws.autofilter(top - 1, 0, top - 1 + len(self.s.offices), len(OFFICE_HEADERS) - 1)

    def office_table(self, ws, first: int, offices) -> None:
        center = self.fmt("cell", "center")
        for r, o in enumerate(offices, start=first):
            ws.write(r, 0, o.office.name, self.fmt("cell"))
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
                ws.write_number(
                    r, c, n, self.fmt("cell", Light.OVERDUE, "center") if red else center
                )
            ws.write(r, 7, o.state, self._state_format(o.state))
            ws.write_number(r, 8, o.errors, center)
            ws.write_number(r, 9, o.warnings, center)
            ws.write(
                r,
                10,
                o.light,
                self.fmt("cell", {RED: "missing", YELLOW: "late"}.get(o.light, "good")),
            )
            ws.set_row(r, OFFICE_ROW if len(offices) <= 15 else 20)

    def _state_format(self, state: str):
        kind = {NOT_RETURNED: "missing", REJECTED: "missing", OfficeState.LATE: "late"}.get(state)
        return self.fmt("cell", kind or "center")

    def all_milestones(self) -> None:
        """Every milestone, one row each with its task's values (filter and sort work): a task's
        rows are one shaded block, tasks packed onto pages (see block_sheet).  责任股室 and 备注
        stay in the sheet after the printed columns: the paper's width goes to the texts."""
        headers = [
            "序号",
            "任务名称",
            "牵头股室",
            "关键节点",
            "计划完成时间",
            "填报状态",
            "完成日期",
            "判定",
            "逾期天数",
            "进展情况",
            "存在问题和下一步工作计划",
            "责任股室",
            "备注",
        ]
        widths = [4, 10, 7, 34, 12, 7, 12, 7, 5, 46, 32, 10, 12]
        blocks = []
        for task_rows in _group(self.s.rows):
            task, first = task_rows[0].task, task_rows[0]
            progress = first.progress or ("（未报送）" if first.said is Said.NO_RETURN else "")
            shared = [
                (0, _number(task.no), KEY),
                (1, task.name, KEY),
                (2, task.lead, KEY),
                (9, self.clip(progress), LONG),
                (10, self.clip(first.problems), LONG),
                (11, "、".join(task.offices), LONG),
                (12, self.clip(first.remarks), LONG),
            ]
            own = [self.milestone_cells(row, 3) for row in task_rows]
            blocks.append((shared, own))
        self.block_sheet("汇总", headers, widths, blocks, printed=11)

    def milestone_cells(self, row, col: int) -> list[tuple]:
        """A row's 关键节点, 计划完成时间, 填报状态, 完成日期, 判定, 逾期天数 from column `col`."""
        m, lt, late_done = row.milestone, row.light, row.late_done
        formats = self._milestone_formats.get((lt, late_done))
        if formats is None:
            tint = (lt,) if lt in self.fills else ()
            formats = self._milestone_formats[lt, late_done] = [
                self.fmt("cell", *tint),
                self.fmt("cell", *tint, "date"),
                self.fmt("cell", "center"),
                self.fmt("cell", "date"),
                self.verdict_format(lt, late_done),
                self.fmt("cell", "center"),
            ]
        values = (
            m.text if m else "（任务清单中未列出节点）",
            _due(m),
            self.clip(row.status_shown),
            row.completed_on,
            LATE_DONE if late_done else (lt.value if lt else ""),
            row.days_overdue or late_days(row),
        )
        return list(zip(range(col, col + 6), values, formats))

    def block_sheet(self, name: str, headers, widths, blocks, printed: int) -> None:
        """A sheet of blocks (a task and its milestones), printed in its first `printed` columns.
        `blocks` holds (shared, rows): shared, the block's own cells (column, value, KEY or LONG);
        rows, each row's other cells (column, value, format).

        A block's first row shows its own cells whole, in black.  Its other rows show them in
        grey, whole where they fit the row's own height, else in one line ending in "…": no row
        grows for, or cuts, a repeated text.  The first row a
        page shows of a block begun on the page before shows its KEY cells (序号, name) in
        black again.  Past Excel's row limit the blocks go on in 汇总（2）…"""
        ws, r = self.sheet(name, headers, widths, legend=True, printed=printed)
        rows, top, part = RowWriter(ws), r, 1
        pages = _Pages(ws, r)
        for n, (shared, own) in enumerate(blocks):
            if r + len(own) > xlsx.MAX_ROWS:  # Excel's row limit: a new sheet, the block whole
                self._close_blocks(ws, pages, top, r, len(headers), printed)
                part += 1
                split = xlsx.split_name(name, part)
                ws, r = self.sheet(split, headers, widths, legend=True, printed=printed)
                rows, top, pages = RowWriter(ws), r, _Pages(ws, r)
                self.s.findings.append(
                    Finding(
                        "rows_split",
                        f"{name}超过Excel单表{xlsx.MAX_ROWS}行的上限，续在“{split}”表",
                        Severity.WARNING,
                    )
                )
            band = ("band",) if n % 2 else ()
            black = {
                c: self.fmt("cell", *band, *(("center",) if c == 0 else ())) for c, _, _ in shared
            }
            grey = {
                c: self.fmt("cell", *band, "repeat", *(("center",) if c == 0 else ()))
                for c, _, _ in shared
            }

            def height(cells) -> float:
                texts = [
                    (v, widths[c]) for c, v, _ in cells if c < printed and isinstance(v, str) and v
                ]
                return max((text_height(v, w, SIZE) for v, w in texts), default=20)

            own_h = [height(cells) for cells in own]  # each row's own cells
            shared_h = {c: height([(c, v, None)]) for c, v, _ in shared}
            keys = {c for c, _, kind in shared if kind is KEY}
            key_h = max((shared_h[c] for c in keys), default=20)
            heights = [max(own_h[0], *shared_h.values())] + own_h[1:]
            tall = [heights[0]] + [max(h, key_h) for h in own_h[1:]]  # a page's first row

            def shown(i: int, black_cells: set[int], h: float) -> list:
                """Row i: the block's cells in `black_cells` in black, the others grey, whole
                where they fit the row, else in one line (columns not printed: whole)."""
                out = []
                for c, v, _ in shared:
                    if c in black_cells:
                        out.append((c, v, black[c]))
                        continue
                    if c < printed and isinstance(v, str) and v and shared_h[c] > h:
                        v = one_line(v, widths[c], SIZE)
                    out.append((c, v, grey[c]))
                return sorted([*out, *own[i]], key=lambda cell: cell[0])

            starts = pages.place(r, heights, tall)
            every = {c for c, _, _ in shared}
            for i in range(len(own)):
                if i == 0:
                    cells, h = shown(0, every, heights[0]), heights[0]
                elif i in starts:  # a page begins here: the task named again, in black
                    cells, h = shown(i, keys, tall[i]), tall[i]
                else:
                    cells, h = shown(i, set(), heights[i]), heights[i]
                rows.row(r, cells, h)
                r += 1
        self._close_blocks(ws, pages, top, r, len(headers), printed)

    @staticmethod
    def _close_blocks(ws, pages, top: int, end: int, columns: int, printed: int) -> None:
        pages.close()
        ws.autofilter(top - 1, 0, max(end - 1, top), columns - 1)
        ws.print_area(0, 0, max(end - 1, top), printed - 1)

    def overdue(self) -> None:
        self.pending("逾期事项", self.s.overdue, Light.OVERDUE)

    def due_soon(self) -> None:
        rows = [r for r in self.s.rows if r.light is Light.DUE_SOON]
        rows.sort(key=lambda r: (r.milestone.due, r.task.key, r.milestone.seq))
        self.pending("临期事项", rows, Light.DUE_SOON)

    def pending(self, name: str, rows, lt: Light) -> None:
        """逾期事项 / 临期事项: what a chief follows up, whom to call and who answers for it."""
        late = lt is Light.OVERDUE
        headers = [
            "序号",
            "任务名称",
            "牵头股室",
            "关键节点",
            "计划完成时间",
            "逾期天数" if late else "剩余天数",
            "填报状态",
            "进展情况",
            "存在问题和下一步工作计划",
            "联系人",
            "分管领导",
        ]
        widths = [5, 13, 8, 26, 13, 6, 8, 28, 24, 11, 8]
        ws, top = self.sheet(name, headers, widths)
        formats = [
            self.fmt("cell", "center"),
            *[self.fmt("cell")] * 2,
            self.fmt("cell", lt),
            self.fmt("cell", lt, "date"),
            self.fmt("cell", lt, "center", "bold"),
            self.fmt("cell", "center"),
            *[self.fmt("cell")] * 4,
        ]
        out = RowWriter(ws)
        for r, row in enumerate(rows, start=top):
            office = self.offices.get(row.task.lead)
            contact = "\n".join(x for x in (office.contact, office.phone) if x) if office else ""
            days = row.days_overdue if late else (row.milestone.due - self.s.as_of).days
            values = [
                _number(row.task.no),
                row.task.name,
                row.task.lead,
                row.milestone.text,
                _due(row.milestone),
                days,
                row.status_shown,
                self.clip(row.progress or ""),
                self.clip(row.problems or ""),
                contact,
                office.leader if office else "",
            ]
            height = max(
                text_height(v, w, SIZE) for v, w in zip(values, widths) if isinstance(v, str)
            )
            out.row(r, list(zip(range(len(values)), values, formats)), height)
        if not rows:
            self.note(
                ws,
                top,
                "截至今日没有逾期未完成的节点。"
                if late
                else f"{self.amber}天内没有到期未完成的节点。",
                len(headers),
            )
        ws.autofilter(top - 1, 0, max(top - 1 + len(rows), top), len(headers) - 1)

    def shown_changes(self) -> list[tuple[str, object, str]]:
        """变化 as printed: (what, change, note).  An unchanged 存在问题 is left out (no office is
        told of it: only an unchanged 进展情况 is a finding); a milestone reported done after its
        due date is 逾期完成N天, not plain 新完成."""
        late = {r.milestone.key: r for r in self.s.rows if r.milestone and r.late_done}
        shown = []
        for c in self.s.changes:
            if c.kind is ChangeKind.SAME_PROBLEMS:
                continue
            row = late.get(c.milestone.key) if c.milestone else None
            if c.kind is ChangeKind.NEWLY_DONE and row is not None:
                shown.append((f"{LATE_DONE}{late_days(row)}天", c, c.note))
            else:
                shown.append((c.kind.value, c, c.note))
        return shown

    def changes(self) -> None:
        shown = self.shown_changes()
        if not shown:  # said on 概览 instead of a near-empty printed page
            return
        headers = ["变化", "序号", "任务名称", "牵头股室", "关键节点", "说明"]
        widths = [16, 5, 20, 10, 50, 30]
        ws, top = self.sheet("变化", headers, widths)
        kinds = {
            ChangeKind.NEWLY_OVERDUE: Light.OVERDUE,
            ChangeKind.UNDONE: Light.OVERDUE,
            ChangeKind.SAME_TWICE: Light.OVERDUE,
            ChangeKind.SAME_PROGRESS: Light.DUE_SOON,
            ChangeKind.NEWLY_DONE: Light.DONE,
        }
        for r, (what, c, note) in enumerate(shown, start=top):
            lt = Light.OVERDUE if what.startswith(LATE_DONE) else kinds.get(c.kind)
            ws.write(r, 0, what, self.fmt("cell", *([lt] if lt else []), "center", "bold"))
            ws.write(r, 1, _number(c.task.no), self.fmt("cell", "center"))
            ws.write(r, 2, c.task.name, self.fmt("cell"))
            ws.write(r, 3, c.task.lead, self.fmt("cell"))
            milestone = c.milestone.text if c.milestone else "（整项任务）"
            ws.write(r, 4, milestone, self.fmt("cell"))
            ws.write(r, 5, note, self.fmt("cell"))
            texts = (what, c.task.name, c.task.lead, milestone, note)
            ws.set_row(
                r,
                max(text_height(t, w, SIZE) for t, w in zip(texts, (16, 20, 10, 50, 30))),
            )
        ws.autofilter(top - 1, 0, top - 1 + len(shown), len(headers) - 1)

    def extensions(self) -> None:
        requests = self.s.extension_requests
        if not requests:  # said on 概览 instead of a near-empty printed page
            return
        headers = [
            "序号",
            "任务名称",
            "牵头股室",
            "关键节点",
            "原计划完成时间",
            "申请延期至",
            "理由（备注）",
            "审批",
        ]
        widths = [5, 16, 9, 34, 13, 13, 30, 34]
        ws, top = self.sheet("延期申请", headers, widths)
        for r, row in enumerate(requests, start=top):
            m = row.milestone
            approved = m.extended_from is not None
            reason = self.clip(row.remarks) or "（未写理由）"
            wanted = row.completed_on
            if approved:
                decision = f"已批准，延期至{m.due:%Y-%m-%d}"
            elif wanted:
                decision = (
                    f"待审批：申请延期至{wanted:%Y-%m-%d}。批准请运行\n"
                    f"yuebao extend {row.task.key} {m.seq} {wanted:%Y-%m-%d} "
                    f'--reason "{_one_line(row.remarks) or "理由"}"'
                )
            else:
                decision = "待审批：未填写申请的日期，请股室补填“完成日期”"
            ws.write(r, 0, _number(row.task.no), self.fmt("cell", "center"))
            ws.write(r, 1, row.task.name, self.fmt("cell"))
            ws.write(r, 2, row.task.lead, self.fmt("cell"))
            ws.write(r, 3, m.text, self.fmt("cell"))
            self.write_date(ws, r, 4, m.extended_from or m.due, self.fmt("cell", "date"))
            self.write_date(ws, r, 5, wanted or "未填写日期", self.fmt("cell", "date"))
            ws.write(r, 6, reason, self.fmt("cell"))
            ws.write(r, 7, decision, self.fmt("cell"))
            ws.set_row(
                r,
                max(
                    text_height(t, w, SIZE)
                    for t, w in ((m.text, 34), (reason, 30), (decision, 34), (row.task.name, 16))
                ),
            )

    def data(self) -> None:
        """One plain row per milestone, hidden: a county's summary is the city's return."""
        write_data(
            self.wb,
            self.s.unit,
            self.s.period.label,
            [
                [
                    self.s.unit,
                    r.task.lead,
                    r.task.key,
                    r.task.parent,
                    r.task.no,
                    r.task.name,
                    r.milestone.key if r.milestone else "",
                    r.milestone.text if r.milestone else "",
                    r.milestone.due if r.milestone and r.milestone.due else None,
                    r.status_shown,
                    r.completed_on,
                    r.light.value if r.light else "",
                    self.clip(r.progress),
                    self.clip(r.problems),
                    r.milestone.extended_from if r.milestone else None,
                    "",  # the unit's own rows: no level below
                ]
                for r in self.s.rows
            ],
            self.s.as_of,
        )

    def submissions(self) -> None:
        headers = [
            "牵头股室",
            "联系人",
            "电话",
            "报送情况",
            "文件",
            "收到时间",
            "填报人",
            "填报日期",
            "错误",
            "提醒",
        ]
        widths = [14, 10, 18, 10, 34, 20, 10, 13, 6, 6]  # a phone or a time on one line
        ws, top = self.sheet("报送情况", headers, widths)
        for r, o in enumerate(self.s.offices, start=top):
            ws.write(r, 0, o.office.name, self.fmt("cell"))
            ws.write(r, 1, o.office.contact, self.fmt("cell"))
            ws.write(r, 2, o.office.phone, self.fmt("cell"))
            ws.write(r, 3, o.state, self._state_format(o.state))
            ws.write(r, 4, o.file_shown, self.fmt("cell"))  # as the office named it
            self.write_date(ws, r, 5, o.received_at, self.fmt("cell", "datetime"))
            ws.write(r, 6, o.filled_by, self.fmt("cell"))
            self.write_date(ws, r, 7, o.filled_on, self.fmt("cell", "date"))
            ws.write_number(r, 8, o.errors, self.fmt("cell", "center"))
            ws.write_number(r, 9, o.warnings, self.fmt("cell", "center"))
            office = (o.office.name, o.office.contact, o.office.phone)
            texts = (*office, o.state, o.file_shown, o.filled_by)
            ws.set_row(
                r,
                max(
                    text_height(str(t or ""), widths[c], SIZE)
                    for c, t in zip(SUBMISSION_TEXTS, texts)
                ),
            )
        ws.autofilter(top - 1, 0, top - 1 + len(self.s.offices), len(headers) - 1)

    def findings(self) -> None:
        write_findings_sheet(self, self.s.findings)


Book, as_number = _Book, _number  # the roll-up (rollup.py) writes its sheets with these


class _Pages:
    """Manual page breaks for a sheet printed at a known scale.  Blocks (a task's rows) are
    packed: a block starts a new page only when it does not fit on this one and this page is
    already three quarters full; otherwise it fills this page and goes on on the next one, where
    its first row shows the task again.  A page break inside a row never happens."""

    FULL = 0.75  # a page less full than this is filled with part of the next block

    def __init__(self, ws, first_row: int):
        self.ws = ws
        page = (xlsx.A4_LANDSCAPE[1] - 2 * 72 * MARGIN_TOP) * 0.95  # the body, a little spare
        self.height = page * 100 / ws.scale
        self.repeat = 32  # the header row, repeated on every page
        self.used = _points(ws, 0, first_row - 1)  # title, as-of line, legend, header
        self.breaks: list[int] = []

    def place(self, row: int, heights: list[float], tall: list[float]) -> set[int]:
        """The block from `row` with these row heights (`tall`: each row's height when it is the
        first a page shows of the block): the indices of its rows that start a page."""
        starts: set[int] = set()
        fresh = self.height - self.repeat
        need = tall[0] + sum(heights[1:])
        if (
            self.used + need > self.height
            and need <= fresh
            and self.used >= self.FULL * self.height
        ):
            starts.add(0)
            self.breaks.append(row)
            self.used = self.repeat
        for i, h in enumerate(heights):
            h = tall[i] if i == 0 else h
            if self.used + h > self.height and self.used > self.repeat:
                starts.add(i)
                self.breaks.append(row + i)
                self.used = self.repeat
                h = tall[i]
            self.used += h
        return starts

    def close(self) -> None:
        if self.breaks:
            self.ws.set_h_pagebreaks(sorted(set(self.breaks))[:1023])  # Excel's limit


def _points(ws, first: int, last: int) -> float:
    """Height in points of rows first..last as set so far (row 0-based)."""
    pixels = ws.row_sizes  # xlsxwriter keeps set_row's heights in pixels
    return sum((pixels.get(r) or [20])[0] * 0.75 for r in range(first, last + 1))


def late_days(row) -> int | None:
    """Days after its due date a milestone was reported done (逾期完成), else None."""
    if not row.late_done or row.completed_on is None or row.milestone.due is None:
        return None
    return (row.completed_on - row.milestone.due).days


SUBMISSION_TEXTS = (0, 1, 2, 3, 4, 6)  # 报送情况's columns holding text


def _one_line(text: str) -> str:
    return " ".join((text or "").split()).replace('"', "'")


def _zh_date(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def write_data(wb, unit: str, month: str, rows: list[list], as_of=None) -> None:
    """The hidden rows the level above reads; past Excel's row limit they go on in 数据（2）…
    `as_of`: the day the verdicts were judged on, for the level above to show."""
    date_format = wb.add_format({"num_format": "yyyy-mm-dd"})
    per_sheet = xlsx.MAX_ROWS - 1  # below the header
    for part, start in enumerate(range(0, max(len(rows), 1), per_sheet), start=1):
        ws = wb.add_worksheet(data_sheet_name(part))
        ws.write_row(0, 0, DATA_HEADERS)
        rows_out = RowWriter(ws)
        for r, row in enumerate(rows[start : start + per_sheet], start=1):
            rows_out.row(
                r,
                [
                    (c, value, date_format if hasattr(value, "isoformat") else None)
                    for c, value in enumerate(row)
                    if value is not None and value != ""
                ],
            )
        ws.hide()
    meta = wb.add_worksheet(META_SHEET)
    judged = (("as_of", as_of.isoformat()),) if as_of else ()
    for r, pair in enumerate((("kind", "summary"), ("unit", unit), ("month", month), *judged)):
        meta.write_row(r, 0, pair)
    meta.hide()


def data_sheet_name(part: int) -> str:
    return xlsx.split_name(DATA_SHEET, part)


def write_findings_workbook(
    s: MonthSummary, path: Path, amber_days: int, fills: dict | None = None
) -> Path:
    """The 校验问题 sheet alone: what validate leaves for the bureau office."""
    return write_summary(s, path, amber_days, fills, sheets=("校验问题",))


FINDING_HEADERS = [
    "严重程度",
    "股室",
    "文件",
    "工作表",
    "行",
    "单元格",
    "类别",
    "问题及处理办法",
    "代码",  # the stable code, for filtering and for programs; not printed
]


def write_findings_sheet(book: _Book, findings) -> None:
    headers = FINDING_HEADERS
    widths = [7, 10, 24, 10, 5, 7, 13, 54, 18]
    ws, top = book.sheet("校验问题", headers, widths, printed=len(headers) - 1)
    order = sorted(
        findings, key=lambda f: (f.severity is not Severity.ERROR, f.office, f.file, f.row or 0)
    )
    center = book.fmt("cell", "center")
    for r, f in enumerate(order, start=top):
        error = f.severity is Severity.ERROR
        ws.write(r, 0, f.severity.value, book.fmt("cell", "missing" if error else "late"))
        ws.write(r, 1, f.office, book.fmt("cell"))
        ws.write(r, 2, f.file, book.fmt("cell"))
        ws.write(r, 3, f.sheet, book.fmt("cell"))
        if f.row:
            ws.write_number(r, 4, f.row, center)
        else:
            ws.write_blank(r, 4, None, center)
        ws.write(r, 5, f.cell, center)
        code = REGISTRY.get(f.code)
        kind = code.name if code else f.code
        ws.write(r, 6, kind, book.fmt("cell"))
        ws.write(r, 7, f.message, book.fmt("cell"))
        ws.write(r, 8, f.code, book.fmt("cell"))
        ws.set_row(
            r,
            max(
                text_height(t or "", w, SIZE)
                for t, w in (
                    (f.message, 54),
                    (f.file, 24),
                    (f.office, 10),
                    (f.sheet, 10),
                    (kind, 13),
                )
            ),
        )
    if not findings:
        book.note(ws, top, "未发现问题。", len(headers) - 1)
    ws.print_area(0, 0, top + max(len(findings), 1) - 1, len(headers) - 2)  # 代码 not printed
    ws.autofilter(top - 1, 0, max(top - 1 + len(findings), top), len(headers) - 1)


def _group(rows):
    groups: list[list] = []
    for row in rows:
        if groups and groups[-1][0].task.key == row.task.key:
            groups[-1].append(row)
        else:
            groups.append([row])
    return groups


def _split(widths: list[float], parts: int) -> list[tuple[int, int]]:
    """Cut the columns into `parts` consecutive groups of about equal width."""
    total, groups, start, acc = sum(widths), [], 0, 0.0
    for i, w in enumerate(widths):
        acc += w
        if (
            acc >= total * (len(groups) + 1) / parts
            and len(groups) < parts - 1
            and i < len(widths) - 1
        ):
            groups.append((start, i))
            start = i + 1
    groups.append((start, len(widths) - 1))
    return groups


def _due(m):
    """The planned date, or both dates when an extension was approved (both stay visible)."""
    if m is None or m.due is None:
        return "无法识别"
    if m.extended_from:
        return f"{m.extended_from:%Y-%m-%d}\n延期至{m.due:%Y-%m-%d}"
    return m.due
