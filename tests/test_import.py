"""`yuebao tasks import`: the three real layouts, as xlsx built here from the seed text, and as
pasted text."""

import re
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont
from openpyxl.styles import Alignment

from reporting.tasks.importers import import_task_list
from reporting.tasks.tasklist import read_task_list

from .conftest import SHARED, write_config
from .inprocess import run as yuebao

SEEDS = SHARED / "seeds"


def seed(name: str) -> Path:
    path = SEEDS / name
    if not path.is_file():
        pytest.skip(f"seed {name} not available (../shared)")
    return path


def paragraphs(cell: str, sep="\n") -> str:
    found = re.findall(r"<p>(.*?)</p>", cell)
    return sep.join(p.strip() for p in (found or [cell]) if p.strip())


# -- Taishan ---------------------------------------------------------------------------------------
# Milestones counted by hand in attachment 1 of the Taishan notice (一是/二是/… per task):
TAISHAN_COUNTS = {
    1: 3,
    2: 3,
    3: 2,
    4: 6,
    5: 2,
    6: 2,
    7: 3,
    8: 4,
    9: 4,
    10: 4,
    11: 3,
    12: 3,
    13: 3,
    14: 3,
    15: 3,
    16: 3,
    17: 4,
    18: 5,
    19: 2,
}


def taishan_xlsx(tmp_path: Path) -> Path:
    """The attachment as a bureau keeps it: title merged, multi-line cells, lead office
    underlined."""
    text = seed("taishan_2022_key_tasks.txt").read_text(encoding="utf-8").split("附件 1", 2)[2]
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["台山市教育系统２０２２年重点工作任务一览表"])  # full-width digits, as typed
    ws.merge_cells("A1:E1")
    ws.append(["序号", "任务名称", "主要内容和关键时间节点计划", "责任股室", "备注"])
    for line in text.splitlines():
        cells = line.split("\t")
        if len(cells) < 4 or not cells[0].strip().isdigit():
            continue
        offices = []
        for part in re.split(r"</?p>|\s+", cells[3]):
            if part.startswith("<u>"):
                offices.append(TextBlock(InlineFont(u="single"), part[3:-4]))
            elif part:
                offices.append(part)
        rich = CellRichText()
        for i, run in enumerate(offices):
            if i:
                rich.append("\n")
            rich.append(run)
        ws.append(
            [
                int(cells[0]),
                cells[1].strip(),
                paragraphs(cells[2]),
                rich,
                paragraphs(cells[4]) if len(cells) > 4 else "",
            ]
        )
    for row in ws.iter_rows(min_row=3):
        for c in row:
            c.alignment = Alignment(wrap_text=True)
    path = tmp_path / "台山任务一览表.xlsx"
    wb.save(path)
    return path


@pytest.mark.parametrize("source", ["xlsx", "text"])
def test_taishan_layout(tmp_path, source):
    path = taishan_xlsx(tmp_path) if source == "xlsx" else seed("taishan_2022_key_tasks.txt")
    tasks = import_task_list(path)
    assert tasks.year == 2022
    assert {int(t.no): len(t.milestones) for t in tasks.tasks} == TAISHAN_COUNTS
    by_no = {int(t.no): t for t in tasks.tasks}
    assert [m.due for m in by_no[1].milestones] == [
        date(2022, 3, 31),
        date(2022, 6, 30),
        date(2022, 10, 31),
    ]
    assert by_no[4].milestones[-1].due == date(2022, 12, 31)
    assert by_no[18].lead == "教育装备中心" and by_no[18].offices == (
        "教育装备中心",
        "招考股",
    )  # underlined
    assert by_no[19].lead == "教师发展中心"
    assert (
        by_no[13].lead == "督导室" and len(by_no[13].offices) == 11
    )  # no underline: the first listed
    assert all(m.due for t in tasks.tasks for m in t.milestones)


# -- Pengjiang -------------------------------------------------------------------------------------
def pengjiang_rows():
    """The 工作清单 rows from the seed, page-split cells joined back (as the xlsx original has
    them)."""
    text = seed("pengjiang_14th_plan.txt").read_text(encoding="utf-8")
    text = text[text.index("工作清单\n\n任务") :]
    rows = []
    for line in text.splitlines():
        cells = line.split("\t")
        if len(cells) < 6 or cells[2].strip() == "重点工作内容" or "2021年" in cells:
            continue
        cells = (cells + [""] * 8)[:8]
        if cells[1].strip().isdigit():
            rows.append([paragraphs(c, " ") for c in cells])
        elif rows:
            for i in (3, 4, 5):
                rows[-1][i] += paragraphs(cells[i], " ")
    return rows


def pengjiang_xlsx(tmp_path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["江门市蓬江区教育发展“十四五”规划三年行动计划（2021—2023）工作清单"])
    ws.append(["任务", "序号", "重点工作内容", "年度任务", None, None, "牵头单位", "责任单位"])
    ws.append([None, None, None, "2021年", "2022年", "2023年", None, None])
    for col in "ABCGH":
        ws.merge_cells(f"{col}2:{col}3")
    ws.merge_cells("D2:F2")
    start = None
    for row in pengjiang_rows():
        r = ws.max_row + 1
        ws.append([row[0] or None, int(row[1]), *row[2:]])
        if row[0]:
            if start and r - 1 > start:
                ws.merge_cells(start_row=start, start_column=1, end_row=r - 1, end_column=1)
            start = r
    ws.merge_cells(start_row=start, start_column=1, end_row=ws.max_row, end_column=1)
    path = tmp_path / "蓬江工作清单.xlsx"
    wb.save(path)
    return path


