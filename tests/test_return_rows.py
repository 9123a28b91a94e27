"""What the rows of a return mean, and that the clerk is told where: locked columns typed over, a
form copied from another office, rows sorted without the hidden key column, texts too long for a
cell, a status with an invisible character.  Asserted on what people read: the summary, 校验问题
and the feedback texts."""

import os
import sqlite3
from datetime import date, datetime

import openpyxl
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reporting import clerks as simulate
from reporting.cycle import Cycle, collect_month, fill, merge
from reporting.forms import layout as form
from reporting.forms.fill import form_file_name
from reporting.intake.reading import read_one
from reporting.models import Return, Task, TaskList
from reporting.tasks.tasklist import write_task_list

from . import corpus
from .conftest import write_config
from .test_cycle import rows_of

JUNE_16 = datetime(2022, 6, 16, 9, 30).timestamp()


def month(folder, *files, config=None):
    """The files dropped in the inbox (in this order, a minute apart from 16 June), `yuebao run`."""
    config = config or write_config(folder)
    inbox = folder / "inbox" / "2022-06"
    inbox.mkdir(parents=True, exist_ok=True)
    for i, f in enumerate(files):
        target = inbox / f.name
        target.write_bytes(f.read_bytes())
        os.utime(target, (JUNE_16 + 60 * i, JUNE_16 + 60 * i))
    cycle = Cycle.load(config, date(2022, 6, 25))
    collect_month(cycle, "2022-06")
    return merge(cycle, "2022-06")


def problems(result):
    """校验问题_2022-06.xlsx as the bureau office reads it: (类别, 股室, 文件, 单元格, 问题)."""
    ws = openpyxl.load_workbook(result.findings_path)["校验问题"]
    return [
        (
            r["代码"].value,
            r["股室"].value,
            r["文件"].value,
            r["单元格"].value,
            r["问题及处理办法"].value,
        )
        for r in rows_of(ws)
        if r["代码"].value
    ]


def feedback(result, office):
    path = result.findings_path.parent / "反馈" / f"反馈_{office}.txt"
    return path.read_text(encoding="utf-8") if path.exists() else ""


def summary_rows(result, task_name="加强教师培训"):
    """汇总 as the chiefs read it, one task's rows: 关键节点 -> (填报状态, 判定)."""
    ws = openpyxl.load_workbook(result.summary_path)["汇总"]
    shown, name = {}, None
    for r in rows_of(ws):
        name = r["任务名称"].value or name  # merged down the task's rows
        named = name == task_name or (name or "").endswith("…") and task_name.startswith(name[:-1])
        if named and r["关键节点"].value:  # later rows may print the name in one line
            shown[r["关键节点"].value] = (r["填报状态"].value, r["判定"].value)
    return shown


def cell_of(path, key, header):
    _, ws = simulate.open_form(path)
    return f"{form.column_letter(header)}{simulate.rows_by_key(ws)[key]}"


def test_every_locked_column_typed_over_is_named_by_its_cell(tmp_path, outbox):
    """The clerk unprotects the sheet, moves an overdue milestone's date to escape 逾期, and types
    into locked blank cells: each change is a warning (警告) naming its cell, the return accepted
    (the summary keeps the task list's text); the verdict keeps the list's date."""
    typed = {("T04-M3", form.STATUS): "滞后", ("T04-M3", form.DONE_ON): None}
    f = corpus.locked_cells_changed(
        outbox,
        tmp_path / "人事股.xlsx",
        {
            ("T04-M3", form.DUE): datetime(2022, 12, 31),  # was 2022-05-31: overdue by 25 June
            (
                "T04-M2",
                form.PROGRESS,
            ): "结对学校已确定",  # a milestone row's progress cell is locked
            ("T04", form.STATUS): "已完成",  # so is the task row's status cell
        },
        typed=typed,
    )
    result = month(tmp_path, f)
    altered = {
        cell: (office, text)
        for code, office, _, cell, text in problems(result)
        if code == "definition_altered"
    }
    due_cell = cell_of(f, "T04-M3", form.DUE)
    typed_into = {cell_of(f, "T04-M2", form.PROGRESS), cell_of(f, "T04", form.STATUS)}
    assert set(altered) == {due_cell} | typed_into
    assert altered[due_cell][0] == "人事股"
    assert "计划完成时间" in altered[due_cell][1] and "2022-12-31" in altered[due_cell][1]
    assert "2022-05-31" in altered[due_cell][1] and "申请延期" in altered[due_cell][1]
    assert "结对学校已确定" in altered[cell_of(f, "T04-M2", form.PROGRESS)][1]
    text = feedback(result, "人事股")
    assert f"进展情况表!{due_cell}：" in text and "计划完成时间" in text
    shown = summary_rows(result)
    assert next(v for k, v in shown.items() if k.startswith("三是5月底前")) == ("滞后", "逾期")
    office = next(o for o in result.summary.offices if o.office.name == "人事股")
    assert office.state == "按时报送"  # locked cells restored from the task list: accepted
    ws = openpyxl.load_workbook(result.findings_path)["校验问题"]
    severities = {
        r["严重程度"].value for r in rows_of(ws) if r["代码"].value == "definition_altered"
    }
    assert severities == {"警告"}


