"""merge: write the summary workbook section chiefs open (and print).

Sheets: 概览 (counts, offices, a paragraph), 汇总 (every milestone, colour-coded), 逾期事项,
报送情况, 校验问题.  Colour is never the only signal: the 判定 column says it in words.
The file is saved atomically (xlsx.save_atomically): a crash never leaves half a summary.
"""

from __future__ import annotations

from pathlib import Path

from .. import xlsx
from ..intake.values import EXCEL_CELL_CHARS
from ..models import Finding, Light, Severity
from ..wording import render, row_height
from .month import NOT_RETURNED, REJECTED, MonthSummary
from .verdicts import LIGHT_RULE, RED, YELLOW

FONT = "宋体"
CELL = {"font_name": FONT, "font_size": 10, "valign": "top", "text_wrap": True, "border": 1}
HEAD = {**CELL, "bold": True, "bg_color": "#D9E1F2", "align": "center", "valign": "vcenter"}
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
CHART_COLOURS = {
    Light.DONE: "#63BE7B",
    Light.OVERDUE: "#E0474C",
    Light.DUE_SOON: "#F4B942",
    Light.NOT_DUE: "#BFBFBF",
}
LEGEND = [
    (Light.OVERDUE, "已过计划完成时间，未报已完成"),
    (Light.DUE_SOON, "{amber}天内到期，尚未完成"),
    (Light.DONE, "已报完成"),
    (Light.UNDATED, "完成时间不明"),
]


def summary_file_name(month: str) -> str:
    return f"重点工作进展汇总_{month}.xlsx"


def findings_file_name(month: str) -> str:
    return f"校验问题_{month}.xlsx"


def summary_text(s: MonthSummary, amber_days: int) -> str:
    counts = s.counts
    late = [o.office.name for o in s.offices if o.state == "逾期报送"]
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
        on_time=sum(o.state == "按时报送" for o in s.offices),
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
OFFICE_WIDTHS = [16, 8, 8, 8, 8, 8, 8, 12, 6, 6, 8]
SHEETS = (
    "概览",
    ALL_OFFICES,
    "汇总",
    "逾期事项",
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
]
PRINT_SHEETS = ("概览", "逾期事项")  # what `merge --pdf` prints for the chiefs
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
        "变化": book.changes,
        "延期申请": book.extensions,
        "报送情况": book.submissions,
        "校验问题": book.findings,
        "数据": book.data,
    }
    for name in sheets:
        writers[name]()


