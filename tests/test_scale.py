"""Scale: the benchmark runs (its smallest size, as README's guard runs it), parallel reading
changes nothing, Excel's limits hold."""

import shutil
from datetime import date

import openpyxl
import pytest

from reporting import cycle as steps
from reporting import xlsx
from reporting.checks.validate import validate_month
from reporting.intake import reading
from reporting.summary import workbook as merge


@pytest.mark.slow(10)
def test_benchmark_runs_and_reports(small_benchmark, tmp_path):
    kept, result = small_benchmark  # `bench.py --size small --out DIR`, once a session
    assert result.returncode == 0, result.stderr
    print(result.stdout)  # the figures, in the CI log
    assert "10 returns, 0 findings" in result.stdout
    table = {line[:36].strip(): line[36:].split() for line in result.stdout.splitlines()}
    for step in (
        "collect",
        "read + validate",
        "summarise + write summary",
        "xlsxwriter floor: 汇总 + 数据",
        "row writer floor: 汇总 + 数据",
        "baseline: openpyxl + pandas read",
        "end to end: yuebao fill + yuebao run",
    ):
        seconds, peak_mb = map(
            float, table[step]
        )  # each step timed, and its memory measured in its own process
        assert seconds > 0 and 20 < peak_mb < 2000
    assert float(table["fill"][0]) > 0
    assert (
        kept / "2022-06" / merge.summary_file_name("2022-06", "合成测试市教育系统")
    ).exists()  # the real commands ran the month
    # (measured again without generating, `--reuse DIR`: the README guard's run of that command)
    out = tmp_path / "bench"
    shutil.copytree(kept, out)  # other workers read the kept one
    # the same month read on every core and read one by one gives the same answer
    cycle = steps.Cycle.load(out / "config.yaml", date(2022, 6, 25))
    old = reading.PARALLEL_FROM
    try:
        reading.PARALLEL_FROM = 2  # its 10 returns read by workers on every core (a county's 40
        parallel = steps.check_month(cycle, "2022-06")[1]  # would be, at the default)
        reading.PARALLEL_FROM = 10**9
        serial = steps.check_month(cycle, "2022-06")[1]
    finally:
        reading.PARALLEL_FROM = old
    assert len(parallel.returns) == 10
    assert sorted(parallel.chosen) == sorted(serial.chosen)
    assert {
        k: {
            t: [(m.status, m.completed_on) for m in r.milestones.values()]
            for t, r in v.tasks.items()
        }
        for k, v in parallel.chosen.items()
    } == {
        k: {
            t: [(m.status, m.completed_on) for m in r.milestones.values()]
            for t, r in v.tasks.items()
        }
        for k, v in serial.chosen.items()
    }


def test_excel_limits_split_rows_and_cut_long_text(demo_copy, monkeypatch):
    monkeypatch.setattr(xlsx, "MAX_ROWS", 40)  # Excel's 1,048,576 rows, scaled down for the test
    c = steps.Cycle.load(demo_copy / "config.yaml", date(2022, 7, 25))
    period, check = steps.check_month(c, "2022-07")
    ret = check.chosen["基财股"]
    ret.tasks["T01"].progress = "进展" * 20_000  # 40,000 characters
    check = validate_month(c.tasks, period, check.returns, [], c.as_of)
    ledger = c.ledger()
    summary = steps.summarise(c, period, check, ledger)
    ledger.close()
    path = merge.write_summary(summary, demo_copy / "limits.xlsx", 7)
    wb = openpyxl.load_workbook(path)
    parts = [n for n in wb.sheetnames if n.startswith("汇总")]
    assert len(parts) > 1 and all(wb[n].max_row <= 40 for n in parts)
    keys = sum(1 for n in parts for row in wb[n].iter_rows(min_row=5) if row[3].value)
    assert keys == sum(1 for r in summary.rows)  # every milestone row is somewhere
    longest = max(len(str(c.value or "")) for n in parts for row in wb[n].iter_rows() for c in row)
    assert longest <= merge.MAX_CELL_CHARS
    codes = [r[8].value for r in wb["校验问题"].iter_rows(min_row=4)]  # 代码
    assert "cell_truncated" in codes and "rows_split" in codes
    # one long text, one finding, though it is cut on 汇总, 逾期事项 and in every row of 数据
    assert sum(f.code == "cell_truncated" for f in summary.findings) == 1
