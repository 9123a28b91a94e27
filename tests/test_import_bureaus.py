"""Task lists as bureaus hold them: the Pengjiang three-year list counted by hand, Word tables,
a Word table pasted into Excel, a city list whose second table is shifted, a plan in prose only,
and `yuebao tasks check` listing every doubt."""

import re
from datetime import date
from pathlib import Path

import docx
import openpyxl
import pytest
from docx.enum.text import WD_UNDERLINE
from openpyxl.cell.rich_text import CellRichText, TextBlock
from openpyxl.cell.text import InlineFont

from reporting.errors import YuebaoError
from reporting.tasks.importers import ProseOnly, import_task_list
from reporting.tasks.tasklist import read_task_list

from .conftest import soffice, write_config
from .corpus import libreoffice
from .inprocess import run as yuebao
from .test_import import TAISHAN_COUNTS, pengjiang_rows, pengjiang_xlsx, seed, taishan_xlsx

# Counted by hand in the seed's 工作清单 (numbered items "1.…2.…" of each yearly cell; a cell
# without
# numbers is one item; cells continued on the next page counted once).  Task 17's 2021 cell has four
# items: "3.坚持师德第一标准…首要内容。 4.9月组织开展…" is items 3 and 4, the second due in
# September.
PENGJIANG_2021 = {
    1: 5,
    2: 6,  # "2.每季度召开意识形态工作分析研判会议": one milestone per quarter (3 - 1 + 4)
    3: 1,
    4: 1,
    5: 1,
    6: 1,
    7: 2,
    8: 1,
    9: 1,
    10: 2,
    11: 1,
    12: 1,
    13: 1,
    14: 2,
    15: 1,
    16: 1,
    17: 4,
    18: 3,
    19: 1,
    20: 4,
    21: 3,
    22: 3,
    23: 3,
    24: 2,
    25: 2,
    26: 1,
    27: 1,
    28: 1,
    29: 2,
    30: 1,
    31: 1,
    32: 1,
    33: 1,
    34: 1,
    35: 2,
    36: 1,
    37: 3,
    38: 1,
    39: 4,
    40: 2,
    41: 3,
}
PENGJIANG_2022 = {
    1: 6,
    2: 2,
    3: 1,
    4: 3,
    5: 1,
    6: 1,
    7: 2,
    8: 1,
    9: 1,
    10: 2,
    11: 1,
    12: 2,
    13: 1,
    14: 2,
    15: 1,
    16: 1,
    17: 5,
    18: 3,
    19: 3,
    20: 3,
    21: 3,
    22: 4,
    23: 2,
    24: 2,
    25: 2,
    26: 1,
    27: 2,
    28: 1,
    29: 3,
    30: 1,
    31: 1,
    32: 1,
    33: 1,
    34: 2,
    35: 2,
    36: 2,
    37: 4,
    38: 3,
    39: 3,
    40: 1,
    41: 3,
}
PENGJIANG_2023 = {
    1: 6,
    2: 2,
    3: 2,
    4: 1,
    5: 1,
    6: 2,
    7: 3,
    8: 1,
    9: 1,
    10: 2,
    11: 1,
    12: 1,
    13: 1,
    14: 3,
    15: 1,
    16: 1,
    17: 5,
    18: 2,
    19: 2,
    20: 2,
    21: 2,
    22: 3,
    23: 2,
    24: 1,
    25: 2,
    26: 2,
    27: 1,
    28: 1,
    29: 3,
    30: 1,
    31: 1,
    32: 1,
    33: 1,
    34: 1,
    35: 2,
    36: 1,
    37: 3,
    38: 3,
    39: 3,
    40: 1,
    41: 4,
}


