"""A command that starts at once: `yuebao --help` and the menu's first screen load only the command
line (click and the commands' own modules), not the pipeline, the workbooks or the page; a command
loads its rooms when it runs. (How long that takes is bench/bench_start.py's to measure.)"""

from __future__ import annotations

import json
import subprocess
import sys

# what the help and the menu never need: the pipeline's rooms and the libraries behind them
HEAVY = (
    "openpyxl",
    "xlsxwriter",
    "python_calamine",
    "pandas",
    "numpy",
    "yaml",
    "jinja2",
    "chinese_calendar",
    "flask",
    "waitress",
    "pebble",
    "docx",
    "imapclient",
    "sqlite3",
    "reporting.cycle",
    "reporting.config",
    "reporting.context",
    "reporting.ledger",
    "reporting.summary",
    "reporting.tasks",
    "reporting.forms",
    "reporting.intake",
    "reporting.web",
    "reporting.jobs",
)

# runs the real command line in a fresh interpreter and reports every module it loaded
DRIVER = """
import atexit, json, sys
atexit.register(lambda: print(json.dumps(sorted(sys.modules)), file=sys.stderr))
from reporting.cli import main
main(sys.argv[1:], prog_name="yuebao")
"""


def loaded(*args: str, stdin: str = "", cwd=None) -> tuple[subprocess.CompletedProcess, set]:
    done = subprocess.run(
        [sys.executable, "-c", DRIVER, *args],
        input=stdin,
        capture_output=True,
        text=True,
        cwd=cwd,
    )
    modules = set(json.loads(done.stderr.strip().splitlines()[-1]))
    return done, modules


def heavy_in(modules: set) -> list[str]:
    return sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))


def test_help_loads_only_the_command_line(tmp_path):
    done, modules = loaded("--help", cwd=tmp_path)
    assert done.returncode == 0
    assert "命令" in done.stdout and "menu" in done.stdout and "check" in done.stdout
    assert heavy_in(modules) == []


def test_a_commands_help_too(tmp_path):
    done, modules = loaded("fill", "--help", cwd=tmp_path)
    assert done.returncode == 0 and "--month" in done.stdout
    assert heavy_in(modules) == []


def test_the_menus_first_screen_loads_only_the_command_line(tmp_path):
    done, modules = loaded("menu", stdin="0\n", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "1. 下发本月表格" in done.stdout and "已退出" in done.stdout
    assert heavy_in(modules) == []


def test_a_command_loads_its_rooms_when_it_runs(tmp_path):
    """The same driver sees the pipeline once a command does its work (the test above is no
    accident of the driver)."""
    done, modules = loaded("init", str(tmp_path / "局"), "--bureau", "恩平市教育局", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "reporting.tasks.tasklist" in modules and "openpyxl" in modules
