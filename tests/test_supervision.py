"""Supervision: configurable severities, rejected returns, traffic lights, escalation, extensions."""
from collections import Counter
from datetime import date

import openpyxl
import pytest
import yaml

from reporting.models import Light
from reporting.rules import GREEN, RED, YELLOW, office_light

from .conftest import yuebao
from .test_cycle import rows_of


@pytest.mark.parametrize("state, overdue, due, light", [
    ("未报送", 0, 4, RED), ("报表有误", 0, 4, RED),       # no usable return
    ("按时报送", 1, 4, RED),                              # 25% overdue >= 20%
    ("按时报送", 1, 10, YELLOW),                          # 10%: some overdue
    ("逾期报送", 0, 4, YELLOW), ("按时报送", 0, 4, GREEN), ("按时报送", 0, 0, GREEN),
])
def test_office_light_rule(state, overdue, due, light):
    assert office_light(state, Counter({Light.OVERDUE: overdue}), due, 0.2)[0] == light


def set_config(path, **changes):
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data.update(changes)
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def test_severity_per_rule_in_config_and_errors_count_as_not_returned(demo_copy):
    config = demo_copy / "config.yaml"
    set_config(config, rules={"late": "错误"})
    result = yuebao("merge", "--config", str(config), "--month", "2022-06", "--as-of", "2022-06-25")
    assert result.returncode == 0, result.stderr
    wb = openpyxl.load_workbook(demo_copy / "2022-06" / "重点工作进展汇总_2022-06.xlsx")
    late = [r for r in rows_of(wb["校验问题"]) if r["类别"].value == "late"]
    assert late and all(r["严重程度"].value == "错误" for r in late)
    states = {r["牵头股室"].value: r["报送情况"].value for r in rows_of(wb["报送情况"]) if r["牵头股室"].value}
    assert states["基财股"] == "报表有误"          # late is now an error: counts as not returned
    assert "报表有误视为未报送" in wb["概览"].cell(3, 1).value
    set_config(config, rules={"lat": "错误"})
    bad = yuebao("merge", "--config", str(config), "--month", "2022-06")
    assert bad.returncode == 2 and "rules.lat" in bad.stderr


def test_feedback_lists_cell_addresses_in_sheet_order(demo_dir):
    text = (demo_dir / "2022-06" / "反馈" / "反馈_职终股.txt").read_text(encoding="utf-8")
    cells = [line.split("进展情况表!")[1].split("：")[0] for line in text.splitlines() if "进展情况表!" in line]
    assert cells, text
    rows = [int("".join(ch for ch in c if ch.isdigit())) for c in cells]
    assert rows == sorted(rows)
