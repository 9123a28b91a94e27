"""The importer's layouts are a registry: a bureau's new layout is one Layout registered, read by
`import_task_list` like the built-in ones, with milestones dated as the normal reader dates them."""

from datetime import date
from pathlib import Path

import openpyxl
import pytest

from reporting.errors import YuebaoError
from reporting.models import Task, TaskList
from reporting.tasks import layouts
from reporting.tasks.import_drafts import Drafts, date_lead_in, finish, render_content
from reporting.tasks.import_text import NUMBER, cell_at, columns, plain_text
from reporting.tasks.importers import import_task_list
from reporting.tasks.layouts import Layout
from reporting.tasks.milestones import read_due


def read_deadlines(grid: list[list[str]], header_at: int, src: Path, year: int | None) -> TaskList:
    """A bureau's list of one deadline per task: 序号 / 重点任务 / 完成时限."""
    col = columns(grid[header_at])
    year = year or 2023
    drafts = Drafts(src)
    findings: list = []
    for row in grid[header_at + 1 :]:
        no = plain_text(cell_at(row, col, "序号"))
        if NUMBER.match(no):
            d = drafts.take(no, plain_text(cell_at(row, col, "任务名称")), findings)
            when = plain_text(cell_at(row, col, "完成时间"))
            d.items.append(("完成", date_lead_in(read_due(when, year), year, when)))
    tasks = [
        Task(
            key=d.key,
            no=d.no,
            name=d.name,
            content=render_content(d.name, d.items),
            overview=d.name,
            offices=("办公室",),
            lead="办公室",
            remarks="",
        )
        for d in drafts.all
    ]
    return finish("限时任务表", year, tasks, src, findings)


def deadlines_xlsx(path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["2023年限时办结事项"])
    ws.append(["序号", "重点任务", "完成时限"])
    ws.append([1, "修订学籍管理办法", "6月30日前"])
    ws.append([2, "完成校舍安全排查", "9月底前"])
    wb.save(path)
    return path


@pytest.fixture
def deadlines_layout():
    layout = Layout("限时式", frozenset({"任务名称", "完成时间"}), read_deadlines)
    layouts.register(layout)
    yield layout
    layouts.LAYOUTS.remove(layout)


def test_a_table_of_no_known_layout_is_refused(tmp_path):
    with pytest.raises(YuebaoError) as caught:
        import_task_list(deadlines_xlsx(tmp_path / "限时.xlsx"), 2023)
    assert "无法识别“限时.xlsx”的表格格式" in caught.value.zh


def test_a_registered_layout_reads_its_table(tmp_path, deadlines_layout):
    tasks = import_task_list(deadlines_xlsx(tmp_path / "限时.xlsx"), 2023)
    assert [(t.no, t.name) for t in tasks.tasks] == [
        ("1", "修订学籍管理办法"),
        ("2", "完成校舍安全排查"),
    ]
    dues = [[m.due for m in t.milestones] for t in tasks.tasks]
    assert dues == [[date(2023, 6, 30)], [date(2023, 9, 30)]]
    assert not [f for f in tasks.findings if f.code == "undated_milestone"]


def test_the_built_in_layouts_are_tried_before_one_registered_last(deadlines_layout):
    names = [layout.name for layout in layouts.LAYOUTS]
    assert names == ["蓬江式", "市局式", "台山式", "限时式"]
    # a 市局式 header (节点计划, 工作任务, 完成时间) also holds the new layout's headers
    found = layouts.find({"序号", "任务名称", "节点计划", "完成时间"})
    assert found is not None and found.name == "市局式"