@pytest.mark.parametrize("source", ["xlsx", "text"])
def test_pengjiang_2022_only(tmp_path, source):
    path = pengjiang_xlsx(tmp_path) if source == "xlsx" else seed("pengjiang_14th_plan.txt")
    tasks = import_task_list(path, year=2022)
    assert tasks.year == 2022 and [int(t.no) for t in tasks.tasks] == list(range(1, 42))
    assert {int(t.no): len(t.milestones) for t in tasks.tasks} == PENGJIANG_2022
    assert len(tasks.milestones()) == 86  # the sum of the hand counts
    # No 2022 item names a date of its own ("结合2022年度…" names the year): all due at the year's
    # end.
    assert {m.due for m in tasks.milestones()} == {date(2022, 12, 31)}
    by_no = {int(t.no): t for t in tasks.tasks}
    assert by_no[17].milestones[3].text.endswith("开展“最美教师”等评选，宣传好师德先进典型。")
    assert "multi_year" not in {f.code for f in tasks.findings}


def test_pengjiang_all_three_years(tmp_path):
    tasks = import_task_list(pengjiang_xlsx(tmp_path))
    for year, counts in ((2021, PENGJIANG_2021), (2022, PENGJIANG_2022), (2023, PENGJIANG_2023)):
        found = {int(t.no): sum(m.due.year == year for m in t.milestones) for t in tasks.tasks}
        assert found == counts, year
    assert len(tasks.milestones()) == 244  # 79 + 86 + 79, counted by hand (每季度: four in 2021)
    assert "multi_year" in {f.code for f in tasks.findings}
    t17 = {int(t.no): t for t in tasks.tasks}[17]
    item3, item4 = t17.milestones[2:4]  # "4.9月" is item 4 in September, not the decimal 4.9
    assert item3.text.endswith("定期注册的首要内容。") and item3.due == date(2021, 12, 31)
    assert "9月组织开展师德建设主题教育月活动" in item4.text and item4.due == date(2021, 9, 30)
    assert not [f for f in tasks.findings if f.code == "numbering_gap"]


