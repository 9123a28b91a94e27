"""Issue 30 item 9: what `tasks import` and `tasks check` say of a task list, as a clerk reads it.

A category column (民生实事) is the task's 备注, never glued to its 序号; "每季度…" is due each
quarter; an outside unit cut by a PDF line break is one unit, 各镇(街) and 各镇（街） are one; the
count line counts what the list below it shows; a list with [错误] is not passed; a date on the
command line may be written with / or . as clerks write it.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from reporting.tasks.importers import import_task_list
from reporting.tasks.milestones import parse_milestones
from reporting.tasks.tasklist import read_task_list

from .conftest import SHARED, write_config
from .inprocess import run as yuebao

CATEGORY = "加强公共教育建设和科普工作力度"


def seed(name: str) -> Path:
    path = SHARED / "seeds" / name
    if not path.is_file():
        pytest.skip(f"seed {name} not available (../shared)")
    return path


def two_tables(tmp_path: Path) -> Path:
    """A city list: 重点工作 numbered 1…, then a table whose first column is a category, its
    tasks numbered from 1 again (as the city bureau's 民生实事 table is)."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["江门市教育局2023年重点工作和民生实事节点计划表"])
    ws.append(["序号", "工作任务", "节点计划", "完成时间", "牵头单位"])
    ws.append([1, "深化基础教育综合改革", "（1）制定实施方案", "3月31日", "基础教育科"])
    ws.append(["民生实事", "序号", "工作事项", "节点计划", "完成时间", "牵头单位"])
    ws.append([CATEGORY, 1, "建设科普教育基地", "(1) 完成选址", "5月31日", "规划建设科"])
    ws.append([None, None, None, "(2) 每季度开展一次科普进校园", "每季度", None])
    ws.append([None, 2, "开展公共教育讲座", "(1) 完成讲座安排", "6月30日", "规划建设科"])
    ws.merge_cells("A5:A7"), ws.merge_cells("B5:B6"), ws.merge_cells("C5:C6")
    ws.merge_cells("F5:F6")
    path = tmp_path / "市局节点计划表.xlsx"
    wb.save(path)
    return path


def test_a_category_column_is_never_glued_to_the_number(tmp_path):
    src = two_tables(tmp_path)
    out = tmp_path / "清单.xlsx"
    imported = yuebao("tasks", "import", str(src), "--out", str(out))
    assert imported.returncode == 0, imported.stderr
    assert "力度1" not in imported.stdout and "力度2" not in imported.stdout
    ws = openpyxl.load_workbook(out).worksheets[0]
    assert [ws.cell(r, 1).value for r in (3, 4, 5)] == ["1", "1", "2"]  # 序号 as printed
    assert [ws.cell(r, 6).value for r in (4, 5)] == [CATEGORY, CATEGORY]  # the category: 备注
    checked = yuebao("tasks", "check", str(out))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "第加强" not in checked.stdout and "力度1" not in checked.stdout
    assert "序号1出现了不止一次" not in checked.stdout  # 民生实事 1 is not 重点工作 1
    config = write_config(tmp_path, task_list=str(out))
    filled = yuebao("fill", "--config", str(config), "--month", "2023-06")
    assert filled.returncode == 0, filled.stderr
    forms = tmp_path / "2023-06" / "out"
    form = openpyxl.load_workbook(forms / "进展情况表_2023-06_规划建设科.xlsx")
    sheet = form.worksheets[0]
    header = next(r for r in sheet.iter_rows() if any(c.value == "编号" for c in r))
    column = next(c.column for c in header if c.value == "编号")
    numbers = {
        str(sheet.cell(r, column).value)
        for r in range(header[0].row + 1, sheet.max_row + 1)
        if sheet.cell(r, column).value is not None
    }
    assert numbers == {"1", "2"}, numbers  # the form's 编号: the two tasks, by their numbers


def test_every_quarter_is_a_milestone_each_quarter(tmp_path):
    # as 每月20日前 gives one a month: "每季度开展一次…" gives four, at each quarter's end
    _, milestones = parse_milestones(
        "T01", "关键节点：\n一是3月底前制定方案。\n二是每季度开展一次安全检查。", 2022
    )
    assert [m.due for m in milestones] == [
        date(2022, 3, 31),
        date(2022, 3, 31),
        date(2022, 6, 30),
        date(2022, 9, 30),
        date(2022, 12, 31),
    ]
    assert len({m.key for m in milestones}) == 5  # five to report on, none lost
    # a city list's 完成时间 "每季度": four, and nothing undated
    tasks = import_task_list(two_tables(tmp_path))
    science = next(t for t in tasks.tasks if t.name == "建设科普教育基地")
    assert [m.due for m in science.milestones] == [
        date(2023, 5, 31),
        date(2023, 3, 31),
        date(2023, 6, 30),
        date(2023, 9, 30),
        date(2023, 12, 31),
    ]
    assert not [f for f in tasks.findings if f.code == "undated_milestone"]


def test_every_quarter_in_a_yearly_column_recurs_in_that_year(tmp_path):
    """Pengjiang's work list, task 2 "落实意识形态工作", 2021: "2.每季度召开意识形态工作分析研判
    会议" is four milestones in 2021 (its other two items are due at the year's end)."""
    tasks = import_task_list(seed("pengjiang_14th_plan.txt"))
    ideology = next(t for t in tasks.tasks if t.no == "2")
    quarterly = [m.due for m in ideology.milestones if "每季度" in m.text]
    assert quarterly == [date(2021, m, d) for m, d in ((3, 31), (6, 30), (9, 30), (12, 31))]
    out = tmp_path / "蓬江.xlsx"
    imported = yuebao("tasks", "import", str(seed("pengjiang_14th_plan.txt")), "--out", str(out))
    assert imported.returncode == 0, imported.stderr
    checked = yuebao("tasks", "check", str(out))
    assert "2021-09-30  2021年每季度召开意识形态工作分析研判会议" in checked.stdout, checked.stdout


def test_a_unit_cut_by_a_line_break_is_one_unit(tmp_path):
    """Pengjiang's list, task 18: "区财政局、区人力资源和社会保障 局,各镇(街)" (the PDF broke the
    line after 保障, and wrote this one cell with half-width brackets)."""
    tasks = import_task_list(seed("pengjiang_14th_plan.txt"))
    named = {o for t in tasks.tasks for o in t.offices}
    assert "局" not in named and "区人力资源和社会保障" not in named
    assert "各镇(街)" not in named and "各镇（街）" in named
    principals = next(t for t in tasks.tasks if t.no == "18")
    assert principals.offices[-3:] == ("区财政局", "区人力资源和社会保障局", "各镇（街）")
    result = yuebao("tasks", "check", str(seed("pengjiang_14th_plan.txt")))
    assert "区人力资源和社会保障、" not in result.stdout


def count_line(stdout: str) -> str:
    return next(line for line in stdout.splitlines() if line.startswith("任务 "))


def test_count_lines_count_what_the_list_shows(tmp_path):
    # Pengjiang: every task is led by 区教育局, the bureau itself: all 41 are 待指定
    out = tmp_path / "蓬江.xlsx"
    imported = yuebao("tasks", "import", str(seed("pengjiang_14th_plan.txt")), "--out", str(out))
    assert "41项任务待指定牵头股室" in imported.stdout
    assert "牵头股室 0 个" in count_line(imported.stdout), imported.stdout
    checked = yuebao("tasks", "check", str(out))
    assert count_line(checked.stdout) == count_line(imported.stdout)
    # the two tables above without a lead column: only 基础教育科 is named, before and after
    src = two_tables(tmp_path)
    wb = openpyxl.load_workbook(src)
    ws = wb.active
    ws.delete_cols(6)
    wb.save(src)
    listed = tmp_path / "市局.xlsx"
    imported = yuebao("tasks", "import", str(src), "--out", str(listed))
    checked = yuebao("tasks", "check", str(listed))
    for stdout in (imported.stdout, checked.stdout):
        assert "牵头股室 1 个，涉及股室/单位 1 个" in count_line(stdout), stdout


def test_tasks_check_fails_when_it_lists_an_error(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["某局2026年重点工作任务一览表"])
    ws.append(["序号", "任务名称", "主要内容和关键时间节点计划", "责任股室", "牵头股室"])
    ws.append([1, "校园安全", "一是6月底前完成排查。", "基安股", "基安股"])
    ws.append([2, "教师培训", "一是9月底前完成培训。", None, None])  # nobody to report it
    path = tmp_path / "清单.xlsx"
    wb.save(path)
    result = yuebao("tasks", "check", str(path))
    errors = re.findall(r"\[错误\]", result.stdout)
    assert len(errors) == 1 and "第2项任务没有填写责任股室" in result.stdout, result.stdout
    assert result.returncode == 2 and "改正后才能用于月报" in result.stdout
    ws["D4"] = ws["E4"] = "人事股"
    wb.save(path)
    fixed = yuebao("tasks", "check", str(path))
    assert fixed.returncode == 0 and "[错误]" not in fixed.stdout, fixed.stdout


@pytest.mark.parametrize("typed", ["2022/07/18", "2022.7.18", "2022年7月18日"])
def test_as_of_as_clerks_write_it(workdir, typed):
    config = str(workdir / "config.yaml")
    args = ("remind", "--config", config, "--month", "2022-07", "--dry-run")
    dashed = yuebao(*args, "--as-of", "2022-07-18")
    result = yuebao(*args, "--as-of", typed)
    assert dashed.returncode == 0, dashed.stderr
    assert result.returncode == 0, result.stderr
    assert result.stdout == dashed.stdout
    wrong = yuebao(*args, "--as-of", "7/18")
    assert wrong.returncode == 2 and "--as-of的日期“7/18”应写成如" in wrong.stderr


def test_the_lead_sheet_tells_two_tasks_numbered_1_apart(tmp_path):
    src = two_tables(tmp_path)
    wb = openpyxl.load_workbook(src)
    ws = wb.active
    ws.delete_cols(6)  # the 民生实事 table's 牵头单位
    ws["E2"] = ws["E3"] = None  # and the first table's: every lead is left to assign
    wb.save(src)
    out = tmp_path / "市局.xlsx"
    first = yuebao("tasks", "import", str(src), "--out", str(out))
    assert "3项任务待指定牵头股室" in first.stdout, first.stdout
    sheet = tmp_path / "市局_牵头股室对照表.xlsx"
    wb = openpyxl.load_workbook(sheet)
    chosen = {
        "深化基础教育综合改革": "基教股",
        "建设科普教育基地": "规划股",
        "开展公共教育讲座": "宣传股",
    }
    for row in wb.active.iter_rows(min_row=2):
        row[3].value = chosen[row[1].value]
    wb.save(sheet)
    second = yuebao("tasks", "import", str(src), "--out", str(out), "--leads", str(sheet))
    assert second.returncode == 0 and "待指定" not in second.stdout, second.stdout
    listed = read_task_list(out)
    assert {t.name: t.lead for t in listed.tasks} == chosen
