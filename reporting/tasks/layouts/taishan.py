"""台山式 (重点工作任务一览表): 序号 / 任务名称 / 主要内容和关键时间节点计划 / 责任股室 / 备注.

Milestones "一是…" stand inside the content; the lead office is the underlined one in 责任股室
(else the first, with a finding).  Told by its 任务名称 and 主要内容 headers.
"""

from __future__ import annotations

import re
from pathlib import Path

from ...models import Finding, Severity, Task, TaskList
from ..doubts import task_ref
from ..import_drafts import Drafts, add_offices, finish, take_lead
from ..import_sources import TextGrid
from ..import_text import (
    NUMBER,
    cell_at,
    columns,
    is_header_again,
    is_title,
    paragraphs,
    plain_text,
    table_title,
    unspace,
    year_of,
)
from .base import Layout


def read_taishan(grid: TextGrid, header_at: int, src: Path, year: int | None) -> TaskList:
    """A task per 序号; its content, offices and remarks gathered over the rows it spans."""
    col = columns(grid[header_at])
    title = table_title(grid[:header_at]) or src.stem
    year = year or year_of(title, src)
    drafts = Drafts(src)
    findings: list[Finding] = []
    for row in grid[header_at + 1 :]:
        if is_header_again(row) or is_title(row, col["主要内容"]):
            continue
        no = plain_text(cell_at(row, col, "序号"))
        name = unspace(plain_text(cell_at(row, col, "任务名称")))
        content = paragraphs(cell_at(row, col, "主要内容"))
        offices_cell = cell_at(row, col, "责任单位")
        underlined = [unspace(plain_text(u)) for u in re.findall(r"<u>(.*?)</u>", offices_cell)]
        d = drafts.take(no, name, findings) if NUMBER.match(no) else drafts.last
        if d is None:
            continue
        lead_cell = cell_at(row, col, "牵头单位") or (underlined[0] if underlined else "")
        take_lead(d, lead_cell, findings, src)
        if content and content not in d.content:
            d.content = f"{d.content}\n{content}" if d.content else content
        add_offices(d, offices_cell, findings, src)
        remarks = paragraphs(re.sub(r"</?u>", "", cell_at(row, col, "备注")))
        if remarks and remarks not in d.remarks:
            d.remarks = f"{d.remarks}\n{remarks}" if d.remarks else remarks
    tasks = []
    for d in drafts.all:
        lead = d.lead or (d.offices or [""])[0]
        if not d.lead and len(d.offices) > 1:  # no underline (or an .xls, which keeps none)
            findings.append(
                Finding(
                    "lead_assumed",
                    f"{task_ref(d.no)}任务的责任股室中没有标出牵头股室（下划线），"
                    f"按第一个“{lead}”作为牵头股室，请核对",
                    Severity.WARNING,
                    file=src.name,
                    task_key=d.key,
                )
            )
        offices = tuple(dict.fromkeys(o for o in (lead, *d.offices) if o))  # the lead first
        tasks.append(
            Task(
                key=d.key,
                no=d.no,
                name=d.name,
                content=d.content,
                overview="",
                offices=offices,
                lead=lead,
                remarks=d.remarks,
            )
        )
    return finish(title, year, tasks, src, findings)


LAYOUT = Layout("台山式", frozenset({"任务名称", "主要内容"}), read_taishan)
