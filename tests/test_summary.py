"""The summary a section chief opens: counts, charts, what changed since last month, history,
colours."""

import re
import shutil
import subprocess
import zipfile
from datetime import date
from itertools import takewhile
from pathlib import Path

import openpyxl
import pytest
import yaml

from reporting.tasks.tasklist import read_task_list

from .conftest import SAMPLE_TASKS, answers, soffice
from .inprocess import run as yuebao
from .test_cycle import rows_of


def summary_path(folder, month):
    return folder / month / f"重点工作进展汇总_{month}_台山市教育系统.xlsx"


def done_keys(month: str, tasks) -> set[str]:
    """Milestones a lead office reported 已完成 in the sample answers, taken as the returns carry
    them."""
    data = answers(month)
    from tests.test_cycle import (
        _module,
    )  # the faults the sample clerks made, as the sample was built

    faults = _module.FAULTS.get(month, {})
    keys = set()
    for t in tasks.tasks:
        fault = faults.get(t.lead, {})
        if fault.get("missing") or fault.get("delete_task") == t.key:
            continue
        for m in t.milestones:
            if data["tasks"][int(t.no)]["milestones"][m.seq]["status"] == "已完成":
                keys.add(m.key)
    return keys


def test_overview_counts_match_the_returns(demo_dir):
    tasks = read_task_list(SAMPLE_TASKS)
    ws = openpyxl.load_workbook(summary_path(demo_dir, "2022-07"))["概览"]
    totals = {ws.cell(4, c).value: ws.cell(5, c).value for c in range(1, 7)}
    assert totals["节点总数"] == sum(len(t.milestones) for t in tasks.tasks)
    assert totals["已完成"] == len(done_keys("2022-07", tasks))
    due = sum(1 for m in tasks.milestones() if m.due <= date(2022, 7, 31))
    assert totals["本月应完成"] == due
    paragraph = ws.cell(3, 1).value
    assert (
        paragraph.startswith("截至2022年7月25日") and f"{len(tasks.tasks)}项重点任务" in paragraph
    )
    table = list(
        takewhile(lambda r: r["牵头股室"].value and r["任务数"].value is not None, rows_of(ws, 7))
    )
    assert sorted(r["牵头股室"].value for r in table) == sorted(tasks.lead_offices())
    rank = {"红灯": 0, "黄灯": 1, "绿灯": 2}
    lights = [rank[r["督办灯"].value] for r in table]
    assert lights == sorted(lights), "offices ranked worst first"
    for r in table:  # the light follows the rule written under the table
        state, overdue = r["报送情况"].value, r["逾期"].value
        want = (
            "红灯"
            if state in ("未报送", "报表有误")
            else "黄灯"
            if state == "逾期报送" or overdue
            else "绿灯"
        )
        if overdue and state not in ("未报送", "报表有误"):
            assert r["督办灯"].value in ("红灯", "黄灯")
        elif want == "绿灯" and r["临期"].value:  # 黄灯 if it reports a 临期 one 滞后
            assert r["督办灯"].value in ("绿灯", "黄灯"), r["牵头股室"].value
        else:
            assert r["督办灯"].value == want, r["牵头股室"].value
    assert "督办灯规则" in " ".join(str(c.value) for c in ws[8 + len(table)] if c.value)


def chart_xml(path) -> list[str]:
    with zipfile.ZipFile(path) as zf:
        return [
            zf.read(n).decode() for n in sorted(zf.namelist()) if n.startswith("xl/charts/chart")
        ]


