"""Roll-ups over three levels: offices -> two counties -> the city."""

import os
from datetime import date

import openpyxl
import yaml

from reporting import clerks as simulate
from reporting import xlsx
from reporting.cycle import Cycle, collect_month, fill, merge
from reporting.models import Task, TaskList
from reporting.summary.rollup import rollup
from reporting.tasks.tasklist import write_task_list

from .conftest import yuebao
from .test_cycle import rows_of

RECEIVED = 1655366400  # 16 June 2022: before the deadline


def task(key, no, name, office, parent, months=(3, 6, 10)):
    lines = [f"{name}。", "关键节点："] + [
        f"{'一二三'[i]}是{m}月底前完成第{i + 1}阶段。" for i, m in enumerate(months)
    ]
    return Task(
        key=key,
        no=str(no),
        name=name,
        content="\n".join(lines),
        overview="",
        offices=(office,),
        lead=office,
        parent=parent,
    )


def level(folder, bureau, tasks, **extra):
    folder.mkdir(parents=True, exist_ok=True)
    write_task_list(
        TaskList(title=f"{bureau}2022年重点工作任务一览表", year=2022, tasks=tasks),
        folder / "tasks.xlsx",
    )
    data = {
        "bureau": bureau,
        "task_list": "tasks.xlsx",
        "ledger": "ledger.sqlite3",
        "folders": {
            "outbox": "{month}/out",
            "inbox": "inbox/{month}",
            "archive": "{month}/archive",
            "summary": "{month}",
        },
        **extra,
    }
    (folder / "config.yaml").write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return folder / "config.yaml"


def county_month(config, done_by):
    """The offices answer (everything due by June done, except what `done_by` leaves out), the
    county merges."""
    cycle = Cycle.load(config, date(2022, 6, 25))
    inbox = config.parent / "inbox" / "2022-06"
    inbox.mkdir(parents=True, exist_ok=True)
    for path in fill(cycle, "2022-06").paths:
        wb, ws = simulate.open_form(path)
        answers = {}
        for key in simulate.rows_by_key(ws):
            if "-M" in key:
                t, seq = key.split("-M")
                status = "已完成" if done_by(t, int(seq)) else "滞后"
                answers.setdefault(t, {"progress": f"{t}进展", "milestones": {}})["milestones"][
                    int(seq)
                ] = {
                    "status": status,
                    "completed_on": date(2022, 6, 1) if status == "已完成" else None,
                }
        simulate.answer(ws, "张三", date(2022, 6, 15), answers)
        wb.save(inbox / path.name)
        os.utime(inbox / path.name, (RECEIVED, RECEIVED))
    collect_month(cycle, "2022-06")
    return merge(cycle, "2022-06").summary_path


def counties_reported(tmp_path):
    """The city and two counties; the counties' June summaries are in the city's roll-up inbox."""
    city_tasks = [
        task("C01", 1, "学位建设", "基础教育科", ""),
        task("C02", 2, "教师培训", "人事科", ""),
    ]
    city = level(
        tmp_path / "city",
        "江门市教育局",
        city_tasks,
        rollup={
            "inbox": "rollup/{month}",
            "units": ["台山市教育局", "恩平市教育局", "开平市教育局"],
        },
    )
    taishan = level(
        tmp_path / "taishan",
        "台山市教育局",
        [
            task("TS01", 1, "扩建台城中心小学", "基财股", "C01"),
            task("TS02", 2, "新建幼儿园", "基财股", "C01"),
            task("TS03", 3, "教师全员培训", "人事股", "C02"),
        ],
    )
    enping = level(
        tmp_path / "enping",
        "恩平市教育局",
        [
            task("EP01", 1, "新增公办学位", "规划股", "C01"),
            task("EP02", 2, "校长能力提升", "人事股", "C02"),
            task("EP03", 3, "县域特色项目", "办公室", "C99"),
        ],
    )  # maps to no city task
    summaries = [
        county_month(taishan, lambda t, s: s == 1),
        county_month(enping, lambda t, s: t != "EP02"),
    ]
    inbox = tmp_path / "city" / "rollup" / "2022-06"
    inbox.mkdir(parents=True)
    for path in summaries:
        (inbox / f"{path.parent.parent.name}_{path.name}").write_bytes(path.read_bytes())
    return city