def test_an_approved_extension_is_not_a_moved_date(tmp_path, outbox):
    """A form filled before an extension was approved carries the old date: no alteration."""
    f = corpus.good_return(outbox, tmp_path / "人事股.xlsx")
    config = write_config(tmp_path)
    ledger = Cycle.load(config, date(2022, 6, 25)).ledger()
    ledger.approve_extension("T04-M5", "2022-10-31", "2022-11-30", "经费")
    ledger.close()
    result = month(tmp_path, f, config=config)
    assert [p for p in problems(result) if p[0] == "definition_altered"] == []


def test_cells_unmerged_and_filled_down_are_no_alteration(tmp_path, outbox):
    """Unmerging 编号/项目名称/责任股室 and filling them down each milestone row (to sort or filter)
    changes nothing the task list says."""
    f = corpus.good_return(outbox, tmp_path / "基财股.xlsx", office="基财股")
    wb, ws = simulate.open_form(f)
    ws.protection.sheet = False
    for rng in list(ws.merged_cells.ranges):
        if rng.min_row >= form.FIRST_DATA_ROW:
            ws.unmerge_cells(str(rng))
            top = ws.cell(rng.min_row, rng.min_col).value
            for r in range(rng.min_row + 1, rng.max_row + 1):
                ws.cell(r, rng.min_col).value = top
    wb.save(f)
    result = month(tmp_path, f)
    assert [p for p in problems(result) if p[2] == f.name] == []


def test_a_copy_of_another_offices_form_supersedes_nobody(tmp_path, outbox):
    """基财股 returns its complete form; later 人事股's clerk sends a partial copy of 基财股's form
    with its own name typed over 填报股室.  基财股's return still counts; the copy is an error for
    that file only."""
    good = corpus.good_return(outbox, tmp_path / "基财股.xlsx", office="基财股")
    copy = corpus.copied_form(
        outbox, tmp_path / "人事股（改）.xlsx", shown="人事股", mark="基财股", drop=("T02", "T03")
    )
    result = month(tmp_path, good, copy)
    found = problems(result)
    about_copy = [(code, office) for code, office, file, _, _ in found if file == copy.name]
    assert about_copy == [("office_mismatch", "人事股")]
    assert not [p for p in found if p[2] == good.name]  # nothing said against 基财股's own file
    message = next(p[4] for p in found if p[0] == "office_mismatch")
    assert "人事股" in message and "基财股" in message and "不替代任何股室" in message
    offices = {o.office.name: o for o in result.summary.offices}
    assert offices["基财股"].state == "按时报送" and offices["基财股"].file == good.name
    assert offices["人事股"].state == "未报送"
    assert copy.name in feedback(result, "人事股") and "填报股室" in feedback(result, "人事股")
    assert feedback(result, "基财股") == ""


def test_rows_pasted_into_another_offices_form_supersede_nobody(tmp_path, outbox):
    """人事股's clerk pastes its rows into 基财股's form (labels and mark still 基财股): the file is
    not 基财股's return, and 基财股's own complete return still counts."""
    good = corpus.good_return(outbox, tmp_path / "基财股.xlsx", office="基财股")
    pasted = corpus.rows_pasted(
        outbox, tmp_path / "进展情况表（人事股）.xlsx", rows_of="人事股", into="基财股"
    )
    result = month(tmp_path, good, pasted)
    found = problems(result)
    assert [(p[0], p[1]) for p in found if p[2] == pasted.name] == [("office_mismatch", "人事股")]
    assert not [p for p in found if p[2] == good.name]
    offices = {o.office.name: o for o in result.summary.offices}
    assert offices["基财股"].state == "按时报送" and offices["基财股"].file == good.name
    assert "人事股的任务" in feedback(result, "人事股") and feedback(result, "基财股") == ""