class _Book:
    def __init__(self, wb, s: MonthSummary, amber_days: int, fills: dict | None = None):
        self.wb, self.s, self.amber = wb, s, amber_days
        fills = {**DEFAULT_FILLS, **(fills or {})}
        base = CELL
        self.f = {
            "title": wb.add_format(
                {
                    "font_name": FONT,
                    "font_size": 16,
                    "bold": True,
                    "align": "center",
                    "valign": "vcenter",
                }
            ),
            "sub": wb.add_format({"font_name": FONT, "font_size": 10, "font_color": "#595959"}),
            "small": wb.add_format(
                {
                    "font_name": FONT,
                    "font_size": 9,
                    "font_color": "#595959",
                    "text_wrap": True,
                    "valign": "top",
                }
            ),
            "head": wb.add_format(HEAD),
            "cell": wb.add_format(base),
            "center": wb.add_format({**base, "align": "center"}),
            "date": wb.add_format({**base, "align": "center", "num_format": "yyyy-mm-dd"}),
            "datetime": wb.add_format(
                {**base, "align": "center", "num_format": "yyyy-mm-dd hh:mm"}
            ),
            "para": wb.add_format(
                {"font_name": FONT, "font_size": 11, "text_wrap": True, "valign": "top"}
            ),
            "bold": wb.add_format({"font_name": FONT, "font_size": 11, "bold": True}),
        }
        for lt, fill in fills.items():
            font = FONT_COLOURS[lt]
            self.f[lt] = wb.add_format({**base, "bg_color": fill, "font_color": font})
            self.f[(lt, "date")] = wb.add_format(
                {
                    **base,
                    "bg_color": fill,
                    "font_color": font,
                    "align": "center",
                    "num_format": "yyyy-mm-dd",
                }
            )
            self.f[(lt, "center")] = wb.add_format(
                {**base, "bg_color": fill, "font_color": font, "align": "center", "bold": True}
            )
        self.f["missing"] = wb.add_format(
            {
                **base,
                "bg_color": fills[Light.OVERDUE],
                "font_color": FONT_COLOURS[Light.OVERDUE],
                "align": "center",
            }
        )
        self.f["late"] = wb.add_format(
            {
                **base,
                "bg_color": fills[Light.DUE_SOON],
                "font_color": FONT_COLOURS[Light.DUE_SOON],
                "align": "center",
            }
        )

    # -- layout helpers ---------------------------------------------------------------------
    def sheet(
        self,
        name: str,
        headers: list[str],
        widths: list[float],
        legend: bool = False,
        header_row: int | None = None,
        above_header=None,
    ):
        """A sheet with title, as-of line, optional colour legend, header row; returns (ws, first
        data row).

        above_header(ws) writes what goes between the as-of line and a lower header row (rows are
        written top to bottom only)."""
        ws = self.wb.add_worksheet(name)
        last_col = len(headers) - 1
        ws.merge_range(
            0,
            0,
            0,
            last_col,
            f"{self.s.title} · {name}（{self.s.period.span_zh}）",
            self.f["title"],
        )
        ws.set_row(0, 30)
        ws.merge_range(
            1,
            0,
            1,
            last_col,
            f"截至 {self.s.as_of:%Y-%m-%d}；报送截止 {self.s.period.deadline:%Y-%m-%d}",
            self.f["sub"],
        )
        if legend:
            self.legend(ws, 2, widths)
        if above_header:
            above_header(ws)
        header_row = header_row or (3 if legend else 2)
        for i, (h, w) in enumerate(zip(headers, widths)):
            ws.set_column(i, i, w)
            ws.write(header_row, i, h, self.f["head"])
        ws.set_row(header_row, 28)
        xlsx.print_setup(ws, header_row)
        ws.set_margins(left=0.4, right=0.4, top=0.7, bottom=0.7)
        ws.set_header(f'&C&"{FONT},Bold"{self.s.title} {name}')
        ws.set_footer("&C第 &P 页，共 &N 页&R打印于 &D")
        return ws, header_row + 1

    def legend(self, ws, row: int, widths: list[float]) -> None:
        """The colour key across the row, each entry wide enough to read, the meaning in words."""
        groups = _split(widths, len(LEGEND))
        for (first, last), (lt, text) in zip(groups, LEGEND):
            label = f"{lt.value}：{text.format(amber=self.amber)}"
            if last > first:
                ws.merge_range(row, first, row, last, label, self.f[(lt, "center")])
            else:
                ws.write(row, first, label, self.f[(lt, "center")])
        ws.set_row(row, 30)

    @staticmethod
    def clip(text):
        """Text cut to Excel's cell limit (validate has told the office: `cell_truncated`)."""
        if not isinstance(text, str) or len(text) <= MAX_CELL_CHARS:
            return text
        marker = "……（超出Excel单元格长度，已截断）"
        return text[: MAX_CELL_CHARS - len(marker)] + marker

    def note(self, ws, row: int, text: str, ncols: int) -> None:
        ws.merge_range(row, 0, row, ncols - 1, text, self.f["para"])

    def light_cell(self, ws, row, col, value, lt, kind=None):
        fmt = self.f.get((lt, kind) if kind else lt) or self.f[kind or "cell"]
        if kind == "date" and value is not None and not isinstance(value, str):
            ws.write_datetime(row, col, value, fmt)
        else:
            ws.write(row, col, value if value is not None else "", fmt)

    # -- sheets -----------------------------------------------------------------------------
    def overview(self) -> None:
        s = self.s
        headers, widths = OFFICE_HEADERS, OFFICE_WIDTHS
        counts = s.counts
        totals = [
            ("节点总数", sum(1 for r in s.rows if r.milestone)),
            ("本月底应完成", s.due_by_month),
            ("已完成", counts[Light.DONE]),
            ("逾期", counts[Light.OVERDUE]),
            ("临期", counts[Light.DUE_SOON]),
            ("未到期", counts[Light.NOT_DUE]),
        ]

        def paragraph_and_totals(ws) -> None:
            ws.merge_range(2, 0, 2, len(headers) - 1, summary_text(s, self.amber), self.f["para"])
            ws.set_row(2, 72)
            for i, (label, _) in enumerate(totals):
                ws.write(3, i, label, self.f["head"])
            ws.set_row(3, 28)
            for i, (label, n) in enumerate(totals):
                ws.write_number(
                    4,
                    i,
                    n,
                    self.f[(Light.OVERDUE, "center")]
                    if label == "逾期" and n
                    else self.f["center"],
                )

        # the office table, below the paragraph and the totals; with many offices only the most
        # urgent
        # (the table is ranked worst first), so the page stays one readable sheet of paper
        ws, _ = self.sheet("概览", headers, widths, header_row=6, above_header=paragraph_and_totals)
        ws.fit_to_pages(1, 1)  # the page a chief reads first: one sheet of paper, charts included
        shown = s.offices[:OVERVIEW_OFFICES]
        self.office_table(ws, 7, shown)
        rule_row = 7 + len(shown)
        if len(s.offices) > len(shown):
            ws.merge_range(
                rule_row,
                0,
                rule_row,
                len(headers) - 1,
                f"共{len(s.offices)}个股室，此处按督办灯列出最需关注的{len(shown)}个；"
                f"全部股室见“{ALL_OFFICES}”表",
                self.f["bold"],
            )
            rule_row += 1
        ws.merge_range(
            rule_row,
            0,
            rule_row,
            len(headers) - 1,
            "督办灯规则：" + LIGHT_RULE.format(share=s.red_share),
            self.f["small"],
        )
        ws.set_row(rule_row, 30)
        legend_row = rule_row + 1
        self.legend(ws, legend_row, widths)
        self.charts(
            ws,
            first=7,
            last=6 + len(shown),
            below=legend_row + 2,
            title="各股室节点状态"
            if len(shown) == len(s.offices)
            else f"最需关注的{len(shown)}个股室节点状态",
        )

    def all_offices(self) -> None:
        """Every office, ranked as on 概览: only written when 概览 cannot hold them all."""
        if len(self.s.offices) <= OVERVIEW_OFFICES:
            return
        ws, top = self.sheet(ALL_OFFICES, OFFICE_HEADERS, OFFICE_WIDTHS, legend=True)
        self.office_table(ws, top, self.s.offices)
        ws.autofilter(top - 1, 0, top - 1 + len(self.s.offices), len(OFFICE_HEADERS) - 1)

    def office_table(self, ws, first: int, offices) -> None:
        for r, o in enumerate(offices, start=first):
            ws.write(r, 0, o.office.name, self.f["cell"])
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
                fmt = self.f[(Light.OVERDUE, "center")] if c == 4 and n else self.f["center"]
                ws.write_number(r, c, n, fmt)
            ws.write(r, 7, o.state, self._state_format(o.state))
            ws.write_number(r, 8, o.errors, self.f["center"])
            ws.write_number(r, 9, o.warnings, self.f["center"])
            ws.write(
                r,
                10,
                o.light,
                {RED: self.f["missing"], YELLOW: self.f["late"]}.get(
                    o.light, self.f[(Light.DONE, "center")]
                ),
            )

    def charts(self, ws, first: int, last: int, below: int, title: str) -> None:
        """Native Excel charts: status by office (stacked), and overdue milestones month by
        month."""
        name = "概览"
        bars = self.wb.add_chart({"type": "bar", "subtype": "stacked"})
        for col, lt in (
            (3, Light.DONE),
            (4, Light.OVERDUE),
            (5, Light.DUE_SOON),
            (6, Light.NOT_DUE),
        ):
            bars.add_series(
                {
                    "name": lt.value,
                    "categories": [name, first, 0, last, 0],
                    "values": [name, first, col, last, col],
                    "fill": {"color": CHART_COLOURS[lt]},
                    "gap": 60,
                }
            )
        bars.set_title({"name": title, "name_font": {"name": FONT, "size": 11}})
        bars.set_y_axis(
            {"reverse": True, "interval_unit": 1, "num_font": {"name": FONT, "size": 8}}
        )
        bars.set_x_axis(
            {"num_font": {"name": FONT, "size": 9}, "major_gridlines": {"visible": True}}
        )
        bars.set_legend({"position": "bottom", "font": {"name": FONT, "size": 9}})
        bars.set_size({"width": 520, "height": 340})
        ws.insert_chart(below, 0, bars)

        trend_row = below + 19  # the data behind the trend chart, printed as a small table too
        ws.write(trend_row, 0, "月份", self.f["head"])
        ws.write(trend_row, 1, "逾期节点", self.f["head"])
        for i, (month, n) in enumerate(self.s.trend.items(), start=1):
            ws.write(trend_row + i, 0, month, self.f["center"])
            ws.write_number(trend_row + i, 1, n, self.f["center"])
        n = len(self.s.trend)
        line = self.wb.add_chart({"type": "line"})
        line.add_series(
            {
                "name": "逾期节点数",
                "categories": [name, trend_row + 1, 0, trend_row + n, 0],
                "values": [name, trend_row + 1, 1, trend_row + n, 1],
                "marker": {"type": "circle"},
                "line": {"color": CHART_COLOURS[Light.OVERDUE]},
                "data_labels": {"value": True},
            }
        )
        line.set_title({"name": "逾期节点走势", "name_font": {"name": FONT, "size": 11}})
        line.set_legend({"none": True})
        line.set_y_axis({"min": 0, "num_font": {"name": FONT, "size": 9}})
        line.set_x_axis({"num_font": {"name": FONT, "size": 9}})
        line.set_size({"width": 300, "height": 340})
        ws.insert_chart(below, 6, line)

    def _state_format(self, state: str):
        return {
            NOT_RETURNED: self.f["missing"],
            REJECTED: self.f["missing"],
            "逾期报送": self.f["late"],
        }.get(state, self.f["center"])

    def all_milestones(self) -> None:
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
        ]
        widths = [5, 16, 9, 40, 11, 10, 11, 8, 6, 40, 32]
        ws, r = self.sheet("汇总", headers, widths, legend=True)
        top, part = r, 1
        for task_rows in _group(self.s.rows):
            if (
                r + len(task_rows) > xlsx.MAX_ROWS
            ):  # Excel's row limit: go on in a new sheet, a task never split
                ws.autofilter(top - 1, 0, r - 1, len(headers) - 1)
                part += 1
                ws, r = self.sheet(xlsx.split_name("汇总", part), headers, widths, legend=True)
                top = r
                self.s.findings.append(
                    Finding(
                        "rows_split",
                        f"汇总超过Excel单表{xlsx.MAX_ROWS}行的上限，续在“汇总（{part}）”表",
                        Severity.WARNING,
                    )
                )
            task = task_rows[0].task
            progress = task_rows[0].progress or (
                "（未报送）" if task_rows[0].status == NOT_RETURNED else ""
            )
            progress = self.clip(progress)
            problems = self.clip(task_rows[0].problems)
            block = (
                (0, task.no, self.f["center"]),
                (1, task.name, self.f["cell"]),
                (2, task.lead, self.f["cell"]),
                (9, progress, self.f["cell"]),
                (10, problems, self.f["cell"]),
            )
            heights = [row_height(x.milestone.text if x.milestone else "", 40) for x in task_rows]
            need = max(row_height(progress, 40), row_height(problems, 32))
            if need > sum(heights):  # grow the last row so merged long text is not cut off in print
                heights[-1] += need - sum(heights)
            first = r
            for row, height in zip(task_rows, heights):
                for (
                    col,
                    value,
                    fmt,
                ) in block:  # the task's columns: value on top, formatted blanks below
                    if r == first:
                        ws.write(r, col, value, fmt)
                    else:
                        ws.write_blank(r, col, None, fmt)
                m, lt = row.milestone, row.light
                self.light_cell(ws, r, 3, m.text if m else "（任务清单中未列出节点）", lt)
                self.light_cell(ws, r, 4, _due(m), lt, "date")
                ws.write(r, 5, self.clip(row.status), self.f["center"])
                self.light_cell(ws, r, 6, row.completed_on, None, "date")
                self.light_cell(ws, r, 7, lt.value if lt else "", lt, "center")
                ws.write(r, 8, row.days_overdue or "", self.f["center"])
                ws.set_row(r, height)
                r += 1
            if r - 1 > first:
                for col, _, _ in block:
                    _merge_written(ws, first, col, r - 1)
        ws.autofilter(top - 1, 0, max(r - 1, top), len(headers) - 1)

    def overdue(self) -> None:
        headers = [
            "序号",
            "任务名称",
            "牵头股室",
            "关键节点",
            "计划完成时间",
            "逾期天数",
            "填报状态",
            "进展情况",
        ]
        ws, top = self.sheet("逾期事项", headers, [5, 18, 10, 44, 11, 8, 10, 50])
        rows = self.s.overdue
        for r, row in enumerate(rows, start=top):
            ws.write(r, 0, row.task.no, self.f["center"])
            ws.write(r, 1, row.task.name, self.f["cell"])
            ws.write(r, 2, row.task.lead, self.f["cell"])
            self.light_cell(ws, r, 3, row.milestone.text, Light.OVERDUE)
            self.light_cell(ws, r, 4, _due(row.milestone), Light.OVERDUE, "date")
            ws.write_number(r, 5, row.days_overdue, self.f[(Light.OVERDUE, "center")])
            ws.write(r, 6, row.status, self.f["center"])
            ws.write(r, 7, self.clip(row.progress or ""), self.f["cell"])
            ws.set_row(r, max(row_height(row.milestone.text, 44), row_height(row.progress, 50)))
        if not rows:
            self.note(ws, top, "截至今日没有逾期未完成的节点。", len(headers))
        ws.autofilter(top - 1, 0, max(top - 1 + len(rows), top), len(headers) - 1)

    def changes(self) -> None:
        headers = ["变化", "序号", "任务名称", "牵头股室", "关键节点", "说明"]
        ws, top = self.sheet("变化", headers, [16, 5, 20, 10, 50, 30])
        kinds = {
            "新逾期": Light.OVERDUE,
            "完成状态撤回": Light.OVERDUE,
            "进展连续两月未更新": Light.OVERDUE,
            "进展与上月相同": Light.DUE_SOON,
            "问题与计划与上月相同": Light.DUE_SOON,
            "新完成": Light.DONE,
        }
        for r, c in enumerate(self.s.changes, start=top):
            lt = kinds.get(c.kind)
            ws.write(r, 0, c.kind, self.f[(lt, "center")] if lt else self.f["center"])
            ws.write(r, 1, c.task.no, self.f["center"])
            ws.write(r, 2, c.task.name, self.f["cell"])
            ws.write(r, 3, c.task.lead, self.f["cell"])
            ws.write(r, 4, c.milestone.text if c.milestone else "（整项任务）", self.f["cell"])
            ws.write(r, 5, c.note, self.f["cell"])
            ws.set_row(r, row_height(c.milestone.text if c.milestone else "", 50))
        if not self.s.changes:
            self.note(
                ws,
                top,
                "与上月相比没有变化。"
                if self.s.has_previous
                else f"没有{self.s.period.previous()}的汇总记录，无法比较；"
                "上月汇总后本表自动生成。",
                len(headers),
            )
        ws.autofilter(top - 1, 0, max(top - 1 + len(self.s.changes), top), len(headers) - 1)

    def extensions(self) -> None:
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
        ws, top = self.sheet("延期申请", headers, [5, 18, 10, 40, 12, 12, 36, 24])
        requests = self.s.extension_requests
        for r, row in enumerate(requests, start=top):
            m = row.milestone
            approved = m.extended_from is not None
            ws.write(r, 0, row.task.no, self.f["center"])
            ws.write(r, 1, row.task.name, self.f["cell"])
            ws.write(r, 2, row.task.lead, self.f["cell"])
            ws.write(r, 3, m.text, self.f["cell"])
            self.light_cell(ws, r, 4, m.extended_from or m.due, None, "date")
            self.light_cell(ws, r, 5, row.completed_on or "未填写日期", None, "date")
            ws.write(r, 6, self.clip(row.remarks) or "（未写理由）", self.f["cell"])
            ws.write(
                r,
                7,
                f"已批准，延期至{m.due:%Y-%m-%d}"
                if approved
                else f"待审批：yuebao extend {row.task.key} {m.seq} 日期 --reason 理由",
                self.f["cell"],
            )
            ws.set_row(r, row_height(m.text, 40))
        if not requests:
            self.note(ws, top, "本月没有延期申请。", len(headers))

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
                    r.status,
                    r.completed_on,
                    r.light.value if r.light else "",
                    self.clip(r.progress),
                    self.clip(r.problems),
                ]
                for r in self.s.rows
            ],
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
        ws, top = self.sheet("报送情况", headers, [14, 10, 14, 10, 36, 16, 10, 11, 6, 6])
        for r, o in enumerate(self.s.offices, start=top):
            ws.write(r, 0, o.office.name, self.f["cell"])
            ws.write(r, 1, o.office.contact, self.f["cell"])
            ws.write(r, 2, o.office.phone, self.f["cell"])
            ws.write(r, 3, o.state, self._state_format(o.state))
            ws.write(r, 4, o.file, self.f["cell"])
            self.light_cell(
                ws, r, 5, o.received_at, None, "datetime"
            ) if o.received_at else ws.write(r, 5, "", self.f["cell"])
            ws.write(r, 6, o.filled_by, self.f["cell"])
            self.light_cell(ws, r, 7, o.filled_on, None, "date")
            ws.write_number(r, 8, o.errors, self.f["center"])
            ws.write_number(r, 9, o.warnings, self.f["center"])
        ws.autofilter(top - 1, 0, top - 1 + len(self.s.offices), len(headers) - 1)

    def findings(self) -> None:
        write_findings_sheet(self, self.s.findings)


