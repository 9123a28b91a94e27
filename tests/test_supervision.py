"""Supervision: configurable severities, rejected returns, traffic lights, escalation,
extensions."""

import sqlite3
from collections import Counter
from datetime import date

import openpyxl
import pytest
import yaml

from reporting.models import Light
from reporting.summary.verdicts import GREEN, RED, YELLOW, office_light

from .inprocess import run as yuebao
from .test_cycle import rows_of

REASONS_ZH = {"missing": "逾期未报送", "overdue": "节点逾期"}


@pytest.mark.parametrize(
    "state, overdue, due, light",
    [
        ("未报送", 0, 4, RED),
        ("报表有误", 0, 4, RED),  # no usable return
        ("按时报送", 1, 4, RED),  # 25% overdue >= 20%
        ("按时报送", 1, 10, YELLOW),  # 10%: some overdue
        ("逾期报送", 0, 4, YELLOW),
        ("按时报送", 0, 4, GREEN),
        ("按时报送", 0, 0, GREEN),
    ],
)
def test_office_light_rule(state, overdue, due, light):
    assert office_light(state, Counter({Light.OVERDUE: overdue}), due, 0.2)[0] == light


def set_config(path, **changes):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(changes)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_severity_per_rule_in_config_and_errors_count_as_not_returned(demo_copy):
    config = demo_copy / "config.yaml"
    set_config(config, rules={"late": "错误"})
    result = yuebao("merge", "--config", str(config), "--month", "2022-06", "--as-of", "2022-06-25")
    assert result.returncode == 0, result.stderr
    wb = openpyxl.load_workbook(
        demo_copy / "2022-06" / "重点工作进展汇总_2022-06_台山市教育系统.xlsx"
    )
    late = [r for r in rows_of(wb["校验问题"]) if r["代码"].value == "late"]
    assert late and all(r["严重程度"].value == "错误" for r in late)
    states = {
        r["牵头股室"].value: r["报送情况"].value
        for r in rows_of(wb["报送情况"])
        if r["牵头股室"].value
    }
    assert states["基财股"] == "报表有误"  # late is now an error: counts as not returned
    assert "报表有误视为未报送" in wb["概览"].cell(3, 1).value
    set_config(config, rules={"lat": "错误"})
    bad = yuebao("merge", "--config", str(config), "--month", "2022-06")
    assert bad.returncode == 2 and "rules.lat" in bad.stderr


def test_feedback_lists_cell_addresses_in_sheet_order(demo_dir):
    text = (demo_dir / "2022-06" / "反馈" / "反馈_职终股.txt").read_text(encoding="utf-8")
    cells = [
        line.split("进展情况表!")[1].split("：")[0]
        for line in text.splitlines()
        if "进展情况表!" in line
    ]
    assert cells, text
    rows = [int("".join(ch for ch in c if ch.isdigit())) for c in cells]
    assert rows == sorted(rows)


def escalations(folder):
    import sqlite3

    return (
        sqlite3.connect(folder / "台账.sqlite3")
        .execute("SELECT day, office, reason FROM escalations ORDER BY day, office, reason")
        .fetchall()
    )


# The demo's June, read by hand from workbooks/returns/2022-06/received.yaml, the sample answers
# (workbooks/sample/progress_2022-06.yaml) and the task list. The deadline is Monday 20 June;
# 3 June was a holiday (端午), so 31 May is 14 working days behind 21 June and 31 March 55.
# - 卫健所 sends nothing: 逾期未报送 on the 3rd working day after the deadline (23 June); its
#   第17项 milestone 1 (31 March) counts as not done: overdue from the first day.
# - 督导室 returned on 15 June a form with 第14项's rows deleted (missing_task, an error): 报表有误,
#   escalated as not returned on 23 June like 卫健所; what it says still counts, so 第10项
#   milestone 1 (31 May), reported 滞后, is overdue from the first day.
# - 基财股 returned late, on 23 June 10:12 (逾期报送): never escalated as not returned; until that
#   return came (21 June) its 第1、2项 milestone 1 (31 March) and 第3项 milestone 1 (31 May) were
#   not reported done: overdue; its return reports all three 已完成.
# - 教育装备中心 reports 第18项 milestone 2 (31 May) 滞后: overdue from the first day.
JUNE_ESCALATIONS = {
    ("基财股", "overdue"): "2022-06-21",
    ("督导室", "overdue"): "2022-06-21",
    ("卫健所", "overdue"): "2022-06-21",
    ("教育装备中心", "overdue"): "2022-06-21",
    ("卫健所", "missing"): "2022-06-23",
    ("督导室", "missing"): "2022-06-23",
}


