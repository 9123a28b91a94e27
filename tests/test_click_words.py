"""Issue 30 item 5: a clerk never sees click's English (Usage:, Error: …, Show this message…).

Every command, sub-command and group of `yuebao` is run with a stray argument and with an unknown
option; a mistyped command, a wrong --month and the help pages are run too.  None of click's
words may reach the screen, and a wrong command line exits 2, a help page 0.
"""

from __future__ import annotations

import re

import click
import pytest
from click.testing import CliRunner

from reporting.cli import main

CLICK_WORDS = (
    "Usage",
    "Error",
    "Invalid",
    "Show this message",
    "Show the version",
    "Try '",
    "Options:",
    "Commands:",
    "No such",
    "Missing",
    "Got unexpected",
    "Aborted",
)


def _paths(group: click.Group, path: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    found = []
    for name, command in sorted(group.commands.items()):
        found.append((*path, name))
        if isinstance(command, click.Group):
            found += _paths(command, (*path, name))
    return found


COMMANDS = _paths(main)


def _run(args: list[str], tmp_path, monkeypatch) -> click.testing.Result:
    monkeypatch.chdir(tmp_path)  # a command that did run would write here, not in the repo
    return CliRunner().invoke(main, args, prog_name="yuebao")


def _assert_chinese(result, code: int) -> None:
    shown = result.output + (result.stderr if result.stderr_bytes is not None else "")
    assert result.exit_code == code, shown
    assert not [word for word in CLICK_WORDS if word in shown], shown
    assert shown.strip(), "nothing said at all"


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_stray_argument_is_said_in_chinese(path, tmp_path, monkeypatch):
    _assert_chinese(_run([*path, "bogus"], tmp_path, monkeypatch), 2)


@pytest.mark.parametrize("path", COMMANDS, ids=" ".join)
def test_unknown_option_is_said_in_chinese(path, tmp_path, monkeypatch):
    _assert_chinese(_run([*path, "--bogus"], tmp_path, monkeypatch), 2)


@pytest.mark.parametrize("path", [(), *COMMANDS], ids=lambda p: " ".join(p) or "yuebao")
def test_help_page_is_in_chinese(path, tmp_path, monkeypatch):
    result = _run([*path, "--help"], tmp_path, monkeypatch)
    _assert_chinese(result, 0)
    assert "用法：" in result.output
    assert "显示本说明后退出" in result.output


def test_mistyped_command_names_the_right_one(tmp_path, monkeypatch):
    result = _run(["fil"], tmp_path, monkeypatch)
    _assert_chinese(result, 2)
    assert "“fil”" in result.output
    assert "yuebao fill" in result.output


def test_wrong_month_says_how_to_write_it(tmp_path, monkeypatch):
    result = _run(["fill", "--month", "abc"], tmp_path, monkeypatch)
    _assert_chinese(result, 2)
    assert "--month" in result.output
    assert "“abc”" in result.output
    assert "2022-06" in result.output


def test_wrong_number_and_missing_value(tmp_path, monkeypatch):
    _assert_chinese(_run(["serve", "--port", "abc"], tmp_path, monkeypatch), 2)
    _assert_chinese(_run(["fill", "--month"], tmp_path, monkeypatch), 2)


def test_group_alone_and_version(tmp_path, monkeypatch):
    _assert_chinese(_run([], tmp_path, monkeypatch), 2)  # the help page, as click exits
    _assert_chinese(_run(["ledger"], tmp_path, monkeypatch), 2)
    result = _run(["--version"], tmp_path, monkeypatch)
    _assert_chinese(result, 0)
    assert "版本" in result.output


def test_password_piped_in_without_english_warning(tmp_path):
    """`serve --set-password` with the password piped in (no terminal): no GetPassWarning."""
    import subprocess
    import sys

    yuebao = [sys.executable, "-c", "from reporting.cli import main; main()"]
    subprocess.run([*yuebao, "init", str(tmp_path / "局"), "--bureau", "测试局"], check=True)
    done = subprocess.run(
        [*yuebao, "serve", "--set-password", "--config", str(tmp_path / "局" / "config.yaml")],
        input="abcdefghij\nabcdefghij\n",
        capture_output=True,
        text=True,
        encoding="utf-8",
        start_new_session=True,  # no /dev/tty, as under the Task Scheduler or a pipe
    )
    assert done.returncode == 0, done.stderr
    assert "Warning" not in done.stdout + done.stderr
    assert "密码已设置" in done.stdout


def test_a_stopping_error_is_one_chinese_line(tmp_path, monkeypatch):
    """A command stopped by a mistake the clerk must fix: one Chinese line, no English half
    (that goes to the log, and to the screen only with -v)."""
    result = _run(["fill", "--config", str(tmp_path / "没有.yaml")], tmp_path, monkeypatch)
    assert result.exit_code == 2
    line = result.output.strip()
    assert line.startswith("错误：找不到配置文件"), line
    words = [w for w in re.findall(r"[A-Za-z]{2,}", line.replace(str(tmp_path), ""))]
    assert words == ["yaml"], line  # only the file's own name