def test_rows_sorted_without_the_key_column_keep_each_status_on_its_milestone(tmp_path, outbox):
    """The clerk unmerges and sorts by 节点状态 with only the visible columns selected: the hidden
    keys no longer sit beside their rows.  The summary still shows each status against its own
    milestone."""
    statuses = {1: "已完成", 2: "滞后", 3: "按计划推进", 4: "未启动", 5: "按计划推进", 6: "未启动"}
    typed = {(f"T04-M{s}", form.STATUS): v for s, v in statuses.items()}
    typed.update({(f"T04-M{s}", form.DONE_ON): None for s in statuses if s != 1})
    f = corpus.good_return(outbox, tmp_path / "人事股.xlsx", typed=typed)
    corpus.sort_visible_columns(f, form.STATUS)
    result = month(tmp_path, f)
    texts = {r.milestone.seq: r.milestone.text for r in result.summary.rows if r.task.key == "T04"}
    shown = summary_rows(result)
    assert {seq: shown[texts[seq]][0] for seq in statuses} == statuses
    found = [p for p in problems(result) if p[2] == f.name]
    assert [p[0] for p in found] == ["key_mismatch"] and "排序" in found[0][4]
    assert next(o for o in result.summary.offices if o.office.name == "人事股").state == "按时报送"


@settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(random=st.randoms(use_true_random=False))
def test_no_sort_of_the_visible_columns_moves_an_answer(tmp_path_factory, outbox, random):
    """Whatever order the visible rows are put in, each answer stays with its own task or
    milestone."""
    folder = tmp_path_factory.mktemp("sorted")
    tasks = Cycle.load(write_config(folder), date(2022, 6, 25)).tasks
    typed = {}
    for t in tasks.tasks_of("基财股"):
        typed[(t.key, form.PROGRESS)] = f"{t.name}的进展"
        for m in t.milestones:  # each milestone done on a day of its own
            typed[(m.key, form.DONE_ON)] = datetime(2022, 6, 1 + len(typed))
    f = corpus.good_return(outbox, folder / "基财股.xlsx", office="基财股", typed=typed)
    corpus.shuffle_visible_columns(f, random.shuffle)
    ret = Return(file_name=f.name, sha256="x", received_at=datetime(2022, 6, 16), archived_path=f)
    found = read_one(ret, tasks)
    assert not [x for x in found if x.code == "row_unmatched"]  # the sample's texts all differ
    for (key, header), value in typed.items():
        report = ret.tasks[key.split("-M")[0]]
        if header == form.PROGRESS:
            assert report.progress == value
        else:
            assert report.milestones[key].completed_on == value.date()


def test_a_sorted_row_that_could_be_two_milestones_is_refused(tmp_path):
    """Two tasks share a milestone's wording and date; sorted without the key column, such a row
    cannot be told apart: it is refused with a finding, never counted against a guess."""
    same = "一是6月底前完成自查。"
    tasks = [
        Task(
            key=key,
            no=str(no),
            name=name,
            content=f"{name}。\n{same}\n二是10月底前完成整改。",
            overview="",
            offices=("督导室",),
            lead="督导室",
        )
        for no, (key, name) in enumerate((("A1", "食堂安全"), ("A2", "校车安全")), 1)
    ]
    folder = tmp_path / "county"
    folder.mkdir()
    write_task_list(
        TaskList(title="某县教育局2022年重点工作任务一览表", year=2022, tasks=tasks),
        folder / "tasks.xlsx",
    )
    config = write_config(folder, task_list=str(folder / "tasks.xlsx"))
    fill(Cycle.load(config, date(2022, 6, 1)), "2022-06")
    typed = {("A1-M1", form.STATUS): "已完成", ("A2-M1", form.STATUS): "滞后"}
    src = folder / "2022-06" / "out" / form_file_name("2022-06", "督导室")
    wb, ws = simulate.open_form(src)
    simulate.answer(
        ws, "李四", date(2022, 6, 15), {"A1": {"progress": "已自查"}, "A2": {"progress": "自查中"}}
    )
    rows = simulate.rows_by_key(ws)
    for (key, header), value in typed.items():
        ws.cell(rows[key], simulate.column(header), value)
    f = tmp_path / "督导室.xlsx"
    wb.save(f)
    corpus.sort_visible_columns(f, form.STATUS)
    result = month(folder, f, config=config)
    refused = [p for p in problems(result) if p[0] == "row_unmatched"]
    assert refused and all("无法确定" in p[4] for p in refused)
    status = {(r.task.key, r.milestone.seq): r.status for r in result.summary.rows}
    assert status[("A1", 1)] != "滞后" and status[("A2", 1)] != "已完成"  # never the other's status
    assert "无法确定" in feedback(result, "督导室")