def test_escalation_paths_over_a_simulated_month(demo_copy):
    """Each working day from 21 to 30 June the schedule runs: the offices still without a usable
    return (未报送 or 报表有误) three working days after the deadline, and milestones overdue more
    than ten working days, go to the leader, each once; an office that returned late does not."""
    from reporting.jobs.scheduler import run_once
    from reporting.workdays import is_workday

    config = demo_copy / "config.yaml"
    day = date(2022, 6, 21)
    while day <= date(2022, 6, 30):
        if is_workday(day):
            run_once(config, day)
        day = date.fromordinal(day.toordinal() + 1)
    got = {(office, reason): d for d, office, reason in escalations(demo_copy)}
    assert got == JUNE_ESCALATIONS
    letters = demo_copy / "2022-06" / "待发送" / "提醒"
    letter = (letters / "督办_卫健所（逾期未报送）.txt").read_text(encoding="utf-8")
    assert "李明辉" in letter and "截止日期后3个工作日仍未报送" in letter
    rejected = (letters / "督办_督导室（逾期未报送）.txt").read_text(encoding="utf-8")
    assert "报送的报表有误、未改正" in rejected
    assert not (letters / "督办_基财股（逾期未报送）.txt").exists()


def test_escalate_command_dry_run_then_once(demo_copy):
    """On 28 June (基财股's return in, its milestones done) the dry run lists exactly the letters
    the real run sends; the real run records them; a run the next day has nothing new."""
    config = str(demo_copy / "config.yaml")
    expected = {
        ("卫健所", "missing"),
        ("卫健所", "overdue"),
        ("督导室", "missing"),
        ("督导室", "overdue"),
        ("教育装备中心", "overdue"),
    }
    dry = yuebao(
        "escalate", "--config", config, "--month", "2022-06", "--as-of", "2022-06-28", "--dry-run"
    )
    assert dry.returncode == 0 and "督办 卫健所（逾期未报送） → liminghui@" in dry.stdout
    listed = {
        (line.split("督办 ")[1].split("（")[0], line.split("（")[1].split("）")[0])
        for line in dry.stdout.splitlines()
        if line.startswith("—— 督办 ")
    }
    assert listed == {(office, REASONS_ZH[reason]) for office, reason in expected}
    assert escalations(demo_copy) == []
    first = yuebao("escalate", "--config", config, "--month", "2022-06", "--as-of", "2022-06-28")
    assert first.returncode == 0, first.stderr
    recorded = escalations(demo_copy)
    assert {(o, r) for _, o, r in recorded} == expected
    again = yuebao("escalate", "--config", config, "--month", "2022-06", "--as-of", "2022-06-29")
    assert again.returncode == 0 and "已督办 0 项" in again.stdout
    assert escalations(demo_copy) == recorded  # nothing sent or recorded the second day


