"""Roll-ups over three levels built here: offices -> two counties -> the city -> the province."""

import os
from datetime import date, datetime

import openpyxl
import pytest
import yaml

from reporting import clerks as simulate
from reporting import xlsx
from reporting.cycle import Cycle, collect_month, fill, merge
from reporting.models import Task, TaskList
from reporting.summary.rollup import rollup
from reporting.tasks import extensions
from reporting.tasks.tasklist import write_task_list

from .inprocess import run as yuebao
from .test_cycle import rows_of

RECEIVED = 1655366400  # 16 June 2022: before the deadline
PROVINCE, CITY = "广东省教育厅", "江门市教育局"
TAISHAN, ENPING, KAIPING = "台山市教育局", "恩平市教育局", "开平市教育局"


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


@pytest.fixture(scope="module")
def counties(tmp_path_factory):
    """Two counties' June summaries: Taishan (an extension approved on TS01's 2nd milestone,
    June milestones left 滞后) and Enping (EP03 serves a city task that does not exist)."""
    tmp = tmp_path_factory.mktemp("counties")
    taishan = level(
        tmp / "taishan",
        TAISHAN,
        [
            task("TS01", 1, "扩建台城中心小学", "基财股", "C01"),
            task("TS02", 2, "新建幼儿园", "基财股", "C01"),
            task("TS03", 3, "教师全员培训", "人事股", "C02"),
        ],
    )
    enping = level(
        tmp / "enping",
        ENPING,
        [
            task("EP01", 1, "新增公办学位", "规划股", "C01"),
            task("EP02", 2, "校长能力提升", "人事股", "C02"),
            task("EP03", 3, "县域特色项目", "办公室", "C99"),  # maps to no city task
        ],
    )
    approve = Cycle.load(taishan, date(2022, 6, 10))
    extensions.approve(approve, "TS01", "2", date(2022, 7, 31), "用地审批未完成")
    return {
        TAISHAN: county_month(taishan, lambda t, s: s == 1),
        ENPING: county_month(enping, lambda t, s: t != "EP02"),
    }


def put(path, inbox, name=None, when=RECEIVED):
    """A summary saved into an inbox as a mail attachment is: its time received is its mtime."""
    target = inbox / (name or path.name)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(path.read_bytes())
    os.utime(target, (when, when))
    return target


def city_level(tmp_path, counties, drop=True):
    """The city: C01 serves the province's P01, C02 names a province task that does not exist;
    three counties expected, Kaiping never reports."""
    city = level(
        tmp_path / "city",
        CITY,
        [
            task("C01", 1, "学位建设", "基础教育科", "P01"),
            task("C02", 2, "教师培训", "人事科", "P09"),
        ],
        rollup={"inbox": "rollup/{month}", "units": [TAISHAN, ENPING, KAIPING]},
    )
    for path in counties.values() if drop else ():
        put(path, tmp_path / "city" / "rollup" / "2022-06")
    return city


def province_level(tmp_path):
    return level(
        tmp_path / "province",
        PROVINCE,
        [
            task("P01", 1, "教育强省建设", "规划处", ""),
            task("P02", 2, "高校学科建设", "高教处", ""),
        ],
        rollup={"inbox": "rollup/{month}", "units": [CITY, "佛山市教育局"]},
    )


def table(ws):
    """The rows of a roll-up sheet under its header row (found by its fill)."""
    return [r for r in rows_of(ws) if any(c.value for c in r.values())]


def names(shown: str, full: str) -> bool:
    """A task's later rows print its repeated texts whole, or in one line ending in "…"."""
    return shown == full or (shown.endswith("…") and full.startswith(shown[:-1]))


def sorted_errors_first(ws):
    severities = [r["严重程度"].value for r in table(ws)]
    return severities == sorted(severities, key=lambda s: s != "错误")


