"""`yuebao tasks import`: task lists as bureaus write them, turned into yuebao's layout.

Three real layouts are recognised from their header row, in xlsx or as the tab-separated text a
PDF or Word table pastes as (cells as `<p>…</p>` paragraphs, `<u>…</u>` for underlined text):

- **Taishan** (重点工作任务一览表): 序号 / 任务名称 / 主要内容和关键时间节点计划 / 责任股室 / 备注; milestones
  "一是…" inside the content; the lead office is the underlined one in 责任股室 (else the first).
- **Pengjiang** (三年行动计划工作清单): 任务 (section, merged down) / 序号 / 重点工作内容 / 年度任务
  2021年 2022年 2023年 / 牵头单位 / 责任单位; each numbered item of a yearly cell is a milestone due at
  that year's end unless its text names an earlier date.
- **City** (one row per milestone): 序号 / 工作任务 / 节点计划 / 完成时间, with 序号 and 工作任务 merged
  down; a second table may add a leading column (民生实事 / 序号 / 工作事项 / 节点计划 / 完成时间).

Rows whose 序号 is empty continue the task above (tables split across pages).  The result is
written with each milestone's date spelled out at its start ("(1) 2021年12月31日前：…"), so the
normal task-list reader finds exactly the dates the importer found.  Undated milestones are kept
and listed, never guessed.
"""
from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import openpyxl
from openpyxl.cell.rich_text import CellRichText

from . import cells
from .errors import YuebaoError
from .milestones import UNDATED_NOTE, normalise, read_due
from .models import Finding, Severity, Task, TaskList
from .sheets import decode
from .tasklist import split_offices

_NUMBER = re.compile(r"^\d+$")
_ITEM = re.compile(r"(?:(?<=^)|(?<=\s)|(?<=。)|(?<=；))(?=\d{1,2}[.、．](?!\d))")
_YEAR_HEAD = re.compile(r"^(20\d\d)年?$")


@dataclass
class _Draft:
    """A task while its rows are being gathered."""

    no: str
    name: str = ""
    content: str = ""
    offices_text: str = ""
    lead: str = ""
    remarks: str = ""
    section: str = ""
    items: list[tuple[str, date | None, str]] = field(default_factory=list)  # (text, due, note)
    years: dict[int, str] = field(default_factory=dict)


def import_task_list(src: str | Path, year: int | None = None) -> TaskList:
    src = Path(src)
    if not src.is_file():
        raise YuebaoError(f"找不到要导入的任务清单：{src}", f"task list not found: {src}")
    grids = _xlsx_grids(src) if src.suffix.lower() in (".xlsx", ".xlsm") else [_text_grid(src)]
    for grid in grids:
        for i, row in enumerate(grid):  # a pasted notice has pages of text before its table
            heads = [_plain(c) for c in row]
            if "重点工作内容" in heads and "牵头单位" in heads:
                return _pengjiang(grid, i, src, year)
            if "节点计划" in heads and ("工作任务" in heads or "工作事项" in heads):
                return _city(grid, src, year)
            if "任务名称" in heads and "主要内容和关键时间节点计划" in heads:
                return _taishan(grid, i, src, year)
    raise YuebaoError(f"无法识别“{src.name}”的表格格式：找不到台山式（任务名称/主要内容和关键时间节点计划）、蓬江式"
                      "（重点工作内容/年度任务/牵头单位）或市局式（工作任务/节点计划/完成时间）表头",
                      f"unknown task list layout: {src.name}")