def test_overview_has_native_charts_over_the_right_ranges(demo_dir):
    charts = chart_xml(summary_path(demo_dir, "2022-07"))
    assert len(charts) == 2
    bars = next(c for c in charts if "<c:barChart>" in c)
    n = len(read_task_list(SAMPLE_TASKS).lead_offices())
    assert '<c:grouping val="stacked"/>' in bars
    refs = set(re.findall(r"<c:f>(.*?)</c:f>", bars))
    assert f"概览!$A$8:$A${7 + n}" in refs  # one bar per office
    assert {f"概览!${col}$8:${col}${7 + n}" for col in "DEFG"} <= refs
    line = next(c for c in charts if "<c:lineChart>" in c)
    month_refs = [r for r in re.findall(r"<c:f>(.*?)</c:f>", line)]
    first, last = re.findall(r"\$(\d+)", month_refs[-1])
    assert (
        int(last) - int(first) + 1 == 2
    )  # June and July: the trend covers the months merged so far


def test_changes_since_last_month(demo_dir):
    tasks = read_task_list(SAMPLE_TASKS)
    wb = openpyxl.load_workbook(summary_path(demo_dir, "2022-07"))
    rows = [r for r in rows_of(wb["变化"]) if r["变化"].value]
    by_kind = {}
    for r in rows:
        by_kind.setdefault(re.sub(r"^逾期完成\d+天$", "新完成", r["变化"].value), []).append(r)
    june, july = answers("2022-06"), answers("2022-07")
    same = {
        no for no in july["tasks"] if july["tasks"][no]["progress"] == june["tasks"][no]["progress"]
    }
    assert same, "the sample has tasks whose progress was copied from June"
    assert {int(r["序号"].value) for r in by_kind["进展与上月相同"]} == same
    newly = done_keys("2022-07", tasks) - done_keys("2022-06", tasks)
    texts = {m.key: m.text for m in tasks.milestones()}
    assert sorted(r["关键节点"].value for r in by_kind["新完成"]) == sorted(texts[k] for k in newly)
    warnings = [r for r in rows_of(wb["校验问题"]) if r["代码"].value == "progress_unchanged"]
    assert len(warnings) == len(same)


def test_first_month_says_there_is_nothing_to_compare(demo_dir):
    wb = openpyxl.load_workbook(summary_path(demo_dir, "2022-06"))
    assert "变化" not in wb.sheetnames  # it would print as a near-empty page
    assert "没有2022-05的汇总记录" in wb["概览"].cell(3, 1).value


def test_a_past_month_regenerates_exactly(demo_copy):
    before = openpyxl.load_workbook(summary_path(demo_copy, "2022-06"))
    again = yuebao(
        "merge",
        "--config",
        str(demo_copy / "config.yaml"),
        "--month",
        "2022-06",
        "--as-of",
        "2022-06-25",
    )
    assert again.returncode == 0, again.stderr
    after = openpyxl.load_workbook(summary_path(demo_copy, "2022-06"))
    for name in ("汇总", "逾期事项", "报送情况", "校验问题"):
        values = lambda wb: [[c.value for c in row] for row in wb[name].iter_rows()]  # noqa: E731
        assert values(after) == values(before), name


def test_colours_come_from_config_and_every_coloured_sheet_has_a_legend(demo_copy):
    config = demo_copy / "config.yaml"
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["colours"] = {"overdue": "#FF0000"}
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = yuebao("merge", "--config", str(config), "--month", "2022-07", "--as-of", "2022-07-25")
    assert result.returncode == 0, result.stderr
    wb = openpyxl.load_workbook(summary_path(demo_copy, "2022-07"))
    overdue = [r for r in rows_of(wb["汇总"]) if r["判定"].value == "逾期"]
    assert overdue and all(r["关键节点"].fill.fgColor.rgb.endswith("FF0000") for r in overdue)
    legend = [c.value for c in wb["汇总"][3] if c.value]
    assert any(str(v).startswith("逾期") for v in legend) and any(
        str(v).startswith("已完成") for v in legend
    )
    bad = yuebao("merge", "--config", str(config), "--month", "2022-07")
    data["colours"] = {"overdue": "red"}
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    bad = yuebao("merge", "--config", str(config), "--month", "2022-07")
    assert bad.returncode == 2 and "colours.overdue" in bad.stderr


