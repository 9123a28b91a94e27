"""`yuebao check`: config.yaml and the task list together, every problem with its line and what
to do, before a month is run on them (exit 2 when something must be fixed).

The checks themselves are config.py's (the ones every command runs on loading) and the task
list's reader; this module finds each problem's line and adds what only the two together show:
a lead office of the task list that config.yaml's `offices:` does not know; and which years'
holidays it counts with (the package, `calendar:`, or Monday–Friday), warning from 1 December
while next year's are missing.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..console import echo
from ..errors import YuebaoError
from .options import as_of_option, config_option
from .zh import ZhCommand

if TYPE_CHECKING:  # names for the signatures only: --help loads neither
    from ..config import Config
    from ..models import Task


@dataclass
class Problem:
    file: str
    line: int | None
    zh: str


@dataclass
class SetupCheck:
    problems: list[Problem] = field(default_factory=list)  # to fix before running a month
    warnings: list[Problem] = field(default_factory=list)  # worth a look, nothing stops
    tasks: int = 0
    leads: int = 0
    calendar: str = ""  # which years' holidays come from where


@click.command("check", cls=ZhCommand)
@config_option
@as_of_option
def check(config_path: str, as_of: date | None) -> None:
    """检查配置文件和任务清单：逐条列出问题、所在行和改法（有问题时退出码为2）。"""
    report = check_setup(Path(config_path), as_of or date.today())
    print_check(report, config_path)
    if report.problems:
        sys.exit(2)


def check_setup(path: Path, today: date | None = None) -> SetupCheck:
    from ..config import Config, checked, read_config_text
    from ..models import Severity
    from ..tasks.doubts import all_doubts
    from ..tasks.tasklist import read_task_list

    report = SetupCheck()
    name = path.name
    try:
        raw = read_config_text(path)
    except YuebaoError as exc:  # the line is in the message: nothing more can be read
        report.problems.append(Problem(name, None, exc.zh))
        return report
    text = path.read_text(encoding="utf-8-sig")
    data, problems = checked(raw)
    for slip in problems:
        report.problems.append(Problem(name, key_line(text, problem_key(slip.zh)), slip.zh))
    if data is None:  # a value of the wrong kind: the rest cannot be read
        return report
    config = Config(data=data, path=path.resolve())
    if not problems:
        check_calendar(config, today or date.today(), text, report)
    try:
        tasks = read_task_list(config.task_list_path, config.year)
    except YuebaoError as exc:
        report.problems.append(Problem(name, key_line(text, "task_list"), exc.zh))
        return report
    listed = config.task_list_path.name
    report.tasks, report.leads = len(tasks.tasks), len(tasks.lead_offices())
    for f in all_doubts(tasks, config.bureau):  # the reader's findings and the list's doubts
        kept = report.problems if f.severity is Severity.ERROR else report.warnings
        kept.append(Problem(listed, f.row, f.message))
    known = config.office_names
    offices_line = key_line(text, "offices")
    for t in tasks.tasks:
        if t.lead and t.lead not in known:
            report.problems.append(Problem(listed, t.source_row, unknown_office(t, known)))
    if not known:
        report.problems.append(
            Problem(name, offices_line, "offices 中还没有股室：请按任务清单的牵头股室逐个填写")
        )
    return report


def check_calendar(config: Config, today: date, text: str, report: SetupCheck) -> None:
    """Which years' holidays come from where; a warning for this year without any, and from
    1 December for next year's, naming the lines to add."""
    from .. import workdays

    config.use_calendar()
    years = [today.year, today.year + 1, *config.calendar]
    report.calendar = workdays.coverage_line(years)
    line = key_line(text, "calendar")
    for warning in (workdays.coverage_warning(today.year), workdays.next_year_warning(today)):
        if warning:
            report.warnings.append(Problem(config.path.name, line, warning))


def unknown_office(task: Task, known: list[str]) -> str:
    said = f"序号{task.no}“{task.name}”的牵头股室“{task.lead}”不在config.yaml的offices中"
    add = (
        f"请在config.yaml的offices下添加一行，如“  {task.lead}: "
        "{contact: 联系人, email: 邮箱}”，否则无法给该股室催报"
    )
    import difflib

    close = difflib.get_close_matches(task.lead, known, n=1, cutoff=0.5)
    if close:
        return (
            f"{said}：是否应为“{close[0]}”？如是，请改正任务清单或config.yaml，使两处写法一致；"
            f"如是另一个股室，{add}"
        )
    return f"{said}：{add}"


_KEY = re.compile(r"项“([^”]+)”|股室“([^”]+)”的联系方式")


def problem_key(zh: str) -> str | None:
    """The config key a message of config.py names (配置项“reporting.deadline_day”…)."""
    found = _KEY.search(zh)
    if not found:
        return None
    return found.group(1) or f"offices.{found.group(2)}"


def key_line(text: str, key: str | None) -> int | None:
    """The line (from 1) of a dotted key (`offices.基财股.email`, `schedule.chiefs[2]`)."""
    import yaml

    if not key:
        return None
    try:
        node = yaml.compose(text)
    except yaml.YAMLError:
        return None
    line = None
    for part in re.findall(r"[^.\[\]]+|\[\d+\]", key):
        if isinstance(node, yaml.SequenceNode) and part.startswith("["):
            index = int(part[1:-1]) - 1
            if not 0 <= index < len(node.value):
                break
            node = node.value[index]
            line = node.start_mark.line + 1
        elif isinstance(node, yaml.MappingNode):
            found = [(k, v) for k, v in node.value if str(k.value) == part]
            if not found:
                break
            key_node, node = found[-1]  # (a key given twice is refused on reading)
            line = key_node.start_mark.line + 1
        else:
            break
    return line


def print_check(report: SetupCheck, config_path: str | Path) -> None:
    for p in report.problems:
        echo(f"  [错误] {p.file}{f' 第{p.line}行' if p.line else ''}：{p.zh}")
    for p in report.warnings:
        echo(f"  [提醒] {p.file}{f' 第{p.line}行' if p.line else ''}：{p.zh}")
    if report.calendar:
        echo(f"  {report.calendar}")
    if report.problems:
        echo(
            f"检查结果：{len(report.problems)} 处需要改正，{len(report.warnings)} 条提醒"
            f"（{config_path}）。改正后再运行 yuebao check"
        )
    else:
        echo(
            f"检查通过：配置 {config_path}，任务清单 {report.tasks} 项任务、"
            f"{report.leads} 个牵头股室，均已在offices中"
            + (f"；提醒 {len(report.warnings)} 条" if report.warnings else "")
        )