def test_pengjiang_joint_lead_split_and_bureau_left_to_assign(tmp_path):
    tasks = import_task_list(pengjiang_xlsx(tmp_path), year=2022)
    t15 = {int(t.no): t for t in tasks.tasks}[15]
    assert t15.lead == "区教育局" and t15.offices[:2] == ("区教育局", "区人力资源社会保障局")
    out = tmp_path / "蓬江2022.xlsx"
    result = yuebao(
        "tasks",
        "import",
        str(pengjiang_xlsx(tmp_path)),
        "--year",
        "2022",
        "--out",
        str(out),
        cwd=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert "41项任务待指定牵头股室" in result.stdout and "--leads" in result.stdout
    ws = openpyxl.load_workbook(out).worksheets[0]
    assert [ws.cell(r, 5).value for r in range(3, 44)] == [None] * 41  # 牵头股室 left to fill
    check = yuebao("tasks", "check", str(out), cwd=tmp_path)
    assert check.returncode == 0, check.stderr
    assert check.stdout.count("不是局内股室") == 41 and "待指定牵头股室 41" in check.stdout


def test_leads_assigned_in_one_step(tmp_path):
    """The 对照表 the import writes, filled in, gives every task its office; fill makes their
    forms."""
    src = pengjiang_xlsx(tmp_path)
    out = tmp_path / "蓬江2022.xlsx"
    config = write_config(
        tmp_path,
        task_list=str(out),
        offices={"办公室": {}, "人事股": {}, "基教股": {}, "职成股": {}},
    )
    args = (
        "tasks",
        "import",
        str(src),
        "--year",
        "2022",
        "--out",
        str(out),
        "--config",
        str(config),
    )
    first = yuebao(*args)
    assert first.returncode == 0, first.stderr
    converted = openpyxl.load_workbook(out)
    rule = converted.worksheets[0].data_validations.dataValidation[0]  # 牵头股室: a drop-down
    assert str(rule.sqref) == "E3:E43" and converted["股室"].sheet_state == "hidden"
    assert sorted(c.value for c in converted["股室"]["A"]) == sorted(
        ["办公室", "人事股", "基教股", "职成股"]
    )
    sheet = tmp_path / "蓬江2022_牵头股室对照表.xlsx"
    wb = openpyxl.load_workbook(sheet)
    ws = wb.active
    assert [c.value for c in ws[1]] == [
        "序号",
        "任务名称",
        "原牵头单位",
        "牵头股室",
        "配合股室",
        "任务编码",
    ]
    assert ws.max_row == 42 and ws.data_validations.dataValidation  # drop-down: config's offices
    for row in ws.iter_rows(min_row=2):
        row[3].value = "人事股" if int(row[0].value) in (17, 18, 22, 38) else "基教股"
        if int(row[0].value) == 15:
            row[3].value, row[4].value = "职成股", "办公室"
    wb.save(sheet)
    second = yuebao(*args, "--leads", str(sheet))
    assert second.returncode == 0, second.stderr
    assert "待指定" not in second.stdout
    kept = [p for p in tmp_path.glob("蓬江2022_*.xlsx") if p != sheet]  # the first one, aside
    assert len(kept) == 1 and "另存为" in second.stdout
    assert (
        openpyxl.load_workbook(sheet).active["D16"].value == "职成股"
    )  # the 对照表 is never rewritten
    listed = read_task_list(out)
    by_no = {int(t.no): t for t in listed.tasks}
    assert by_no[15].lead == "职成股" and by_no[15].offices[:3] == (
        "职成股",
        "办公室",
        "区人力资源社会保障局",
    )
    assert "区教育局" not in by_no[15].offices
    assert sorted(listed.lead_offices()) == ["人事股", "基教股", "职成股"]
    assert sum(len(t.milestones) for t in listed.tasks) == 86
    filled = yuebao("fill", "--config", str(config), "--month", "2022-06")
    assert filled.returncode == 0, filled.stderr
    assert sorted(
        p.stem.split("_")[-1] for p in (tmp_path / "2022-06" / "out").glob("*.xlsx")
    ) == sorted(listed.lead_offices())


def test_numbering_that_disagrees_with_the_count_is_reported(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["某区教育三年行动计划（2021—2023）工作清单"])
    ws.append(["任务", "序号", "重点工作内容", "年度任务", None, None, "牵头单位", "责任单位"])
    ws.append([None, None, None, "2021年", "2022年", "2023年", None, None])
    ws.append(
        [
            "一、党建",
            1,
            "推进党建",
            "1.甲。",
            "1.建章立制。 2.开展培训。 4.完成验收。",
            "1.总结。",
            "区教育局",
            "各镇",
        ]
    )
    ws.append(
        [
            None,
            2,
            "落实责任",
            "1.签订责任书。",
            "1.培训。 2.检查。 2.督办。",
            "1.总结。",
            "区教育局",
            "各镇",
        ]
    )
    path = tmp_path / "某区清单.xlsx"
    wb.save(path)
    tasks = import_task_list(path, year=2022)
    assert [len(t.milestones) for t in tasks.tasks] == [3, 3]  # every item kept
    gaps = {f.task_key: f.message for f in tasks.findings if f.code == "numbering_gap"}
    assert "编号为1、2、4，缺第3条" in gaps["T01"] and "第2条重复" in gaps["T02"]


def test_year_not_in_the_list_is_a_clear_error(tmp_path):
    with pytest.raises(YuebaoError, match="没有2024年度"):
        import_task_list(pengjiang_xlsx(tmp_path), year=2024)


# -- city list: a second table shifted by a category column, a title between the tables -------
def city_two_tables(tmp_path: Path) -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["江门市教育局2023年重点工作和民生实事节点计划表"])
    ws.merge_cells("A1:F1")
    ws.append(["序号", "工作任务", "节点计划", "完成时间", "牵头单位"])
    ws.append([1, "深化基础教育综合改革", "（1）制定实施方案", "3月31日", "基础教育科"])
    ws.append([None, None, "（2）完成首批申报", "6.30", None])
    ws.append([None, None, "（3）组织迎检", "10月至12月", None])
    ws.merge_cells("A3:A5"), ws.merge_cells("B3:B5"), ws.merge_cells("E3:E5")
    ws.append(["二、民生实事项目节点计划"])  # the title line between the two tables
    ws.merge_cells("A6:E6")
    ws.append(["民生实事", "序号", "工作事项", "节点计划", "完成时间"])
    ws.append(["民生实事", 1, "新增公办学位", "(1) 完成新建学校主体工程", "8月31日"])
    ws.append([None, None, None, "(2) 投入使用", "本学年内"])
    ws.append([None, 2, "改造薄弱学校", "(1) 完成改造", "3月31日"])
    ws.append([None, None, None, "(3) 完成验收", "6月30日"])
    ws.merge_cells("A8:A11"), ws.merge_cells("B8:B9"), ws.merge_cells("C8:C9")
    path = tmp_path / "市局两表.xlsx"
    wb.save(path)
    return path


