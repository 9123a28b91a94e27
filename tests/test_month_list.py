"""A month is judged by the task list its forms were filled from, whatever the list says later."""

from datetime import date, datetime

import openpyxl

from reporting.cycle import Cycle, collect_month, fill, merge
from reporting.forms.fill import form_file_name
from reporting.models import Light

from .clerks import answer_form
from .conftest import SAMPLE_TASKS, write_config

MOVED = ("三是10月底前开展基础工程建设。", "三是7月15日前开展基础工程建设。")  # T01-M3
T20 = (
    "20",
    "校园传染病防控",
    "健全学校传染病防控机制。\n关键节点及解决难点：\n一是6月底前完成全市学校传染病防控培训。\n"
    "二是12月底前完成学校传染病防控专项检查。",
    "卫健所",
    "卫健所",
    None,
    "T20",
)


def edited_list(path):
    """The sample list edited mid-year: T20 (卫健所) added, T19 (教师发展中心's only task) gone,
    T01's third milestone moved from 10月底 to 7月15日."""
    wb = openpyxl.load_workbook(SAMPLE_TASKS)
    ws = wb.active
    rows = {ws.cell(r, 7).value: r for r in range(3, ws.max_row + 1)}
    for col, value in enumerate(T20, start=1):  # T19's row becomes T20's
        ws.cell(rows["T19"], col).value = value
    content = ws.cell(rows["T01"], 3)
    assert MOVED[0] in content.value
    content.value = content.value.replace(*MOVED)
    wb.save(path)
    return path


def june_done(tmp_path):
    """June filled, 教师发展中心 returned on time, June merged; then the list is edited."""
    config = write_config(tmp_path)
    june = Cycle.load(config, date(2022, 6, 1))
    fill(june, "2022-06")
    outbox, inbox = tmp_path / "2022-06" / "out", tmp_path / "inbox" / "2022-06"
    answer_form(outbox, "2022-06", "教师发展中心", june.tasks, inbox, datetime(2022, 6, 15, 10))
    june = Cycle.load(config, date(2022, 6, 25))
    collect_month(june, "2022-06")
    merge(june, "2022-06")
    write_config(tmp_path, task_list=str(edited_list(tmp_path / "任务清单_7月修订.xlsx")))
    return config, june, outbox, inbox


def test_a_month_is_judged_by_the_list_its_forms_were_filled_from(tmp_path):
    config, june, outbox, inbox = june_done(tmp_path)
    # 卫健所's June return, made on June's form, arrives 07-10, after the edit
    answer_form(outbox, "2022-06", "卫健所", june.tasks, inbox, datetime(2022, 7, 10, 9))
    later = Cycle.load(config, date(2022, 7, 10))
    assert "T20" in later.tasks.by_key() and "T19" not in later.tasks.by_key()
    collect_month(later, "2022-06")
    result = merge(later, "2022-06")
    s = result.summary

    states = {o.office.name: o.state.value for o in s.offices}
    assert states["教师发展中心"] == "按时报送"  # still in June's 报送情况, not wrong_office
    assert states["卫健所"] == "逾期报送"  # not 报表有误 for a task its form never had
    assert not [f for f in s.findings if f.task_key in ("T19", "T20") or "T20" in f.message]
    assert not [f for f in s.findings if f.code in ("wrong_office", "missing_task")]
    assert {r.task.key for r in s.rows} >= {"T19"} and "T20" not in {r.task.key for r in s.rows}
    moved = next(r for r in s.rows if r.milestone and r.milestone.key == "T01-M3")
    assert moved.milestone.due == date(2022, 10, 31) and moved.light is Light.NOT_DUE
    feedback = "".join(p.read_text(encoding="utf-8") for p in result.feedback)
    assert "校园传染病防控" not in feedback

    submissions = openpyxl.load_workbook(result.summary_path)["报送情况"]
    names = {c.value for row in submissions.iter_rows() for c in row}
    assert "教师发展中心" in names

    # July's side of the edit: July's forms and judgement follow the edited list
    fill(later, "2022-07")
    july_out = tmp_path / "2022-07" / "out"
    assert not (july_out / form_file_name("2022-07", "教师发展中心")).exists()
    july = later.tasks_for("2022-07")
    assert "T20" in july.by_key() and "T19" not in july.by_key()
    assert july.by_key()["T01"].milestones[2].due == date(2022, 7, 15)


def test_filling_again_keeps_the_list_of_a_month_with_returns(tmp_path):
    config, june, outbox, inbox = june_done(tmp_path)
    later = Cycle.load(config, date(2022, 7, 1))
    fill(later, "2022-06")  # June has a return: its forms are June's again
    assert (outbox / form_file_name("2022-06", "教师发展中心")).exists()
    kept = later.tasks_for("2022-06")
    assert "T19" in kept.by_key() and "T20" not in kept.by_key()
    assert later.tasks_for("2022-09") is later.tasks  # never filled: the configured list


def test_filling_again_before_any_return_takes_the_edited_list(tmp_path):
    config = write_config(tmp_path)
    fill(Cycle.load(config, date(2022, 7, 1)), "2022-07")
    write_config(tmp_path, task_list=str(edited_list(tmp_path / "任务清单_7月修订.xlsx")))
    old = Cycle.load(config, date(2022, 7, 2))
    assert "T19" in old.tasks_for("2022-07").by_key()  # not filled again yet: as sent
    fill(old, "2022-07")
    again = Cycle.load(config, date(2022, 7, 2))
    assert again.tasks_for("2022-07") is again.tasks
    assert "T20" in again.tasks_for("2022-07").by_key()
