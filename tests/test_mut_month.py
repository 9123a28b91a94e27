"""The month's judgement (checks/validate.py, then summary/month.py's summarise) on the demo's
June 2022, in memory: the ten sample returns are read once, then validated and judged for each
test in milliseconds, so mutmut can run these against both rooms (docs/testing.md).

Expected values come from the scenario as README and the sample tell it (worked out by hand):
received.yaml gives the times (deadline Monday 20 June): 基财股 came on the 23rd (late), 卫健所
sent nothing; 督导室 deleted 第14项's rows (an error: 报表有误); 职终股 typed over two locked cells
(第8项's name and its second milestone's text: warnings, accepted); 人事股 renamed its file (read by
content: nothing to say).  Overdue on 25 June: 第10项 milestone 1 (31 May, 督导室 reports 滞后),
第18项 milestone 2 (31 May, 教育装备中心 reports 滞后), 第17项 milestone 1 (31 March, 卫健所's, no
return)."""

from __future__ import annotations

import copy
import hashlib
from datetime import date, datetime

import openpyxl
import pytest
import yaml

from reporting.checks.validate import check_returns, validate_month
from reporting.context import Cycle
from reporting.intake.reading import ReadCache, read_one
from reporting.ledger import ItemState
from reporting.models import Light, OfficeState, Return, Severity
from reporting.summary.month import History, Settings, summarise
from reporting.summary.words import Word

from .conftest import ROOT, write_config

RETURNS = ROOT / "workbooks" / "returns" / "2022-06"
ON_TIME = [
    "人事股",
    "基安股",
    "职终股",
    "督导组",
    "招考股",
    "机关党委",
    "教育装备中心",
    "教师发展中心",
]


@pytest.fixture(scope="module")
def june(tmp_path_factory):
    config = write_config(tmp_path_factory.mktemp("june"))
    c = Cycle.load(config, date(2022, 6, 25))
    received = yaml.safe_load((RETURNS / "received.yaml").read_text(encoding="utf-8"))
    returns = []
    for name, when in received.items():
        path = RETURNS / name
        at = when if isinstance(when, datetime) else datetime.fromisoformat(str(when))
        ret = Return(name, hashlib.sha256(path.read_bytes()).hexdigest(), at, archived_path=path)
        assert read_one(ret, c.tasks) == [], name
        returns.append(ret)
    settings = Settings(
        unit="台山市教育系统",
        amber_days=7,
        red_share=0.2,
        rules={},
        office_info=c.config.office,
    )
    return c.tasks, c.period("2022-06"), returns, settings


def judge(june, as_of=date(2022, 6, 25), rules=None, history=None, returns=None):
    tasks, period, read, settings = june
    chosen = copy.deepcopy(read if returns is None else returns)
    arriving = [r for r in chosen if r.received_at.date() <= as_of]  # as collect would have them
    check = validate_month(tasks, period, arriving, [], as_of)
    if rules:
        settings = Settings(settings.unit, 7, 0.2, rules, settings.office_info)
    return summarise(tasks, period, check, as_of, settings, history or History())


def states(summary) -> dict[str, str]:
    return {o.office.name: o.state.value for o in summary.offices}


def test_each_offices_state_on_the_25th(june):
    assert states(judge(june)) == {
        "卫健所": "未报送",
        "督导室": "报表有误",
        "基财股": "逾期报送",
        **{office: "按时报送" for office in ON_TIME},
    }


def test_before_its_return_came_the_late_office_had_not_returned(june):
    got = states(judge(june, as_of=date(2022, 6, 22)))
    assert got["基财股"] == "未报送" and got["督导室"] == "报表有误"


def test_the_findings_each_office_is_told(june):
    summary = judge(june)
    found = sorted((f.office, f.code, f.severity.value) for f in summary.findings)
    assert found == sorted(
        [
            ("卫健所", "not_returned", "错误"),
            ("督导室", "missing_task", "错误"),
            ("基财股", "late", "警告"),
            ("职终股", "definition_altered", "警告"),
            ("职终股", "definition_altered", "警告"),
        ]
    )
    late = next(f for f in summary.findings if f.code == "late")
    assert late.message == "基财股于6月23日报送，晚于截止日期6月20日3天"
    missing = next(f for f in summary.findings if f.code == "missing_task")
    assert "第14项任务" in missing.message and missing.task_key == "T14"
    altered = sorted(f.cell for f in summary.findings if f.code == "definition_altered")
    assert altered == ["C9", "D11"]  # 第8项's name, its second milestone's text


def test_errors_and_warnings_counted_per_office(june):
    offices = {o.office.name: (o.errors, o.warnings) for o in judge(june).offices}
    assert offices["督导室"] == (1, 0) and offices["卫健所"] == (1, 0)
    assert offices["基财股"] == (0, 1) and offices["职终股"] == (0, 2)
    assert offices["人事股"] == (0, 0)