def as_text(xlsx: Path) -> Path:
    """The same table pasted as text from a PDF: tab-separated, merged cells in their first row."""
    rows = openpyxl.load_workbook(xlsx).active.iter_rows(values_only=True)
    lines = ["\t".join("" if v is None else str(v) for v in row) for row in rows]
    path = xlsx.with_suffix(".txt")
    path.write_text("\n".join(lines), encoding="utf-8")
    return path


@pytest.mark.parametrize("source", ["xlsx", "text"])
def test_city_second_table_found_by_header_text(tmp_path, source):
    path = city_two_tables(tmp_path)
    tasks = import_task_list(path if source == "xlsx" else as_text(path))
    first, second, third = tasks.tasks
    assert [m.due for m in first.milestones] == [
        date(2023, 3, 31),
        date(2023, 6, 30),
        date(2023, 12, 31),
    ]  # "6.30", "10月至12月"
    assert [m.text for m in first.milestones][-1].endswith("组织迎检")  # the title is no milestone
    assert not [m for m in tasks.milestones() if "民生实事项目" in m.text]
    assert (second.name, second.no, second.remarks) == ("新增公办学位", "1", "民生实事")
    assert [m.due for m in second.milestones] == [date(2023, 8, 31)] * 2  # 本学年内: August
    offices = {o for t in tasks.tasks for o in (t.lead, *t.offices)}
    assert not any("月" in o for o in offices)  # 完成时间 is never taken for an office
    assert second.lead == "" and third.lead == ""  # no lead column there: left to assign
    gap = [f for f in tasks.findings if f.code == "numbering_gap"]
    assert [f.task_key for f in gap] == [third.key] and "缺第2条" in gap[0].message


def test_date_in_an_office_column_is_a_finding(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["江门市教育局2023年节点计划表"])
    ws.append(["序号", "工作任务", "节点计划", "牵头单位"])
    ws.append([1, "校园安全", "(1) 6月底前完成排查", "3月31日"])
    path = tmp_path / "错列.xlsx"
    wb.save(path)
    tasks = import_task_list(path)
    assert tasks.tasks[0].lead == "" and tasks.tasks[0].offices == ()
    assert [f.code for f in tasks.findings] == ["date_in_office"]
    assert "3月31日" in tasks.findings[0].message