CITY_CHAINS = {  # county task -> (unit path, task chain) at the city
    "扩建台城中心小学": (f"{CITY} ← {TAISHAN}", "C01 学位建设 ← TS01 扩建台城中心小学"),
    "新建幼儿园": (f"{CITY} ← {TAISHAN}", "C01 学位建设 ← TS02 新建幼儿园"),
    "教师全员培训": (f"{CITY} ← {TAISHAN}", "C02 教师培训 ← TS03 教师全员培训"),
    "新增公办学位": (f"{CITY} ← {ENPING}", "C01 学位建设 ← EP01 新增公办学位"),
    "校长能力提升": (f"{CITY} ← {ENPING}", "C02 教师培训 ← EP02 校长能力提升"),
    "县域特色项目": (f"{CITY} ← {ENPING}", "（未对应） ← EP03 县域特色项目"),
}


def test_the_city_rolls_up_two_counties_and_each_row_says_where_it_came_from(tmp_path, counties):
    assert {p.name for p in counties.values()} == {
        f"重点工作进展汇总_2022-06_{TAISHAN}.xlsx",
        f"重点工作进展汇总_2022-06_{ENPING}.xlsx",
    }  # each county's summary names its unit: two never collide in one inbox
    city = city_level(tmp_path, counties)
    result = yuebao("rollup", "--config", str(city), "--month", "2022-06", "--as-of", "2022-06-28")
    assert result.returncode == 0, result.stderr
    out = tmp_path / "city" / "2022-06" / f"下级单位汇总_2022-06_{CITY}.xlsx"
    assert f"本级汇总表：{out}" in result.stdout
    wb = openpyxl.load_workbook(out)
    assert "判定截至2022-06-28" in wb["汇总"]["A1"].value  # the day its verdicts are judged on
    rows = table(wb["汇总"])
    assert len(rows) == 6 * 3  # every county milestone, once
    for r in rows:  # the whole chain on every row
        lower = r["任务链"].value.split(" ← ")[-1].split(" ", 1)[1]  # 下级任务 may be shortened
        assert (r["单位路径"].value, r["任务链"].value) == CITY_CHAINS[lower]
        assert names(r["报送单位"].value, r["单位路径"].value.split(" ← ")[-1])
    ts = [r for r in rows if r["下级任务"].value == "教师全员培训"]
    assert ts[0]["本级任务"].value == "教师培训" and ts[0]["牵头股室"].value == "人事股"
    # re-judged as of 28 June: Taishan left its June milestones 滞后; TS01's was extended
    second = {
        r["任务链"].value.split(" ← ")[-1].split(" ", 1)[1]: r
        for r in rows
        if "第2阶段" in r["关键节点"].value
    }
    assert second["新建幼儿园"]["判定"].value == "临期"
    assert second["新增公办学位"]["判定"].value == "已完成"
    extended = second["扩建台城中心小学"]
    assert extended["计划完成时间"].value == datetime(2022, 7, 31)
    assert extended["原计划完成时间"].value == datetime(2022, 6, 30)
    assert extended["判定"].value == "未到期"
    findings = table(wb["校验问题"])
    codes = [(r["代码"].value, r["单位"].value) for r in findings]
    assert {r["类别"].value for r in findings if r["代码"].value == "not_returned"} == {"未报送"}
    assert codes.count(("unmapped_task", ENPING)) == 1  # once for EP03, not once per milestone
    assert [f for f in codes if f[0] == "unmapped_task"] == [("unmapped_task", ENPING)]
    assert ("not_returned", KAIPING) in codes  # expected but missing
    assert sorted_errors_first(wb["校验问题"])
    unmapped = [r for r in rows if names(str(r["本级序号"].value), "（未对应）")]
    assert len(unmapped) == 3 and rows[-3:] == unmapped  # kept, at the end
    sub = {r["单位"].value: r for r in table(wb["报送情况"])}
    assert {u: r["报送情况"].value for u, r in sub.items()} == {
        TAISHAN: "已报送",
        ENPING: "已报送",
        KAIPING: "未报送",
    }
    assert sub[TAISHAN]["收到时间"].value == datetime.fromtimestamp(RECEIVED)
    assert sub[TAISHAN]["下级判定日期"].value == datetime(2022, 6, 25)  # the county's as-of, a date
    assert wb["数据"].sheet_state == "hidden"  # the city's summary rolls up further


