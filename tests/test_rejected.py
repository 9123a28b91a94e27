"""A return judged 报表有误: not a usable return (reminded, escalated, red), but what it says is the
office's latest word for next month's form and for judging its milestones alike."""

from datetime import date

import openpyxl

from reporting.cycle import Cycle
from reporting.summary.carried import last_answers
from reporting.summary.month import history_of

from .inprocess import run as yuebao
from .test_cycle import rows_of
from .test_supervision import set_config


def test_prefill_and_supervision_both_take_a_rejected_returns_answers(demo_copy):
    config = demo_copy / "config.yaml"
    set_config(config, rules={"late": "错误"})  # 基财股 returned late: now 报表有误
    merged = yuebao("merge", "--config", str(config), "--month", "2022-06", "--as-of", "2022-06-25")
    assert merged.returncode == 0, merged.stderr
    wb = openpyxl.load_workbook(
        demo_copy / "2022-06" / "重点工作进展汇总_2022-06_台山市教育系统.xlsx"
    )
    states = {r["牵头股室"].value: r["报送情况"].value for r in rows_of(wb["报送情况"])}
    assert states["基财股"] == "报表有误"
    cycle = Cycle.load(config, date(2022, 7, 28))
    mine = {m.key for t in cycle.tasks.tasks_of("基财股") for m in t.milestones}
    with cycle.ledger() as ledger:
        carried = last_answers(ledger, cycle.period("2022-07"))
    prefilled = set(carried.done) & mine  # the 已完成 its July form comes with
    assert prefilled  # the rejected return's answers are carried
    with cycle.ledger() as ledger:  # what July is judged on where it says nothing (supervision)
        words = history_of(ledger, cycle.period("2022-07")).words
    judged_done = {k for k, w in words.items() if w.status == "已完成"} & mine
    assert judged_done == prefilled
    tasks = {t.key for t in cycle.tasks.tasks_of("基财股")}
    assert tasks & set(carried.tasks)  # its progress texts too
