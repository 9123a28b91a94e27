"""`yuebao tasks import`: task lists as bureaus write them, turned into yuebao's layout.

Sources: .xlsx (underline kept, merged cells repeated), .xls/.ods (values), .docx (Word tables:
merged cells, underlined lead office, paragraphs; reporting/docx_tables.py) and the tab-separated
text a PDF or Word table pastes as (cells as `<p>…</p>` paragraphs, `<u>…</u>` for underline).
Columns are found by their header text wherever they stand (序号 / 工作任务 / 工作事项 …, see
_HEADERS).  Three layouts are recognised:

- **Taishan** (重点工作任务一览表): 序号 / 任务名称 / 主要内容和关键时间节点计划 / 责任股室 / 备注;
  milestones "一是…" inside the content; the lead office is the underlined one in 责任股室 (else the
  first).
- **Pengjiang** (三年行动计划工作清单): 任务 (section, merged down) / 序号 / 重点工作内容 / 年度任务
  2021年 2022年 2023年 / 牵头单位 / 责任单位; each numbered item of a yearly cell is a milestone
  due at that year's end unless its text names an earlier date; `year` keeps one year's column.
- **City** (one row per milestone): 序号 / 工作任务 / 节点计划 / 完成时间, with 序号 and 工作任务
  merged down; a later table may add a leading column (民生实事 / 序号 / 工作事项 / 节点计划 /
  完成时间): its category is the task's 备注, its 序号 stays the number printed (from 1 again).

Rows whose 序号 is empty continue the task above (tables split across pages); a row repeating the
序号 and name of a task (a Word table pasted into Excel: one row per paragraph, task cells
merged) is the same task.  A row holding one text only (a table's title between two tables) is
never a milestone.  Joint leads ("区教育局、区人力资源社会保障局") are split: the first leads, the
others join.  The result is written with each milestone's date spelled out at its start
("(1) 2021年12月31日前：…"), so the normal task-list reader finds exactly the dates the
importer found.  Undated milestones are kept and listed, never guessed; every doubt is a
finding (see tasks/doubts.py).
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.cell.rich_text import CellRichText

from ..errors import YuebaoError
from ..intake import values as cells
from ..intake.grids import OLE_MAGIC, ZIP_MAGIC, Unreadable, decode, load_sheets
from ..models import Finding, Severity, Task, TaskList
from .docx_tables import read_docx
from .doubts import EXAMPLE_MARK, looks_like_date, numbering_problem, task_ref
from .milestones import normalise, parse_milestones, read_due
from .tasklist import split_offices

_NUMBER = re.compile(r"^\d+$")
_ITEM = re.compile(r"(?:^|(?<=[\s。；;]))(\d{1,2})[.、．]")
_YEAR_HEAD = re.compile(r"^(20\d\d)年?$")
_MEASURE = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}、|[(（][一二三四五六七八九十]{1,3}[)）]|\d{1,2}[.、．](?!\d))"
)
_HEADERS = {  # the column's name here -> the header texts bureaus give it
    "序号": ("序号", "编号"),
    "任务名称": ("任务名称", "工作任务", "工作事项", "项目名称", "重点任务"),
    "主要内容": ("主要内容和关键时间节点计划", "主要内容", "工作内容", "具体内容"),
    "重点工作内容": ("重点工作内容",),
    "节点计划": ("节点计划", "关键节点", "时间节点计划"),
    "完成时间": ("完成时间", "完成时限", "时间节点", "时限要求"),
    "牵头单位": ("牵头单位", "牵头股室", "牵头科室", "牵头部门"),
    "责任单位": ("责任单位", "责任股室", "责任科室", "责任部门", "配合单位"),
    "备注": ("备注",),
    "任务": ("任务",),
}
_CANON = {text: name for name, texts in _HEADERS.items() for text in texts}


class ProseOnly(YuebaoError):
    """The source has no table at all: a plan written as numbered measures in prose."""

    def __init__(self, src: Path, measures: int, year: int | None):
        self.src, self.measures, self.year = src, measures, year
        super().__init__(
            f"“{src.name}”是文字叙述的方案（没有表格，有{measures}条编号的条目），无法自动转换为任务清单",
            f"{src.name} has no table (prose plan)",
        )


@dataclass
class _Draft:
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


def import_task_list(src: str | Path, year: int | None = None) -> TaskList:
    src = Path(src)
    if not src.is_file():
        raise YuebaoError(f"找不到要导入的任务清单：{src}", f"task list not found: {src}")
    grids, tables = _grids(src)
    for grid in grids:
        for i, row in enumerate(grid):  # a pasted notice has pages of text before its table
            heads = set(_heads(row))
            if {"重点工作内容", "牵头单位"} <= heads:
                return _pengjiang(grid, i, src, year)
            if {"节点计划", "任务名称"} <= heads:
                return _city(grid, i, src, year)
            if {"任务名称", "主要内容"} <= heads:
                return _taishan(grid, i, src, year)
    if not tables:
        lines = [_plain(c) for grid in grids for row in grid for c in row[:1]]
        raise ProseOnly(src, sum(bool(_MEASURE.match(x)) for x in lines), year or _year_in(lines))
    raise YuebaoError(
        f"无法识别“{src.name}”的表格格式：找不到台山式（任务名称/主要内容和关键时间节点计划）、蓬江式"
        "（重点工作内容/年度任务/牵头单位）或市局式（工作任务/节点计划/完成时间）表头",
        f"unknown task list layout: {src.name}",
    )


def in_yuebao_layout(path: Path) -> bool:
    """yuebao's own layout has a 牵头股室 column beside 任务名称 (anything else is for
    the importer)."""
    if path.suffix.lower() not in (".xlsx", ".xlsm", ".xls", ".ods") or not path.is_file():
        return False
    try:
        sheets, _ = load_sheets(path)
    except Unreadable:
        return False
    rows = next(iter(sheets.values()), [])
    return any({"任务名称", "牵头股室"} <= {cells.text(c) for c in r} for r in rows[:15])


def blank_task_list(year: int, bureau: str = "") -> TaskList:
    """A task list to fill by hand: yuebao's layout with one example row, marked as such."""
    example = Task(
        key="T01",
        no="1",
        name=f"{EXAMPLE_MARK}新建城区第二小学",
        content="新建24个班，新增学位1080个。\n关键节点：\n一是3月底前完成施工招标。"
        "\n二是6月30日前主体封顶。\n三是年底前完成验收并投入使用。",
        overview="",
        offices=("基财股", "基安股"),
        lead="基财股",
        remarks="示例行：请按本行的写法填写，填完后删除本行",
    )
    return TaskList(title=f"{bureau}{year}年重点工作任务一览表", year=year, tasks=[example])


