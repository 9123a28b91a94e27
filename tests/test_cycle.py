"""The monthly cycle end to end on the bundled sample: what the bureau office and the chiefs see."""

import importlib.util
import sqlite3
from collections import Counter
from datetime import date, timedelta

import openpyxl
import pytest

from reporting import cycle as steps
from reporting.models import Status
from reporting.tasks.tasklist import read_task_list

from .conftest import ROOT, SAMPLE_TASKS
from .inprocess import run as yuebao

AS_OF = date(2022, 6, 25)
_spec = importlib.util.spec_from_file_location(
    "make_sample_returns", ROOT / "tools" / "make_sample_returns.py"
)
_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(_module)
FAULTS = _module.FAULTS["2022-06"]  # what the sample clerks did wrong, as the sample was built


@pytest.fixture(scope="module")
def summary(demo_dir):
    return openpyxl.load_workbook(
        demo_dir / "2022-06" / "重点工作进展汇总_2022-06_台山市教育系统.xlsx"
    )


def rows_of(ws, header_row=None):
    """The table under the sheet's header row (found, not assumed), as dicts header -> cell."""
    header_row = header_row or next(
        r
        for r in range(1, 8)
        if ws.cell(r, 1).fill.fgColor.rgb.endswith("D9E1F2") and ws.cell(r, 2).value
    )
    headers = [c.value for c in ws[header_row]]
    for row in ws.iter_rows(min_row=header_row + 1):
        yield {h: c for h, c in zip(headers, row) if h}


def test_demo_prints_where_the_summary_is_and_what_it_found(demo_dir):
    out = (demo_dir / "demo-stdout.txt").read_text(encoding="utf-8")
    assert f"汇总表：{demo_dir / '2022-06' / '重点工作进展汇总_2022-06_台山市教育系统.xlsx'}" in out
    assert "发现问题" in out and "逾期" in out
    assert "卫健所" in out and "未报送" in out
    june, july = out.split("== 2022-07")
    assert (
        "已预填" not in june and "（已预填2022-06报送的内容）" in july
    )  # July's forms start from June's answers


def test_summary_has_the_chiefs_sheets(summary):
    visible = [ws.title for ws in summary.worksheets if ws.sheet_state == "visible"]
    # what a chief reads first comes first; June has nothing to compare and no extension asked:
    # 变化 and 延期申请 would print empty, 概览 says so instead
    assert visible == ["概览", "逾期事项", "临期事项", "汇总", "报送情况", "校验问题"]
    assert {ws.title for ws in summary.worksheets if ws.sheet_state == "hidden"} == {
        "数据",
        "yuebao",
    }  # for roll-ups


def test_every_injected_fault_reported_once(summary):
    found = Counter()
    for row in rows_of(summary["校验问题"]):
        if row["代码"].value:
            found[(row["代码"].value, row["股室"].value, row["严重程度"].value)] += 1
    expected = Counter()
    for office, fault in FAULTS.items():
        if "received" in fault:
            expected[("late", office, "警告")] += 1
        if fault.get("missing"):
            expected[("not_returned", office, "错误")] += 1
        if "delete_task" in fault:
            expected[("missing_task", office, "错误")] += 1
        for _ in fault.get("overwrite", []):
            expected[("definition_altered", office, "警告")] += 1
    for key, n in expected.items():
        assert found[key] == n, (key, found)
    errors = {k: n for k, n in found.items() if k[2] == "错误"}
    assert errors == {k: n for k, n in expected.items() if k[2] == "错误"}, (
        "no error the clerks did not cause"
    )


def test_messages_name_file_sheet_row_and_cell(summary):
    altered = [r for r in rows_of(summary["校验问题"]) if r["代码"].value == "definition_altered"]
    assert altered
    for r in altered:
        assert r["文件"].value.endswith(".xlsx") and r["工作表"].value == "进展情况表"
        assert r["行"].value and r["单元格"].value.endswith(str(r["行"].value))
        assert "原为" in r["问题及处理办法"].value