# -- reading sources into grids of text (underline kept as <u>…</u>) ------------------------------
def _xlsx_grids(path: Path) -> list[list[list[str]]]:
    try:
        wb = openpyxl.load_workbook(path, rich_text=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise YuebaoError(f"任务清单无法打开：{path.name}，请用Excel另存为.xlsx后重试", f"unreadable: {exc}") from exc
    grids = []
    for ws in wb.worksheets:
        grid = [[_cell_markup(c) for c in row] for row in ws.iter_rows()]
        for rng in ws.merged_cells.ranges:  # a merged cell's value belongs to every row it spans
            value = grid[rng.min_row - 1][rng.min_col - 1]
            for r in range(rng.min_row, rng.max_row + 1):
                for c in range(rng.min_col, rng.max_col + 1):
                    grid[r - 1][c - 1] = value
        grids.append(grid)
    return grids


def _cell_markup(cell) -> str:
    value = cell.value
    if isinstance(value, CellRichText):
        parts = []
        for run in value:
            text = getattr(run, "text", run)
            font = getattr(run, "font", None)
            parts.append(f"<u>{text}</u>" if font is not None and font.u else str(text))
        return "".join(parts)
    text = cells.text(value)
    if text and cell.font is not None and cell.font.u:
        return f"<u>{text}</u>"
    return text


def _text_grid(path: Path) -> list[list[str]]:
    text = decode(path.read_bytes())
    if text is None:
        raise YuebaoError(f"无法识别“{path.name}”的文字编码", f"cannot decode {path.name}")
    return [line.split("\t") for line in text.splitlines()]


def _paragraphs(cell: str) -> str:
    """`<p>a</p> <p>b</p>` or multi-line text -> lines, PDF spaces inside Chinese removed."""
    found = re.findall(r"<p>(.*?)</p>", cell, flags=re.S)
    lines = found or cell.split("\n")
    return "\n".join(x for x in (_unspace(ln) for ln in lines) if x)


def _unspace(text: str) -> str:
    cjk = r"[\u3000-\u9fff\uff00-\uffef“”（）《》、，。：；]"
    text = re.sub(rf"(?<={cjk})\s+|\s+(?={cjk})", "", text.strip())
    return re.sub(r"(?<=\d)\s+(?=[月日年亩个所名%])|(?<=[年月])\s+(?=\d)", "", text)


def _plain(cell: str) -> str:
    return re.sub(r"\s+", "", re.sub(r"</?[pu]>", "", cell or ""))


def _row(row: list[str], i: int | None) -> str:
    return row[i] if i is not None and i < len(row) else ""


# -- layouts ----------------------------------------------------------------------------------------
def _taishan(grid, header_at, src, year) -> TaskList:
    heads = [_plain(c) for c in grid[header_at]]
    col = {h: heads.index(h) for h in ("序号", "任务名称", "主要内容和关键时间节点计划", "责任股室", "备注") if h in heads}
    title = _title(grid[:header_at]) or src.stem
    year = year or _year_of(title, src)
    drafts: list[_Draft] = []
    for row in grid[header_at + 1:]:
        no = _plain(_row(row, col.get("序号")))
        if _plain(_row(row, col.get("任务名称"))) == "任务名称":
            continue  # the header repeated on every page
        content = _paragraphs(_row(row, col.get("主要内容和关键时间节点计划")))
        if _NUMBER.match(no):
            offices = _row(row, col.get("责任股室"))
            lead = re.findall(r"<u>(.*?)</u>", offices)
            drafts.append(_Draft(no=no, name=_unspace(_plain(_row(row, col.get("任务名称")))), content=content,
                                 offices_text=_offices_text(offices), lead=_unspace(_plain(lead[0])) if lead else "",
                                 remarks=_paragraphs(re.sub(r"</?u>", "", _row(row, col.get("备注"))))))
        elif drafts and content:  # continuation of the task above
            drafts[-1].content += "\n" + content
    tasks = [Task(key=f"T{int(d.no):02d}", no=d.no, name=d.name, content=d.content, overview="",
                  offices=tuple(split_offices(d.offices_text)), lead=d.lead or (split_offices(d.offices_text) or [""])[0],
                  remarks=d.remarks) for d in drafts]
    return _finish(title, year, tasks, src)


def _pengjiang(grid, header_at, src, year) -> TaskList:
    heads = [_plain(c) for c in grid[header_at]]
    years_row = grid[header_at + 1] if header_at + 1 < len(grid) else []
    year_cols = {int(m.group(1)): i for i, c in enumerate(years_row) if (m := _YEAR_HEAD.match(_plain(c)))}
    col = {h: heads.index(h) for h in ("任务", "序号", "重点工作内容", "牵头单位", "责任单位") if h in heads}
    title = _title(grid[:header_at]) or src.stem
    year = year or (min(year_cols) if year_cols else _year_of(title, src))
    drafts: list[_Draft] = []
    for row in grid[header_at + 1:]:
        heads_again = [_plain(c) for c in row]
        if "重点工作内容" in heads_again or any(_YEAR_HEAD.match(h) for h in heads_again if h):
            continue
        no = _plain(_row(row, col.get("序号")))
        texts = {y: _paragraphs(_row(row, i)) for y, i in year_cols.items()}
        if _NUMBER.match(no):
            section = _plain(_row(row, col.get("任务")))
            drafts.append(_Draft(no=no, name=_paragraphs(_row(row, col.get("重点工作内容"))).split("\n")[0][:60],
                                 content=_paragraphs(_row(row, col.get("重点工作内容"))),
                                 lead=_unspace(_plain(_row(row, col.get("牵头单位")))),
                                 offices_text=_offices_text(_row(row, col.get("责任单位"))),
                                 section=section or (drafts[-1].section if drafts else ""), years=texts))
        elif drafts and any(texts.values()):  # the table went on to the next page mid-cell
            for y, t in texts.items():
                if t:
                    drafts[-1].years[y] = drafts[-1].years.get(y, "") + t
    tasks = []
    for n, d in enumerate(drafts, start=1):
        for y in sorted(d.years):
            for item in _items(d.years[y]):
                dues = read_due(item, y)
                due, note = (dues[0] if dues else (date(y, 12, 31), f"{y}年度任务→{y}年12月31日"))
                d.items.append((item, due, note))
        offices = [d.lead] + [o for o in split_offices(d.offices_text) if o != d.lead]
        tasks.append(Task(key=f"T{n:02d}", no=d.no, name=d.name, content=_render(d.content, d.items), overview=d.content,
                          offices=tuple(o for o in offices if o), lead=d.lead, remarks=d.section))
    return _finish(title, year, tasks, src)


def _city(grid, src, year) -> TaskList:
    """Rows per milestone; every header row (tables may differ) re-maps the columns."""
    title = _title(grid[:5]) or src.stem
    year = year or _year_of(title, src)
    drafts: list[_Draft] = []
    col: dict[str, int] = {}
    for row in grid:
        heads = [_plain(c) for c in row]
        if "节点计划" in heads:
            col = {h: heads.index(h) for h in heads if h}
            col.setdefault("工作任务", col.get("工作事项", -1))
            prefix = heads[0] if heads[0] not in ("序号", "") else ""
            continue
        if not col:
            continue
        no = _plain(_row(row, col.get("序号")))
        name = _unspace(_plain(_row(row, col.get("工作任务"))))
        node = _paragraphs(_row(row, col.get("节点计划")))
        when = _plain(_row(row, col.get("完成时间")))
        if not (no or name or node):
            continue
        if _NUMBER.match(no) and (not drafts or (drafts[-1].no, drafts[-1].name) != (f"{prefix}{no}", name)):
            lead = _unspace(_plain(_row(row, col.get("牵头单位", col.get("责任单位", -1)))))
            drafts.append(_Draft(no=f"{prefix}{no}", name=name, lead=lead, section=prefix,
                                 offices_text=_offices_text(_row(row, col.get("责任单位", -1)))))
        if not drafts or not node:
            continue
        dues = read_due(when, year) or read_due(node, year)
        due, note = dues[0] if dues else (None, UNDATED_NOTE)
        drafts[-1].items.append((re.sub(r"^[（(]\d+[)）]\s*", "", node), due, note))
    tasks = []
    for n, d in enumerate(drafts, start=1):
        offices = [d.lead] + [o for o in split_offices(d.offices_text) if o != d.lead]
        tasks.append(Task(key=f"T{n:02d}", no=d.no, name=d.name, content=_render(d.name, d.items), overview=d.name,
                          offices=tuple(o for o in offices if o), lead=d.lead, remarks=d.section))
    return _finish(title, year, tasks, src)


# -- helpers ---------------------------------------------------------------------------------------
def _items(text: str) -> list[str]:
    """Split "1.… 2.…" (or one item per line) into items; unnumbered text is one item."""
    flat = text.replace("\n", " ").strip()
    parts = [p.strip() for p in _ITEM.split(flat) if p.strip()]
    return parts or ([flat] if flat else [])


def _render(overview: str, items: list[tuple[str, date | None, str]]) -> str:
    """Content in yuebao's layout: overview, then "(n) <date>前：<item>" so the date reads back the same."""
    lines = [overview, "关键节点："] if overview else ["关键节点："]
    for i, (text, due, _) in enumerate(items, start=1):
        lines.append(f"({i}) {due.year}年{due.month}月{due.day}日前：{text}" if due else f"({i}) {text}")
    return "\n".join(lines)


def _offices_text(cell: str) -> str:
    plain = re.sub(r"</?[pu]>", " ", cell or "")
    return "、".join(_unspace(o) for o in re.split(r"[\s、，,；;]+", plain) if o.strip())


def _title(rows) -> str:
    """The table's own title: the nearest title-like line above the header."""
    for row in reversed(rows):
        for c in row:
            text = _unspace(_plain(c))
            if len(text) > 6 and ("清单" in text or "一览表" in text or "任务" in text):
                return text
    return ""


def _year_of(title: str, src: Path) -> int:
    found = re.search(r"(20\d\d)\s*年", normalise(title)) or re.search(r"(20\d\d)", src.stem)
    if not found:
        raise YuebaoError(f"无法从“{title or src.name}”读出年份，请用 --year 指定", "cannot tell the year; pass --year")
    return int(found.group(1))


def _finish(title: str, year: int, tasks: list[Task], src: Path) -> TaskList:
    """Attach milestones as the normal reader will see them, and list what could not be dated."""
    from .milestones import parse_milestones
    done, findings = [], []
    for t in tasks:
        overview, milestones = parse_milestones(t.key, t.content, year)
        done.append(Task(**{**t.__dict__, "overview": overview or t.overview, "milestones": tuple(milestones)}))
        for m in milestones:
            if m.due is None:
                findings.append(Finding("undated_milestone", f"第{t.no}项任务的节点“{m.text}”读不出完成时间，已保留，请补写时间",
                                        Severity.WARNING, file=src.name, task_key=t.key))
        if not t.lead:
            findings.append(Finding("no_office", f"第{t.no}项任务没有牵头单位，请在导入后的清单“牵头股室”列填写",
                                    Severity.ERROR, file=src.name, task_key=t.key))
    return TaskList(title=title, year=year, tasks=done, path=src, findings=findings)