def test_the_province_sees_every_row_through_its_city_and_each_gap_once(tmp_path, counties):
    city = rollup(Cycle.load(city_level(tmp_path, counties), date(2022, 6, 28)), "2022-06")
    province = province_level(tmp_path)
    put(city.path, tmp_path / "province" / "rollup" / "2022-06", when=RECEIVED + 14 * 86400)
    result = yuebao(
        "rollup", "--config", str(province), "--month", "2022-06", "--as-of", "2022-07-05"
    )
    assert result.returncode == 0, result.stderr
    wb = openpyxl.load_workbook(
        tmp_path / "province" / "2022-06" / f"下级单位汇总_2022-06_{PROVINCE}.xlsx"
    )
    assert "判定截至2022-07-05" in wb["汇总"]["A1"].value
    rows = table(wb["汇总"])
    assert len(rows) == 18
    for r in rows:  # province task <- city task <- county task, and the units they belong to
        path, chain = CITY_CHAINS[r["任务链"].value.split(" ← ")[-1].split(" ", 1)[1]]
        assert r["单位路径"].value == f"{PROVINCE} ← {path}"
        top = "P01 教育强省建设" if chain.startswith("C01") else "（未对应）"
        assert r["任务链"].value == f"{top} ← {chain}"
        assert names(r["报送单位"].value, CITY)
        assert names(r["本级任务"].value or "", "教育强省建设" if top != "（未对应）" else "")
    unmapped = [
        (r["单位"].value, r["问题及处理办法"].value)
        for r in table(wb["校验问题"])
        if r["代码"].value == "unmapped_task"
    ]
    assert len(unmapped) == 2  # two causes, once each
    [city_gap] = [m for u, m in unmapped if u == CITY]  # C02: the city's own task has the gap
    assert "“教师培训”（C02）" in city_gap and "上级任务“P09”" in city_gap
    [county_gap] = [m for u, m in unmapped if u == ENPING]  # EP03: the county's, as at the city
    assert "“县域特色项目”（EP03）未对应江门市教育局的任务" in county_gap
    findings = table(wb["校验问题"])
    assert any(
        r["代码"].value == "not_returned" and r["单位"].value == "佛山市教育局" for r in findings
    )
    assert any(
        r["代码"].value == "task_not_reported" and "高校学科建设" in r["问题及处理办法"].value
        for r in findings
    )
    assert sorted_errors_first(wb["校验问题"])
    # judged again as of 5 July: the city's 临期 is overdue now; the extension still holds
    kindergarten = [
        r
        for r in rows
        if r["任务链"].value.endswith("TS02 新建幼儿园") and "第2阶段" in r["关键节点"].value
    ]
    assert kindergarten[0]["判定"].value == "逾期"
    extended = [
        r
        for r in rows
        if r["任务链"].value.endswith("TS01 扩建台城中心小学") and "第2阶段" in r["关键节点"].value
    ]
    assert extended[0]["原计划完成时间"].value == datetime(2022, 6, 30)
    assert extended[0]["计划完成时间"].value == datetime(2022, 7, 31)
    sub = {r["单位"].value: r for r in table(wb["报送情况"])}
    assert sub[CITY]["报送情况"].value == "已报送"
    assert sub[CITY]["下级判定日期"].value == datetime(2022, 6, 28)  # the city's verdicts' day


def test_a_summary_received_after_the_as_of_day_is_left_out(tmp_path, counties):
    city = city_level(tmp_path, counties, drop=False)
    inbox = tmp_path / "city" / "rollup" / "2022-06"
    put(counties[ENPING], inbox)
    put(counties[TAISHAN], inbox, when=RECEIVED + 12 * 86400)  # 28 June
    result = rollup(Cycle.load(city, date(2022, 6, 25)), "2022-06")
    assert {r["单位"] for r in result.rows} == {ENPING}  # as merge does with returns
    [late] = [f for f in result.findings if f.code == "after_as_of"]
    assert late.office == TAISHAN and "未计入" in late.message
    sub = {r["单位"].value: r for r in table(openpyxl.load_workbook(result.path)["报送情况"])}
    assert sub[TAISHAN]["报送情况"].value.endswith("收到，未计入")
    assert sub[ENPING]["收到时间"].value == datetime.fromtimestamp(RECEIVED)
    again = rollup(Cycle.load(city, date(2022, 6, 28)), "2022-06")  # later, it counts
    assert {r["单位"] for r in again.rows} == {TAISHAN, ENPING}