@pytest.mark.parametrize("source", ["xlsx", "text"])
def test_pengjiang_layout(tmp_path, source):
    path = pengjiang_xlsx(tmp_path) if source == "xlsx" else seed("pengjiang_14th_plan.txt")
    tasks = import_task_list(path)
    assert len(tasks.tasks) == 41  # 序号 1–41 in the seed
    by_no = {int(t.no): t for t in tasks.tasks}
    # Counted by hand: task 40 has 2 items in 2021, one each in 2022 and 2023;
    # task 41 has 3 + 3 + 4;
    # task 38 has 1 + 3 + 3 (its 2022 and 2023 cells continue on the next page).
    assert (
        len(by_no[40].milestones) == 4
        and len(by_no[41].milestones) == 10
        and len(by_no[38].milestones) == 7
    )
    assert [m.due for m in by_no[40].milestones] == [date(2021, 12, 31)] * 2 + [
        date(2022, 12, 31),
        date(2023, 12, 31),
    ]
    assert "职称评审工作" in by_no[38].milestones[3].text  # the page-split cell joined back
    assert by_no[41].lead == "区教育局" and by_no[41].offices == (
        "区教育局",
        "区财政局",
        "各镇（街）",
    )
    assert by_no[41].remarks.startswith("九、")  # the merged section heading kept
    assert by_no[1].remarks.startswith("一、")


# -- City layout -----------------------------------------------------------------------------------
def city_xlsx(tmp_path: Path) -> Path:
    """A row per milestone, 序号 and 工作任务 merged down; a second table with a leading 民生实事
    column."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["江门市教育局2023年重点工作任务节点计划表"])
    ws.append(["序号", "工作任务", "节点计划", "完成时间", "牵头单位"])
    rows = [
        (
            1,
            "深化基础教育综合改革",
            "（1）制定县域义务教育优质均衡发展实施方案",
            "3月31日",
            "基础教育科",
        ),
        (None, None, "（2）完成首批优质均衡发展县申报", "6月30日", None),
        (None, None, "（3）组织省级督导评估迎检", "12月底前", None),
        (2, "推进职业教育提质培优", "(1) 完成五邑大学新校区规划调整", "２０２３年６月", "职成科"),
        (None, None, "(2) 持续推进校企合作项目落地", "", None),
    ]
    for row in rows:
        ws.append(list(row))
    ws.merge_cells("A3:A5"), ws.merge_cells("B3:B5"), ws.merge_cells("E3:E5")
    ws.merge_cells("A6:A7"), ws.merge_cells("B6:B7"), ws.merge_cells("E6:E7")
    ws.append([])
    ws.append(["民生实事", "序号", "工作事项", "节点计划", "完成时间", "牵头单位"])
    ws.append(["民生实事", 1, "新增公办学位", "(1) 完成新建学校主体工程", "8月31日", "规划建设科"])
    ws.append([None, None, None, "(2) 秋季学期投入使用，新增学位3000个", "9月1日", None])
    (
        ws.merge_cells("A10:A11"),
        ws.merge_cells("B10:B11"),
        ws.merge_cells("C10:C11"),
        ws.merge_cells("F10:F11"),
    )
    path = tmp_path / "市局节点计划表.xlsx"
    wb.save(path)
    return path


def test_city_layout(tmp_path):
    tasks = import_task_list(city_xlsx(tmp_path))
    assert tasks.year == 2023
    assert [(t.name, len(t.milestones)) for t in tasks.tasks] == [
        ("深化基础教育综合改革", 3),
        ("推进职业教育提质培优", 2),
        ("新增公办学位", 2),
    ]
    first, second, third = tasks.tasks
    assert [m.due for m in first.milestones] == [
        date(2023, 3, 31),
        date(2023, 6, 30),
        date(2023, 12, 31),
    ]
    assert second.milestones[0].due == date(2023, 6, 30)  # full-width digits
    assert second.milestones[1].due is None  # no date anywhere: kept, flagged
    assert [f.code for f in tasks.findings] == ["undated_milestone"]
    assert third.lead == "规划建设科" and third.remarks == "民生实事" and third.no == "1"


# -- the command, and fill on what it wrote ---------------------------------------------------
@pytest.mark.parametrize("builder", [taishan_xlsx, pengjiang_xlsx, city_xlsx])
def test_import_command_then_fill(tmp_path, builder):
    src = builder(tmp_path)
    out = tmp_path / "imported.xlsx"
    result = yuebao("tasks", "import", str(src), "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert f"已写出yuebao格式的任务清单：{out}" in result.stdout
    imported, again = import_task_list(src), read_task_list(out)
    assert [(t.key, t.lead, [m.due for m in t.milestones]) for t in again.tasks] == [
        (t.key, t.lead, [m.due for m in t.milestones]) for t in imported.tasks
    ]
    undated = [m for m in imported.milestones() if m.due is None]
    assert f"未识别 {len(undated)} 个" in result.stdout
    for m in undated:
        assert m.text in result.stdout
    config = write_config(tmp_path, task_list=str(out))
    month = f"{again.year}-06"
    filled = yuebao("fill", "--config", str(config), "--month", month)
    assert filled.returncode == 0, filled.stderr
    assert len(list((tmp_path / month / "out").glob("*.xlsx"))) == len(again.lead_offices())


def test_unknown_layout_is_a_clear_error(tmp_path):
    path = tmp_path / "random.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["姓名", "电话"])
    wb.save(path)
    result = yuebao("tasks", "import", str(path))
    assert result.returncode == 2 and "无法识别" in result.stderr


def test_tasks_check_reports_the_configured_list(workdir):
    result = yuebao("tasks", "check", "--config", str(workdir / "config.yaml"))
    assert (
        result.returncode == 0 and "任务 19 项" in result.stdout and "未识别 0 个" in result.stdout
    )
