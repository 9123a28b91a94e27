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
from ..models import Finding, Severity
from ..wording import row_height
from .chain import UNMAPPED, encode, gap_below, links_of, task_path, unit_path
from .verdicts import verdict
from .workbook import (
    CELL,
    DATA_HEADERS,
    DATA_SHEET,
    FONT,
    FONT_COLOURS,
    HEAD,
    META_SHEET,
    SIZE,
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
    for part in range(2, _parts(len(result.rows)) + 1):  # Excel's row limit: said before writing
        findings.append(
            Finding(
                "rows_split",
                f"汇总超过Excel单表{xlsx.MAX_ROWS}行的上限，"
                f"续在“{xlsx.split_name('汇总', part)}”表",
                Severity.WARNING,
            )
        )
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


def _parts(rows: int) -> int:
    """Sheets 汇总 takes: its rows start below the title and header (row 2)."""
    per_sheet = xlsx.MAX_ROWS - 2
    return max(1, -(-rows // per_sheet))


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
    """Every sheet top to bottom (constant memory, as for the summary)."""
    head = wb.add_format(HEAD)
    cell = wb.add_format(CELL)
    date_fmt = wb.add_format({**CELL, "num_format": "yyyy-mm-dd", "align": "center"})
    when_fmt = wb.add_format({**CELL, "num_format": "yyyy-mm-dd hh:mm", "align": "center"})
    verdict_fmt = {
        lt.value: wb.add_format(
            {**CELL, "bg_color": fill, "align": "center", "font_color": FONT_COLOURS[lt]}
        )
        for lt, fill in cycle.fills.items()
    }  # config's colours, as on the summary
    bureau = cycle.config.bureau
    title = (
        f"{bureau}重点工作推进情况汇总（{month}，下级单位汇总；"
        f"判定截至{cycle.as_of:%Y-%m-%d}）"  # the day every verdict below is judged on
    )
    city = cycle.tasks.by_key()

    columns = [  # (header, width); 任务链 and 单位路径: where each row came from, top first
        ("本级序号", 5),  # the widths fill A4 landscape at 75%: no text under 8 points printed
        ("本级任务", 13),
        ("报送单位", 10),
        ("单位路径", 15),
        ("任务链", 21),
        ("牵头股室", 8),
        ("下级任务", 13),
        ("关键节点", 28),
        ("计划完成时间", 12),
        ("原计划完成时间", 12),
        ("填报状态", 7),
        ("判定", 6),
        ("进展情况", 26),
    ]
    widths = [w for _, w in columns]
    dates, verdict_col = (8, 9), 11
    title_fmt = wb.add_format({"font_name": FONT, "font_size": 14, "bold": True})

    def sheet(name: str):
        ws = wb.add_worksheet(name)
        ws.merge_range(0, 0, 0, len(columns) - 1, title, title_fmt)
        for i, (h, w) in enumerate(columns):
            ws.set_column(i, i, w)
            ws.write(1, i, h, head)
        ws.set_row(1, max(row_height(h, w, size=SIZE) for h, w in columns))
        xlsx.print_setup(ws, 1, xlsx.fit_scale(widths))
        ws.set_footer("&C&11第 &P 页，共 &N 页")
        return ws

    ws, part, r = sheet("汇总"), 1, 2
    for row in result.rows:
        if r >= xlsx.MAX_ROWS:  # Excel's row limit (rows_split, said before writing)
            ws.autofilter(1, 0, r - 1, len(columns) - 1)
            part, r = part + 1, 2
            ws = sheet(xlsx.split_name("汇总", part))
        links = row["_links"]
        task = city.get(links[0].parent)
        values = [
            task.no if task else UNMAPPED,
            task.name if task else "",
            row["单位"],
            unit_path(bureau, links),
            task_path(f"{task.key} {task.name}" if task else "", links),
            links[-1].office,
            links[0].name,
            cells.text(row.get("关键节点")),
            cells.to_date(row.get("计划完成时间")),
            cells.to_date(row.get("原计划完成时间")),
            cells.text(row.get("填报状态")),
            row["light"],
            cells.text(row.get("进展情况")),
        ]
        for c, v in enumerate(values):
            if c in dates and v:
                ws.write_datetime(r, c, datetime(v.year, v.month, v.day), date_fmt)
            else:
                ws.write(r, c, v or "", verdict_fmt.get(v, cell) if c == verdict_col else cell)
        texts = (v if isinstance(v, str) else "" for v in values)
        ws.set_row(r, max(row_height(t[:400], w, size=SIZE) for t, w in zip(texts, widths)))
        r += 1
    ws.autofilter(1, 0, max(r - 1, 2), len(columns) - 1)

    sub = wb.add_worksheet("报送情况")
    sub.write_row(0, 0, ["单位", "报送情况", "文件", "收到时间", "下级判定日期"], head)
    units = list(dict.fromkeys([*cycle.config.rollup.units, *result.units, *result.refused]))
    for r, unit in enumerate(units, start=1):
        taken = result.units.get(unit)
        state = "已报送" if taken else result.refused.get(unit, "未报送")
        sub.write_row(r, 0, [unit, state, taken.file if taken else ""], cell)
        if taken:
            sub.write_datetime(r, 3, taken.received_at, when_fmt)
        else:
            sub.write(r, 3, "", cell)
        sub.write(r, 4, taken.judged_on if taken else "", cell)
    _columns(sub, [16, 24, 24, 16, 16])

    problems = wb.add_worksheet("校验问题")
    problems.write_row(0, 0, ["严重程度", "单位", "文件", "问题及处理办法", "类别", "代码"], head)
    for r, f in enumerate(result.findings, start=1):
        kind = REGISTRY[f.code].name if f.code in REGISTRY else f.code  # in words, as 校验问题
        row = [f.severity.value, f.office, f.file, f.message, kind, f.code]
        problems.write_row(r, 0, row, cell)
    _columns(problems, [16, 16, 16, 70, 16, 16])

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


__all__ = ["rollup", "RollupResult", "DATA_HEADERS"]