# -- reading sources into grids of text (underline kept as <u>…</u>) ------------------------------
def _grids(src: Path) -> tuple[list[list[list[str]]], int]:
    """(grids, how many tables they hold)."""
    suffix = src.suffix.lower()
    if suffix == ".docx":
        grid, tables = read_docx(src)
        return [grid], tables
    if suffix in (".doc", ".wps"):
        raise YuebaoError(
            f"旧版Word文件无法直接读取：{src.name}，请在Word或WPS中另存为.docx后重试",
            "old .doc format: save as .docx",
        )
    if suffix in (".xlsx", ".xlsm"):
        try:
            grids = _xlsx_grids(src)
        except (zipfile.BadZipFile, OSError, KeyError, ValueError, TypeError):
            grids = _calamine_grids(src)  # WPS-saved files openpyxl refuses: values are enough
        return grids, len(grids)
    with src.open("rb") as fh:
        head = fh.read(8)
    if suffix in (".xls", ".ods") or head.startswith((ZIP_MAGIC, OLE_MAGIC)):
        grids = _calamine_grids(src)  # a workbook by its content, whatever its name says
        return grids, len(grids)
    grid = _text_grid(src)
    return [grid], sum(len([c for c in row if c.strip()]) >= 3 for row in grid)


def _xlsx_grids(path: Path) -> list[list[list[str]]]:
    wb = openpyxl.load_workbook(path, rich_text=True)
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


