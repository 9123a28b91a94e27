"""The roll-up's sheets, in the county summary's frame (sheets.frame.Book: titles, page set-up,
colours, row heights, packed pages): 概览 by unit, 逾期事项 across units, 汇总 with the unit and
where each row came from, 报送情况, 校验问题, and the hidden 数据 the level above reads."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from ...codes import REGISTRY
from ...intake import values as cells
from ...models import Finding, Light, Severity, Task
from ...paper import text_height
from ...xlsx_rows import RowCell
from ..chain import UNMAPPED, encode, task_path, unit_path
from ..month import MonthSummary
from ..rollup_result import RollupResult
from .blocks import KEY, LONG, Block, block_sheet
from .data import write_data
from .frame import Book, as_number
from .milestones import LATE_DONE
from .styles import SIZE

if TYPE_CHECKING:  # the roll-up is handed the loaded cycle
    from ...context import Cycle


def write_rollup(wb: Workbook, result: RollupResult, cycle: Cycle, month: str) -> None:
    """The roll-up in the county summary's sheets (frame.Book: titles, page set-up, colours,
    row heights, packed pages): 概览 by unit, 逾期事项 across units, 汇总 with the unit, then
    报送情况 and 校验问题; every sheet top to bottom (constant memory)."""
    bureau = cycle.config.bureau
    period = cycle.period(month)
    s = MonthSummary(
        # the day every verdict below is judged on, in every sheet's title
        title=f"{bureau}下级单位汇总（判定截至{cycle.as_of:%Y-%m-%d}）",
        period=period,
        as_of=cycle.as_of,
        rows=[],
        offices=[],
        findings=result.findings,
        unit=bureau,
    )
    book = Book(wb, s, cycle.amber_days, cycle.fills)
    city = cycle.tasks.by_key()
    rows = [_shown(row, city, bureau, cycle.as_of) for row in result.rows]
    _overview(book, result, cycle, rows)
    _overdue(book, rows)
    _milestones(book, rows)
    _submissions(book, result, cycle)
    _findings(book, result.findings)
    data: list[list[Any]] = []
    for row in result.rows:  # so the city's summary rolls up to the province: its own task first
        task = city.get(row["_links"][0].parent)
        data.append(
            [
                bureau,
                task.lead if task else "",
                task.key if task else "",
                task.parent if task else "",
                task.no if task else "",
                task.name if task else "",
                row.get("节点编码"),
                row.get("关键节点"),
                cells.to_date(row.get("计划完成时间")),
                row.get("填报状态"),
                cells.to_date(row.get("完成日期")),
                row["light"],
                row.get("进展情况"),
                row.get("存在问题和下一步工作计划"),
                cells.to_date(row.get("原计划完成时间")),
                encode(row["_links"]),
            ]
        )
    write_data(wb, bureau, month, data, cycle.as_of)


@dataclass
class _Row:
    """A rolled-up milestone as the sheets show it."""

    no: Any  # 本级序号 (a number when it is one)
    task: str  # 本级任务
    unit: str  # 报送单位
    lower: str  # 下级任务
    block: tuple[str, str]  # (unit, lower task): one block of 汇总
    office: str
    milestone: str
    due: date | None
    planned: date | None  # before an approved extension
    status: str
    done_on: date | None
    light: str
    late_days: int | None  # 逾期天数: overdue, or done that many days late (逾期完成)
    progress: str
    problems: str
    unit_path: str
    task_path: str


def _shown(row: dict[str, Any], city: dict[str, Task], bureau: str, as_of: date) -> _Row:
    links = row["_links"]
    task = city.get(links[0].parent)
    due = cells.to_date(row.get("计划完成时间"))
    done_on = cells.to_date(row.get("完成日期"))
    status = cells.text(row.get("填报状态"))
    light, days = row["light"], None
    if light == Light.OVERDUE.value and due:
        days = (as_of - due).days
    elif status == "已完成" and due and done_on and done_on > due:
        light, days = LATE_DONE, (done_on - due).days
    return _Row(
        no=as_number(task.no) if task else UNMAPPED,
        task=task.name if task else "",
        unit=row["单位"],
        lower=links[0].name,
        block=(row["单位"], encode(links)),  # a task of a unit, through the levels it came
        office=links[-1].office,
        milestone=cells.text(row.get("关键节点")),
        due=due,
        planned=cells.to_date(row.get("原计划完成时间")),
        status=status,
        done_on=done_on,
        light=light,
        late_days=days,
        progress=cells.text(row.get("进展情况")),
        problems=cells.text(row.get("存在问题和下一步工作计划")),
        unit_path=unit_path(bureau, links),
        task_path=task_path(f"{task.key} {task.name}" if task else "", links),
    )


def _light(value: str) -> Light | None:
    if value == LATE_DONE:
        return Light.DONE
    return next((lt for lt in Light if lt.value == value), None)


UNIT_HEADERS = [
    "单位",
    "报送情况",
    "任务数",
    "节点数",
    "已完成",
    "逾期完成",
    "逾期",
    "临期",
    "未到期",
]
UNIT_WIDTHS: list[float] = [24, 30, 8, 8, 8, 9, 8, 8, 8]


def _overview(book: Book, result: RollupResult, cycle: Cycle, rows: list[_Row]) -> None:
    """One page: what came in, and per unit how its milestones stand (every unit named)."""
    units = _units(result, cycle)
    by_unit: dict[str, list[_Row]] = {}
    for x in rows:
        by_unit.setdefault(x.unit, []).append(x)
    late = sum(1 for r in rows if r.light == Light.OVERDUE.value)
    text = (
        f"截至{cycle.as_of.year}年{cycle.as_of.month}月{cycle.as_of.day}日，应报{len(units)}个单位，收到{len(result.units)}个单位的"
        f"汇总表，共{len(rows)}个关键节点，逾期未完成{late}个，逾期完成"
        f"{sum(1 for r in rows if r.light == LATE_DONE)}个。逾期的节点见“逾期事项”表，"
        "全部节点见“汇总”表，报送和校验问题见“报送情况”“校验问题”表。"
    )

    def paragraph(ws: Worksheet) -> None:
        ws.merge_range(2, 0, 2, len(UNIT_HEADERS) - 1, text, book.fmt("para"))
        ws.set_row(2, text_height(text, sum(UNIT_WIDTHS), SIZE))

    ws, first = book.sheet("概览", UNIT_HEADERS, UNIT_WIDTHS, header_row=3, above_header=paragraph)
    ws.fit_to_pages(1, 1)  # one page, every unit on it
    center = book.fmt("cell", "center")
    for r, unit in enumerate(units, start=first):
        mine = by_unit.get(unit, [])
        state = "已报送" if unit in result.units else result.refused.get(unit, "未报送")
        counts = [
            len({x.block for x in mine}),
            len(mine),
            sum(x.light == Light.DONE.value for x in mine),
            sum(x.light == LATE_DONE for x in mine),
            sum(x.light == Light.OVERDUE.value for x in mine),
            sum(x.light == Light.DUE_SOON.value for x in mine),
            sum(x.light == Light.NOT_DUE.value for x in mine),
        ]
        ws.write(r, 0, unit, book.fmt("cell"))
        ws.write(r, 1, state, book.fmt("cell", "center" if unit in result.units else "missing"))
        for c, n in enumerate(counts, start=2):
            red = c == 6 and n
            ws.write_number(r, c, n, book.fmt("cell", Light.OVERDUE, "center") if red else center)
        ws.set_row(r, max(text_height(t, w, SIZE) for t, w in zip((unit, state), UNIT_WIDTHS)))


def _units(result: RollupResult, cycle: Cycle) -> list[str]:
    return list(dict.fromkeys([*cycle.config.rollup.units, *result.units, *result.refused]))


def _overdue(book: Book, rows: list[_Row]) -> None:
    """Every overdue milestone of every unit, the longest overdue first: whom to call."""
    headers = [
        "本级序号", "本级任务", "报送单位", "下级任务", "牵头股室", "关键节点", "计划完成时间",
        "逾期天数", "进展情况", "存在问题和下一步工作计划",
    ]  # fmt: skip
    widths: list[float] = [5, 10, 10, 12, 8, 28, 12, 6, 36, 30]
    ws, top = book.sheet("逾期事项", headers, widths)
    late = sorted(
        (r for r in rows if r.light == Light.OVERDUE.value), key=lambda r: -(r.late_days or 0)
    )
    out = book.rows(ws)
    plain, center = book.fmt("cell"), book.fmt("cell", "center")
    red = book.fmt("cell", Light.OVERDUE)
    for n, r in enumerate(late, start=top):
        values = [
            r.no, r.task, r.unit, r.lower, r.office, r.milestone, r.due, r.late_days,
            book.clip(r.progress), book.clip(r.problems),
        ]  # fmt: skip
        formats = [
            center, plain, plain, plain, plain, red, book.fmt("cell", Light.OVERDUE, "date"),
            book.fmt("cell", Light.OVERDUE, "center", "bold"), plain, plain,
        ]  # fmt: skip
        height = max(
            text_height(v, w, SIZE) for v, w in zip(values, widths) if isinstance(v, str) and v
        )
        out.row(n, list(zip(range(len(values)), values, formats)), height)
    if not late:
        book.note(ws, top, "截至今日各单位没有逾期未完成的节点。", len(headers))
    ws.autofilter(top - 1, 0, max(top - 1 + len(late), top), len(headers) - 1)


def _milestones(book: Book, rows: list[_Row]) -> None:
    """汇总 as the county's: one block per unit's task, packed onto pages; where each row came
    from (单位路径, 任务链) and the date before an extension after the printed columns."""
    headers = [
        "本级序号", "本级任务", "报送单位", "下级任务", "牵头股室", "关键节点", "计划完成时间",
        "填报状态", "完成日期", "判定", "逾期天数", "进展情况", "存在问题和下一步工作计划",
        "单位路径", "任务链", "原计划完成时间",
    ]  # fmt: skip
    # 13 printed columns, 158 units: printed at 74 % (see milestones.WIDTHS)
    widths: list[float] = [5, 9, 9, 10, 7, 26, 12, 7, 12, 7, 5, 28, 21, 24, 30, 12]
    blocks: list[Block] = []
    for group in _blocks(rows):
        r = group[0]
        shared = [
            (0, r.no, KEY), (1, r.task, KEY), (2, r.unit, KEY), (3, r.lower, KEY),
            (4, r.office, KEY), (11, book.clip(r.progress), LONG),
            (12, book.clip(r.problems), LONG), (13, r.unit_path, LONG), (14, r.task_path, LONG),
        ]  # fmt: skip
        own: list[list[RowCell]] = []
        for x in group:
            lt = _light(x.light)
            tint = (lt,) if lt in book.fills else ()
            late_done = x.light == LATE_DONE
            own.append(
                [
                    (5, x.milestone, book.fmt("cell", *tint)),
                    (6, x.due, book.fmt("cell", *tint, "date")),
                    (7, x.status, book.fmt("cell", "center")),
                    (8, x.done_on, book.fmt("cell", "date")),
                    (9, x.light, book.verdict_format(lt, late_done)),
                    (10, x.late_days, book.fmt("cell", "center")),
                    (15, x.planned, book.fmt("cell", "date")),
                ]
            )
        blocks.append((shared, own))
    block_sheet(book, "汇总", headers, widths, blocks, printed=13)


def _blocks(rows: list[_Row]) -> list[list[_Row]]:
    groups: list[list[_Row]] = []
    for r in rows:
        if groups and groups[-1][0].block == r.block:
            groups[-1].append(r)
        else:
            groups.append([r])
    return groups


def _submissions(book: Book, result: RollupResult, cycle: Cycle) -> None:
    headers = ["单位", "报送情况", "文件", "收到时间", "下级判定日期"]
    widths: list[float] = [20, 24, 44, 20, 14]
    ws, top = book.sheet("报送情况", headers, widths)
    units = _units(result, cycle)
    for r, unit in enumerate(units, start=top):
        taken = result.units.get(unit)
        state = "已报送" if taken else result.refused.get(unit, "未报送")
        ws.write(r, 0, unit, book.fmt("cell"))
        ws.write(r, 1, state, book.fmt("cell", "center" if taken else "missing"))
        ws.write(r, 2, taken.file if taken else "", book.fmt("cell"))
        book.write_date(
            ws, r, 3, taken.received_at if taken else None, book.fmt("cell", "datetime")
        )
        judged = cells.to_date(taken.judged_on) if taken else None
        book.write_date(
            ws, r, 4, judged or (taken.judged_on if taken else None), book.fmt("cell", "date")
        )
        texts = (unit, state, taken.file if taken else "")
        ws.set_row(r, max(text_height(t, w, SIZE) for t, w in zip(texts, widths)))
    ws.autofilter(top - 1, 0, top - 1 + max(len(units), 1), len(headers) - 1)


def _findings(book: Book, findings: list[Finding]) -> None:
    headers = ["严重程度", "单位", "文件", "类别", "问题及处理办法", "代码"]
    widths: list[float] = [8, 14, 24, 12, 76, 18]
    ws, top = book.sheet("校验问题", headers, widths, printed=5)
    for r, f in enumerate(findings, start=top):
        kind = REGISTRY[f.code].name if f.code in REGISTRY else f.code  # in words, as 校验问题
        error = f.severity is Severity.ERROR
        ws.write(r, 0, f.severity.value, book.fmt("cell", "missing" if error else "late"))
        for c, v in enumerate((f.office, f.file, kind, f.message, f.code), start=1):
            ws.write(r, c, v, book.fmt("cell"))
        texts = (f.office, f.file, kind, f.message)
        ws.set_row(r, max(text_height(t or "", w, SIZE) for t, w in zip(texts, widths[1:])))
    if not findings:
        book.note(ws, top, "未发现问题。", 5)
    ws.print_area(0, 0, top + max(len(findings), 1) - 1, 4)  # 代码 not printed
    ws.autofilter(top - 1, 0, max(top - 1 + len(findings), top), len(headers) - 1)
