"""`yuebao rollup`: the summaries of the level below (counties) become the city's summary.

Each county's summary workbook carries a hidden 数据 sheet, one row per milestone with the county
task's 上级任务 (the city task it serves).  The roll-up collects those workbooks like returns
(archived, in the ledger; one left out when received after --as-of, as merge does), checks them
against the city's task list, and writes the city summary, keeping for every row the units and
tasks it came through (chain.py).  The city summary carries the same hidden sheet, so it rolls up
to the province in turn, and the province sees province task ← city task ← county task.
"""

from __future__ import annotations

import difflib
from dataclasses import astuple, dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .. import xlsx
from ..checks.rules import apply_rules
from ..codes import REGISTRY
from ..filenames import safe_name
from ..intake import values as cells
from ..intake.collect import collect
from ..intake.grids import Unreadable, load_sheets
from ..models import Finding, Light, Severity
from ..paper import text_height
from ..xlsx_rows import RowWriter
from .chain import UNMAPPED, encode, gap_below, links_of, task_path, unit_path
from .month import MonthSummary
from .verdicts import verdict
from .workbook import (
    DATA_HEADERS,
    DATA_SHEET,
    KEY,
    LATE_DONE,
    LONG,
    META_SHEET,
    SIZE,
    Book,
    as_number,
    data_sheet_name,
    write_data,
)

if TYPE_CHECKING:  # the roll-up is handed the loaded cycle; it never runs the cycle's steps
    from ..context import Cycle


@dataclass
class Received:
    """A lower unit's summary as taken: its file, when it came, the day it was judged on."""

    file: str
    received_at: datetime
    judged_on: str = ""  # the unit's own --as-of, when its summary says it


@dataclass
class RollupResult:
    path: Path
    as_of: date | None = None  # the day every verdict here is judged on
    units: dict[str, Received] = field(default_factory=dict)  # unit -> summary used
    refused: dict[str, str] = field(default_factory=dict)  # unit -> why its summary is not used
    rows: list[dict] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


