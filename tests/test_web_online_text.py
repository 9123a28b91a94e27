"""Clerk text is text, and the page tells what validate will: for random fills of the online form
(text beginning with =, +, @, -, emoji, 40,000 characters, dates typed any way), the workbook
written for the return holds every answer as text (no cell is a formula), and validate, run on
that workbook on its own, finds exactly what the page showed beside the fields."""

from __future__ import annotations

import io
import re
import shutil
import zipfile
from datetime import date, datetime

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reporting.checks.rules import apply_rules
from reporting.checks.validate import check_returns
from reporting.context import Cycle
from reporting.forms import layout as form
from reporting.intake import values as cells
from reporting.intake.values import EXCEL_CELL_CHARS
from reporting.models import Return, Status
from reporting.web import online as online_module
from reporting.web.online import filled_content, online_form, openpyxl_bytes, workbook_bytes
from reporting.xlsx_rows import excel_units

from .conftest import yuebao
from .online_setup import OFFICE, csrf_of, prepared
from .test_form_copy import described
from .test_one_truth import Site

HOSTILE = ["=", "+", "@", "-", '=HYPERLINK("http://x","点")', "=1+1", "@SUM(A1)", "😀", "𠀀"]
LONG = "长" * 40_000


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("online-text")
    config, month, c = prepared(folder)
    site = Site(config, month)
    page = site.text(f"/o/{site.tokens[OFFICE]}/online")
    online = online_form(Cycle.load(config), month, OFFICE)
    yield site, config, month, online, csrf_of(page), folder
    site.close()


texts = st.one_of(
    st.just(""),
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=40),
    st.builds(lambda a, b: a + b, st.sampled_from(HOSTILE), st.text(max_size=20)),
    st.just(LONG),
)
dates = st.one_of(
    st.just(""),
    st.dates(date(2000, 1, 1), date(2100, 12, 31)).map(date.isoformat),
    st.sampled_from(["6月30日", "昨天", "=TODAY()", "2022/6/15", "31/02/2022"]),
)


@st.composite
def fills(draw, online):
    fields = {"filled_by": draw(texts), "phone": draw(st.sampled_from(["", "13800138000", "+86"]))}
    for item in online.tasks:
        key = item.task.key
        fields[f"progress:{key}"] = draw(texts)
        fields[f"problems:{key}"] = draw(texts)
        for m in item.milestones:
            fields[f"status:{m.key}"] = draw(st.sampled_from(["", *Status.choices()]))
            fields[f"done:{m.key}"] = draw(dates)
            fields[f"ext:{m.key}"] = draw(dates)
            fields[f"reason:{m.key}"] = draw(texts)
    return fields


def page_findings(site, csrf, fields) -> list[tuple[str, str]]:
    """What the page shows beside the fields (the check as one types): (severity, message)."""
    token = site.tokens[OFFICE]
    data = site.client.post(f"/o/{token}/online/check", data={**fields, "csrf_token": csrf})
    assert data.status_code == 200
    shown = data.get_json()["fields"]
    return sorted((f["severity"], f["message"]) for found in shown.values() for f in found)


def validated(config, month, path) -> tuple[list[tuple[str, str]], Return]:
    """validate on the workbook alone: its findings as `yuebao validate` rates them, and the
    return as it read it."""
    c = Cycle.load(config)
    ret = Return(path.name, "0" * 64, datetime.now().replace(microsecond=0), archived_path=path)
    check = check_returns(c.tasks_for(month), c.period(month), [ret], c.as_of)
    found = [f for f in check.findings if f.file == path.name]
    apply_rules(found, c.config.rules)
    return sorted((f.severity.value, f.message) for f in found), check.returns[0]


def no_formula(data: bytes) -> None:
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert b"<f>" not in z.read(name) and b"<f " not in z.read(name)
    wb = openpyxl.load_workbook(io.BytesIO(data))
    for ws in wb.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                assert cell.data_type != "f", cell.coordinate