def test_the_overdue_milestones_and_their_days(june):
    summary = judge(june)
    overdue = {r.milestone.key: (r.task.lead, r.days_overdue) for r in summary.overdue}
    assert overdue == {
        "T10-M1": ("督导室", 25),  # 31 May to 25 June
        "T18-M2": ("教育装备中心", 25),
        "T17-M1": ("卫健所", 86),  # 31 March to 25 June
    }
    assert summary.counts[Light.OVERDUE] == 3
    assert summary.trend == {"2022-06": 3}


def test_lights_of_the_offices_without_a_usable_or_timely_return(june):
    lights = {o.office.name: o.light for o in judge(june).offices}
    assert lights["卫健所"] == "红灯" and lights["督导室"] == "红灯"
    assert lights["基财股"] == "黄灯"  # late, its overdue milestones reported done
    assert lights["教育装备中心"] in ("红灯", "黄灯")  # one overdue milestone: never green


def test_a_rejected_returns_words_still_count(june):
    """督导室's return has an error, yet what it says counts: 第10项 milestone 1 is 滞后 (and
    overdue), as reported, not 未报送."""
    rows = {r.milestone.key: r for r in judge(june).rows if r.milestone}
    assert rows["T10-M1"].status == "滞后" and rows["T10-M1"].light is Light.OVERDUE
    assert rows["T17-M1"].status == "" and rows["T17-M1"].status_shown == "未报送"


def test_what_the_returns_report_done(june):
    rows = {r.milestone.key: r for r in judge(june).rows if r.milestone}
    assert (rows["T01-M1"].status, rows["T01-M1"].completed_on) == ("已完成", date(2022, 3, 25))
    assert rows["T01-M1"].light is Light.DONE and not rows["T01-M1"].late_done
    assert rows["T17-M2"].light is not Light.DONE  # reported done by 卫健所's unsent form only


def test_a_rule_making_late_an_error_rejects_the_late_return(june):
    summary = judge(june, rules={"late": "错误"})
    assert states(summary)["基财股"] == "报表有误"
    late = next(f for f in summary.findings if f.code == "late")
    assert late.severity is Severity.ERROR


def test_a_milestone_done_before_stays_done_when_the_office_sends_nothing(june):
    """May's word: 卫健所 reported 第17项 milestone 1 已完成 on 18 March; in June it sends
    nothing, and the milestone stays done (not overdue), its status shown 未报送."""
    history = History(words={"T17-M1": Word("已完成", date(2022, 3, 18), "2022-05")})
    summary = judge(june, history=history)
    row = next(r for r in summary.rows if r.milestone and r.milestone.key == "T17-M1")
    assert row.light is Light.DONE and row.completed_on == date(2022, 3, 18)
    assert row.status_shown == "未报送"
    assert "T17-M1" not in {r.milestone.key for r in summary.overdue}
    office = next(o for o in summary.offices if o.office.name == "卫健所")
    assert office.state is OfficeState.NOT_RETURNED


def test_two_returns_of_one_office_the_newest_counts(june):
    tasks, period, read, settings = june
    draft = copy.deepcopy(next(r for r in read if "基安股" in r.file_name))
    draft.file_name = "基安股（初稿）.xlsx"
    draft.sha256 = "0" * 64
    draft.received_at = datetime(2022, 6, 10, 9, 0)
    summary = judge(june, returns=[*read, draft])
    office = next(o for o in summary.offices if o.office.name == "基安股")
    assert office.state is OfficeState.ON_TIME
    assert office.file == "进展情况表_2022-06_基安股.xlsx"  # received on the 16th: newer
    superseded = [f for f in summary.findings if f.code == "superseded"]
    assert [(f.office, f.file) for f in superseded] == [("基安股", "基安股（初稿）.xlsx")]


# -- what moved since May: the ledger's state of May (and April) as written by hand ---------------
ANSWERS = yaml.safe_load(
    (ROOT / "workbooks" / "sample" / "progress_2022-06.yaml").read_text(encoding="utf-8")
)