def rollup(cycle: Cycle, month: str) -> RollupResult:
    config = cycle.config
    inbox = config.resolve(config.rollup.inbox, month)
    archive = cycle.folder("archive", month) / "下级汇总"
    ledger = cycle.ledger()
    try:
        collect(inbox, archive, ledger, f"{month}/rollup")
        received = ledger.returns(f"{month}/rollup")
    finally:
        ledger.close()
    name = f"下级单位汇总_{month}_{safe_name(config.bureau)}.xlsx"
    result = RollupResult(path=cycle.folder("summary", month) / name, as_of=cycle.as_of)
    findings = result.findings
    latest: dict[str, tuple[Received, list[dict]]] = {}
    for ret in received:
        if ret.archived_path is None:  # collect could not copy it: said, never silently dropped
            findings.append(
                Finding(
                    "collect_failed",
                    "该文件未能复制到存档，未能读取。请确认存档文件夹可写后重新运行",
                    file=ret.file_name,
                )
            )
            continue
        unit, meta, rows, problem = _read_summary(ret.archived_path, month)
        if problem:
            findings.append(Finding(problem[0], problem[1], office=unit, file=ret.file_name))
            continue
        if ret.received_at.date() > cycle.as_of:  # as merge does: what came later did not exist
            result.refused.setdefault(unit, f"{ret.received_at:%Y-%m-%d %H:%M}收到，未计入")
            findings.append(
                Finding(
                    "after_as_of",
                    f"{unit}的汇总表于{ret.received_at:%Y-%m-%d %H:%M}收到，晚于本次汇总所依据的"
                    f"日期{cycle.as_of:%Y-%m-%d}，未计入本次汇总",
                    Severity.WARNING,
                    office=unit,
                    file=ret.file_name,
                )
            )
            continue
        if config.rollup.units and unit not in config.rollup.units:
            result.refused[unit] = "不在应报单位名单中，未计入"
            findings.append(_unknown_unit(unit, ret.file_name, config.rollup.units))
            continue
        taken = Received(ret.file_name, ret.received_at, meta.get("as_of", ""))
        if unit in latest:
            older, newer = sorted((latest[unit][0], taken), key=lambda r: r.received_at)
            findings.append(
                Finding(
                    "superseded",
                    f"{unit}报送了多份汇总表，采用较新的“{newer.file}”",
                    Severity.WARNING,
                    office=unit,
                    file=older.file,
                )
            )
            if newer is not taken:
                continue
        latest[unit] = (taken, rows)
    result.units = {unit: taken for unit, (taken, _) in latest.items()}
    for unit in latest:
        result.refused.pop(unit, None)  # a summary in time counts, a later one is only said

    city = cycle.tasks.by_key()
    causes: dict[tuple[str, str], list] = {}  # one unmapped_task per task with the gap
    for unit, (taken, rows) in latest.items():
        for row in rows:
            links = links_of(row, unit)
            gap = gap_below(links)
            if gap or links[0].parent not in city:
                upper, lower = gap or (None, links[0])
                cause = causes.setdefault((lower.unit, lower.key), [upper, lower, taken.file, 0])
                cause[3] += 1
            row.update(单位=unit, _links=links, _file=taken.file)
            row["light"] = _judge(row, cycle.as_of, cycle.amber_days)
            result.rows.append(row)
    findings += [_unmapped(*cause, config.bureau) for cause in causes.values()]
    for unit in config.rollup.units:
        if unit not in latest:
            findings.append(
                Finding(
                    "not_returned",
                    f"截至{cycle.as_of.month}月{cycle.as_of.day}日未收到{unit}的{month}汇总表，请催报",
                    office=unit,
                )
            )
    reported = {r["_links"][0].parent for r in result.rows}
    for task in cycle.tasks.tasks:
        if task.key not in reported:
            findings.append(
                Finding(
                    "task_not_reported",
                    f"本级第{task.no}项任务“{task.name}”没有任何下级单位报送进展，"
                    "请核对下级任务清单的“上级任务”列",
                    Severity.WARNING,
                    task_key=task.key,
                )
            )
    order = {t.key: i for i, t in enumerate(cycle.tasks.tasks)}
    result.rows.sort(
        key=lambda r: (
            order.get(r["_links"][0].parent, len(order)),
            [astuple(link)[:2] for link in r["_links"]],
            cells.text(r.get("节点编码")),
        )
    )
    # past Excel's row limit 汇总 goes on in 汇总（2）…: the writer says so (rows_split)
    apply_rules(findings, config.rules)
    findings.sort(key=lambda f: f.severity is not Severity.ERROR)  # errors first, order kept
    result.path = xlsx.save_atomically(
        result.path,
        lambda wb: _write(wb, result, cycle, month),
        {"default_date_format": "yyyy-mm-dd", "constant_memory": True},
    )
    return result


def _columns(ws, widths: list[float]) -> None:
    """Column widths, and printed A4 landscape at the scale they fill the page with."""
    for i, width in enumerate(widths):
        ws.set_column(i, i, width)
    xlsx.print_setup(ws, 0, xlsx.fit_scale(widths))


def _unmapped(upper, lower, file: str, milestones: int, bureau: str) -> Finding:
    """The task whose 上级任务 names no task of the unit above, once, at the level with the gap."""
    above = f"{upper.unit}的任务" if upper else "本级任务清单中的任务"
    listed = f"，{upper.unit}汇总时已列出" if upper else ""
    return Finding(
        "unmapped_task",
        f"{lower.unit}的任务“{lower.name}”（{lower.key}）未对应{above}"
        f"（上级任务“{lower.parent or '未填'}”），其{milestones}行已列入{bureau}汇总末尾{listed}；"
        f"请{lower.unit}在其任务清单“上级任务”列填写{upper.unit if upper else bureau}的任务编码",
        Severity.WARNING,
        office=lower.unit,
        file=file,
        task_key=lower.key,
    )


def _unknown_unit(unit: str, file: str, units: list[str]) -> Finding:
    """A summary from a unit not expected (a misspelt name is the usual cause): not counted."""
    near = difflib.get_close_matches(unit, units, n=1, cutoff=0.5)
    return Finding(
        "unknown_unit",
        f"收到“{unit or '未写明单位'}”的汇总表，该单位不在本级配置 rollup.units 的应报单位中，"
        "未计入汇总"
        + (f"；是否为“{near[0]}”？" if near else "；")
        + "请核对该单位 config.yaml 的 bureau，或在本级 rollup.units 中加入它",
        office=unit,
        file=file,
    )