def write_data(wb, unit: str, month: str, rows: list[list]) -> None:
    """The hidden rows the level above reads; past Excel's row limit they go on in 数据（2）…"""
    date_format = wb.add_format({"num_format": "yyyy-mm-dd"})
    per_sheet = xlsx.MAX_ROWS - 1  # below the header
    for part, start in enumerate(range(0, max(len(rows), 1), per_sheet), start=1):
        ws = wb.add_worksheet(data_sheet_name(part))
        ws.write_row(0, 0, DATA_HEADERS)
        for r, row in enumerate(rows[start : start + per_sheet], start=1):
            for c, value in enumerate(row):
                if hasattr(value, "isoformat"):
                    ws.write_datetime(r, c, value, date_format)
                elif value not in (None, ""):
                    ws.write(r, c, value)
        ws.hide()
    meta = wb.add_worksheet(META_SHEET)
    for r, pair in enumerate((("kind", "summary"), ("unit", unit), ("month", month))):
        meta.write_row(r, 0, pair)
    meta.hide()


def data_sheet_name(part: int) -> str:
    return xlsx.split_name(DATA_SHEET, part)


def write_findings_workbook(
    s: MonthSummary, path: Path, amber_days: int, fills: dict | None = None
) -> Path:
    """The 校验问题 sheet alone: what validate leaves for the bureau office."""
    return write_summary(s, path, amber_days, fills, sheets=("校验问题",))