def _calamine_grids(path: Path) -> list[list[list[str]]]:
    try:
        sheets, _ = load_sheets(path)
    except Unreadable as exc:
        raise YuebaoError(
            f"任务清单无法打开：{path.name}。{exc.message}", f"unreadable: {exc.code}"
        ) from exc
    return [[[cells.text(v) for v in row] for row in rows] for rows in sheets.values()]


def _cell_markup(cell: Any) -> str:  # an openpyxl cell
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


def _heads(row: list[str]) -> list[str]:
    """The header names of a row ("" where a cell is not a header we know)."""
    return [_CANON.get(_plain(c), "") for c in row]


def _columns(row: list[str]) -> dict[str, int]:
    """Column of each known header, by its text wherever it stands (the first one when repeated)."""
    cols: dict[str, int] = {}
    for i, name in enumerate(_heads(row)):
        if name:
            cols.setdefault(name, i)
    return cols


def _get(row: list[str], col: dict[str, int], name: str) -> str:
    i = col.get(name)
    return row[i] if i is not None and i < len(row) else ""


def _is_title(row: list[str], content_from: int) -> bool:
    """A line holding one text only, merged across the table or left of its content columns: a
    table's title or a heading, never a milestone.  (A cell continued from the page before is one
    text too, but in a content or office column.)"""
    filled = [(i, _plain(c)) for i, c in enumerate(row) if _plain(c)]
    if len({text for _, text in filled}) != 1:
        return False
    return len(filled) > 1 or filled[0][0] < content_from


def _is_header_again(row: list[str]) -> bool:
    return sum(bool(h) for h in _heads(row)) >= 3  # the header repeated on every page


# -- layouts ---------------------------------------------------------------------------------
def _taishan(grid: list[list[str]], header_at: int, src: Path, year: int | None) -> TaskList:
    col = _columns(grid[header_at])
    title = _title(grid[:header_at]) or src.stem
    year = year or _year_of(title, src)
    drafts = _Drafts(src)
    findings: list[Finding] = []
    for row in grid[header_at + 1 :]:
        if _is_header_again(row) or _is_title(row, col["主要内容"]):
            continue
        no = _plain(_get(row, col, "序号"))
        name = _unspace(_plain(_get(row, col, "任务名称")))
        content = _paragraphs(_get(row, col, "主要内容"))
        offices_cell = _get(row, col, "责任单位")
        underlined = [_unspace(_plain(u)) for u in re.findall(r"<u>(.*?)</u>", offices_cell)]
        d = drafts.take(no, name, findings) if _NUMBER.match(no) else drafts.last
        if d is None:
            continue
        lead_cell = _get(row, col, "牵头单位") or (underlined[0] if underlined else "")
        _take_lead(d, lead_cell, findings, src)
        if content and content not in d.content:
            d.content = f"{d.content}\n{content}" if d.content else content
        _add_offices(d, offices_cell, findings, src)
        remarks = _paragraphs(re.sub(r"</?u>", "", _get(row, col, "备注")))
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
    return _finish(title, year, tasks, src, findings)