def changes_since_may(june):
    """May as the ledger would hold it: each milestone's light and status, and on every row of a
    task that task's texts (T01's progress and T02's problems as June's, T03's progress too; T01's
    progress April's as well)."""
    said = ANSWERS["tasks"]
    texts = {
        "T01": (said[1]["progress"], ""),
        "T02": ("", " " + said[2]["problems"]),  # a blank more: the same text
        "T03": (said[3]["progress"], ""),
    }

    def row(key, light, status):
        task = key.split("-")[0]
        progress, problems = texts.get(task, ("", ""))
        return ItemState(key, task, "", status, None, light, progress, problems)

    may = {
        "T01-M1": row("T01-M1", "已完成", "已完成"),
        "T01-M2": row("T01-M2", "未到期", "按计划推进"),  # done on 14 June
        "T02-M1": row("T02-M1", "已完成", "已完成"),
        "T02-M2": row("T02-M2", "已完成", "已完成"),  # June says 滞后
        "T03-M1": row("T03-M1", "逾期", ""),  # no status in May; June: done on 27 May
        "T10-M1": row("T10-M1", "临期", "按计划推进"),  # overdue since 1 June
        "T18-M1": row("T18-M1", "已完成", "已完成"),
        "T18-M2": row("T18-M2", "逾期", "滞后"),  # still overdue: nothing new
        "T17-M1": row("T17-M1", "逾期", ""),  # 卫健所: nothing sent either month
    }
    april = {"T01-M1": may["T01-M1"]}
    summary = judge(june, history=History(previous=may, before=april))
    tasks = {"T01", "T02", "T03", "T10", "T17", "T18"}
    return summary, [c for c in summary.changes if c.task.key in tasks]


def test_what_moved_since_may(june):
    _, changes = changes_since_may(june)
    got = [
        (c.kind.value, c.task.key, c.milestone.key if c.milestone else "", c.note) for c in changes
    ]
    assert got == [
        ("新逾期", "T10", "T10-M1", "已逾期25天"),
        ("完成状态撤回", "T02", "T02-M2", "上月报已完成，本月报“滞后”"),
        ("进展连续两月未更新", "T01", "", "进展情况与上月完全相同，且与前月相同"),
        ("进展与上月相同", "T03", "", "进展情况与上月完全相同"),
        ("问题与计划与上月相同", "T02", "", "存在问题和下一步工作计划与上月完全相同"),
        ("新完成", "T01", "T01-M2", "完成日期 2022-06-14"),
        (
            "新完成",
            "T03",
            "T03-M1",
            "上月未报该节点状态，本月报已完成（完成日期 2022-05-27）",
        ),
    ]


def test_progress_left_as_last_month_is_warned_at_its_cell(june):
    summary, _ = changes_since_may(june)
    found = [f for f in summary.findings if f.code == "progress_unchanged"]
    form = openpyxl.load_workbook(RETURNS / "进展情况表_2022-06_基财股.xlsx")["进展情况表"]
    row_of = {form.cell(r, 1).value: r for r in range(1, form.max_row + 1)}
    header = next(r for r in range(1, 10) if "进展情况" in [c.value for c in form[r]])
    column = next(c.column_letter for c in form[header] if c.value == "进展情况")
    assert [(f.office, f.task_key, f.cell, f.severity.value, f.file) for f in found] == [
        ("基财股", "T01", f"{column}{row_of['T01']}", "警告", "进展情况表_2022-06_基财股.xlsx"),
        ("基财股", "T03", f"{column}{row_of['T03']}", "警告", "进展情况表_2022-06_基财股.xlsx"),
    ]
    assert found[0].sheet == "进展情况表" and found[0].row == row_of["T01"]
    assert (
        found[0].message.startswith("第1项任务“") and "（已连续两个月未更新）" in found[0].message
    )
    assert found[1].message.endswith("的进展情况与上月完全相同，请核实并填写本月的新进展")
    offices = {o.office.name: o.warnings for o in summary.offices}
    assert offices["基财股"] == 3  # late, and the two texts left as they were


def test_nothing_moved_in_the_first_month(june):
    assert judge(june).changes == []


# -- what validate tells an office: 人事股's return (received 17 June), changed in memory ---------
CHOICES = "（已完成、按计划推进、滞后、未启动、申请延期）"


def personnel(june):
    """人事股's return as read, a fresh copy, and its 第4项 (T04) as the task list has it."""
    tasks, _, read, _ = june
    ret = copy.deepcopy(next(r for r in read if r.file_name.startswith("人事股")))
    return ret, tasks.by_key()["T04"]


def told(june, ret, as_of=date(2022, 6, 25)):
    """(code, severity, cell, message) of each finding about the return's office, and its state."""
    tasks, period, read, _ = june
    others = [copy.deepcopy(r) for r in read if not r.file_name.startswith("人事股")]
    check = validate_month(tasks, period, [*others, ret], [], as_of)
    found = [
        (f.code, f.severity.value, f.cell, f.message)
        for f in check.findings
        if f.file == ret.file_name or (f.office == "人事股" and f.code != "late")
    ]
    return found, check


