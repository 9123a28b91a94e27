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
DOCS = sorted((README.parent / "docs").glob("*.md"))  # README's detail lives there
MANUAL = README.parent / "docs" / "manual.md"  # the findings table
HAN = re.compile(r"[\u4e00-\u9fff]")


def findings_table() -> dict[str, str]:
    """code -> severity column, from docs/manual.md's table under “Validate: what is checked”."""
    text = MANUAL.read_text(encoding="utf-8")
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


# -- every command and option README shows exists under that name ----------------------------
def readme_commands() -> list[str]:
    """Each `yuebao …` README and docs/ show: a line of a code block, or an inline `yuebao …`."""
    text = "\n".join(p.read_text(encoding="utf-8") for p in [README, *DOCS])
    found = []
    for block in re.findall(r"```[a-z]*\n(.*?)```", text, re.S):
        for line in block.splitlines():
            line = line.split("#")[0].strip()
            m = re.search(r"(?:^|[\s/])yuebao (.+)", line)
            if m and not line.startswith(("python", "py ", "schtasks")):  # a task named yuebao
                found.append("yuebao " + m.group(1))
    found += re.findall(r"`(yuebao [^`]+)`", text)
    return found


def click_commands() -> dict[str, set[str]]:
    """'tasks import' -> its options (every spelling), from the click application."""
    import click

    from reporting.cli import main

    out = {}

    def walk(cmd, path):
        if isinstance(cmd, click.Group):
            for name, sub in cmd.commands.items():
                walk(sub, [*path, name])
        opts = {o for p in cmd.params for o in (*p.opts, *p.secondary_opts) if o.startswith("-")}
        out[" ".join(path)] = opts | {"--help", "-h"}

    walk(main, [])
    return out


def test_readme_finds_the_commands_it_shows():
    shown = readme_commands()
    assert len(shown) > 30
    assert any(c.startswith("yuebao tasks import") for c in shown)
    assert any(c.startswith("yuebao serve --set-password") for c in shown)


def test_every_command_and_option_readme_shows_exists():
    commands = click_commands()
    wrong = []
    for shown in readme_commands():
        words = shown.split()[1:]
        if not words or words[0] in ("…", "..."):
            continue  # "yuebao …": any command, elided in a sentence
        path = []
        while words and " ".join([*path, words[0]]) in commands:
            path.append(words.pop(0))
        if not path and words and words[0].startswith("-"):
            path = []  # an option of yuebao itself (yuebao --version)
        elif not path:
            wrong.append(f"{shown}: no command {words[:1]}")
            continue
        for word in words:
            option = re.match(r"\[?(--?[a-z][a-z-]*)", word)
            if option and option.group(1) not in commands[" ".join(path)]:
                wrong.append(f"{shown}: {' '.join(path) or 'yuebao'} has no {option.group(1)}")
    assert wrong == []


def test_readme_says_which_commands_take_no_config_or_as_of():
    """README: every command takes --config and --as-of, except init (neither), demo (no
    --config), serve, tasks import/check and ledger check/restore (no --as-of)."""
    commands = {name: opts for name, opts in click_commands().items() if name}
    groups = {"tasks", "ledger"}
    no_config = {n for n, opts in commands.items() if "--config" not in opts} - groups
    no_as_of = {n for n, opts in commands.items() if "--as-of" not in opts} - groups
    assert no_config == {"init", "demo"}
    assert no_as_of == {
        "init",
        "serve",
        "tasks import",
        "tasks check",
        "ledger check",
        "ledger restore",
    }
