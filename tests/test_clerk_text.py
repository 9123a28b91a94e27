"""What a clerk typed is written back as text in every workbook yuebao writes: never a formula,
a link or an error value, and exactly as typed.

The clerk's texts go through a whole cycle: June's return -> the summary (汇总, 逾期事项, 延期申请,
报送情况, 数据, 校验问题) and 校验问题_2022-06.xlsx -> July's pre-filled forms -> July's summary
(变化)
-> the city's roll-up; and a task list and its 牵头股室对照表 are written as `tasks import` does.
Every workbook's XML is then read: yuebao's code writes no formula and no hyperlink, so there must
be none.
"""

import functools
import os
import re
import zipfile
from datetime import date, datetime

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from reporting import clerks as simulate
from reporting.cycle import Cycle, collect_month, fill, merge
from reporting.forms import layout as form
from reporting.forms.fill import form_file_name
from reporting.intake import values as cells
from reporting.libreoffice import convert_all
from reporting.models import Task, TaskList
from reporting.summary.rollup import rollup
from reporting.tasks.leads import write_leads_sheet
from reporting.tasks.tasklist import SHEET as TASK_SHEET
from reporting.tasks.tasklist import write_task_list
from reporting.xlsx import set_cell

from .conftest import SAMPLE_TASKS, soffice, write_config
from .test_render import pdf_text

FORMULA_LIKE = [
    "=1+1",
    '=HYPERLINK("http://example.com/x","点我")',
    "=A1*2为测算公式，详见附件",
    "{=SUM(A1:A2)}",
    "+86 0750-5555555",
    "-2%",
    "@SUM(A1)",
    "#N/A",
    "#REF!",
    "TRUE",
    "0012",
    "1e3",
    "http://example.com/报告",
    "https://jm.gov.cn/a?b=1",
    "mailto:jyj@example.com",
    "ftp://f.example",
    "file:///C:/报表.xlsx",
    "external:C:\\a.xlsx",
    "internal:汇总!A1",
    "_x0041_ 不是A",
    "含\x01控制字符",
    "=第一行\r第二行",
    "<r>按期推进</r>",  # xlsxwriter would copy these two into the file as rich-text XML
    '<r><t>x</t></r></is></c><c r="Z1"><f>1+1</f></c><c r="Z2" t="inlineStr"><is><r><t>y</t></r>',
]
PREFIXES = [
    "=",
    "+",
    "-",
    "@",
    "{=",
    "#",
    "http://",
    "https://",
    "ftp://",
    "mailto:",
    "file://",
    "external:",
    "internal:",
    "_x0000_",
]
clerk_text = st.one_of(
    st.sampled_from(FORMULA_LIKE),
    st.builds(
        lambda prefix, rest: prefix + rest,
        st.sampled_from(PREFIXES),
        st.text(st.characters(blacklist_categories=("Cs", "Cn")), max_size=24),
    ),
)
FILE_NAMES = [
    "=1+1人事股.xlsx",
    '=HYPERLINK("x")人事股.xlsx',
    "@人事股.xlsx",
    "#N#A人事股.xlsx",
    "人事股.xlsx",
]

# where each typed text goes
PROGRESS, PROBLEMS, REMARKS, FILLED_BY, STATUS, DONE_RAW = range(6)


def made_by_code(path) -> list[str]:
    """Every formula, error value and hyperlink stored in a workbook (yuebao's code makes none)."""
    found = []
    with zipfile.ZipFile(path) as zf:
        for name in zf.namelist():
            xml = zf.read(name).decode("utf-8", "replace")
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                found += [f"{name}: formula {m.group()}" for m in re.finditer(r"<f[ >/][^<]*", xml)]
                found += [f"{name}: error value" for _ in re.finditer(r'<c [^>]*t="e"', xml)]
                found += [f"{name}: hyperlink" for _ in re.finditer(r"<hyperlink[ >]", xml)]
            if name.endswith(".rels") and "relationships/hyperlink" in xml:
                found.append(f"{name}: hyperlink relationship")
    return found