def test_every_answer_a_clerk_can_get_wrong_is_named_at_its_cell(june):
    ret, t04 = personnel(june)
    report = ret.tasks["T04"]
    ms = report.milestones
    label = f"第4项任务“{t04.name}”"
    ret.filled_by, ret.filled_on = "", None
    report.progress = ""
    ms["T04-M1"].status = "差不多"
    ms["T04-M2"].status, ms["T04-M2"].completed_on = "完成", date(2022, 6, 1)
    ms["T04-M3"].status = ""  # due 31 May: must be chosen
    ms["T04-M4"].status, ms["T04-M4"].completed_on = "已完成", None
    ms["T04-M4"].definition.pop("_done_raw", None)  # the date cell left empty
    ms["T04-M5"].status = ""  # due 31 October: not yet
    ms["T04-M6"].status, ms["T04-M6"].completed_on = "已完成", date(2022, 6, 20)  # after the 17th
    found, check = told(june, ret)
    row = {k: m.row for k, m in ms.items()}
    assert sorted(found) == sorted(
        [
            ("no_filled_by", "警告", "", "未填写“填报人”，请补填"),
            (
                "no_filled_on",
                "警告",
                "",
                "未填写“填报日期”（或无法识别为日期），请补填，例如 2022-06-15",
            ),
            (
                "empty_progress",
                "错误",
                f"I{report.row}",
                f"{label}的“进展情况”未填写，请填写1—6月的落实情况",
            ),
            (
                "bad_status",
                "错误",
                f"G{row['T04-M1']}",
                f"{label}第1个节点的状态“差不多”不是可选值，请删除该单元格的内容，"
                f"从下拉列表重新选择{CHOICES}",
            ),
            (
                "status_read_as",
                "警告",
                f"G{row['T04-M2']}",
                f"{label}第2个节点的状态“完成”不是下拉列表中的选项，已按“已完成”汇总；"
                f"如不是此意，请从下拉列表重新选择{CHOICES}",
            ),
            (
                "empty_status",
                "错误",
                f"G{row['T04-M3']}",
                f"{label}的第3个节点应于5月31日前完成，“节点状态”未选择，请从下拉列表选择{CHOICES}",
            ),
            (
                "no_done_date",
                "警告",
                f"H{row['T04-M4']}",
                f"{label}第4个节点已完成，但完成日期未填写，请填写，例如 2022-06-15",
            ),
            (
                "future_done_date",
                "警告",
                f"H{row['T04-M6']}",
                f"{label}第6个节点的完成日期2022-06-20晚于收到报表的日期2022-06-17，"
                "报送时尚未到该日期，不可能已完成。请核对完成日期",
            ),
        ]
    )
    counted = check.chosen["人事股"].tasks["T04"].milestones
    assert counted["T04-M2"].status == "已完成"  # counted as the word it was read as
    assert check.chosen["人事股"] is ret  # errors or not, it is the office's return


def test_rows_of_other_tasks_and_rows_deleted(june):
    ret, t04 = personnel(june)
    tasks = june[0]
    t01 = tasks.by_key()["T01"]
    ret.tasks["T01"] = type(ret.tasks["T04"])("T01", progress="x", row=99)
    ret.tasks["T99"] = type(ret.tasks["T04"])("T99", progress="x", row=98)
    fifth = ret.tasks["T04"].milestones.pop("T04-M5")
    found, _ = told(june, ret)
    short = t04.milestones[4].text if len(t04.milestones[4].text) <= 40 else None
    assert fifth and short
    assert sorted(found) == sorted(
        [
            (
                "unknown_task",
                "警告",
                "",
                f"第99行是第1项任务“{t01.name}”，牵头股室为基财股，不属于本股室，未计入汇总",
            ),
            (
                "unknown_task",
                "警告",
                "",
                "第98行的任务（T99）不在任务清单中，未计入汇总，请核对是否使用了最新下发的表格",
            ),
            (
                "missing_milestone",
                "错误",
                "",
                f"第4项任务“{t04.name}”的第5个节点“{short}”的行缺失（可能被删除），"
                "请在下发的表格中填写该节点",
            ),
        ]
    )


@pytest.mark.parametrize(
    "change, code, severity, state",
    [
        ({"office": ""}, "no_office", "错误", "未报送"),
        ({"office": "宣传股", "office_shown": "宣传股"}, "wrong_office", "错误", "未报送"),
        ({"month": "2022-05"}, "wrong_month", "错误", "未报送"),
        ({"month": ""}, "no_month", "警告", "按时报送"),
        ({"office_shown": "基财股"}, "office_mismatch", "错误", "未报送"),
        ({"office": "人 事 股"}, None, None, "按时报送"),  # the same office, typed with blanks
    ],
)
def test_whose_and_which_months_form_it_is(june, change, code, severity, state):
    ret, _ = personnel(june)
    for field, value in change.items():
        setattr(ret, field, value)
    found, check = told(june, ret)
    tasks, period, _, settings = june
    codes = [(c, s) for c, s, _, _ in found if c != "not_returned"]
    assert codes == ([(code, severity)] if code else [])
    summary = summarise(tasks, period, check, date(2022, 6, 25), settings, History())
    assert states(summary)["人事股"] == state


