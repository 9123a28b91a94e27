"""config.yaml's values checked against the declaration (schema.py derives what to check from
declaration.py): unknown and missing keys, types, ranges, choices, colours, times, addresses,
placeholders, the finding codes of `rules`, the `calendar`, the text templates. The words here are
what `yuebao check` lists and what stops every other command."""

from __future__ import annotations

import copy
import re
import string
from pathlib import Path
from typing import Any

from ..codes import FINDING_CODES, SEVERITY_WORDS
from ..errors import YuebaoError
from ..wording import check_templates
from ..workdays import CalendarProblem, read_tables
from .addresses import check_addresses
from .declaration import BESIDE_LEDGER, MANY_ADDRESSES, OFFICE_KEYS, REQUIRED
from .schema import BESIDE_LEDGER_NAMES, CHOICES, PATTERN_KEYS, PLAIN_PATH_KEYS, RANGES, SCHEMA


def checked(raw: dict) -> tuple[dict | None, list[YuebaoError]]:
    """config.yaml's values with defaults, and every problem found (each check reports its first;
    `yuebao check` lists them all, the other commands stop on the first)."""
    try:
        data = _check(raw, SCHEMA, "")
    except YuebaoError as exc:
        return None, [exc]
    _place_beside_ledger(data)
    problems = []
    for check in _VALUE_CHECKS:
        try:
            check(data)
        except YuebaoError as exc:
            problems.append(exc)
    return data, problems


def _check(raw: dict, schema: dict, prefix: str) -> dict:
    for key in raw:
        if key not in schema:
            name = prefix + str(key)
            raise YuebaoError(
                f"配置文件中有未知的项“{name}”，请检查拼写或删除该项", f"unknown config key: {name}"
            )
    out: dict[str, Any] = {}
    for key, spec in schema.items():
        name = prefix + key
        if isinstance(spec, dict):
            section = raw.get(key) or {}
            if not isinstance(section, dict):
                raise YuebaoError(
                    f"配置项“{name}”应包含下级设置", f"config key {name} must be a mapping"
                )
            out[key] = _check(section, spec, name + ".")
            continue
        kind, default = spec
        if key not in raw or raw[key] is None:
            if default is REQUIRED:
                raise YuebaoError(f"配置文件缺少必填项“{name}”", f"missing config key: {name}")
            out[key] = copy.deepcopy(default)  # a fresh [] or {} for each config read
            continue
        value = raw[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            raise YuebaoError(
                f"配置项“{name}”的值“{value}”类型不对，应为{_KIND_ZH[kind]}",
                f"config key {name} must be {kind.__name__}",
            )
        out[key] = value
    return out


_KIND_ZH = {
    float: "小数",
    str: "文字",
    int: "整数",
    dict: "下级设置",
    bool: "是/否(true/false)",
    list: "列表",
}


def _check_choices(data: dict) -> None:
    for key, allowed in CHOICES.items():
        if _value(data, key) not in allowed:
            raise YuebaoError(
                f"配置项“{key}”只能是 {'、'.join(allowed[:-1])} 或 {allowed[-1]}",
                f"{key} must be {', '.join(allowed[:-1])} or {allowed[-1]}",
            )


def _place_beside_ledger(data: dict) -> None:
    """A file left to its default goes in the ledger's folder: 输出/ for a folder `init` made, as
    使用说明.txt says, output/ for a config that keeps the ledger there."""
    ledger_folder = Path(data["ledger"]).parent
    for (section, key), name in BESIDE_LEDGER_NAMES.items():
        if data[section][key] == BESIDE_LEDGER:
            data[section][key] = (ledger_folder / name).as_posix()


def _check_calendar(section: dict) -> None:
    try:
        read_tables(section)
    except CalendarProblem as exc:
        raise YuebaoError(f"配置项“calendar”：{exc}", "config key calendar: not readable") from None


def _check_rules(rules: dict) -> None:
    for code, word in rules.items():
        if code not in FINDING_CODES:
            raise YuebaoError(
                f"配置文件中有未知的项“rules.{code}”（不是已知的问题类别，"
                "见 docs/manual.md 的“看到这些提示怎么办”）",
                f"unknown config key: rules.{code}",
            )
        if word not in SEVERITY_WORDS:
            raise YuebaoError(
                f"配置项“rules.{code}”只能是“错误”或“警告”", f"rules.{code} must be 错误 or 警告"
            )


def _check_colours(colours: dict) -> None:
    for key, value in colours.items():
        if not re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
            raise YuebaoError(
                f"配置项“colours.{key}”的颜色“{value}”格式不对，应写成如 #FFC7CE",
                f"colours.{key} must look like #RRGGBB",
            )


def _check_offices(offices: dict) -> None:
    for name, info in offices.items():
        if info is None:
            continue
        if not isinstance(info, dict):
            raise YuebaoError(
                f"股室“{name}”的联系方式应为“键: 值”的形式", f"offices.{name} must be a mapping"
            )
        for key in info:
            if key not in OFFICE_KEYS:
                raise YuebaoError(
                    f"配置文件中有未知的项“offices.{name}.{key}”，可用的项：{'、'.join(OFFICE_KEYS)}",
                    f"unknown config key: offices.{name}.{key}",
                )
            if isinstance(info[key], list) and key not in MANY_ADDRESSES:
                raise YuebaoError(
                    f"配置项“offices.{name}.{key}”只能填一项，不能是列表",
                    f"offices.{name}.{key} must be one value, not a list",
                )


def _value(data: dict[str, Any], key: str) -> Any:
    for part in key.split("."):
        data = data[part]
    return data


def _check_ranges(data: dict) -> None:
    for key, (low, high) in RANGES.items():
        value = _value(data, key)
        if value is not None and not low <= value <= high:
            raise YuebaoError(
                f"配置项“{key}”的值{value}超出范围，应在{low}到{high}之间",
                f"config key {key} must be between {low} and {high}, not {value}",
            )


def _check_time(value: str) -> None:
    found = re.fullmatch(r"(\d{1,2}):(\d\d)", value)
    if not found or int(found.group(1)) > 23 or int(found.group(2)) > 59:
        raise YuebaoError(
            f"配置项“schedule.time”的值“{value}”不是有效的时间，应写成如 08:30（00:00到23:59）",
            "schedule.time must look like HH:MM, 00:00 to 23:59",
        )


def _check_patterns(data: dict) -> None:
    """Folder patterns know only {month}; other paths know none (a typo names a folder '{mnth}')."""
    for key in PATTERN_KEYS + PLAIN_PATH_KEYS:
        value = _value(data, key)
        allowed = {"month"} if key in PATTERN_KEYS else set()
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        except ValueError:
            names = {"{"}
        unknown = sorted(names - allowed)
        if unknown:
            known = "只能用{month}（表示月份，如2022-06）" if allowed else "不能使用{…}占位符"
            raise YuebaoError(
                f"配置项“{key}”中的“{{{unknown[0]}}}”无法识别：{known}，请检查拼写"
                "（花括号须成对出现）",
                f"config key {key}: unknown placeholder {{{unknown[0]}}}",
            )


_VALUE_CHECKS = (
    lambda data: _check_offices(data["offices"]),
    lambda data: _check_colours(data["colours"]),
    lambda data: _check_rules(data["rules"]),
    lambda data: _check_calendar(data["calendar"]),
    _check_choices,
    _check_ranges,
    lambda data: _check_time(data["schedule"]["time"]),
    check_addresses,
    _check_patterns,
    lambda data: check_templates(),
)
