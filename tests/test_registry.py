"""The finding codes: one registry, README's findings table, and `rules:` in config.yaml."""

import re
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from reporting.codes import REGISTRY
from reporting.config import load_config
from reporting.cycle import Cycle
from reporting.errors import YuebaoError
from reporting.summary.rollup import rollup

from .conftest import write_config
from .test_rollup import city_level, counties  # noqa: F401 (counties: a fixture)
from .test_supervision import set_config

README = Path(__file__).parent.parent / "README.md"
HAN = re.compile(r"[\u4e00-\u9fff]")


def findings_table() -> dict[str, str]:
    """code -> severity column, from README's table under “Validate: what is checked”."""
    text = README.read_text(encoding="utf-8")
    start, end = text.index("### Validate: what is checked"), text.index("### The summary (merge)")
    section = text[start:end]
    table = {}
    for line in section.splitlines():
        if line.startswith("| `"):
            _, codes, severity, *_ = line.split("|")
            table |= {code: severity.strip() for code in re.findall(r"`([a-z_]+)`", codes)}
    return table


def test_readme_lists_exactly_the_registered_codes_with_their_severity():
    table = findings_table()
    assert sorted(table) == sorted(REGISTRY)
    for code, severity in table.items():
        if "/" not in severity:  # a row of one severity says it for each code
            assert REGISTRY[code].severity.value == severity, code


def test_every_code_has_a_chinese_name_and_advice():
    for code in REGISTRY.values():
        assert HAN.search(code.name) and HAN.search(code.advice), code.code


def test_rules_accept_every_registered_code_and_no_other(tmp_path):
    config = write_config(tmp_path, rules={code: "警告" for code in REGISTRY})
    assert set(load_config(config).data["rules"]) == set(REGISTRY)
    with pytest.raises(YuebaoError, match="rules.unmapped_tasks"):
        load_config(write_config(tmp_path, rules={"unmapped_tasks": "错误"}))


def test_rules_change_the_roll_ups_findings_too(tmp_path, counties):  # noqa: F811
    city = city_level(tmp_path, counties)
    set_config(city, rules={"unmapped_task": "错误"})
    result = rollup(Cycle.load(city, date(2022, 6, 25)), "2022-06")
    unmapped = [f for f in result.findings if f.code == "unmapped_task"]
    assert unmapped and all(f.severity.value == "错误" for f in unmapped)
    problems = openpyxl.load_workbook(result.path)["校验问题"]
    written = [r[0].value for r in problems.iter_rows(min_row=2) if r[5].value == "unmapped_task"]
    assert written and set(written) == {"错误"}