def test_the_messages_of_a_form_that_is_not_this_offices_or_months(june):
    ret, _ = personnel(june)
    ret.month = "2022-05"
    found, _ = told(june, ret)
    assert found[0][3] == "这是2022-05的报表，本次汇总的是2022-06（1—6月），请报送本月下发的表格"
    ret, _ = personnel(june)
    ret.month = ""
    found, _ = told(june, ret)
    assert (
        "no_month",
        "警告",
        "",
        "报表标题中读不出月份，已按本次汇总的2022-06处理，请核对",
    ) in found
    ret, _ = personnel(june)
    ret.office_shown = "基财股"
    _, check = told(june, ret)
    (mismatch,) = [f for f in check.findings if f.code == "office_mismatch"]
    assert mismatch.office == "基财股"  # told to the office named on the sheet
    assert mismatch.message.startswith("报表上的填报股室为“基财股”，但该表格是下发给“人事股”的")


def test_rows_all_of_another_office_are_that_offices_rows_pasted(june):
    ret, _ = personnel(june)
    tasks, _, read, _ = june
    base = next(r for r in read if "基财股" in r.file_name)
    ret.tasks = copy.deepcopy(base.tasks)
    _, check = told(june, ret)
    (mismatch,) = [f for f in check.findings if f.code == "office_mismatch"]
    assert mismatch.office == "基财股" and "表中的任务都是基财股的任务" in mismatch.message
    assert "人事股" not in check.chosen  # counted for nobody


def test_a_done_date_that_cannot_be_read_is_quoted(june):
    ret, t04 = personnel(june)
    m4 = ret.tasks["T04"].milestones["T04-M4"]
    m4.status, m4.completed_on, m4.definition["_done_raw"] = "已完成", None, "上周"
    found, _ = told(june, ret)
    assert (
        "no_done_date",
        "警告",
        f"H{m4.row}",
        f"第4项任务“{t04.name}”第4个节点已完成，但完成日期“上周”无法识别为日期，"
        "请填写，例如 2022-06-15",
    ) in found


def test_every_locked_cell_typed_over_is_named(june):
    from reporting.forms import layout as form

    ret, t04 = personnel(june)
    report, ms, col = ret.tasks["T04"], ret.tasks["T04"].milestones, ret.columns
    label = f"第4项任务“{t04.name}”"
    m1, m2 = t04.milestones[0], t04.milestones[1]
    offices = "、".join(t04.offices)
    report.definition[form.NAME] = "改过的名称"
    report.definition[form.OFFICES] = "人事股、宣传股"
    report.definition[form.STATUS] = "已完成"  # locked and blank on a task's own row
    ms["T04-M1"].definition[form.CONTENT] = "改过的节点"
    ms["T04-M2"].definition[form.DUE] = "2022-12-31"
    ms["T04-M3"].definition[form.DUE] = "2022年5月31日"  # the same day, typed otherwise
    ms["T04-M4"].definition[form.NAME] = t04.name  # filled down: the same text
    ms["T04-M5"].definition[form.NAME] = "别的"
    ms["T04-M6"].definition[form.PROGRESS] = "写在这里"
    found, check = told(june, ret)
    r, row = report.row, {k: m.row for k, m in ms.items()}
    assert sorted(f for f in found if f[0] == "definition_altered") == sorted(
        [
            (
                "definition_altered",
                "警告",
                f"{col[form.NAME]}{r}",
                f"第4项任务的“项目名称”被修改为“改过的名称”，原为“{t04.name}”。"
                "该列由任务清单生成，已按原内容汇总；如需调整任务请联系局办公室",
            ),
            (
                "definition_altered",
                "警告",
                f"{col[form.OFFICES]}{r}",
                f"第4项任务的“责任股室”被修改为“人事股、宣传股”，原为“{offices}”。"
                "如需调整分工请联系局办公室",
            ),
            (
                "definition_altered",
                "警告",
                f"{col[form.STATUS]}{r}",
                "第4项任务所在行的“节点状态”是锁定的空白单元格，填写的“已完成”未计入汇总。"
                "请填写到各节点所在行的“节点状态”中",
            ),
            (
                "definition_altered",
                "警告",
                f"{col[form.CONTENT]}{row['T04-M1']}",
                f"{label}第1个节点的内容被修改为“改过的节点”，原为“{m1.text[:40]}"
                + ("…" if len(m1.text) > 40 else "")
                + "”。节点内容由任务清单生成，已按原内容汇总；如需调整请联系局办公室",
            ),
            (
                "definition_altered",
                "警告",
                f"{col[form.DUE]}{row['T04-M2']}",
                f"{label}第2个节点的“计划完成时间”被修改为“2022-12-31”，原为“{m2.due}”。"
                "计划完成时间由任务清单生成，已按原时间判定是否逾期；"
                "如需调整，请在“节点状态”中选择“申请延期”并填写申请的日期",
            ),
            (
                "definition_altered",
                "警告",
                f"{col[form.NAME]}{row['T04-M5']}",
                f"{label}第5个节点所在行的“项目名称”被改为“别的”，原为“{t04.name}”。"
                "该列由任务清单生成，已按原内容汇总",
            ),
            (
                "definition_altered",
                "警告",
                f"{col[form.PROGRESS]}{row['T04-M6']}",
                f"{label}第6个节点所在行的“进展情况”是锁定的空白单元格，填写的“写在这里”"
                f"未计入汇总。请填写到该任务所在行（第{r}行）的“进展情况”中",
            ),
        ]
    )
    assert check.chosen["人事股"] is ret and ret.accepted  # warnings: accepted


