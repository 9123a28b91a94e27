"""`yuebao rollup`: the summaries of the level below (counties) become the city's summary.

Each county's summary workbook carries a hidden 数据 sheet, one row per milestone with the county
task's 上级任务 (the city task it serves).  The roll-up collects those workbooks like returns
(archived, in the ledger), checks them against the city's task list, and writes the city summary,
keeping for every row the county and office it came from.  The city summary carries the same
hidden sheet, so it rolls up to the province in turn.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from .. import xlsx
from ..checks.rules import apply_rules
from ..filenames import safe_name
from ..intake import values as cells
from ..intake.collect import collect
from ..intake.grids import Unreadable, load_sheets
from ..models import Finding, Severity
from ..wording import row_height
from .verdicts import verdict
from .workbook import (
    CELL,
    DATA_HEADERS,
    DATA_SHEET,
    FONT,
    FONT_COLOURS,
    HEAD,
    META_SHEET,
    data_sheet_name,
    write_data,
)

if TYPE_CHECKING:  # the roll-up is handed the loaded cycle; it never runs the cycle's steps
    from ..context import Cycle


@dataclass
class RollupResult:
    path: Path
    units: dict[str, str] = field(default_factory=dict)  # unit -> file used
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
    findings: list[Finding] = []
    latest: dict[str, tuple[datetime, str, list[dict]]] = {}
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
        unit, rows, problem = _read_summary(ret.archived_path, month)
        if problem:
            findings.append(Finding(problem[0], problem[1], file=ret.file_name))
            continue
        if unit in latest and latest[unit][0] > ret.received_at:
            continue
        if unit in latest:
            findings.append(
                Finding(
                    "superseded",
                    f"{unit}报送了多份汇总表，采用较新的“{ret.file_name}”",
                    Severity.WARNING,
                    office=unit,
                    file=latest[unit][1],
                )
            )
        latest[unit] = (ret.received_at, ret.file_name, rows)

    city = cycle.tasks.by_key()
    name = f"重点工作进展汇总_{month}_{safe_name(config.bureau)}.xlsx"
    result = RollupResult(
        path=cycle.folder("summary", month) / name,
        units={u: v[1] for u, v in latest.items()},
        findings=findings,
    )
    for unit, (_, file, rows) in latest.items():
        for row in rows:
            parent = row.get("上级任务", "")
            if parent not in city:
                findings.append(
                    Finding(
                        "unmapped_task",
                        f"{unit}的任务“{row.get('任务名称')}”（{row.get('任务编码')}）"
                        f"未对应本级任务清单中的任务（上级任务“{parent or '未填'}”），"
                        "已列入汇总末尾，"
                        "请在其任务清单“上级任务”列填写本级任务编码",
                        Severity.WARNING,
                        office=unit,
                        file=file,
                        task_key=row.get("任务编码", ""),
                    )
                )
            row["light"] = _judge(row, cycle.as_of, cycle.amber_days)
            result.rows.append(row)
    for unit in config.rollup.units:
        if unit not in latest:
            findings.append(
                Finding(
                    "not_returned",
                    f"截至{cycle.as_of.month}月{cycle.as_of.day}日未收到{unit}的{month}汇总表，请催报",
                    office=unit,
                )
            )
    reported = {r.get("上级任务") for r in result.rows}
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
            order.get(r.get("上级任务"), len(order)),
            r["单位"],
            r.get("任务编码", ""),
            r.get("节点编码", ""),
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
    result.path = xlsx.save_atomically(
        result.path,
        lambda wb: _write(wb, result, cycle, month),
        {"default_date_format": "yyyy-mm-dd", "constant_memory": True},
    )
    return result


def _parts(rows: int) -> int:
    """Sheets 汇总 takes: its rows start below the title and header (row 2)."""
    per_sheet = xlsx.MAX_ROWS - 2
    return max(1, -(-rows // per_sheet))


def _read_summary(path: Path, month: str):
    """(unit, rows, problem): the hidden data of a lower level's summary workbook."""
    try:
        sheets, _ = load_sheets(path)
    except Unreadable as exc:
        return "", [], (exc.code, exc.message)
    if DATA_SHEET not in sheets or META_SHEET not in sheets:
        return (
            "",
            [],
            (
                "not_a_summary",
                "该文件不是yuebao生成的汇总表（缺少隐藏的“数据”表），"
                "请下级单位用 yuebao merge 生成后报送",
            ),
        )
    meta = {cells.text(r[0]): cells.text(r[1]) for r in sheets[META_SHEET] if len(r) > 1}
    if meta.get("month") != month:
        return (
            "",
            [],
            (
                "wrong_month",
                f"这是{meta.get('month') or '未知月份'}的汇总表，本次汇总{month}，请报送本月的",
            ),
        )
    rows, part = [], 1
    while data_sheet_name(part) in sheets:  # 数据, then 数据（2）… past Excel's row limit
        grid = sheets[data_sheet_name(part)]
        heads = [cells.text(h) for h in grid[0]]
        rows += [dict(zip(heads, row)) for row in grid[1:] if any(cells.text(v) for v in row)]
        part += 1
    for row in rows:
        row.setdefault("单位", meta.get("unit", ""))
        row["单位"] = cells.text(row["单位"]) or meta.get("unit", "")
    return meta.get("unit", ""), rows, None


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
    verdict_fmt = {
        lt.value: wb.add_format(
            {**CELL, "bg_color": fill, "align": "center", "font_color": FONT_COLOURS[lt]}
        )
        for lt, fill in cycle.fills.items()
    }  # config's colours, as on the summary
    title = f"{cycle.config.bureau}重点工作推进情况汇总（{month}，下级单位汇总）"
    city = cycle.tasks.by_key()

    headers = [
        "本级序号",
        "本级任务",
        "报送单位",
        "牵头股室",
        "下级任务",
        "关键节点",
        "计划完成时间",
        "填报状态",
        "判定",
        "进展情况",
    ]
    widths = [6, 18, 12, 10, 18, 36, 11, 9, 7, 40]
    title_fmt = wb.add_format({"font_name": FONT, "font_size": 14, "bold": True})

    def sheet(name: str):
        ws = wb.add_worksheet(name)
        ws.merge_range(0, 0, 0, len(headers) - 1, title, title_fmt)
        for i, (h, w) in enumerate(zip(headers, widths)):
            ws.set_column(i, i, w)
            ws.write(1, i, h, head)
        xlsx.print_setup(ws, 1)
        return ws

    ws, part, r = sheet("汇总"), 1, 2
    for row in result.rows:
        if r >= xlsx.MAX_ROWS:  # Excel's row limit (rows_split, said before writing)
            ws.autofilter(1, 0, r - 1, len(headers) - 1)
            part, r = part + 1, 2
            ws = sheet(xlsx.split_name("汇总", part))
        task = city.get(row.get("上级任务"))
        due = cells.to_date(row.get("计划完成时间"))
        values = [
            task.no if task else "（未对应）",
            task.name if task else "",
            row["单位"],
            cells.text(row.get("牵头股室")),
            cells.text(row.get("任务名称")),
            cells.text(row.get("关键节点")),
            None,
            cells.text(row.get("填报状态")),
            row["light"],
            cells.text(row.get("进展情况")),
        ]
        for c, v in enumerate(values):
            if c == 6:
                ws.write_datetime(
                    r, c, datetime(due.year, due.month, due.day), date_fmt
                ) if due else ws.write(r, c, "", cell)
            else:
                ws.write(r, c, v, verdict_fmt.get(v, cell) if c == 8 else cell)
        ws.set_row(r, max(row_height(values[5], 36), row_height(values[9][:400], 40)))
        r += 1
    ws.autofilter(1, 0, max(r - 1, 2), len(headers) - 1)

    sub = wb.add_worksheet("报送情况")
    sub.write_row(0, 0, ["单位", "报送情况", "文件"], head)
    units = list(dict.fromkeys([*cycle.config.rollup.units, *result.units]))
    for r, unit in enumerate(units, start=1):
        sub.write_row(
            r,
            0,
            [unit, "已报送" if unit in result.units else "未报送", result.units.get(unit, "")],
            cell,
        )
    sub.set_column(0, 2, 24)

    problems = wb.add_worksheet("校验问题")
    problems.write_row(0, 0, ["严重程度", "单位", "文件", "问题及处理办法", "类别"], head)
    for r, f in enumerate(result.findings, start=1):
        problems.write_row(r, 0, [f.severity.value, f.office, f.file, f.message, f.code], cell)
    problems.set_column(0, 4, 16)
    problems.set_column(3, 3, 70)

    write_data(
        wb,
        cycle.config.bureau,
        month,
        [  # so the city's summary rolls up to the province
            [
                row["单位"],
                row.get("牵头股室"),
                row.get("任务编码"),
                (city[row["上级任务"]].parent if row.get("上级任务") in city else ""),
                row.get("序号"),
                row.get("任务名称"),
                row.get("节点编码"),
                row.get("关键节点"),
                cells.to_date(row.get("计划完成时间")),
                row.get("填报状态"),
                cells.to_date(row.get("完成日期")),
                row["light"],
                row.get("进展情况"),
                row.get("存在问题和下一步工作计划"),
            ]
            for row in result.rows
        ],
    )


__all__ = ["rollup", "RollupResult", "DATA_HEADERS"]
