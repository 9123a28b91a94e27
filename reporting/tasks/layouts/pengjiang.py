"""蓬江式 (三年行动计划工作清单): 任务 (section, merged down) / 序号 / 重点工作内容 / 年度任务
2021年 2022年 2023年 / 牵头单位 / 责任单位.

Each numbered item of a yearly cell is a milestone due at that year's end unless its text names an
earlier date; `year` keeps one year's column.  Told by its 重点工作内容 and 牵头单位 headers.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from ...errors import YuebaoError
from ...models import Finding, Severity, TaskList
from ..doubts import numbering_problem, task_ref
from ..import_drafts import (
    Drafts,
    add_offices,
    date_lead_in,
    finish,
    numbered_items,
    take_lead,
)
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
    year_of,
)
from ..milestones import read_due
from .base import Layout

_YEAR_HEAD = re.compile(r"^(20\d\d)年?$")


def read_pengjiang(grid: TextGrid, header_at: int, src: Path, year: int | None) -> TaskList:
    """A task per 序号; the years' columns under the header, each numbered item a milestone."""
    col = columns(grid[header_at])
    years_row = grid[header_at + 1] if header_at + 1 < len(grid) else []
    year_cols = {
        int(m.group(1)): i
        for i, c in enumerate(years_row)
        if (m := _YEAR_HEAD.match(plain_text(c)))
    }
    title = table_title(grid[:header_at]) or src.stem
    findings: list[Finding] = []
    if year and year_cols and year not in year_cols:
        listed = "、".join(map(str, sorted(year_cols)))
        raise YuebaoError(
            f"“{src.name}”中没有{year}年度的任务（有：{listed}年），请检查 --year",
            f"no column for {year} (has {listed})",
        )
    kept = [year] if year and year_cols else sorted(year_cols)
    if not year and len(year_cols) > 1:
        findings.append(
            Finding(
                "multi_year",
                f"清单含{'、'.join(map(str, kept))}年共{len(kept)}个年度的任务，"
                "已全部导入，每张进展表都会列出各年度的节点；按年度报送请加 --year"
                f"（如 --year {kept[1]}）只导入当年",
                Severity.WARNING,
                file=src.name,
            )
        )
    year = year or (min(year_cols) if year_cols else year_of(title, src))
    drafts = Drafts(src)
    content_from = min([*year_cols.values(), col["重点工作内容"]])
    for row in grid[header_at + 1 :]:
        plain = [plain_text(c) for c in row]
        if is_header_again(row) or any(_YEAR_HEAD.match(h) for h in plain if h):
            continue
        if is_title(row, content_from):
            continue
        no = plain_text(cell_at(row, col, "序号"))
        texts = {y: paragraphs(cell_at(row, {"y": i}, "y")) for y, i in year_cols.items()}
        if NUMBER.match(no):
            d = drafts.take(
                no, paragraphs(cell_at(row, col, "重点工作内容")).split("\n")[0][:60], findings
            )
            if not d.content:
                d.content = paragraphs(cell_at(row, col, "重点工作内容"))
                d.section = plain_text(cell_at(row, col, "任务")) or drafts.previous_section()
                take_lead(d, cell_at(row, col, "牵头单位"), findings, src)  # joint: the first leads
            add_offices(d, cell_at(row, col, "责任单位"), findings, src)
            for y, t in texts.items():  # one task on several rows (a Word paste): its paragraphs
                if t and t not in d.years.get(y, ""):
                    d.years[y] = f"{d.years[y]}\n{t}" if d.years.get(y) else t
        elif drafts.last and any(texts.values()):  # the table went on to the next page mid-cell
            for y, t in texts.items():
                if t:
                    drafts.last.years[y] = drafts.last.years.get(y, "") + t
    tasks = []
    for d in drafts.all:
        for y in kept:
            items = numbered_items(d.years.get(y, ""))
            problem = numbering_problem([n for n, _ in items if n is not None])
            if problem:
                findings.append(
                    Finding(
                        "numbering_gap",
                        f"{task_ref(d.no)}任务{y}年度任务的{problem}，与条数"
                        f"（{len(items)}条）不符，请核对原文是否漏了一条或两条连在了一起",
                        Severity.WARNING,
                        file=src.name,
                        task_key=d.key,
                    )
                )
            for _, item in items:  # due at that year's end unless the item names its date
                dues = read_due(item, y) or [(date(y, 12, 31), f"{y}年度任务")]
                d.items.append((item, date_lead_in(dues, y)))
        tasks.append(d.as_task(d.content))
    return finish(title, year, tasks, src, findings)


LAYOUT = Layout("蓬江式", frozenset({"重点工作内容", "牵头单位"}), read_pengjiang)