def test_text_too_long_for_a_cell_is_told_everywhere(tmp_path, outbox):
    """cell_truncated reaches 校验问题_2022-06.xlsx, the ledger and the office's feedback, naming
    the cell."""
    # Excel cannot hold it, a text file can: the office sent its form as CSV
    good = corpus.good_return(outbox, tmp_path / "src.xlsx", typed={("T04", form.PROGRESS): "LONG"})
    cell = cell_of(good, "T04", form.PROGRESS)
    f = corpus.as_csv(good, tmp_path / "人事股.csv", "utf-8-sig")
    f.write_bytes(f.read_bytes().replace(b"LONG", ("开展培训" * 10_000).encode()))
    result = month(tmp_path, f)
    assert [(p[1], p[3]) for p in problems(result) if p[0] == "cell_truncated"] == [
        ("人事股", cell)
    ]
    assert f"人事股!{cell}：" in feedback(result, "人事股") and "40000字" in feedback(
        result, "人事股"
    )
    ledger = sqlite3.connect(tmp_path / "ledger.sqlite3")
    recorded = ledger.execute("SELECT cell FROM findings WHERE code='cell_truncated'").fetchall()
    assert recorded == [(cell,)]


def test_a_csv_return_reminds_its_office_to_use_the_form(tmp_path, outbox):
    good = corpus.good_return(outbox, tmp_path / "src.xlsx")
    f = corpus.as_csv(good, tmp_path / "人事股.csv", "gbk")
    result = month(tmp_path, f)
    assert [(p[0], p[1]) for p in problems(result) if p[2] == f.name] == [("old_format", "人事股")]
    assert "下次请使用下发的.xlsx表格" in feedback(result, "人事股")


def test_progress_copied_from_last_month_names_its_cell(demo_dir):
    ws = openpyxl.load_workbook(demo_dir / "2022-07" / "校验问题_2022-07.xlsx")["校验问题"]
    unchanged = [r for r in rows_of(ws) if r["代码"].value == "progress_unchanged"]
    assert unchanged and all(
        r["文件"].value and r["单元格"].value.startswith("I") for r in unchanged
    )
    office, cell = unchanged[0]["股室"].value, unchanged[0]["单元格"].value
    text = (demo_dir / "2022-07" / "反馈" / f"反馈_{office}.txt").read_text(encoding="utf-8")
    assert f"进展情况表!{cell}：" in text


def test_an_invisible_character_in_a_status_is_shown_to_retype(tmp_path, outbox):
    f = corpus.good_return(
        outbox, tmp_path / "人事股.xlsx", typed={("T04-M1", form.STATUS): "已完成\u200b"}
    )
    result = month(tmp_path, f)
    bad = [p for p in problems(result) if p[0] == "bad_status"]
    assert len(bad) == 1 and bad[0][3] == cell_of(f, "T04-M1", form.STATUS)
    assert (
        "“已完成[零宽空格]”" in bad[0][4]
        and "看不见的字符" in bad[0][4]
        and "重新选择" in bad[0][4]
    )
    assert "\u200b" not in bad[0][4]
    text = feedback(result, "人事股")
    assert "已完成[零宽空格]" in text and "\u200b" not in text
    first = next(v for k, v in summary_rows(result).items() if k.startswith("一是3月底前"))
    assert first == (
        "已完成[零宽空格]",
        "逾期",
    )  # the chiefs see what was typed, and that it is not done