def _read_summary(path: Path, month: str):
    """(unit, meta, rows, problem): the hidden data of a lower level's summary workbook."""
    try:
        sheets, _ = load_sheets(path)
    except Unreadable as exc:
        return "", {}, [], (exc.code, exc.message)
    if DATA_SHEET not in sheets or META_SHEET not in sheets:
        return (
            "",
            {},
            [],
            (
                "not_a_summary",
                "该文件不是yuebao生成的汇总表（缺少隐藏的“数据”表），"
                "请下级单位用 yuebao merge 生成后报送",
            ),
        )
    meta = {cells.text(r[0]): cells.text(r[1]) for r in sheets[META_SHEET] if len(r) > 1}
    unit = meta.get("unit", "")
    if meta.get("month") != month:
        return (
            unit,
            meta,
            [],
            (
                "wrong_month",
                f"{unit or '该单位'}报送的是{meta.get('month') or '未知月份'}的汇总表，"
                f"本次汇总{month}，请报送本月的",
            ),
        )
    rows, part = [], 1
    while data_sheet_name(part) in sheets:  # 数据, then 数据（2）… past Excel's row limit
        grid = sheets[data_sheet_name(part)]
        heads = [cells.text(h) for h in grid[0]]
        rows += [dict(zip(heads, row)) for row in grid[1:] if any(cells.text(v) for v in row)]
        part += 1
    return unit, meta, rows, None


def _judge(row: dict, as_of: date, amber_days: int) -> str:
    """The verdict again, as of the upper level's day (a county may have merged earlier)."""
    due = cells.to_date(row.get("计划完成时间"))
    if due is None and not row.get("节点编码") and cells.text(row.get("填报状态")) != "已完成":
        return ""  # a task's own row, without milestones: nothing to judge
    return verdict(due, cells.text(row.get("填报状态")) == "已完成", as_of, amber_days).value


def _write(wb, result: RollupResult, cycle: Cycle, month: str) -> None:
    """The roll-up in the county summary's sheets (workbook.Book: titles, page set-up, colours,
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
    data = []
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

    no: object  # 本级序号 (a number when it is one)
    task: str  # 本级任务
    unit: str  # 报送单位
    lower: str  # 下级任务
    block: tuple  # (unit, lower task): one block of 汇总
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


def _shown(row: dict, city: dict, bureau: str, as_of: date) -> _Row:
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
UNIT_WIDTHS = [24, 30, 8, 8, 8, 9, 8, 8, 8]


def _overview(book: Book, result: RollupResult, cycle: Cycle, rows: list[_Row]) -> None:
    """One page: what came in, and per unit how its milestones stand (every unit named)."""
    units = _units(result, cycle)
    by_unit: dict[str, list[_Row]] = {}
    for r in rows:
        by_unit.setdefault(r.unit, []).append(r)
    late = sum(1 for r in rows if r.light == Light.OVERDUE.value)
    text = (
        f"截至{cycle.as_of.year}年{cycle.as_of.month}月{cycle.as_of.day}日，应报{len(units)}个单位，收到{len(result.units)}个单位的"
        f"汇总表，共{len(rows)}个关键节点，逾期未完成{late}个，逾期完成"
        f"{sum(1 for r in rows if r.light == LATE_DONE)}个。逾期的节点见“逾期事项”表，"
        "全部节点见“汇总”表，报送和校验问题见“报送情况”“校验问题”表。"
    )

    def paragraph(ws) -> None:
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
    widths = [5, 10, 10, 12, 8, 28, 12, 6, 36, 30]
    ws, top = book.sheet("逾期事项", headers, widths)
    late = sorted(
        (r for r in rows if r.light == Light.OVERDUE.value), key=lambda r: -(r.late_days or 0)
    )
    out = RowWriter(ws)
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
    widths = [5, 9, 9, 10, 7, 28, 12, 7, 12, 7, 5, 34, 24, 24, 30, 12]
    blocks = []
    for group in _blocks(rows):
        r = group[0]
        shared = [
            (0, r.no, KEY), (1, r.task, KEY), (2, r.unit, KEY), (3, r.lower, KEY),
            (4, r.office, KEY), (11, book.clip(r.progress), LONG),
            (12, book.clip(r.problems), LONG), (13, r.unit_path, LONG), (14, r.task_path, LONG),
        ]  # fmt: skip
        own = []
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
    book.block_sheet("汇总", headers, widths, blocks, printed=13)


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
    widths = [20, 24, 44, 20, 14]
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
    widths = [8, 14, 24, 12, 76, 18]
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


__all__ = ["rollup", "RollupResult", "DATA_HEADERS"]