@settings(
    max_examples=12,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_the_page_shows_what_validate_finds_and_clerk_text_stays_text(served, data):
    site, config, month, online, csrf, folder = served
    fields = data.draw(fills(online))
    shown = page_findings(site, csrf, fields)
    written = workbook_bytes(online, fields, date.today())  # what 提交 stores today
    no_formula(written)
    path = folder / "written" / "在线填报.xlsx"
    path.parent.mkdir(exist_ok=True)
    path.write_bytes(written)
    # a text longer than a cell holds: an error of the page's own (it cannot be written whole,
    # so it is never submitted); everything else is validate's, word for word
    too_long = [(s, m) for s, m in shown if "表格中放不下" in m]
    longest = max(excel_units(v) for v in fields.values())
    assert bool(too_long) == (longest > EXCEL_CELL_CHARS)
    assert all(s == "错误" for s, _ in too_long)
    found, ret = validated(config, month, path)
    assert found == [f for f in shown if f not in too_long]
    for item in online.tasks:  # read back whole, as any cell's text is read
        for kind, got in (("progress", "progress"), ("problems", "problems")):
            typed = fields[f"{kind}:{item.task.key}"]
            if excel_units(typed) <= EXCEL_CELL_CHARS:
                assert getattr(ret.tasks[item.task.key], got) == cells.text(typed)


def test_yuebao_validate_on_its_own_finds_what_the_page_showed(served, tmp_path):
    """The command itself, on a fill with every kind of hostile text, in a bureau folder of its
    own: the 校验问题 workbook lists for the file exactly what the page showed."""
    site, config, month, online, csrf, folder = served
    fields = online.prefilled()
    keys = [i.task.key for i in online.tasks]
    fields[f"progress:{keys[0]}"] = '=HYPERLINK("http://evil","点我")'
    fields[f"problems:{keys[0]}"] = "+86 @所有人 😀"
    fields[f"progress:{keys[1]}"] = LONG
    fields[f"progress:{keys[2]}"] = "@SUM(1+1)"
    first = online.tasks[0].milestones[0].key
    fields[f"status:{first}"] = "已完成"
    fields[f"done:{first}"] = ""
    shown = page_findings(site, csrf, fields)
    assert any("表格中放不下" in m and s == "错误" for s, m in shown)  # never submitted so
    assert any("完成日期未填写" in m and s == "错误" for s, m in shown)
    shown = [(s, m) for s, m in shown if "表格中放不下" not in m]

    own = tmp_path / "bureau"
    shutil.copytree(folder, own, ignore=shutil.ignore_patterns("*.sqlite3*", "written"))
    text = (own / "config.yaml").read_text(encoding="utf-8").replace(str(folder), str(own))
    (own / "config.yaml").write_text(text, encoding="utf-8")
    inbox = own / "inbox" / month
    inbox.mkdir(parents=True, exist_ok=True)
    (inbox / "在线填报.xlsx").write_bytes(workbook_bytes(online, fields, date.today()))
    for step in ("collect", "validate"):
        run = yuebao(step, "--month", month, "--config", str(own / "config.yaml"))
        assert run.returncode == 0, run.stderr + run.stdout
    ws = openpyxl.load_workbook(own / month / f"校验问题_{month}.xlsx")["校验问题"]
    header = next(r for r in range(1, 20) if ws.cell(r, 1).value == "严重程度")
    listed = sorted(
        (ws.cell(r, 1).value, ws.cell(r, 8).value)
        for r in range(header + 1, ws.max_row + 1)
        if re.search("在线填报", str(ws.cell(r, 3).value or ""))
        and ws.cell(r, 9).value != "progress_unchanged"  # the month's comparison, not the file's
    )
    assert listed == shown


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_the_online_workbook_is_the_form_openpyxl_writes(served, data, tmp_path):
    """提交 writes the workbook as `yuebao fill` writes forms, a copy of the openpyxl-written
    form: for random fills (填报人 blank or typed, dates, hostile text), cell by cell, style by
    style, the same workbook openpyxl itself writes from the same answers."""
    site, config, month, online, csrf, folder = served
    fields = data.draw(fills(online))
    day = date.today()
    made = datetime(day.year, day.month, day.day)
    content = filled_content(online, fields, day)
    copied, written = tmp_path / "copy.xlsx", tmp_path / "openpyxl.xlsx"
    copied.write_bytes(workbook_bytes(online, fields, day))
    written.write_bytes(openpyxl_bytes(content, made))
    assert described(copied) == described(written)


def test_the_same_answers_on_the_same_day_are_the_same_file(served):
    """Sent twice (or after the server restarted) the same answers are one file: the same
    bytes, so the ledger keeps it once and counts it as sent again."""
    site, config, month, online, csrf, folder = served
    fields = online.prefilled() | {"filled_by": "张三", "phone": "0750-1234567"}
    first = workbook_bytes(online, fields, date.today())
    online_module._copiers.clear()  # as after a restart: the form learnt again
    assert workbook_bytes(online, fields, date.today()) == first
    wb = openpyxl.load_workbook(io.BytesIO(first))
    sheet = wb[form.SHEET]
    assert sheet[form.FILLED_BY_CELL].value == "张三 0750-1234567"
    assert sheet[form.FILLED_ON_CELL].value.date() == date.today()
