"""`yuebao tasks import`: task lists as bureaus write them, turned into yuebao's layout.

Sources: .xlsx (underline kept, merged cells repeated), .xls/.ods (values), .docx (Word tables:
merged cells, underlined lead office, paragraphs; reporting/docx_tables.py) and the tab-separated
text a PDF or Word table pastes as (cells as `<p>…</p>` paragraphs, `<u>…</u>` for underline),
all read as grids of text by tasks/import_sources.py.  Columns are found by their header text
wherever they stand (tasks/import_text.py's HEADERS).  The layouts recognised are a registry,
tried in order on each row until one's headers match (tasks/layouts/): 台山式 (重点工作任务一览表),
蓬江式 (三年行动计划工作清单) and 市局式 (one row per milestone); each module there says its own.

Rows whose 序号 is empty continue the task above (tables split across pages); a row repeating the
序号 and name of a task (a Word table pasted into Excel: one row per paragraph, task cells
merged) is the same task.  A row holding one text only (a table's title between two tables) is
never a milestone.  Joint leads ("区教育局、区人力资源社会保障局") are split: the first leads, the
others join.  The result is written with each milestone's date spelled out at its start
("(1) 2021年12月31日前：…"), so the normal task-list reader finds exactly the dates the
importer found.  Undated milestones are kept and listed, never guessed; every doubt is a
finding (see tasks/doubts.py, tasks/import_drafts.py).
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import YuebaoError
from ..intake import values as cells
from ..intake.grids import Unreadable, load_sheets
from ..models import Task, TaskList
from .doubts import EXAMPLE_MARK
from .import_sources import read_grids
from .import_text import header_names, plain_text, year_in
from .layouts import find

_MEASURE = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}、|[(（][一二三四五六七八九十]{1,3}[)）]|\d{1,2}[.、．](?!\d))"
)


class ProseOnly(YuebaoError):
    """The source has no table at all: a plan written as numbered measures in prose."""

    def __init__(self, src: Path, measures: int, year: int | None):
        self.src, self.measures, self.year = src, measures, year
        super().__init__(
            f"“{src.name}”是文字叙述的方案（没有表格，有{measures}条编号的条目），无法自动转换为任务清单",
            f"{src.name} has no table (prose plan)",
        )


def import_task_list(src: str | Path, year: int | None = None) -> TaskList:
    """The task list in `src`, read by the first layout whose headers it holds."""
    src = Path(src)
    if not src.is_file():
        raise YuebaoError(f"找不到要导入的任务清单：{src}", f"task list not found: {src}")
    grids, tables = read_grids(src)
    for grid in grids:
        for i, row in enumerate(grid):  # a pasted notice has pages of text before its table
            layout = find(set(header_names(row)))
            if layout is not None:
                return layout.read(grid, i, src, year)
    if not tables:
        lines = [plain_text(c) for grid in grids for row in grid for c in row[:1]]
        raise ProseOnly(src, sum(bool(_MEASURE.match(x)) for x in lines), year or year_in(lines))
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
