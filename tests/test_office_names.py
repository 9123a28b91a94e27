"""Office names typed into the task list become file names: they never leave the configured folders.

A task list with lead offices named "../x", "a/b", "x\\y", "CON" and one with :*?"<>| is run
through fill and a month of the schedule; every file lands in its folder, carries the office's
real name inside, and no later day fails.
"""

from dataclasses import replace
from datetime import date

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from reporting.filenames import safe_name
from reporting.forms.layout import OFFICE_CELL, SHEET
from reporting.tasks.tasklist import read_task_list, write_task_list

from .conftest import SAMPLE_TASKS, write_config
from .inprocess import run as yuebao

HOSTILE = ["../x", "a/b", "x\\y", "CON", 'a:b*c?"<>|']
MONTH_DAYS = [
    date(2022, 6, 1),
    date(2022, 6, 6),
    date(2022, 6, 15),
    date(2022, 6, 17),
    date(2022, 6, 21),
    date(2022, 6, 27),
]


def hostile_setup(tmp_path):
    listed = read_task_list(SAMPLE_TASKS)
    renamed = dict(zip(listed.lead_offices(), HOSTILE))
    tasks = [
        replace(
            t, lead=renamed.get(t.lead, t.lead), offices=tuple(renamed.get(o, o) for o in t.offices)
        )
        for t in listed.tasks
    ]
    write_task_list(replace(listed, tasks=tasks), tmp_path / "tasks.xlsx")
    offices = {name: {"email": f"office{i}@example.org"} for i, name in enumerate(HOSTILE)}
    work = tmp_path / "work"
    work.mkdir()
    config = write_config(
        work,
        task_list=str(tmp_path / "tasks.xlsx"),
        offices=offices,
        schedule={"log": "yuebao.log"},
    )
    return str(config), work


def files_under(folder):
    return {p for p in folder.rglob("*") if p.is_file()}


@pytest.mark.slow
def test_hostile_office_names_stay_inside_the_configured_folders(tmp_path):
    config, work = hostile_setup(tmp_path)
    outside = files_under(tmp_path) - files_under(work)

    check = yuebao("tasks", "check", "--config", config)
    assert check.returncode == 0, check.stderr
    for name in HOSTILE:
        assert f"牵头股室“{name}”含有不能用于文件名的字符" in check.stdout

    filled = yuebao("fill", "--month", "2022-06", "--config", config)
    assert filled.returncode == 0, filled.stderr
    outbox = work / "2022-06" / "out"
    forms = sorted(outbox.glob("*.xlsx"))
    assert len(forms) == 11
    offices = {
        openpyxl.load_workbook(p, read_only=True)[SHEET][OFFICE_CELL].value: p for p in forms
    }
    assert set(HOSTILE) <= set(offices)  # the real name inside the form
    for name in HOSTILE:
        assert (
            offices[name].parent == outbox
            and offices[name].name == f"进展情况表_2022-06_{safe_name(name)}.xlsx"
        )

    for (
        day
    ) in MONTH_DAYS:  # forms mailed, reminders, summary and escalations: each day runs to the end
        result = yuebao("schedule", "--once", "--as-of", day.isoformat(), "--config", config)
        assert result.returncode == 0, (day, result.stderr)
        assert "Traceback" not in result.stderr
    reminders = {p.read_text(encoding="utf-8") for p in (outbox / "提醒").iterdir()}
    feedback = {p.read_text(encoding="utf-8") for p in (work / "2022-06" / "反馈").iterdir()}
    for name in HOSTILE:
        assert any(name in text for text in reminders), name
        assert any(name in text for text in feedback), name

    assert files_under(tmp_path) - files_under(work) == outside  # nothing written outside
    for path in files_under(work):
        assert path.parent.name in (
            "out",
            "提醒",
            "反馈",
            "2022-06",
            "work",
            "ledger.sqlite3.backup",
            "ledger.sqlite3.locks",
        ), path


def test_two_offices_that_would_share_a_file_name_are_an_error_in_the_task_list(tmp_path):
    listed = read_task_list(SAMPLE_TASKS)
    first, second = listed.lead_offices()[:2]
    renamed = {first: "a/b", second: "a／b"}
    tasks = [replace(t, lead=renamed.get(t.lead, t.lead)) for t in listed.tasks]
    write_task_list(replace(listed, tasks=tasks), tmp_path / "tasks.xlsx")
    check = yuebao("tasks", "check", str(tmp_path / "tasks.xlsx"))
    assert "文件名相同" in check.stdout and "错误" in check.stdout
    config = write_config(tmp_path, task_list=str(tmp_path / "tasks.xlsx"))
    filled = yuebao("fill", "--month", "2022-06", "--config", str(config))
    assert filled.returncode == 1  # neither office gets a form that might be the other's
    assert "“a/b”“a／b”的文件名相同" in filled.stderr
    forms = list((tmp_path / "2022-06" / "out").glob("*.xlsx"))
    assert len(forms) == 9 and not [p for p in forms if "a／b" in p.name]


@given(st.text(max_size=120))
def test_any_name_becomes_one_plain_file_name(name):
    safe = safe_name(name)
    assert safe and len(safe) <= 80
    assert not any(ch in safe for ch in '/\\:*?"<>|\r\n\0')
    assert not safe.startswith(".") and safe == safe.strip(" .")
    assert safe.split(".")[0].upper() not in {
        "CON",
        "PRN",
        "AUX",
        "NUL",
        *(f"COM{i}" for i in range(10)),
        *(f"LPT{i}" for i in range(10)),
    }


def test_ordinary_office_names_are_unchanged():
    for office in read_task_list(SAMPLE_TASKS).lead_offices():
        assert safe_name(office) == office
