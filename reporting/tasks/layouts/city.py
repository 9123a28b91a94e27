"""市局式 (one row per milestone): 序号 / 工作任务 / 节点计划 / 完成时间, with 序号 and 工作任务
merged down; a later table may add a leading column (民生实事 / 序号 / 工作事项 / 节点计划 /
完成时间): its category is the task's 备注, its 序号 stays the number printed (from 1 again).
Told by its 节点计划 and 任务名称 headers.
"""

from __future__ import annotations

import re
from pathlib import Path

from ...models import Finding, Severity, TaskList
from ..doubts import numbering_problem, task_ref
from ..import_drafts import (
    Draft,
    Drafts,
    add_offices,
    date_lead_in,
    finish,
    take_lead,
)
from ..import_sources import TextGrid
from ..import_text import (
    NUMBER,
    cell_at,
    columns,
    header_names,
    is_title,
    paragraphs,
    plain_text,
    table_title,
    unspace,
    year_of,
)
from ..milestones import read_due
from .base import Layout


def read_city(grid: TextGrid, header_at: int, src: Path, year: int | None) -> TaskList:
    """Rows per milestone; every header row (tables may differ) re-maps the columns."""
    title = table_title(grid[:header_at]) or src.stem
    year = year or year_of(title, src)
    drafts = Drafts(src)
    findings: list[Finding] = []
    col: dict[str, int] = {}
    category: int | None = None  # a leading column the header does not name: 民生实事
    prefix = ""
    numbered: dict[str, list[int]] = {}
    for row in grid[header_at:]:
        heads = header_names(row)
        if "节点计划" in heads:
            col = columns(row)
            first = next((i for i, c in enumerate(row) if plain_text(c)), 0)
            category = None if heads[first] else first
            prefix = plain_text(row[first]) if category is not None else ""
            continue
        if is_title(row, col["节点计划"]):
            continue
        if category is not None and plain_text(cell_at(row, {"c": category}, "c")):
            prefix = plain_text(row[category])  # merged down, or on a group's first row only
        no = plain_text(cell_at(row, col, "序号"))
        name = unspace(plain_text(cell_at(row, col, "任务名称")))
        node = paragraphs(cell_at(row, col, "节点计划"))
        when = plain_text(cell_at(row, col, "完成时间"))
        d: Draft | None
        if NUMBER.match(no):  # the 序号 as printed: the category is the task's 备注, never glued
            d = drafts.take(no, name, findings, section=prefix)
            d.section = prefix
            take_lead(
                d, cell_at(row, col, "牵头单位") or cell_at(row, col, "责任单位"), findings, src
            )
            add_offices(d, cell_at(row, col, "责任单位"), findings, src)
        else:
            d = drafts.last
        if d is None or not node:
            continue
        if m := re.match(r"^[（(](\d+)[)）]\s*", node):
            numbered.setdefault(d.key, []).append(int(m.group(1)))
            node = node[m.end() :]
        if any(node == text for text, _ in d.items):
            continue  # the same node row again (merged cells of a pasted table)
        if dues := read_due(when, year):
            d.items.append((node, date_lead_in(dues, year, when)))
        else:  # undated: kept as it is, and listed by finish
            d.items.append((node, date_lead_in(read_due(node, year), year)))
    tasks = []
    for d in drafts.all:
        problem = numbering_problem(numbered.get(d.key, []))
        if problem:
            findings.append(
                Finding(
                    "numbering_gap",
                    f"{f'“{d.section}”' if d.section else ''}{task_ref(d.no)}任务的节点{problem}"
                    "，请核对原文",
                    Severity.WARNING,
                    file=src.name,
                    task_key=d.key,
                )
            )
        tasks.append(d.as_task(d.name))
    return finish(title, year, tasks, src, findings)


LAYOUT = Layout("市局式", frozenset({"节点计划", "任务名称"}), read_city)
