"""fill: what a clerk sees when opening the office workbook."""

from dataclasses import replace
from datetime import date

import openpyxl
import pytest
import yaml

from reporting.cycle import Cycle, fill
from reporting.forms import layout as form
from reporting.forms.fill import form_file_name
from reporting.models import Status

from .inprocess import run as yuebao


@pytest.fixture
def june(workdir):
    cycle = Cycle.load(workdir / "config.yaml", date(2022, 6, 1))
    result = fill(cycle, "2022-06")
    return cycle, result


def col(header):
    return form.column_letter(header)


def test_one_workbook_per_lead_office_with_its_tasks(june):
    cycle, result = june
    leads = cycle.tasks.lead_offices()
    assert sorted(p.name for p in result.paths) == sorted(
        form_file_name("2022-06", o) for o in leads
    )
    ws = openpyxl.load_workbook(result.folder / form_file_name("2022-06", "基财股"))[form.SHEET]
    keys = [
        ws[f"A{r}"].value for r in range(form.FIRST_DATA_ROW, ws.max_row + 1) if ws[f"A{r}"].value
    ]
    expected = []
    for t in cycle.tasks.tasks_of("基财股"):
        expected += [t.key] + [m.key for m in t.milestones]
    assert keys == expected
    assert ws.column_dimensions["A"].hidden  # the key column is there but out of the way


def test_title_header_and_deadline(june):
    _, result = june
    ws = openpyxl.load_workbook(result.folder / form_file_name("2022-06", "人事股"))[form.SHEET]
    assert ws[form.TITLE_CELL].value == "台山市教育系统2022年重点工作推进项目进展情况表（1—6月）"
    assert ws[form.OFFICE_CELL].value == "人事股"
    assert ws[form.DEADLINE_CELL].value.date() == date(2022, 6, 20)
    assert [ws.cell(form.HEADER_ROW, i).value for i in range(2, 12)] == form.HEADERS[1:]
    assert "6月" in ws[form.NOTE_CELL].value and "已完成" in ws[form.NOTE_CELL].value


def test_definition_locked_answers_open_and_shaded(june):
    cycle, result = june
    ws = openpyxl.load_workbook(result.folder / form_file_name("2022-06", "人事股"))[form.SHEET]
    assert ws.protection.sheet and not ws.protection.password  # unlockable knowingly, no password
    rows = {ws[f"A{r}"].value: r for r in range(form.FIRST_DATA_ROW, ws.max_row + 1)}
    task_row, ms_row = rows["T04"], rows["T04-M1"]
    for header in form.DEFINITION:
        assert ws[f"{col(header)}{task_row}"].protection.locked
        assert ws[f"{col(header)}{ms_row}"].protection.locked
    for header in form.TASK_INPUTS:
        cell = ws[f"{col(header)}{task_row}"]
        assert not cell.protection.locked and cell.fill.fgColor.rgb.endswith("FFF2CC")
    for header in form.MILESTONE_INPUTS:
        cell = ws[f"{col(header)}{ms_row}"]
        assert not cell.protection.locked and cell.fill.fgColor.rgb.endswith("FFF2CC")
    # a status cell on a task row is not an answer cell
    assert ws[f"{col(form.STATUS)}{task_row}"].protection.locked
    assert (
        not ws[form.FILLED_BY_CELL].protection.locked
        and not ws[form.FILLED_ON_CELL].protection.locked
    )


def test_status_drop_down_on_every_milestone_row(june):
    cycle, result = june
    ws = openpyxl.load_workbook(result.folder / form_file_name("2022-06", "人事股"))[form.SHEET]
    lists = [dv for dv in ws.data_validations.dataValidation if dv.type == "list"]
    assert len(lists) == 1
    assert lists[0].formula1 == '"' + ",".join(Status.choices()) + '"'
    covered = {str(c) for rng in lists[0].sqref.ranges for c in _cells(rng)}
    rows = {ws[f"A{r}"].value: r for r in range(form.FIRST_DATA_ROW, ws.max_row + 1)}
    task = cycle.tasks.by_key()["T04"]
    assert covered == {f"{col(form.STATUS)}{rows[m.key]}" for m in task.milestones}


def test_milestones_due_by_report_month_are_highlighted(june):
    cycle, result = june
    ws = openpyxl.load_workbook(result.folder / form_file_name("2022-06", "人事股"))[form.SHEET]
    rows = {ws[f"A{r}"].value: r for r in range(form.FIRST_DATA_ROW, ws.max_row + 1)}
    for m in cycle.tasks.by_key()["T04"].milestones:
        fill_colour = ws[f"{col(form.CONTENT)}{rows[m.key]}"].fill.fgColor.rgb
        due_now = m.due <= date(2022, 6, 30)
        assert fill_colour.endswith("FCE4D6") == due_now, m.text
        assert ws[f"{col(form.DUE)}{rows[m.key]}"].value.date() == m.due


def test_print_setup(june):
    _, result = june
    ws = openpyxl.load_workbook(result.folder / form_file_name("2022-06", "基财股"))[form.SHEET]
    assert ws.page_setup.orientation == "landscape"
    assert ws.page_setup.fitToWidth == 1 and ws.sheet_properties.pageSetUpPr.fitToPage
    assert ws.print_title_rows == f"${form.HEADER_ROW}:${form.HEADER_ROW}"