def test_an_approved_extension_turns_a_red_milestone_amber(demo_copy):
    config = str(demo_copy / "config.yaml")
    summary = demo_copy / "2022-06" / "重点工作进展汇总_2022-06_台山市教育系统.xlsx"

    def verdict():
        wb = openpyxl.load_workbook(summary)
        row = next(
            r
            for r in rows_of(wb["汇总"])
            if str(r["关键节点"].value or "").startswith("一是5月底前制定")
        )
        return row["判定"].value, str(row["计划完成时间"].value)

    assert verdict()[0] == "逾期"
    result = yuebao(
        "extend", "T10", "1", "2022-06-30", "--reason", "等待江门市实施细则", "--config", config
    )
    assert result.returncode == 0 and "已批准延期" in result.stdout
    yuebao("merge", "--config", config, "--month", "2022-06", "--as-of", "2022-06-25")
    state, due = verdict()
    assert state == "临期"
    assert "2022-05-31" in due and "延期至2022-06-30" in due  # both dates stay visible
    wrong = yuebao("extend", "T99", "1", "2022-06-30", "--reason", "x", "--config", config)
    assert wrong.returncode == 2 and "T99" in wrong.stderr


def test_extension_requests_are_listed_for_approval(tmp_path):
    import os

    from reporting import clerks as simulate
    from reporting.cycle import Cycle, collect_month, fill, merge

    from .conftest import write_config

    write_config(tmp_path)
    c = Cycle.load(tmp_path / "config.yaml", date(2022, 6, 25))
    fill(c, "2022-06")
    wb, ws = simulate.open_form(tmp_path / "2022-06" / "out" / "进展情况表_2022-06_人事股.xlsx")
    answers = {
        "T04": {
            "progress": "推进中",
            "remarks": "受疫情影响，培训推迟",
            "milestones": {
                i: {"status": "已完成", "completed_on": date(2022, 6, 1)} for i in range(1, 7)
            },
        }
    }
    answers["T04"]["milestones"][4] = {"status": "申请延期", "completed_on": date(2022, 7, 31)}
    simulate.answer(ws, "陈慧敏", date(2022, 6, 15), answers)
    inbox = tmp_path / "inbox" / "2022-06"
    inbox.mkdir(parents=True)
    wb.save(inbox / "人事股.xlsx")
    os.utime(inbox / "人事股.xlsx", (1655340000, 1655340000))
    collect_month(c, "2022-06")
    result = merge(c, "2022-06")
    rows = [
        r
        for r in rows_of(openpyxl.load_workbook(result.summary_path)["延期申请"])
        if r["序号"].value
    ]
    assert len(rows) == 1
    assert (
        rows[0]["申请延期至"].value.date() == date(2022, 7, 31)
        and "疫情" in rows[0]["理由（备注）"].value
    )
    decision = rows[0]["审批"].value  # the requested date and reason, ready to approve
    assert decision.startswith("待审批：申请延期至2022-07-31")
    assert 'yuebao extend T04 4 2022-07-31 --reason "受疫情影响' in decision


def test_a_milestone_done_before_stays_done_when_the_office_sends_nothing(demo_copy):
    """Judged on 19 July, 职终股 and 督导组 have not returned July's form yet: what they reported
    已完成 in June is still done, not "overdue" or "withdrawn" in front of the chiefs."""
    config = demo_copy / "config.yaml"
    late = yuebao("merge", "--config", str(config), "--month", "2022-07", "--as-of", "2022-07-19")
    assert late.returncode == 0, late.stderr
    assert "完成状态撤回" not in late.stdout, late.stdout
    db = sqlite3.connect(demo_copy / "台账.sqlite3")
    june_done = dict(
        db.execute(
            "SELECT item, office FROM month_state WHERE month='2022-06' AND light='已完成' "
            "AND office IN ('职终股', '督导组')"
        ).fetchall()
    )
    july = {
        item: (status, light)
        for item, status, light in db.execute(
            "SELECT item, status, light FROM month_state WHERE month='2022-07'"
        )
    }
    assert len(june_done) >= 4
    for item in june_done:
        assert july[item] == ("", "已完成"), item  # nothing reported in July, still done
    # once the return is counted (a later as-of), its own statuses are what counts
    on_time = yuebao(
        "merge", "--config", str(config), "--month", "2022-07", "--as-of", "2022-07-25"
    )
    assert on_time.returncode == 0, on_time.stderr
    statuses = dict(
        db.execute("SELECT item, status FROM month_state WHERE month='2022-07'").fetchall()
    )
    assert all(statuses[item] != "未报送" for item in june_done)