def test_text_longer_than_a_cell_is_named(june):
    ret, t04 = personnel(june)
    report = ret.tasks["T04"]
    report.progress = "字" * 32768
    report.problems = "😀" * 16400  # Excel counts an emoji as two
    report.remarks = "字" * 32767  # exactly the limit: fits
    found, _ = told(june, ret)
    cut = sorted((f[2], f[3]) for f in found if f[0] == "cell_truncated")
    name = t04.name
    assert cut == sorted(
        [
            (
                f"{ret.columns['进展情况']}{report.row}",
                f"第4项任务“{name}”的“进展情况”有32768字，超过Excel单元格上限32767字，"
                "汇总表中已截断，全文见原报表；请精简到32767字以内",
            ),
            (
                f"{ret.columns['存在问题和下一步工作计划']}{report.row}",
                f"第4项任务“{name}”的“存在问题和下一步工作计划”有16400字（按Excel计为32800字），"
                "超过Excel单元格上限32767字，汇总表中已截断，全文见原报表；请精简到32767字以内",
            ),
        ]
    )


def test_last_months_form_sent_this_month_is_named_to_its_office(june):
    tasks, period, read, _ = june
    may = copy.deepcopy(next(r for r in read if "基财股" in r.file_name))
    may.month, may.file_name = "2022-05", "基财股5月.xlsx"
    may.received_at = datetime(2022, 6, 10, 9, 5)
    early = copy.deepcopy(may)
    early.received_at = datetime(2022, 5, 31, 9, 5)  # before June: not this month's worry
    june_returns = [copy.deepcopy(r) for r in read if "基财股" not in r.file_name]
    check = validate_month(tasks, period, june_returns, [], date(2022, 6, 25), [may, early])
    told_ = [(f.office, f.severity.value, f.file, f.message) for f in check.findings]
    assert [t for t in told_ if t[2] == "基财股5月.xlsx"] == [
        (
            "基财股",
            "警告",
            "基财股5月.xlsx",
            "6月10日09:05收到的“基财股5月.xlsx”是2022年5月的报表，已归入2022年5月，"
            "不能代替本月的报表。本月（6月）的1—6月进展情况表（截止日期6月20日）仍未收到，"
            "请使用本月下发的表格填写后报送",
        )
    ]


def test_the_state_the_ledger_keeps_of_a_milestone(june):
    from reporting.summary.month import state_items

    said = ANSWERS["tasks"]
    items = {i[0]: i for i in state_items(judge(june))}
    assert items["T01-M1"] == (
        "T01-M1",
        "T01",
        "基财股",
        "已完成",
        "2022-03-25",
        "已完成",
        said[1]["progress"],
        said[1]["problems"],
    )
    assert items["T17-M1"] == ("T17-M1", "T17", "卫健所", "", None, "逾期", "", "")


# -- each row's fields: a task without milestones, a row left blank or deleted, done late ----------
def rows_with_extra_tasks(june, ret):
    """The month with two tasks added that have no milestones (one 人事股's, its form without it;
    one 卫健所's, which sent nothing) and 人事股's return as given."""
    from reporting.models import Task, TaskList

    tasks, period, read, settings = june

    def bare(key, no, lead):
        return Task(key, no, f"无节点任务{no}", "全年推进。", "全年推进。", (lead,), lead)

    extended = TaskList(
        tasks.title,
        tasks.year,
        [*tasks.tasks, bare("T20", "20", "人事股"), bare("T21", "21", "卫健所")],
    )
    others = [copy.deepcopy(r) for r in read if not r.file_name.startswith("人事股")]
    check = validate_month(extended, period, [*others, ret], [], date(2022, 6, 25))
    summary = summarise(extended, period, check, date(2022, 6, 25), settings, History())
    return {(r.milestone.key if r.milestone else r.task.key): r for r in summary.rows}, summary


def test_a_task_without_milestones_is_one_row(june):
    from reporting.summary.month import Said

    ret, _ = personnel(june)
    rows, summary = rows_with_extra_tasks(june, ret)
    t20, t21 = rows["T20"], rows["T21"]
    fields = ("status", "completed_on", "light", "days_overdue", "progress", "problems", "remarks")
    assert tuple(getattr(t20, f) for f in fields) == (
        "",
        None,
        None,
        0,
        "（报表中缺少该任务）",
        "",
        "",
    )
    assert t20.said is Said.REPORTED and t20.word is None and t20.late_done is False
    assert t20.milestone is None and t20.task.key == "T20"
    assert tuple(getattr(t21, f) for f in fields) == ("", None, None, 0, "", "", "")
    assert t21.said is Said.NO_RETURN
    missing = [f for f in summary.findings if f.code == "missing_task" and f.office == "人事股"]
    assert [f.task_key for f in missing] == ["T20"]