def test_two_summaries_under_one_file_name_are_both_taken(tmp_path, counties):
    city = city_level(tmp_path, counties, drop=False)
    inbox = tmp_path / "city" / "rollup" / "2022-06"
    for folder, unit in (("附件1", TAISHAN), ("附件2", ENPING)):  # saved by a mail client
        put(counties[unit], inbox, f"{folder}/重点工作进展汇总_2022-06.xlsx")
    result = rollup(Cycle.load(city, date(2022, 6, 25)), "2022-06")
    assert len(result.rows) == 18
    assert {u: r.file for u, r in result.units.items()} == {
        TAISHAN: "附件1/重点工作进展汇总_2022-06.xlsx",
        ENPING: "附件2/重点工作进展汇总_2022-06.xlsx",
    }
    assert not [f for f in result.findings if f.code == "superseded"]


def relabel(path, target, **meta):
    """A copy of a summary whose hidden mark says another unit or month."""
    wb = openpyxl.load_workbook(path)
    for row in wb["yuebao"].iter_rows():
        if row[0].value in meta:
            row[1].value = meta[row[0].value]
    target.parent.mkdir(parents=True, exist_ok=True)
    wb.save(target)
    os.utime(target, (RECEIVED, RECEIVED))


def test_an_unknown_unit_and_a_wrong_month_are_findings_naming_the_unit(tmp_path, counties):
    city = city_level(tmp_path, counties, drop=False)
    inbox = tmp_path / "city" / "rollup" / "2022-06"
    put(counties[ENPING], inbox)
    relabel(counties[TAISHAN], inbox / "台山.xlsx", unit="台山市教育系统")  # misspelt bureau
    relabel(counties[TAISHAN], inbox / "开平.xlsx", unit=KAIPING, month="2022-05")
    result = rollup(Cycle.load(city, date(2022, 6, 25)), "2022-06")
    found = {f.code: f for f in result.findings}
    unknown = found["unknown_unit"]
    assert unknown.office == "台山市教育系统" and "是否为“台山市教育局”" in unknown.message
    assert found["wrong_month"].office == KAIPING and "2022-05" in found["wrong_month"].message
    assert {r["单位"] for r in result.rows} == {ENPING}  # neither counted
    assert [f.severity.value for f in result.findings] == sorted(
        (f.severity.value for f in result.findings), key=lambda s: s != "错误"
    )


def test_excel_row_limit_splits_data_and_summary_and_loses_nothing(tmp_path, counties, monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_ROWS", 8)  # Excel's 1,048,576 rows, scaled down
    city = city_level(tmp_path, counties)
    result = rollup(Cycle.load(city, date(2022, 6, 25)), "2022-06")
    assert len(result.rows) == 6 * 3
    wb = openpyxl.load_workbook(result.path)
    parts = [n for n in wb.sheetnames if n.startswith("汇总")]
    written = [r for n in parts for r in table(wb[n])]
    # title, as-of line, legend and header above 4 rows a sheet: a unit's task (3 rows) whole
    assert len(parts) == 6 and all(wb[n].max_row <= 8 for n in parts)
    assert len(written) == 18  # split, nothing dropped
    assert "rows_split" in {f.code for f in result.findings}
    data = [n for n in wb.sheetnames if n.startswith("数据")]
    assert data == ["数据", "数据（2）", "数据（3）"]  # the city's own data, split too
    put(result.path, tmp_path / "province" / "rollup" / "2022-06")
    province = rollup(Cycle.load(province_level(tmp_path), date(2022, 7, 5)), "2022-06")
    assert len(province.rows) == 18  # every part read back at the province


def test_the_roll_ups_verdicts_take_the_configured_colours(tmp_path, counties):
    city = city_level(tmp_path, counties)
    data = yaml.safe_load(city.read_text(encoding="utf-8"))
    data["colours"] = {"overdue": "#FF0000", "done": "#00FF00"}
    city.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    result = rollup(Cycle.load(city, date(2022, 7, 5)), "2022-06")
    rows = table(openpyxl.load_workbook(result.path)["汇总"])
    fills = {r["判定"].value: r["判定"].fill.fgColor.rgb for r in rows}
    assert fills["逾期"].endswith("FF0000") and fills["已完成"].endswith("00FF00")
