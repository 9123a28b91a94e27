"""config.yaml declared once: each key a field of its section's dataclass, its default, meaning,
range and choices in the field; what `yuebao check` checks and says is read from there."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from reporting.config import SCHEMA, Settings, checked, load_config
from reporting.config.declaration import setting
from reporting.config.schema import keys_of, schema_of
from reporting.errors import YuebaoError

from .conftest import write_config


def test_every_key_is_declared_with_its_meaning_in_chinese():
    keys = {key: f for key, f, _ in keys_of(Settings)}
    # 10 keys at the top (bureau, signature, task_list, year, ledger, ledger_backups,
    # lock_wait_seconds, rules, offices, calendar) and the ten sections' 6+4+4+4+2+1+11+9+10+10
    assert len(keys) == 71
    assert {"bureau", "reporting.deadline_day", "web.secure_cookie", "mail.ca_file"} <= set(keys)
    unexplained = [
        k for k, f in keys.items() if not re.search(r"[\u4e00-\u9fff]", f.metadata["zh"])
    ]
    assert unexplained == []


def test_a_section_declared_once_gives_the_check_its_types_and_defaults():
    @dataclass(frozen=True)
    class Chat:
        robots: tuple[str, ...] = setting([], "群机器人")
        retries: int | None = setting(None, "重试次数", within=(1, 5))
        share: float = setting(0.5, "比例")

    assert schema_of(Chat) == {"robots": (list, []), "retries": (int, None), "share": (float, 0.5)}
    # the real declaration: a list typed as a tuple is read from a YAML list
    assert SCHEMA["rollup"]["units"] == (list, []) and SCHEMA["year"] == (int, None)


@pytest.mark.parametrize(
    ("overrides", "said"),
    [
        ({"web": {"threads": 65}}, "配置项“web.threads”的值65超出范围，应在1到64之间"),
        (
            {"collect": {"max_file_mb": 0}},
            "配置项“collect.max_file_mb”的值0超出范围，应在1到2000之间",
        ),
        ({"smtp": {"security": "tls"}}, "配置项“smtp.security”只能是 none、starttls 或 ssl"),
        ({"rollup": {"units": "台山"}}, "配置项“rollup.units”的值“台山”类型不对，应为列表"),
        ({"web": {"state": "{month}.sqlite3"}}, "配置项“web.state”中的“{month}”无法识别"),
    ],
)
def test_what_check_says_comes_from_the_declaration(tmp_path, overrides, said):
    with pytest.raises(YuebaoError) as caught:
        load_config(write_config(tmp_path, **overrides))
    assert caught.value.zh.startswith(said)


def test_a_default_list_or_mapping_is_each_config_s_own(tmp_path):
    path = write_config(tmp_path)
    first, _ = checked({"bureau": "台山市教育系统", "task_list": "a.xlsx"})
    second, _ = checked({"bureau": "台山市教育系统", "task_list": "a.xlsx"})
    assert first is not None and second is not None
    first["offices"]["人事股"] = {"email": "rs@example.org"}
    first["schedule"]["chiefs"].append("jz@example.org")
    assert second["offices"] == {} and second["schedule"]["chiefs"] == []
    assert load_config(path).rollup.units == ()