def test_merge_pdf_prints_overview_on_one_page(demo_copy, tmp_path):
    soffice()
    result = yuebao(
        "merge",
        "--config",
        str(demo_copy / "config.yaml"),
        "--month",
        "2022-07",
        "--as-of",
        "2022-07-25",
        "--pdf",
    )
    assert result.returncode == 0, result.stderr
    pdf = demo_copy / "2022-07" / "重点工作进展汇总_2022-07_台山市教育系统.pdf"
    assert f"PDF：{pdf}" in result.stdout
    text = subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = text.split("\f")
    assert "概览" in pages[0] and "各股室节点状态" in pages[0]
    assert (
        any("逾期事项" in p for p in pages[1:]) and "汇总（" not in text
    )  # only the chiefs' two sheets
    subprocess.run(
        ["pdftoppm", "-r", "50", "-png", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    png = next(tmp_path.glob("page*.png"))
    assert png.stat().st_size > 10_000  # a real picture of a page, not a blank


def test_overview_stays_one_readable_page_when_offices_are_many(demo_copy, monkeypatch):
    """A city has hundreds of offices: 概览 lists the most urgent, 股室一览 lists them all."""
    from reporting import cycle as steps
    from reporting.summary import workbook as merge

    monkeypatch.setattr(
        merge, "OVERVIEW_OFFICES", 4
    )  # the sample's 11 offices stand in for a city's 300
    c = steps.Cycle.load(demo_copy / "config.yaml", date(2022, 7, 25))
    period, check = steps.check_month(c, "2022-07")
    ledger = c.ledger()
    summary = steps.summarise(c, period, check, ledger)
    ledger.close()
    path = merge.write_summary(summary, demo_copy / "many.xlsx", c.amber_days)
    wb = openpyxl.load_workbook(path)
    ranked = [o.office.name for o in summary.offices]
    overview = [wb["概览"].cell(r, 1).value for r in range(8, 8 + len(ranked))]
    assert overview[:4] == ranked[:4]
    assert (
        overview[4]
        == f"共{len(ranked)}个股室，此处按督办灯列出最需关注的4个；全部股室见“股室一览”表"
    )
    everyone = [row[0].value for row in wb["股室一览"].iter_rows(min_row=5) if row[0].value]
    assert everyone == ranked  # all of them, in the same order
    setup = wb["概览"]
    assert setup.sheet_properties.pageSetUpPr.fitToPage and setup.page_setup.fitToHeight in (
        None,
        1,
    )  # 1 page tall
    bars = next(x for x in chart_xml(path) if "<c:barChart>" in x)
    assert "概览!$A$8:$A$11" in bars and "最需关注的4个股室节点状态" in bars


def test_summary_open_in_excel_is_kept_and_the_new_one_saved_beside_it(demo_copy):
    """Windows locks a workbook open in Excel; here the same refusal comes from an immutable
    file."""
    if not shutil.which("chattr"):
        pytest.skip("chattr not available")
    path = summary_path(demo_copy, "2022-07")
    before = path.read_bytes()
    if subprocess.run(["chattr", "+i", str(path)], capture_output=True).returncode != 0:
        pytest.skip("this file system cannot make a file immutable")
    try:
        result = yuebao(
            "merge",
            "--config",
            str(demo_copy / "config.yaml"),
            "--month",
            "2022-07",
            "--as-of",
            "2022-08-08",
        )
    finally:
        subprocess.run(["chattr", "-i", str(path)], check=True)
    assert result.returncode == 0, result.stderr
    assert path.read_bytes() == before  # the open one untouched
    line = next(x for x in result.stdout.splitlines() if x.startswith("汇总表："))
    saved = Path(
        line.removeprefix("汇总表：").split("（重点工作进展汇总_2022-07_台山市教育系统.xlsx正在")[0]
    )
    assert saved != path and saved.parent == path.parent and saved.exists()
    assert "正在Excel或WPS中打开，无法覆盖，已另存为此文件" in line
    assert openpyxl.load_workbook(saved)["概览"][
        "A1"
    ].value  # a complete summary, as of the new day