def _pengjiang(grid: list[list[str]], header_at: int, src: Path, year: int | None) -> TaskList:
    col = _columns(grid[header_at])
    years_row = grid[header_at + 1] if header_at + 1 < len(grid) else []
    year_cols = {
        int(m.group(1)): i for i, c in enumerate(years_row) if (m := _YEAR_HEAD.match(_plain(c)))
    }
    title = _title(grid[:header_at]) or src.stem
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
    year = year or (min(year_cols) if year_cols else _year_of(title, src))
    drafts = _Drafts(src)
    content_from = min([*year_cols.values(), col["重点工作内容"]])
    for row in grid[header_at + 1 :]:
        plain = [_plain(c) for c in row]
        if _is_header_again(row) or any(_YEAR_HEAD.match(h) for h in plain if h):
            continue
        if _is_title(row, content_from):
            continue
        no = _plain(_get(row, col, "序号"))
        texts = {y: _paragraphs(_get(row, {"y": i}, "y")) for y, i in year_cols.items()}
        if _NUMBER.match(no):
            d = drafts.take(
                no, _paragraphs(_get(row, col, "重点工作内容")).split("\n")[0][:60], findings
            )
            if not d.content:
                d.content = _paragraphs(_get(row, col, "重点工作内容"))
                d.section = _plain(_get(row, col, "任务")) or drafts.previous_section()
                _take_lead(d, _get(row, col, "牵头单位"), findings, src)  # joint: the first leads
            _add_offices(d, _get(row, col, "责任单位"), findings, src)
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
            items = _items(d.years.get(y, ""))
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
                d.items.append((item, _lead_in(dues, y)))
        tasks.append(
            Task(
                key=d.key,
                no=d.no,
                name=d.name,
                content=_render(d.content, d.items),
                overview=d.content,
                offices=tuple(d.offices),
                lead=d.lead,
                remarks=d.section,
            )
        )
    return _finish(title, year, tasks, src, findings)


def _city(grid: list[list[str]], header_at: int, src: Path, year: int | None) -> TaskList:
    """Rows per milestone; every header row (tables may differ) re-maps the columns."""
    title = _title(grid[:header_at]) or src.stem
    year = year or _year_of(title, src)
    drafts = _Drafts(src)
    findings: list[Finding] = []
    col: dict[str, int] = {}
    category: int | None = None  # a leading column the header does not name: 民生实事
    prefix = ""
    numbered: dict[str, list[int]] = {}
    for row in grid[header_at:]:
        heads = _heads(row)
        if "节点计划" in heads:
            col = _columns(row)
            first = next((i for i, c in enumerate(row) if _plain(c)), 0)
            category = None if heads[first] else first
            prefix = _plain(row[first]) if category is not None else ""
            continue
        if _is_title(row, col["节点计划"]):
            continue
        if category is not None and _plain(_get(row, {"c": category}, "c")):
            prefix = _plain(row[category])  # merged down, or on a group's first row only
        no = _plain(_get(row, col, "序号"))
        name = _unspace(_plain(_get(row, col, "任务名称")))
        node = _paragraphs(_get(row, col, "节点计划"))
        when = _plain(_get(row, col, "完成时间"))
        d: _Draft | None
        if _NUMBER.match(no):  # the 序号 as printed: the category is the task's 备注, never glued
            d = drafts.take(no, name, findings, section=prefix)
            d.section = prefix
            _take_lead(d, _get(row, col, "牵头单位") or _get(row, col, "责任单位"), findings, src)
            _add_offices(d, _get(row, col, "责任单位"), findings, src)
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
            d.items.append((node, _lead_in(dues, year, when)))
        else:  # undated: kept as it is, and listed by _finish
            d.items.append((node, _lead_in(read_due(node, year), year)))
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
        tasks.append(
            Task(
                key=d.key,
                no=d.no,
                name=d.name,
                content=_render(d.name, d.items),
                overview=d.name,
                offices=tuple(d.offices),
                lead=d.lead,
                remarks=d.section,
            )
        )
    return _finish(title, year, tasks, src, findings)


class _Drafts:
    """The tasks so far, by 序号 within their category (a table of 民生实事 numbers from 1 again):
    a 序号 seen again with the same (or no) name is the same task."""

    def __init__(self, src: Path):
        self.src = src
        self.all: list[_Draft] = []
        self.by_no: dict[tuple[str, str], _Draft] = {}
        self.last: _Draft | None = None

    def take(self, no: str, name: str, findings: list[Finding], section: str = "") -> _Draft:
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
        d = _Draft(no=no, key=key, name=name)
        self.all.append(d)
        self.by_no.setdefault((section, no), d)
        self.last = d
        return d

    def previous_section(self) -> str:
        return self.all[-2].section if len(self.all) > 1 else ""