def test_three_levels_offices_counties_city(tmp_path):
    city = counties_reported(tmp_path)
    result = yuebao("rollup", "--config", str(city), "--month", "2022-06", "--as-of", "2022-06-25")
    assert result.returncode == 0, result.stderr
    out = tmp_path / "city" / "2022-06" / "重点工作进展汇总_2022-06_江门市教育局.xlsx"
    assert f"本级汇总表：{out}" in result.stdout
    wb = openpyxl.load_workbook(out)
    rows = [r for r in rows_of(wb["汇总"], 2) if r["关键节点"].value]
    assert len(rows) == 6 * 3  # every county milestone, once
    by_unit = {}
    for r in rows:
        by_unit.setdefault(r["报送单位"].value, []).append(r)
    assert {u: len(v) for u, v in by_unit.items()} == {"台山市教育局": 9, "恩平市教育局": 9}
    ts = [r for r in by_unit["台山市教育局"] if r["下级任务"].value == "教师全员培训"]
    assert ts[0]["本级任务"].value == "教师培训" and ts[0]["牵头股室"].value == "人事股"
    # as of 25 June: Taishan left its June milestones 滞后 -> overdue; Enping's EP02 too
    second = [r for r in rows if "第2阶段" in r["关键节点"].value]
    assert {(r["报送单位"].value, r["下级任务"].value, r["判定"].value) for r in second} >= {
        ("台山市教育局", "扩建台城中心小学", "临期"),
        ("恩平市教育局", "新增公办学位", "已完成"),
    }
    codes = {(r[4].value, r[1].value) for r in wb["校验问题"].iter_rows(min_row=2)}
    assert ("unmapped_task", "恩平市教育局") in codes  # EP03 kept, listed
    assert ("not_returned", "开平市教育局") in codes  # expected but missing
    unmapped = [r for r in rows if r["本级序号"].value == "（未对应）"]
    assert len(unmapped) == 3 and all(r["下级任务"].value == "县域特色项目" for r in unmapped)
    states = {r[0].value: r[1].value for r in wb["报送情况"].iter_rows(min_row=2)}
    assert states == {"台山市教育局": "已报送", "恩平市教育局": "已报送", "开平市教育局": "未报送"}
    assert wb["数据"].sheet_state == "hidden"  # the city's summary rolls up further


def test_excel_row_limit_splits_data_and_summary_and_loses_nothing(tmp_path, monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_ROWS", 8)  # Excel's 1,048,576 rows, scaled down
    city = counties_reported(tmp_path)  # each county's 9 rows: 数据 and 数据（2）
    county = openpyxl.load_workbook(next((tmp_path / "city" / "rollup" / "2022-06").iterdir()))
    assert {"数据", "数据（2）"} <= set(county.sheetnames)
    result = rollup(Cycle.load(city, date(2022, 6, 25)), "2022-06")
    assert len(result.rows) == 6 * 3  # every part of every county's data read
    wb = openpyxl.load_workbook(result.path)
    parts = [n for n in wb.sheetnames if n.startswith("汇总")]
    written = [r for n in parts for r in rows_of(wb[n], 2) if r["关键节点"].value]
    assert len(parts) == 3 and all(wb[n].max_row <= 8 for n in parts)
    assert len(written) == 18  # split, nothing dropped
    assert "rows_split" in {f.code for f in result.findings}
    data = [n for n in wb.sheetnames if n.startswith("数据")]
    assert sum(wb[n].max_row - 1 for n in data) == 18  # and the city's own data, for the province


def test_the_roll_ups_verdicts_take_the_configured_colours(tmp_path):
    city = counties_reported(tmp_path)
    data = yaml.safe_load(city.read_text(encoding="utf-8"))
    data["colours"] = {"overdue": "#FF0000", "done": "#00FF00"}
    city.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = rollup(Cycle.load(city, date(2022, 6, 25)), "2022-06")
    rows = [
        r for r in rows_of(openpyxl.load_workbook(result.path)["汇总"], 2) if r["关键节点"].value
    ]
    fills = {r["判定"].value: r["判定"].fill.fgColor.rgb for r in rows}
    assert fills["逾期"].endswith("FF0000") and fills["已完成"].endswith("00FF00")
    assert fills["临期"].endswith("FFEB9C")  # the default, not configured