def test_submission_status_per_office(summary):
    state = {r["牵头股室"].value: r for r in rows_of(summary["报送情况"]) if r["牵头股室"].value}
    tasks = read_task_list(SAMPLE_TASKS)
    assert set(state) == set(tasks.lead_offices())
    for office, row in state.items():
        fault = FAULTS.get(office, {})
        # a deleted task cannot be accepted as it is; an overwritten locked cell is restored
        # from the task list (a warning, the return accepted)
        errors = "delete_task" in fault
        want = (
            "未报送"
            if fault.get("missing")
            else "报表有误"
            if errors
            else "逾期报送"
            if "received" in fault
            else "按时报送"
        )
        assert row["报送情况"].value == want, office
    assert (
        state["人事股"]["文件"].value == FAULTS["人事股"]["rename"]
    )  # found by content, not by name


def expected_light(m, answer):
    status = answer["status"] if answer else None
    if status == Status.DONE.value:
        return "已完成", "C6EFCE"
    if m.due < AS_OF:
        return "逾期", "FFC7CE"
    if (m.due - AS_OF).days <= 7:
        return "临期", "FFEB9C"
    return "未到期", None


def test_milestone_colours_follow_the_returns_and_the_as_of_date(summary, june_answers):
    tasks = read_task_list(SAMPLE_TASKS)
    by_text = {}
    for t in tasks.tasks:
        fault = FAULTS.get(t.lead, {})
        reported = not fault.get("missing") and fault.get("delete_task") != t.key
        for m in t.milestones:
            ans = june_answers["tasks"][int(t.no)]["milestones"][m.seq] if reported else None
            by_text[(t.no, m.text)] = expected_light(m, ans)
    ws = summary["汇总"]
    seen, no = 0, None
    for row in rows_of(ws):
        if row["序号"].value:
            no = str(row["序号"].value)
        if not row["关键节点"].value:
            continue
        verdict, colour = by_text[(no, row["关键节点"].value)]
        assert row["判定"].value == verdict, (no, row["关键节点"].value)
        fill = row["关键节点"].fill.fgColor.rgb if row["关键节点"].fill.fill_type else None
        assert (fill or "")[-6:] == (colour or ""), (no, row["关键节点"].value, fill)
        seen += 1
    assert seen == len(by_text)


def test_overdue_sheet_lists_only_overdue_sorted_by_days(summary):
    rows = [r for r in rows_of(summary["逾期事项"]) if r["关键节点"].value]
    assert rows, "the sample has overdue milestones"
    days = [r["逾期天数"].value for r in rows]
    assert days == sorted(days, reverse=True)
    for r in rows:
        due = r["计划完成时间"].value.date()
        assert due < AS_OF and r["逾期天数"].value == (AS_OF - due).days
        assert r["填报状态"].value != "已完成"


def test_summary_is_printable(summary):
    for ws in (w for w in summary.worksheets if w.sheet_state == "visible"):
        assert ws.page_setup.orientation == "landscape", ws.title
        # one page wide: fitted (概览, one page) or at the scale its columns fill the width at
        fitted = ws.sheet_properties.pageSetUpPr.fitToPage
        # at 74 % or more: 11-point text prints at 8 points (docs/paper.md)
        assert fitted or 74 <= int(ws.page_setup.scale or 100) <= 100, ws.title
        assert fitted or ws.freeze_panes, ws.title  # a long table keeps its header in view


def test_archive_and_ledger_keep_every_file_and_rerun_is_idempotent(demo_copy):
    demo_dir = demo_copy
    inbox = demo_dir / "收件箱" / "2022-06"
    originals = {p.name: p.read_bytes() for p in inbox.iterdir()}
    archived = list((demo_dir / "2022-06" / "存档").iterdir())
    assert len(archived) == len(originals)
    db = demo_dir / "台账.sqlite3"

    def count():
        query = "SELECT COUNT(*) FROM returns WHERE month='2022-06'"
        return sqlite3.connect(db).execute(query).fetchone()[0]

    assert count() == len(originals)
    again = yuebao(
        "run",
        "--config",
        str(demo_dir / "config.yaml"),
        "--month",
        "2022-06",
        "--as-of",
        "2022-06-25",
    )
    assert again.returncode == 0, again.stderr
    assert "新收到 0 个文件" in again.stdout
    assert count() == len(originals)
    assert {p.name: p.read_bytes() for p in inbox.iterdir()} == originals  # inbox untouched