# -- helpers ---------------------------------------------------------------------------------------
def _take_lead(d: _Draft, cell: str, findings: list[Finding], src: Path) -> None:
    """The first office of a lead cell leads (unless the task has its lead); the others join."""
    before = len(d.offices)
    _add_offices(d, cell, findings, src)
    if not d.lead and len(d.offices) > before:
        d.lead = d.offices[before]


def _add_offices(d: _Draft, cell: str, findings: list[Finding], src: Path) -> None:
    """Offices of a cell, in order, once each; a date there is a finding, never an office."""
    for office in split_offices(_offices_text(cell)):
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


def _items(text: str) -> list[tuple[int | None, str]]:
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


def _lead_in(dues: list, year: int = 0, when: str = "") -> str:
    """What an item's rendered line opens with, so that the task-list reader finds the dates the
    importer found: "2021年12月31日前：" for one date; for a recurring one (每季度, 每月20日前)
    the year it recurs in, and the 完成时间 it came from ("2021年每季度：…"); "" for none."""
    dates = [due for due, _ in dues]
    if len(dates) > 1:
        return f"{year}年{when}：" if when else f"{year}年"
    return f"{dates[0].year}年{dates[0].month}月{dates[0].day}日前：" if dates else ""


def _render(overview: str, items: list[tuple[str, str]]) -> str:
    """Content in yuebao's layout: overview, then "(n) <date>前：<item>" (read back the same)."""
    lines = [overview, "关键节点："] if overview else ["关键节点："]
    for i, (text, lead_in) in enumerate(items, start=1):
        lines.append(f"({i}) {lead_in}{text}")
    return "\n".join(lines)


# how the name of an office or an outside unit ends: a piece of a cell that does not end so was cut
# by a line break of the PDF ("区人力资源和社会保障" + "局"), not written as a name of its own
_UNIT_END = re.compile(
    r"(?:[局委办院部厅室股科处所组站馆队会团联校园镇街司行署社府）)]|中心|分局|小学|中学)$"
)
_BARE_END = re.compile(r"^(?:局|委|办|院|部|厅|室|股|科|处|所|组|中心|分局|委员会)$")


def _offices_text(cell: str) -> str:
    """The offices of a cell joined by 、: separators split names, a line break or a blank only
    between whole names; brackets full-width, so that 各镇(街) and 各镇（街） are one unit."""
    plain = re.sub(r"</?[pu]>", " ", cell or "")
    names = []
    for part in re.split(r"[、，,；;]+", plain):
        pieces: list[str] = []
        for piece in (_unspace(x) for x in part.split()):
            cut = pieces and (
                not _UNIT_END.search(pieces[-1])
                or _BARE_END.match(piece)
                or piece.startswith(("(", "（"))
            )
            if cut:
                pieces[-1] += piece
            elif piece:
                pieces.append(piece)
        names += pieces
    return "、".join(n.replace("(", "（").replace(")", "）") for n in names)


def _title(rows: list[list[str]]) -> str:
    """The table's own title: the nearest title-like line above the header."""
    for row in reversed(rows):
        for c in row:
            text = _unspace(_plain(c))
            if len(text) > 6 and (
                "清单" in text or "一览表" in text or "任务" in text or "计划" in text
            ):
                return text
    return ""


def _year_in(lines: list[str]) -> int | None:
    spans = (re.search(r"(20\d\d)\s*[-—－~至]?\s*(?:20\d\d)?年", x) for x in lines)
    found = next((m for m in spans if m), None)
    return int(found.group(1)) if found else None


def _year_of(title: str, src: Path) -> int:
    found = re.search(r"(20\d\d)\s*年", normalise(title)) or re.search(r"(20\d\d)", src.stem)
    if not found:
        raise YuebaoError(
            f"无法从“{title or src.name}”读出年份，请用 --year 指定",
            "cannot tell the year; pass --year",
        )
    return int(found.group(1))


def _finish(
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
