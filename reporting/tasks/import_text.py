"""What the layouts of an imported task list read in a cell: its plain text, its paragraphs, its
offices, the header it is, the table's title and year.

Cells carry `<p>…</p>` for paragraphs and `<u>…</u>` for underline (tasks/import_sources.py);
columns are found by their header text wherever they stand (HEADERS).  Shared by every layout in
tasks/layouts/, so that a header, an office or a year is read the same way in each.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import YuebaoError
from .milestones import normalise

NUMBER = re.compile(r"^\d+$")  # a task's 序号 as printed
HEADERS = {  # the column's name here -> the header texts bureaus give it
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
_CANON = {text: name for name, texts in HEADERS.items() for text in texts}


def paragraphs(cell: str) -> str:
    """`<p>a</p> <p>b</p>` or multi-line text -> lines, PDF spaces inside Chinese removed."""
    found = re.findall(r"<p>(.*?)</p>", cell, flags=re.S)
    lines = found or cell.split("\n")
    return "\n".join(x for x in (unspace(ln) for ln in lines) if x)


def unspace(text: str) -> str:
    cjk = r"[\u3000-\u9fff\uff00-\uffef“”（）《》、，。：；]"
    text = re.sub(rf"(?<={cjk})\s+|\s+(?={cjk})", "", text.strip())
    return re.sub(r"(?<=\d)\s+(?=[月日年亩个所名%])|(?<=[年月])\s+(?=\d)", "", text)


def plain_text(cell: str) -> str:
    return re.sub(r"\s+", "", re.sub(r"</?[pu]>", "", cell or ""))


def header_names(row: list[str]) -> list[str]:
    """The header names of a row ("" where a cell is not a header we know)."""
    return [_CANON.get(plain_text(c), "") for c in row]


def columns(row: list[str]) -> dict[str, int]:
    """Column of each known header, by its text wherever it stands (the first one when repeated)."""
    cols: dict[str, int] = {}
    for i, name in enumerate(header_names(row)):
        if name:
            cols.setdefault(name, i)
    return cols


def cell_at(row: list[str], col: dict[str, int], name: str) -> str:
    i = col.get(name)
    return row[i] if i is not None and i < len(row) else ""


def is_title(row: list[str], content_from: int) -> bool:
    """A line holding one text only, merged across the table or left of its content columns: a
    table's title or a heading, never a milestone.  (A cell continued from the page before is one
    text too, but in a content or office column.)"""
    filled = [(i, plain_text(c)) for i, c in enumerate(row) if plain_text(c)]
    if len({text for _, text in filled}) != 1:
        return False
    return len(filled) > 1 or filled[0][0] < content_from


def is_header_again(row: list[str]) -> bool:
    return sum(bool(h) for h in header_names(row)) >= 3  # the header repeated on every page


# how the name of an office or an outside unit ends: a piece of a cell that does not end so was cut
# by a line break of the PDF ("区人力资源和社会保障" + "局"), not written as a name of its own
_UNIT_END = re.compile(
    r"(?:[局委办院部厅室股科处所组站馆队会团联校园镇街司行署社府）)]|中心|分局|小学|中学)$"
)


_BARE_END = re.compile(r"^(?:局|委|办|院|部|厅|室|股|科|处|所|组|中心|分局|委员会)$")


def offices_text(cell: str) -> str:
    """The offices of a cell joined by 、: separators split names, a line break or a blank only
    between whole names; brackets full-width, so that 各镇(街) and 各镇（街） are one unit."""
    plain = re.sub(r"</?[pu]>", " ", cell or "")
    names = []
    for part in re.split(r"[、，,；;]+", plain):
        pieces: list[str] = []
        for piece in (unspace(x) for x in part.split()):
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


def table_title(rows: list[list[str]]) -> str:
    """The table's own title: the nearest title-like line above the header."""
    for row in reversed(rows):
        for c in row:
            text = unspace(plain_text(c))
            if len(text) > 6 and (
                "清单" in text or "一览表" in text or "任务" in text or "计划" in text
            ):
                return text
    return ""


def year_in(lines: list[str]) -> int | None:
    spans = (re.search(r"(20\d\d)\s*[-—－~至]?\s*(?:20\d\d)?年", x) for x in lines)
    found = next((m for m in spans if m), None)
    return int(found.group(1)) if found else None


def year_of(title: str, src: Path) -> int:
    found = re.search(r"(20\d\d)\s*年", normalise(title)) or re.search(r"(20\d\d)", src.stem)
    if not found:
        raise YuebaoError(
            f"无法从“{title or src.name}”读出年份，请用 --year 指定",
            "cannot tell the year; pass --year",
        )
    return int(found.group(1))
