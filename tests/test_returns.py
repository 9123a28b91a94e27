"""Reading returns back whatever the clerk did to them: rows re-sorted, sheet renamed, statuses
typed."""

from datetime import date, datetime
from pathlib import Path

import pytest

from reporting import clerks as simulate
from reporting.checks.validate import validate_month
from reporting.cycle import Cycle, fill
from reporting.forms import layout as form
from reporting.forms.fill import form_file_name
from reporting.intake.reading import read_one
from reporting.models import Return


@pytest.fixture
def cycle(workdir):
    c = Cycle.load(workdir / "config.yaml", date(2022, 6, 25))
    fill(c, "2022-06")
    return c


def answered(c: Cycle, office: str, tmp: Path, status="已完成", **changes) -> Path:
    """A complete, correct return from `office`, then `changes` applied like a clerk would."""
    src = c.config.folder("outbox", "2022-06") / form_file_name("2022-06", office)
    wb, ws = simulate.open_form(src)
    tasks = {
        t.key: {
            "progress": f"{t.name}：已按计划推进。",
            "problems": "无",
            "milestones": {
                m.seq: {"status": status, "completed_on": date(2022, 6, 1)} for m in t.milestones
            },
        }
        for t in c.tasks.tasks_of(office)
    }
    simulate.answer(ws, "张三", date(2022, 6, 15), tasks)
    for action, arg in changes.items():
        if action == "reverse_rows":  # a clerk sorts the rows the other way round
            rows = [
                [cell.value for cell in row] for row in ws.iter_rows(min_row=form.FIRST_DATA_ROW)
            ]
            for rng in list(ws.merged_cells.ranges):
                ws.unmerge_cells(str(rng))
            for i, values in enumerate(reversed(rows)):
                for j, v in enumerate(values, start=1):
                    ws.cell(form.FIRST_DATA_ROW + i, j).value = v
        elif action == "rename_sheet":
            ws.title = arg
        elif action == "retype":
            key, value = arg
            ws.cell(simulate.rows_by_key(ws)[key], simulate.column(form.STATUS), value)
    out = tmp / f"return-{office}.xlsx"
    wb.save(out)
    return out


def check(c, path: Path):
    ret = Return(
        file_name=path.name, sha256="x", received_at=datetime(2022, 6, 18, 9, 0), archived_path=path
    )
    findings = read_one(ret, c.tasks)
    result = validate_month(c.tasks, c.period("2022-06"), [ret], findings, date(2022, 6, 25))
    mine = [f for f in result.findings if f.file == path.name]
    return ret, mine


def test_a_correct_return_has_no_findings(cycle, tmp_path):
    ret, findings = check(cycle, answered(cycle, "人事股", tmp_path))
    assert ret.office == "人事股" and ret.month == "2022-06" and ret.filled_by == "张三"
    assert findings == []


def test_rows_resorted_are_still_matched(cycle, tmp_path):
    ret, findings = check(cycle, answered(cycle, "基财股", tmp_path, reverse_rows=True))
    assert [f.code for f in findings] == []
    assert set(ret.tasks) == {t.key for t in cycle.tasks.tasks_of("基财股")}
    assert all(mr.status == "已完成" for tr in ret.tasks.values() for mr in tr.milestones.values())


def test_renamed_sheet_is_found_and_noted(cycle, tmp_path):
    ret, findings = check(cycle, answered(cycle, "人事股", tmp_path, rename_sheet="Sheet1"))
    assert [f.code for f in findings] == ["sheet_renamed"] and ret.sheet == "Sheet1"


def test_status_typed_with_full_width_space_is_accepted_but_nonsense_is_not(cycle, tmp_path):
    _, ok = check(cycle, answered(cycle, "人事股", tmp_path, status="已完成\u3000"))
    assert ok == []
    _, bad = check(cycle, answered(cycle, "人事股", tmp_path, retype=("T04-M2", "快好了")))
    assert [(f.code, f.cell) for f in bad] == [
        ("bad_status", f"{form.column_letter(form.STATUS)}{bad[0].row}")
    ]
    assert "快好了" in bad[0].message


def test_unreadable_file_is_a_finding_not_a_crash(cycle, tmp_path):
    junk = tmp_path / "基财股.xlsx"
    junk.write_bytes(b"PK\x03\x04 this is not really a zip")
    ret, findings = check(cycle, junk)
    assert not ret.readable and [f.code for f in findings] == ["truncated"]  # a zip's start only
    assert "重新发送" in findings[0].message