def test_fill_command_prints_where_the_files_are(workdir):
    result = yuebao("fill", "--config", str(workdir / "config.yaml"), "--month", "2022-07")
    assert result.returncode == 0, result.stderr
    assert "已生成 11 个股室" in result.stdout and str(workdir / "2022-07" / "out") in result.stdout
    wb = openpyxl.load_workbook(workdir / "2022-07" / "out" / form_file_name("2022-07", "督导室"))
    assert "（1—7月）" in wb[form.SHEET][form.TITLE_CELL].value


def _cells(rng):
    from openpyxl.utils import get_column_letter

    for r in range(rng.min_row, rng.max_row + 1):
        for c in range(rng.min_col, rng.max_col + 1):
            yield f"{get_column_letter(c)}{r}"


def _july_as_merged(demo_copy):
    """What July's summary recorded, read from its hidden 数据 sheet (what the chiefs saw)."""
    ws = openpyxl.load_workbook(
        demo_copy / "2022-07" / "重点工作进展汇总_2022-07_台山市教育系统.xlsx"
    )["数据"]
    head = [c.value for c in ws[1]]
    return [dict(zip(head, (c.value for c in row))) for row in ws.iter_rows(min_row=2)]


def test_next_month_form_carries_last_months_answers(demo_copy):
    config = demo_copy / "config.yaml"
    result = yuebao("fill", "--config", str(config), "--month", "2022-08", "--as-of", "2022-08-01")
    assert result.returncode == 0, result.stderr
    assert "已预填2022-07报送的内容" in result.stdout
    later = yuebao("fill", "--config", str(config), "--month", "2022-10", "--as-of", "2022-10-01")
    assert (
        "未预填：2022-09尚未汇总" in later.stdout
    )  # says why, rather than quietly sending blank forms
    cycle = Cycle.load(config, date(2022, 8, 1))
    july = _july_as_merged(demo_copy)
    checked_text = checked_done = checked_open = 0
    for office in cycle.tasks.lead_offices():
        ws = openpyxl.load_workbook(
            cycle.folder("outbox", "2022-08") / form_file_name("2022-08", office)
        )[form.SHEET]
        rows = {
            ws[f"A{r}"].value: r
            for r in range(form.FIRST_DATA_ROW, ws.max_row + 1)
            if ws[f"A{r}"].value
        }
        mine = [r for r in july if r["牵头股室"] == office]
        returned = any(r["填报状态"] not in ("未报送", "表中缺失") for r in mine)
        assert ("已预填7月报送的进展情况" in ws[form.NOTE_CELL].value) or not returned
        for r in mine:
            task_row = rows[r["任务编码"]]
            if r["填报状态"] in ("未报送", "表中缺失"):
                assert ws[f"{col(form.PROGRESS)}{task_row}"].value in (None, "")  # nothing to carry
                continue
            assert ws[f"{col(form.PROGRESS)}{task_row}"].value == (r["进展情况"] or None)
            checked_text += bool(r["进展情况"])
            if not r["节点编码"]:
                continue
            status = ws[f"{col(form.STATUS)}{rows[r['节点编码']]}"].value
            if r["填报状态"] == Status.DONE.value:
                assert status == Status.DONE.value
                assert ws[f"{col(form.DONE_ON)}{rows[r['节点编码']]}"].value == r["完成日期"]
                checked_done += 1
            else:  # on track, behind, extension: judged afresh this month
                assert status is None
                checked_open += 1
    assert checked_text and checked_done and checked_open  # the sample exercises all three


def test_prefill_can_be_switched_off_and_a_new_year_starts_blank(demo_copy):
    config = demo_copy / "config.yaml"
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["reporting"]["prefill"] = False
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    cycle = Cycle.load(config, date(2022, 8, 1))
    result = fill(cycle, "2022-08")
    for path in result.paths:
        ws = openpyxl.load_workbook(path)[form.SHEET]
        answers = [
            ws[f"{col(h)}{r}"].value
            for r in range(form.FIRST_DATA_ROW, ws.max_row + 1)
            for h in (form.PROGRESS, form.STATUS)
        ]
        assert not any(answers)
        assert "已预填" not in ws[form.NOTE_CELL].value
    from reporting.summary.carried import last_answers

    ledger = cycle.ledger()
    try:  # January opens a new 1—N period: December's answers are not carried into it
        assert last_answers(ledger, cycle.period("2022-08")) is not None
        assert last_answers(ledger, replace(cycle.period("2022-08"), month=1)) is None
    finally:
        ledger.close()


def test_a_form_that_cannot_be_written_does_not_stop_the_others(workdir):
    """A form's path taken (here by a folder): the others are written, the clerk is told which."""
    blocked = workdir / "2022-06" / "out" / form_file_name("2022-06", "人事股")
    blocked.mkdir(parents=True)  # in the way of the file
    result = yuebao(
        "fill",
        "--config",
        str(workdir / "config.yaml"),
        "--month",
        "2022-06",
        "--as-of",
        "2022-06-01",
    )
    assert result.returncode == 1
    assert f"[未生成] {blocked.name}：无法写入" in result.stderr
    assert "Excel" not in result.stderr  # a folder in the way: no open workbook
    leads = Cycle.load(workdir / "config.yaml", date(2022, 6, 1)).tasks.lead_offices()
    written = sorted(p.name for p in blocked.parent.glob("*.xlsx") if p.is_file())
    assert written == sorted(form_file_name("2022-06", o) for o in leads if o != "人事股")
    assert f"已生成 {len(leads) - 1} 个股室" in result.stdout
