"""`yuebao rollup`: the summaries of the level below (counties) become the city's summary.

Each county's summary workbook carries a hidden 数据 sheet, one row per milestone with the county
task's 上级任务 (the city task it serves).  The roll-up collects those workbooks like returns
(archived, in the ledger; one left out when received after --as-of, as merge does), checks them
against the city's task list, and writes the city summary, keeping for every row the units and
tasks it came through (chain.py).  The city summary carries the same hidden sheet, so it rolls up
to the province in turn, and the province sees province task ← city task ← county task.

This module collects, reads and judges; sheets/rollup.py writes the roll-up's workbook.
"""

from __future__ import annotations

import difflib
from collections.abc import Sequence
from dataclasses import astuple
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import xlsx
from ..checks.rules import apply_rules
from ..filenames import safe_name
from ..intake import values as cells
from ..intake.collect import collect
from ..intake.grids import Unreadable, load_sheets
from ..models import Finding, Severity
from .chain import Link, gap_below, links_of
from .rollup_result import Received, RollupResult
from .sheets.data import DATA_HEADERS, DATA_SHEET, META_SHEET, data_sheet_name
from .sheets.rollup import write_rollup
from .verdicts import verdict

if TYPE_CHECKING:  # the roll-up is handed the loaded cycle; it never runs the cycle's steps
    from ..context import Cycle


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
    causes: dict[tuple[str, str], list[Any]] = {}  # one unmapped_task per task with the gap
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
    findings += [
        _unmapped(upper, lower, file, n, config.bureau) for upper, lower, file, n in causes.values()
    ]
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
        lambda wb: write_rollup(wb, result, cycle, month),
        {"default_date_format": "yyyy-mm-dd", "constant_memory": True},
    )
    return result


def _unmapped(upper: Link | None, lower: Link, file: str, milestones: int, bureau: str) -> Finding:
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


def _unknown_unit(unit: str, file: str, units: Sequence[str]) -> Finding:
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


def _read_summary(
    path: Path, month: str
) -> tuple[str, dict[str, str], list[dict[str, Any]], tuple[str, str] | None]:
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


__all__ = ["rollup", "Received", "RollupResult", "DATA_HEADERS"]