def write_findings_sheet(book: _Book, findings) -> None:
    headers = ["严重程度", "股室", "文件", "工作表", "行", "单元格", "问题及处理办法", "类别"]
    ws, top = book.sheet("校验问题", headers, [8, 12, 30, 10, 5, 7, 70, 14])
    order = sorted(
        findings, key=lambda f: (f.severity is not Severity.ERROR, f.office, f.file, f.row or 0)
    )
    for r, f in enumerate(order, start=top):
        ws.write(
            r,
            0,
            f.severity.value,
            book.f["missing"] if f.severity is Severity.ERROR else book.f["late"],
        )
        for c, v in enumerate(
            [f.office, f.file, f.sheet, f.row or "", f.cell, f.message, f.code], start=1
        ):
            ws.write(r, c, v, book.f["cell"])
        ws.set_row(r, row_height(f.message, 70))
    if not findings:
        book.note(ws, top, "未发现问题。", len(headers))
    ws.autofilter(top - 1, 0, max(top - 1 + len(findings), top), len(headers) - 1)


def _merge_written(ws, first_row: int, col: int, last_row: int) -> None:
    """Merge a column's cells already written top to bottom (value on top, formatted blanks below).

    merge_range would write the cells itself, going back up to rows constant-memory mode has already
    flushed; the range is recorded exactly as merge_range records it."""
    ws.merge.append([first_row, col, last_row, col])


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