# -- Word ------------------------------------------------------------------------------------
def word_list(tmp_path: Path) -> Path:
    """A Taishan-style table in Word: 序号, 任务名称 and 责任股室 merged over two rows, lead
    underlined."""
    d = docx.Document()
    d.add_paragraph("附件1")
    d.add_paragraph("开平市教育局2024年重点工作任务一览表")
    t = d.add_table(rows=4, cols=5)
    for i, h in enumerate(["序号", "任务名称", "主要内容和关键时间节点计划", "责任股室", "备注"]):
        t.cell(0, i).text = h
    t.cell(1, 0).text, t.cell(1, 1).text = "1", "新建城东小学"
    content = t.cell(1, 2)
    content.text = "新建36个班，新增学位1620个。"
    for line in (
        "关键节点：",
        "一是3月底前完成招标。",
        "二是10月至12月完成主体工程。",
        "三是本学年内完成设备采购。",
    ):
        content.add_paragraph(line)
    offices = t.cell(1, 3)
    offices.paragraphs[0].add_run("基财股")
    offices.add_paragraph().add_run("基安股").underline = True
    offices.add_paragraph("教育装备中心")
    for col in (0, 1, 3):
        t.cell(1, col).merge(t.cell(2, col))
    t.cell(2, 2).text = "四是6.30前完成验收。"
    t.cell(3, 0).text, t.cell(3, 1).text = "2", "教师全员培训"
    t.cell(3, 2).text = "一是上半年完成校长轮训。"
    t.cell(3, 3).paragraphs[0].add_run("教师发展中心").underline = WD_UNDERLINE.SINGLE
    t.cell(3, 3).merge(t.cell(3, 4))  # merged across into 备注
    path = tmp_path / "开平任务.docx"
    d.save(path)
    return path