def values(path) -> dict[str, set]:
    """Every cell value of every sheet, as yuebao reads workbooks."""
    wb = CalamineWorkbook.from_path(str(path))
    return {
        name: {v for row in wb.get_sheet_by_name(name).to_python() for v in row}
        for name in wb.sheet_names
    }


def clerk_return(src, dest, texts):
    """人事股's June return with the clerk's texts typed into every open cell (control characters as
    Excel stores them)."""
    wb, ws = simulate.open_form(src)
    rows = simulate.rows_by_key(ws)

    def put(key, header, value):
        set_cell(ws.cell(rows[key], simulate.column(header)), value)

    set_cell(ws[form.FILLED_BY_CELL], texts[FILLED_BY])
    ws[form.FILLED_ON_CELL] = date(2022, 6, 15)
    put("T04", form.PROGRESS, texts[PROGRESS])
    put("T04", form.PROBLEMS, texts[PROBLEMS])
    put("T04", form.REMARKS, texts[REMARKS])
    for key, status in (
        ("T04-M1", "已完成"),
        ("T04-M2", texts[STATUS]),
        ("T04-M3", "滞后"),
        ("T04-M4", "已完成"),
        ("T04-M5", "申请延期"),
    ):
        put(key, form.STATUS, status)
    put("T04-M1", form.DONE_ON, texts[DONE_RAW])  # 已完成 with an unreadable date
    put("T04-M4", form.DONE_ON, datetime(2022, 6, 10))
    put("T04-M5", form.DONE_ON, datetime(2022, 11, 30))  # the date asked for
    wb.save(dest)
    return dest


def drop(inbox, path, when):
    inbox.mkdir(parents=True, exist_ok=True)
    target = inbox / path.name
    target.write_bytes(path.read_bytes())
    os.utime(target, (when.timestamp(), when.timestamp()))


