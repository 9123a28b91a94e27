"""fill: what a clerk sees when opening the office workbook."""
from datetime import date

import openpyxl
import pytest

from reporting import form
from reporting.cycle import Cycle, fill
from reporting.fill import form_file_name
from reporting.models import Status

from .conftest import yuebao


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
    assert sorted(p.name for p in result.paths) == sorted(form_file_name("2022-06", o) for o in leads)
    ws = openpyxl.load_workbook(result.folder / form_file_name("2022-06", "基财股"))[form.SHEET]
    keys = [ws[f"A{r}"].value for r in range(form.FIRST_DATA_ROW, ws.max_row + 1) if ws[f"A{r}"].value]
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
    assert not ws[form.FILLED_BY_CELL].protection.locked and not ws[form.FILLED_ON_CELL].protection.locked


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