def test_word_table(tmp_path):
    tasks = import_task_list(word_list(tmp_path))
    assert (tasks.title, tasks.year) == ("开平市教育局2024年重点工作任务一览表", 2024)
    first, second = tasks.tasks
    assert first.name == "新建城东小学" and first.lead == "基安股"  # the underlined office
    assert first.offices == ("基安股", "基财股", "教育装备中心")
    # 3月底前, 10月至12月 (the range's end), 本学年内 (August), 6.30前 (on the row below, merged
    # task)
    assert [m.due for m in first.milestones] == [
        date(2024, 3, 31),
        date(2024, 12, 31),
        date(2024, 8, 31),
        date(2024, 6, 30),
    ]
    assert second.lead == "教师发展中心" and [m.due for m in second.milestones] == [
        date(2024, 6, 30)
    ]
    out = tmp_path / "开平_yuebao.xlsx"
    result = yuebao("tasks", "import", str(word_list(tmp_path)), "--out", str(out), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    again = read_task_list(out)
    assert [(t.lead, [m.due for m in t.milestones]) for t in again.tasks] == [
        (t.lead, [m.due for m in t.milestones]) for t in tasks.tasks
    ]


def pengjiang_docx(tmp_path: Path) -> Path:
    """The 工作清单 as the district sends it, in Word: two header rows (年度任务 over the three
    years),
    the section cell merged down its tasks, each yearly cell's items as paragraphs."""
    rows = pengjiang_rows()
    d = docx.Document()
    d.add_paragraph("江门市蓬江区教育发展“十四五”规划三年行动计划（2021—2023）工作清单")
    t = d.add_table(rows=len(rows) + 2, cols=8)
    for i, h in enumerate(
        ["任务", "序号", "重点工作内容", "年度任务", "", "", "牵头单位", "责任单位"]
    ):
        t.cell(0, i).text = h
    for i, y in enumerate(["2021年", "2022年", "2023年"], start=3):
        t.cell(1, i).text = y
    t.cell(0, 3).merge(t.cell(0, 5))
    for col in (0, 1, 2, 6, 7):
        t.cell(0, col).merge(t.cell(1, col))
    start = None
    for r, row in enumerate(rows, start=2):
        for c in range(1, 8):
            cell = t.cell(r, c)
            paragraphs = re.split(r"\s+(?=\d{1,2}\.(?!\d))", row[c]) if c in (3, 4, 5) else [row[c]]
            cell.text = paragraphs[0]
            for more in paragraphs[1:]:
                cell.add_paragraph(more)
        if row[0]:
            if start is not None and r - 1 > start:
                t.cell(start, 0).merge(t.cell(r - 1, 0))
            start = r
            t.cell(r, 0).text = row[0]
    t.cell(start, 0).merge(t.cell(len(rows) + 1, 0))
    path = tmp_path / "蓬江工作清单.docx"
    d.save(path)
    return path


def test_pengjiang_in_word(tmp_path):
    tasks = import_task_list(pengjiang_docx(tmp_path), year=2022)
    assert {int(t.no): len(t.milestones) for t in tasks.tasks} == PENGJIANG_2022
    by_no = {int(t.no): t for t in tasks.tasks}
    assert by_no[2].remarks.startswith("一、") and by_no[41].remarks.startswith(
        "九、"
    )  # merged down
    assert by_no[15].offices[:2] == ("区教育局", "区人力资源社会保障局")


def test_word_paste_into_excel_is_one_task(tmp_path):
    """Each paragraph on its own row, 序号 / 任务名称 / 责任股室 merged down: one task, not four."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["鹤山市教育局2022年重点工作任务一览表"])
    ws.append(["序号", "任务名称", "主要内容和关键时间节点计划", "责任股室", "备注"])
    lead = CellRichText([TextBlock(InlineFont(u="single"), "基财股"), "\n基安股"])
    for paragraph in (
        "扩建城南小学，新增学位900个。",
        "关键节点：",
        "一是3月底前完成设计。",
        "二是9月1日前投入使用。",
    ):
        ws.append([1, "扩建城南小学", paragraph, lead, None])
    ws.merge_cells("A3:A6"), ws.merge_cells("B3:B6"), ws.merge_cells("D3:D6")
    ws.append([2, "教师培训", "一是6月底前完成。", "人事股", None])
    ws.append([2, "校园安全检查", "一是10月底前完成。", "基安股", None])
    path = tmp_path / "粘贴.xlsx"
    wb.save(path)
    tasks = import_task_list(path)
    first = tasks.tasks[0]
    assert len([t for t in tasks.tasks if t.no == "1"]) == 1 and first.lead == "基财股"
    assert first.overview.startswith("扩建城南小学") and [m.due for m in first.milestones] == [
        date(2022, 3, 31),
        date(2022, 9, 1),
    ]
    dup = [f for f in tasks.findings if f.code == "duplicate_no"]
    assert len(dup) == 1 and "教师培训" in dup[0].message and "校园安全检查" in dup[0].message
    assert len({t.key for t in tasks.tasks}) == 3  # both kept, under keys of their own
    out = tmp_path / "粘贴_yuebao.xlsx"
    assert yuebao("tasks", "import", str(path), "--out", str(out)).returncode == 0
    assert len(read_task_list(out).tasks) == 3


def test_old_excel_workbook(tmp_path):
    """An .xls (as WPS and old Excel save): read by value, so no underline: the first office leads,
    and the import says so for every task with several offices."""
    soffice()
    xls = libreoffice(taishan_xlsx(tmp_path), "xls", tmp_path / "xls")
    tasks = import_task_list(xls)
    assert {int(t.no): len(t.milestones) for t in tasks.tasks} == TAISHAN_COUNTS
    several = [t for t in tasks.tasks if len(t.offices) > 1]
    assumed = [f for f in tasks.findings if f.code == "lead_assumed"]
    assert len(assumed) == len(several) > 0 and all(t.lead == t.offices[0] for t in several)


# -- a plan in prose only --------------------------------------------------------------------
@pytest.mark.parametrize(
    "name", ["enping_2023_2025_action_plan.txt", "jiangmen_2023_work_points.txt"]
)
def test_prose_plan_gets_a_blank_list_to_fill(tmp_path, name):
    out = tmp_path / "lists" / "tasks.xlsx"
    result = yuebao("tasks", "import", str(seed(name)), "--out", str(out))
    assert result.returncode == 2
    assert "文字叙述的方案" in result.stderr and "手工填写" in result.stderr
    blank = tmp_path / "lists" / "tasks_待填写.xlsx"
    assert str(blank) in result.stderr and not out.exists()
    listed = read_task_list(blank)
    assert len(listed.tasks) == 1 and listed.tasks[0].name.startswith("（示例）")
    assert all(m.due for m in listed.milestones())
    check = yuebao("tasks", "check", str(blank))
    assert "示例行" in check.stdout


def test_prose_seed_counts_its_measures(tmp_path):
    with pytest.raises(ProseOnly) as caught:
        import_task_list(seed("enping_2023_2025_action_plan.txt"))
    assert caught.value.year == 2023 and caught.value.measures > 10


def test_word_document_without_a_table_is_prose(tmp_path):
    d = docx.Document()
    for line in (
        "恩平市行动方案(2023-2025年)",
        "一、指导思想",
        "二、工作目标",
        "1.到2025年，完成学前教育普及普惠评估。",
    ):
        d.add_paragraph(line)
    path = tmp_path / "方案.docx"
    d.save(path)
    with pytest.raises(ProseOnly):
        import_task_list(path)


OLD_WORD = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1 old Word"


@pytest.mark.parametrize(
    "name, content", [("坏.docx", b"PK\x03\x04 not really a zip"), ("旧版.doc", OLD_WORD)]
)
def test_damaged_or_old_word_file_is_a_clear_error(tmp_path, name, content):
    path = tmp_path / name
    path.write_bytes(content)
    result = yuebao("tasks", "import", str(path), "--out", str(tmp_path / "out.xlsx"))
    assert result.returncode == 2 and "另存为.docx" in result.stderr
    assert list(tmp_path.iterdir()) == [path]  # nothing written


# -- tasks check: every milestone and every doubt ---------------------------------------------
def test_check_lists_milestones_and_every_doubt(tmp_path):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.append(["新会区教育局2022年重点工作任务一览表"])
    ws.append(
        [
            "序号",
            "任务名称",
            "主要内容和关键时间节点计划",
            "责任股室",
            "牵头股室",
            "备注",
            "任务编码",
        ]
    )
    ws.append(
        [
            1,
            "新建学校",
            "概况。\n一是3月底前完成招标。\n二是加强统筹。\n四是10月至12月完成主体。",
            "基财股",
            "基财股",
            None,
            "K1",
        ]
    )
    ws.append([2, "校园安全", "一是6.30前完成排查。", "6月30日", "基安股", None, "K2"])
    ws.append([3, "课后服务", "一是上半年完成。", "区教育局", None, None, "K3"])
    ws.append([3, "课后服务", "一是上半年完成。", "区教育局", None, None, "K4"])
    path = tmp_path / "新会.xlsx"
    wb.save(path)
    result = yuebao("tasks", "check", str(path))
    assert result.returncode == 0, result.stderr
    out = result.stdout
    assert "第1项 新建学校（牵头：基财股；节点 3 个）" in out
    assert (
        "2022-03-31  一是3月底前完成招标。" in out
        and "日期不明" in out
        and "2022-12-31  四是10月至12月" in out
    )
    assert "2022-06-30  一是6.30前完成排查。" in out  # "6.30" read as returns read it
    assert "编号为1、2、4，缺第3条" in out  # numbering gap
    assert "“6月30日”，这是日期而不是单位" in out  # a date in an office column
    assert "序号3出现了不止一次" in out and "名称和内容完全相同" in out  # duplicates
    assert "“区教育局”，不是局内股室" in out  # unassigned lead
    assert "疑点 " in out.splitlines()[-1]
    for word in ("日期不明 1", "编号不连续 1", "单位列中是日期 1", "待指定牵头股室 2"):
        assert word in out.splitlines()[-1]