def test_as_of_moves_the_colours(demo_copy):
    demo_dir = demo_copy
    """The same returns judged a month later: June's amber milestones have turned red."""
    later = AS_OF + timedelta(days=30)
    result = yuebao(
        "merge",
        "--config",
        str(demo_dir / "config.yaml"),
        "--month",
        "2022-06",
        "--as-of",
        later.isoformat(),
    )
    assert result.returncode == 0, result.stderr
    wb = openpyxl.load_workbook(
        demo_dir / "2022-06" / "重点工作进展汇总_2022-06_台山市教育系统.xlsx"
    )
    overdue_due = [
        r["计划完成时间"].value.date() for r in rows_of(wb["逾期事项"]) if r["关键节点"].value
    ]
    assert overdue_due and max(overdue_due) > AS_OF  # something due after 25 June is now overdue


@pytest.mark.slow
def test_run_monthly_entry_point(demo_copy):
    """What cron or the Windows Task Scheduler runs: this month's cycle with the given config."""
    import subprocess
    import sys

    script = str(ROOT / "run_monthly.py")
    config = str(demo_copy / "config.yaml")
    july = subprocess.run(
        [sys.executable, script, "--config", config, "--as-of", "2022-07-26"],
        capture_output=True,
        text=True,
    )
    assert july.returncode == 0, july.stderr
    assert (
        f"汇总表：{demo_copy / '2022-07' / '重点工作进展汇总_2022-07_台山市教育系统.xlsx'}"
        in july.stdout
    )
    march = subprocess.run(
        [sys.executable, script, "--config", config, "--as-of", "2022-03-26"],
        capture_output=True,
        text=True,
    )
    assert march.returncode == 0 and "从6月起报送" in march.stdout
    broken = subprocess.run(
        [sys.executable, script, "--config", str(demo_copy / "nope.yaml")],
        capture_output=True,
        text=True,
    )
    assert broken.returncode == 2 and "找不到配置文件" in broken.stderr


def test_many_offices_print_counts_and_those_needing_attention(demo_copy, capsys):
    """A city's 300 offices would scroll off the screen: counts, then only the offices to act on."""
    from reporting.console import print_offices as _print_offices

    c = steps.Cycle.load(demo_copy / "config.yaml", date(2022, 6, 25))
    period, check = steps.check_month(c, "2022-06")
    ledger = c.ledger()
    summary = steps.summarise(c, period, check, ledger)
    ledger.close()
    _print_offices(summary, limit=2)
    out = capsys.readouterr().out
    states = Counter(o.state for o in summary.offices)
    assert (
        out.startswith(f"{len(summary.offices)}个股室：")
        and f"按时报送 {states['按时报送']}" in out
    )
    attention = [o.office.name for o in summary.offices if o.state != "按时报送" or o.errors]
    listed = [line.split()[0] for line in out.splitlines()[3:]]
    assert listed == attention[:2] and len(attention) > 2  # June: missing, one with errors, late
    assert f"（前2个，共{len(attention)}个" in out


def test_progress_is_one_line_per_file_until_there_are_hundreds(capsys):
    from reporting.cli import progress_printer

    for n in (11, 3000):
        show = progress_printer("收取")
        for i in range(1, n + 1):
            show(i, n, f"文件{i}.xlsx")
        lines = capsys.readouterr().err.splitlines()
        assert lines[-1] == f"  [{n}/{n}] 收取 文件{n}.xlsx"  # the end is always shown
        assert len(lines) == (11 if n == 11 else 50)