def test_blank_deleted_and_late_done_rows(june):
    from reporting.summary.month import Said

    ret, t04 = personnel(june)
    report = ret.tasks["T04"]
    report.remarks = "培训推迟到7月"
    ms = report.milestones
    ms["T04-M3"].status, ms["T04-M3"].completed_on = "已完成", date(2022, 6, 10)  # due 31 May
    ms["T04-M5"].status = ""
    ms.pop("T04-M6")
    rows, _ = rows_with_extra_tasks(june, ret)
    m3, m5, m6 = rows["T04-M3"], rows["T04-M5"], rows["T04-M6"]
    assert (m3.light, m3.late_done, m3.days_overdue) == (Light.DONE, True, 0)
    assert m3.word == Word("已完成", date(2022, 6, 10), "2022-06")
    assert m3.remarks == "培训推迟到7月" and m5.remarks == "培训推迟到7月"
    assert (m5.said, m5.status, m5.status_shown, m5.days_overdue) == (Said.BLANK, "", "", 0)
    assert (m6.said, m6.status_shown) == (Said.ROW_MISSING, "表中缺失")
    on_time = rows["T04-M1"]
    assert on_time.late_done is False and on_time.said is Said.REPORTED


def test_the_words_each_office_reads(june):
    from reporting.models import Finding

    tasks, period, read, _ = june
    leads = tasks.lead_offices()
    assert len(leads) == 11
    returns = [copy.deepcopy(r) for r in read]
    personnel_ = next(r for r in returns if r.file_name.startswith("人事股"))
    draft = copy.deepcopy(personnel_)
    draft.file_name, draft.sha256 = "人事股初稿.xlsx", "1" * 64
    draft.received_at = datetime(2022, 6, 15, 8, 30)
    read_said = Finding("old_format", "请用xlsx", Severity.WARNING, file=personnel_.file_name)
    check = validate_month(tasks, period, [*returns, draft], [read_said], date(2022, 6, 25))
    by_code = {}
    for f in check.findings:
        by_code.setdefault(f.code, []).append(f)
    (missing,) = by_code["not_returned"]
    assert (missing.office, missing.severity, missing.message) == (
        "卫健所",
        Severity.ERROR,
        "截至6月25日未收到卫健所的1—6月进展情况表（截止日期6月20日），请催报",
    )
    (superseded,) = by_code["superseded"]
    assert (superseded.office, superseded.file, superseded.severity) == (
        "人事股",
        "人事股初稿.xlsx",
        Severity.WARNING,
    )
    assert superseded.message == (
        "人事股报送了多份报表，已采用较新的6月17日16:08收到的“人事股6月份重点工作进展（定稿）.xlsx”；"
        "6月15日08:30收到的“人事股初稿.xlsx”保留在存档中但不计入汇总"
    )
    assert draft.superseded_by == personnel_.file_name and personnel_.superseded_by is None
    assert read_said.office == "人事股"  # what reading found reaches the office's text
    assert check.chosen["人事股"] is personnel_
    assert len(check.returns) == len(returns) + 1


def test_a_form_of_no_office_or_an_unknown_one(june):
    tasks = june[0]
    ret, _ = personnel(june)
    ret.office = ret.office_shown = ""
    found, check = told(june, ret)
    (no_office,) = [f for f in check.findings if f.code == "no_office"]
    assert no_office.message == (
        "报表未写明填报股室，无法确定是哪个股室报送的。请在“填报股室”处填写后重新报送"
    )
    assert (no_office.file, no_office.sheet) == (ret.file_name, "进展情况表")
    ret, _ = personnel(june)
    ret.office = ret.office_shown = "宣传股"
    _, check = told(june, ret)
    (wrong,) = [f for f in check.findings if f.code == "wrong_office"]
    named = "、".join(tasks.lead_offices()[:10]) + "等11个股室"
    assert wrong.message == (
        f"报表的填报股室为“宣传股”，不是任何任务的牵头股室（应为：{named}）。"
        "请使用本股室的表格重新报送"
    )
    assert (wrong.office, wrong.sheet, ret.accepted) == ("宣传股", "进展情况表", False)
    ret, _ = personnel(june)
    ret.office_shown = "基财股"
    _, check = told(june, ret)
    (mismatch,) = [f for f in check.findings if f.code == "office_mismatch"]
    assert mismatch.message == (
        "报表上的填报股室为“基财股”，但该表格是下发给“人事股”的（表内隐藏的股室标记），"
        "可能复制或改动了其他股室的表格。无法确定是哪个股室的报表，未计入汇总，也不替代任何股室的报表。"
        "请使用本股室下发的表格填写后重新报送"
    )
    assert (mismatch.sheet, ret.accepted) == ("进展情况表", False)


