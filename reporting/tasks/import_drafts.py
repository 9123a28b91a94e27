"""The tasks of an imported table while their rows are gathered, and how they become yuebao's task
list: offices and lead taken from cells, numbered items split, each milestone's date spelled out
at its start so that the normal task-list reader finds exactly the dates the importer found, and
every milestone that cannot be dated listed as a finding (see tasks/doubts.py).

Shared by every layout in tasks/layouts/: a layout says where a row's cells are; what a task is
made of is decided here once.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..models import Finding, Severity, Task, TaskList
from .doubts import looks_like_date, task_ref
from .import_text import offices_text
from .milestones import normalise, parse_milestones
from .tasklist import split_offices

_ITEM = re.compile(r"(?:^|(?<=[\s。；;]))(\d{1,2})[.、．]")


@dataclass
class Draft:
    """A task while its rows are being gathered."""

    no: str
    key: str
    name: str = ""
    content: str = ""
    offices: list[str] = field(default_factory=list)
    lead: str = ""
    remarks: str = ""
    section: str = ""
    items: list[tuple[str, str]] = field(default_factory=list)  # (text, its date as rendered)
    years: dict[int, str] = field(default_factory=dict)

    def as_task(self, overview: str) -> Task:
        """The task of a layout whose milestones are numbered items under `overview`."""
        return Task(
            key=self.key,
            no=self.no,
            name=self.name,
            content=render_content(overview, self.items),
            overview=overview,
            offices=tuple(self.offices),
            lead=self.lead,
            remarks=self.section,
        )


class Drafts:
    """The tasks so far, by 序号 within their category (a table of 民生实事 numbers from 1 again):
    a 序号 seen again with the same (or no) name is the same task."""

    def __init__(self, src: Path):
        self.src = src
        self.all: list[Draft] = []
        self.by_no: dict[tuple[str, str], Draft] = {}
        self.last: Draft | None = None

    def take(self, no: str, name: str, findings: list[Finding], section: str = "") -> Draft:
        same = self.by_no.get((section, no))
        if same and (not name or normalise(name) == normalise(same.name)):
            self.last = same
            return same
        key = f"T{int(no):02d}" if no.isdigit() else f"T{len(self.all) + 1:02d}"
        taken = {d.key for d in self.all}
        for n in range(2, len(self.all) + 3):  # unique, also beside another table's numbers
            if key not in taken:
                break
            key = f"{key.split('-')[0]}-{n}"
        if same:
            findings.append(
                Finding(
                    "duplicate_no",
                    f"{f'“{section}”中' if section else ''}序号{no}出现了两次，任务名称不同"
                    f"（“{same.name}”和“{name}”），"
                    f"已分别导入（任务编码{same.key}、{key}），请核对序号",
                    Severity.WARNING,
                    file=self.src.name,
                    task_key=key,
                )
            )
        d = Draft(no=no, key=key, name=name)
        self.all.append(d)
        self.by_no.setdefault((section, no), d)
        self.last = d
        return d

    def previous_section(self) -> str:
        return self.all[-2].section if len(self.all) > 1 else ""


def take_lead(d: Draft, cell: str, findings: list[Finding], src: Path) -> None:
    """The first office of a lead cell leads (unless the task has its lead); the others join."""
    before = len(d.offices)
    add_offices(d, cell, findings, src)
    if not d.lead and len(d.offices) > before:
        d.lead = d.offices[before]


def add_offices(d: Draft, cell: str, findings: list[Finding], src: Path) -> None:
    """Offices of a cell, in order, once each; a date there is a finding, never an office."""
    for office in split_offices(offices_text(cell)):
        if looks_like_date(office):
            findings.append(
                Finding(
                    "date_in_office",
                    f"{task_ref(d.no)}任务的单位列中是“{office}”，"
                    "这是日期而不是单位，未作为责任单位，请核对该表的列",
                    Severity.WARNING,
                    file=src.name,
                    task_key=d.key,
                )
            )
        elif office not in d.offices:
            d.offices.append(office)


def numbered_items(text: str) -> list[tuple[int | None, str]]:
    """Numbered items "1.… 2.…" of a yearly cell as (number, text); unnumbered text is one item.

    A number followed by a digit is an item only when it is the next one and a month follows
    ("3.…首要内容。 4.9月组织…": item 4, due in September), never a decimal ("提升工程2.0").
    """
    flat = text.replace("\n", " ").strip()
    starts, expected = [], 1
    for m in _ITEM.finditer(flat):
        n, after = int(m.group(1)), flat[m.end() :]
        if not after[:1].isdigit() or (n == expected and re.match(r"\d{1,2}月", after)):
            starts.append((m.start(), m.end(), n))
            expected = n + 1
    if not starts:
        return [(None, flat)] if flat else []
    items: list[tuple[int | None, str]] = (
        [(None, flat[: starts[0][0]].strip())] if flat[: starts[0][0]].strip() else []
    )
    for (_, body, n), nxt in zip(starts, starts[1:] + [(len(flat), 0, 0)]):
        items.append((n, flat[body : nxt[0]].strip()))
    return items


def date_lead_in(dues: list, year: int = 0, when: str = "") -> str:
    """What an item's rendered line opens with, so that the task-list reader finds the dates the
    importer found: "2021年12月31日前：" for one date; for a recurring one (每季度, 每月20日前)
    the year it recurs in, and the 完成时间 it came from ("2021年每季度：…"); "" for none."""
    dates = [due for due, _ in dues]
    if len(dates) > 1:
        return f"{year}年{when}：" if when else f"{year}年"
    return f"{dates[0].year}年{dates[0].month}月{dates[0].day}日前：" if dates else ""


def render_content(overview: str, items: list[tuple[str, str]]) -> str:
    """Content in yuebao's layout: overview, then "(n) <date>前：<item>" (read back the same)."""
    lines = [overview, "关键节点："] if overview else ["关键节点："]
    for i, (text, lead_in) in enumerate(items, start=1):
        lines.append(f"({i}) {lead_in}{text}")
    return "\n".join(lines)


def finish(
    title: str, year: int, tasks: list[Task], src: Path, findings: list[Finding]
) -> TaskList:
    """Attach milestones as the normal reader will see them, and list what could not be dated."""
    done = []
    for t in tasks:
        overview, milestones = parse_milestones(t.key, t.content, year)
        done.append(
            Task(
                **{
                    **t.__dict__,
                    "overview": overview or t.overview,
                    "milestones": tuple(milestones),
                }
            )
        )
        for m in milestones:
            if m.due is None:
                findings.append(
                    Finding(
                        "undated_milestone",
                        f"{task_ref(t.no)}任务的节点“{m.text}”读不出完成时间，已保留，请补写时间",
                        Severity.WARNING,
                        file=src.name,
                        task_key=t.key,
                    )
                )
    return TaskList(title=title, year=year, tasks=done, path=src, findings=findings)