@pytest.mark.slow
@settings(
    max_examples=4, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(texts=st.lists(clerk_text, min_size=6, max_size=6), file_name=st.sampled_from(FILE_NAMES))
@example(
    texts=[
        '=HYPERLINK("http://evil.example/x","点我")',
        "=1+1",
        "http://example.com/报告",
        "=A1*2为测算公式",
        "=1+1",
        "含\x01控制字符",
    ],
    file_name="=1+1人事股.xlsx",
)
@example(
    texts=[
        "#N/A",
        "mailto:jyj@example.com",
        "_x0041_ 不是A",
        "@SUM(A1)",
        "{=SUM(A1:A2)}",
        "+86 0750",
    ],
    file_name="人事股.xlsx",
)
@example(  # xlsxwriter would copy a text in <r>…</r> into the file as rich-text XML
    texts=[
        FORMULA_LIKE[-1],
        "<r>按期推进</r>",
        "<r>备注</r>",
        "<r>张三</r>",
        "<r>已完成</r>",
        "<r>6</r>",
    ],
    file_name="人事股.xlsx",
)
def test_clerk_text_is_stored_as_text_in_every_workbook(tmp_path_factory, outbox, texts, file_name):
    folder = tmp_path_factory.mktemp("cycle")
    typed = [cells.text(t) for t in texts]  # as read back: surrounding blanks trimmed
    june, july, july_form, forms, city_summary = whole_cycle(folder, outbox, texts, file_name)
    imported = [
        Task(
            "T01",
            "1",
            typed[PROGRESS] or "任务",
            typed[PROBLEMS],
            "",
            ("办公室",),
            "办公室",
            typed[REMARKS],
        )
    ]
    task_list = write_task_list(
        TaskList("某县教育局2022年重点工作任务一览表", 2022, imported), folder / "tasks.xlsx"
    )
    leads = write_leads_sheet(
        imported, folder / "对照表.xlsx", known=[typed[FILLED_BY] or "办公室"]
    )

    written = [
        june.summary_path,
        june.findings_path,
        july.summary_path,
        july.findings_path,
        city_summary,
        task_list,
        leads,
        *forms,
    ]
    for path in written:
        assert made_by_code(path) == [], path.name

    read = functools.cache(values)  # each workbook read once, however many texts it must hold

    def holds(path, sheet, text):
        return not text or text in read(path)[sheet]

    progress, problems, remarks = typed[PROGRESS], typed[PROBLEMS], typed[REMARKS]
    filled_by = typed[FILLED_BY]
    status = cells.visible(typed[STATUS])
    s = june.summary_path
    assert (
        holds(s, "汇总", progress) and holds(s, "汇总", problems) and holds(s, "逾期事项", progress)
    )
    assert (
        holds(s, "数据", progress)
        and holds(s, "数据", problems)
        and holds(s, "报送情况", filled_by)
    )
    assert (
        holds(s, "延期申请", remarks)
        and holds(s, "报送情况", file_name)
        and holds(s, "校验问题", file_name)
    )
    assert not status or cells.status(typed[STATUS])[1] or holds(s, "汇总", status)
    assert holds(june.findings_path, "校验问题", file_name)
    assert holds(july_form, form.SHEET, progress) and holds(july_form, form.SHEET, problems)
    assert holds(july.summary_path, "汇总", progress) and holds(city_summary, "汇总", progress)
    assert holds(task_list, TASK_SHEET, remarks) and holds(task_list, TASK_SHEET, problems)


@pytest.mark.slow
def test_a_spreadsheet_program_shows_the_formula_as_typed(tmp_path, outbox):
    """LibreOffice prints the summary and next month's form: “=1+1” is shown, not 2."""
    texts = ["=1+1", "=A1*2", "http://example.com", "李四", "=2+2", "-"]
    june, _, july_form, _, _ = whole_cycle(tmp_path / "cycle", outbox, texts, "人事股.xlsx")
    soffice()  # skips without LibreOffice
    pdfs = convert_all([june.summary_path, july_form], "pdf", tmp_path / "pdf", timeout=180)
    summary, form_text = (pdf_text(pdf) for pdf in pdfs)  # one LibreOffice run prints both
    for shown in (summary, form_text):
        assert "=1+1" in shown and "=A1*2" in shown
    assert "=2+2" in summary and "#NAME" not in summary and "Err:" not in summary


def whole_cycle(folder, outbox, texts, file_name):
    """June's return with the clerk's texts, June's summary, July's forms and summary, the city's
    roll-up of June."""
    folder.mkdir(exist_ok=True)
    config = write_config(folder)
    # June: the return, the summary and 校验问题
    ret = clerk_return(outbox / form_file_name("2022-06", "人事股"), folder / file_name, texts)
    drop(folder / "inbox" / "2022-06", ret, datetime(2022, 6, 16, 9, 0))
    cycle = Cycle.load(config, date(2022, 6, 25))
    collect_month(cycle, "2022-06")
    june = merge(cycle, "2022-06")
    # July: the forms carry June's answers; the clerk sends hers back unchanged (变化:
    # 进展与上月相同)
    july_cycle = Cycle.load(config, date(2022, 7, 25))
    forms = fill(july_cycle, "2022-07").paths
    july_form = next(p for p in forms if p.name == form_file_name("2022-07", "人事股"))
    drop(folder / "inbox" / "2022-07", july_form, datetime(2022, 7, 15, 9, 0))
    collect_month(july_cycle, "2022-07")
    july = merge(july_cycle, "2022-07")
    # the city rolls June up; a task list written by `tasks import`
    city = folder / "city"
    city.mkdir()
    (city / "config.yaml").write_text(
        yaml.safe_dump(
            {
                "bureau": "江门市教育局",
                "task_list": str(SAMPLE_TASKS),
                "ledger": "ledger.sqlite3",
                "folders": {"summary": "{month}", "archive": "{month}/archive"},
                "rollup": {"inbox": "rollup/{month}"},
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    drop(city / "rollup" / "2022-06", june.summary_path, datetime(2022, 6, 26, 9, 0))
    city_summary = rollup(Cycle.load(city / "config.yaml", date(2022, 6, 30)), "2022-06").path
    return june, july, july_form, forms, city_summary