@pytest.mark.parametrize(
    "typed, altered",
    [
        ("2022-05-31 00:00:00", False),  # the planned day as another program exports it
        ("2022-05-31T00:00:00", False),
        ("44712", False),  # Excel's serial number of 31 May 2022, as text
        ("5月31日", False),
        ("5月 31日", False),  # a blank inside: read whole, in the form's year
        ("5月31日 00:00:00", False),  # a time after it: its day, in the form's year
        ("2022-12-31 00:00:00", True),
        ("44926", True),  # 31 December 2022
    ],
)
def test_a_planned_date_typed_otherwise_is_no_change(june, typed, altered):
    from reporting.forms import layout as form

    ret, _ = personnel(june)
    ret.tasks["T04"].milestones["T04-M3"].definition[form.DUE] = typed  # planned 2022-05-31
    found, _ = told(june, ret)
    assert any(f[0] == "definition_altered" for f in found) is altered


def test_a_long_changed_text_is_quoted_cut_at_forty_characters(june):
    from reporting.forms import layout as form

    for typed, quoted in (
        ("甲" * 40, "甲" * 40),
        ("乙" * 41, "乙" * 40 + "…"),
        ("第一行\n第二行", "第一行 第二行"),
    ):
        ret, t04 = personnel(june)
        ret.tasks["T04"].definition[form.NAME] = typed
        found, _ = told(june, ret)
        (message,) = [f[3] for f in found if f[0] == "definition_altered"]
        assert message.startswith(f"第4项任务的“项目名称”被修改为“{quoted}”，原为“{t04.name}”")


def test_the_state_kept_of_a_task_without_milestones(june):
    from reporting.summary.month import state_items

    ret, _ = personnel(june)
    _, summary = rows_with_extra_tasks(june, ret)
    items = {i[0]: i for i in state_items(summary)}
    assert items["T20"] == ("T20", "T20", "人事股", "", None, "", "（报表中缺少该任务）", "")


def test_the_month_read_and_checked_in_one_call(june):
    """check_returns reads what it is given (here through a cache's reader, no worker process)
    and validates it; a return received after the day judged is listed last, unread: on 22 June
    基财股's return (23 June) is not read and the office has not returned; each file read once."""
    tasks, period, read, settings = june
    fresh = [
        Return(r.file_name, r.sha256, r.received_at, archived_path=r.archived_path) for r in read
    ]
    asked: list[str] = []

    def read_in_process(ret: Return) -> tuple[Return, list]:
        asked.append(ret.file_name)
        return ret, read_one(ret, tasks)

    check = check_returns(tasks, period, fresh, date(2022, 6, 22), cache=ReadCache(read_in_process))
    late = "进展情况表_2022-06_基财股.xlsx"
    assert [r.file_name for r in check.returns][-1] == late  # listed, at the end
    assert sorted(asked) == sorted(r.file_name for r in read if r.file_name != late)
    summary = summarise(tasks, period, check, date(2022, 6, 22), settings, History())
    assert states(summary) == {
        "卫健所": "未报送",
        "督导室": "报表有误",
        "基财股": "未报送",
        **{office: "按时报送" for office in ON_TIME},
    }
    assert [f.code for f in check.findings if f.file == late] == ["after_as_of"]


def test_every_answer_column_longer_than_a_cell_is_named_and_half_a_cell_is_not_counted(june):
    """备注 and a milestone's 节点状态 are counted too; a text of emoji just over half the limit
    is over it as Excel counts (16,384 emoji are 32,768 units), one under half is not."""
    ret, t04 = personnel(june)
    report = ret.tasks["T04"]
    report.progress = "😀" * 16383  # 32,766 units: fits
    report.problems = "😀" * 16384  # 32,768 units: over by one
    report.remarks = "备" * 32768
    first = next(iter(report.milestones.values()))
    first.status = "完" * 32768
    found, _ = told(june, ret)
    cut = sorted(f[2] for f in found if f[0] == "cell_truncated")
    assert cut == sorted(
        [
            f"{ret.columns['存在问题和下一步工作计划']}{report.row}",
            f"{ret.columns['备注']}{report.row}",
            f"{ret.columns['节点状态']}{first.row}",
        ]
    )
    said = {f[2]: f[3] for f in found if f[0] == "cell_truncated"}
    assert (
        "有16384字（按Excel计为32768字）"
        in said[f"{ret.columns['存在问题和下一步工作计划']}{report.row}"]
    )
    assert f"第4项任务“{t04.name}”的“备注”有32768字，" in said[f"{ret.columns['备注']}{report.row}"]
