"""click's own words in Chinese: the help page's headings and a mistyped command line.

Every command and group of `yuebao` is a ZhCommand / ZhGroup.  Their help pages say 用法：, 选项：
and 命令：, and a command line click cannot take (an unknown command or option, a missing or extra
argument, a value of the wrong kind) becomes one Chinese line on stderr and exit status 2, in place
of click's `Usage: … Try '… --help' for help. Error: …`.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from typing import Any

import click
from click.exceptions import (
    BadOptionUsage,
    BadParameter,
    FileError,
    MissingParameter,
    NoArgsIsHelpError,
    NoSuchCommand,
    NoSuchOption,
)
from click.formatting import wrap_text

HELP_TEXT = "显示本说明后退出"
VERSION_TEXT = "显示版本号后退出"
VERSION_MESSAGE = "%(prog)s 版本 %(version)s"

_HEADINGS = {"Options": "选项", "Commands": "命令", "Arguments": "参数"}
_METAVARS = {
    "OPTIONS": "选项",
    "COMMAND": "命令",
    "ARGS": "参数",
    "TEXT": "文字",
    "INTEGER": "整数",
    "FLOAT": "数字",
    "FILE": "文件",
    "DIRECTORY": "文件夹",
    "PATH": "路径",
}
_METAVAR = re.compile(r"\b(" + "|".join(_METAVARS) + r")\b")
_EXTRAS = (("default: ", "默认："), ("required", "必填"), ("env var: ", "环境变量："))
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _zh_metavars(text: str) -> str:
    return _METAVAR.sub(lambda m: _METAVARS[m.group(1)], text)


class ZhFormatter(click.HelpFormatter):
    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        super().write_usage(prog, _zh_metavars(args), "用法：" if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        self.write(f"{'':>{self.current_indent}}{_HEADINGS.get(heading, heading)}：\n")

    def write_dl(
        self, rows: Iterable[tuple[str, str]], col_max: int = 30, col_spacing: int = 2
    ) -> None:
        """click's definition list, lined up by how wide Chinese characters are on screen."""
        lined = [(_zh_metavars(a), _zh_extras(b)) for a, b in rows]
        first_col = min(max((_width(a) for a, _ in lined), default=0), col_max) + col_spacing
        indent = " " * self.current_indent
        for first, second in lined:
            self.write(f"{indent}{first}")
            if not second:
                self.write("\n")
                continue
            if _width(first) <= first_col - col_spacing:
                self.write(" " * (first_col - _width(first)))
            else:
                self.write("\n" + " " * (first_col + self.current_indent))
            text_width = max(self.width - first_col - 2, 10)
            lines = wrap_text(second, text_width, preserve_paragraphs=True).splitlines() or [""]
            self.write(f"{lines[0]}\n")
            for line in lines[1:]:
                self.write(f"{'':>{first_col + self.current_indent}}{line}\n")


def _width(text: str) -> int:
    """Columns on screen: a Chinese character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in click.unstyle(text))


def _zh_extras(text: str) -> str:
    """“[default: config.yaml; required]” → “[默认：config.yaml; 必填]”."""
    if not text.endswith("]") or "[" not in text:
        return text
    head, _, extra = text.rpartition("[")
    for en, zh in _EXTRAS:
        extra = extra.replace(en, zh)
    return f"{head}[{extra}"


class ZhContext(click.Context):
    formatter_class = ZhFormatter


class ZhCommand(click.Command):
    """A command whose help page and command-line mistakes are in Chinese."""

    context_class = ZhContext

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("options_metavar", "[选项]")
        super().__init__(*args, **kwargs)

    def get_help_option(self, ctx: click.Context) -> click.Option | None:
        option = super().get_help_option(ctx)
        if option is not None:
            option.help = HELP_TEXT
        return option

    def make_context(
        self,
        info_name: str | None,
        args: list[str],
        parent: click.Context | None = None,
        **extra: Any,
    ) -> click.Context:
        with in_chinese():
            return super().make_context(info_name, args, parent, **extra)

    def invoke(self, ctx: click.Context) -> Any:
        with in_chinese():
            return super().invoke(ctx)


class ZhGroup(ZhCommand, click.Group):
    """A group of ZhCommands (`@group.command()` and `@group.group()` make them too)."""

    command_class = ZhCommand
    group_class = type  # a group's sub-group is of the group's own class

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("subcommand_metavar", "命令 [参数]...")
        super().__init__(*args, **kwargs)


@contextmanager
def in_chinese() -> Iterator[None]:
    """click's errors as one Chinese line and click's exit status (2 for a command line)."""
    try:
        yield
    except NoArgsIsHelpError as exc:  # `yuebao` or `yuebao ledger` alone: its help page
        click.echo(exc.ctx.get_help(), err=True)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        click.echo(say(exc), err=True)
        sys.exit(exc.exit_code)
    except click.Abort:  # Ctrl+C or end of input at a prompt
        click.echo("\n已取消", err=True)
        sys.exit(1)


def say(exc: click.ClickException) -> str:
    """The one line a clerk reads for one of click's exceptions."""
    ctx = getattr(exc, "ctx", None)
    command = ctx.command_path if ctx else "yuebao"
    see = f"请运行 {command} --help 查看用法"
    if isinstance(exc, NoSuchCommand):
        guess = f"是否要输入 {command} {exc.possibilities[0]}？" if exc.possibilities else ""
        return (
            f"命令有误：没有“{exc.command_name}”这个命令，{guess}"
            f"请运行 {command} --help 查看全部命令"
        )
    if isinstance(exc, NoSuchOption):
        guess = f"是否要输入 {exc.possibilities[0]}？" if exc.possibilities else ""
        return f"选项有误：{command} 没有 {exc.option_name} 这个选项，{guess}{see}"
    if isinstance(exc, BadOptionUsage):
        if "does not take a value" in exc.message:
            return f"选项有误：{exc.option_name} 后面不用写值。{see}"
        return f"选项有误：{exc.option_name} 后面要写一个值。{see}"
    if isinstance(exc, MissingParameter):
        return f"参数有误：{command} 缺少 {_name(exc.param)}。{see}"
    if isinstance(exc, BadParameter):
        return f"参数有误：{_name(exc.param)}{_bad_value(exc)}。{see}"
    if isinstance(exc, FileError):
        return f"文件有误：无法打开“{exc.ui_filename}”"
    if isinstance(exc, click.UsageError):
        extra = re.fullmatch(r"Got unexpected extra arguments? \((.*)\)", exc.message)
        if extra:
            return f"参数有误：{command} 不需要“{extra.group(1)}”这样的参数。{see}"
        if exc.message == "Missing command.":
            return f"命令有误：{command} 后面要写一个命令。请运行 {command} --help 查看全部命令"
        return f"命令有误：{_chinese_or(exc.message, '写法不对')}。{see}"
    return f"出错：{exc.format_message()}"


def _name(param: click.Parameter | None) -> str:
    """--month, or the argument as the help page shows it (DATE, FOLDER…)."""
    if param is None:
        return "参数"
    if isinstance(param, click.Option):
        return param.opts[0]
    return param.metavar or (param.name or "").upper()


def _bad_value(exc: BadParameter) -> str:
    """What was wrong with the value: the type's own Chinese words, or click's said in Chinese."""
    message = exc.message
    if _CJK.search(message):
        return f"的{message}"
    quoted = re.search(r"'([^']*)'", message)
    value = f"“{quoted.group(1)}”" if quoted else ""
    kind = exc.param.type if exc.param is not None else None
    if isinstance(kind, click.types.IntParamType):
        return f"的值{value}应为整数"
    if isinstance(kind, click.types.FloatParamType):
        return f"的值{value}应为数字"
    if isinstance(kind, click.Choice):
        return f"的值{value}应为以下之一：{'、'.join(map(str, kind.choices))}"
    if isinstance(kind, click.Path):
        if "does not exist" in message:
            return f"的{value}不存在"
        if "is a directory" in message:
            return f"的{value}是文件夹，应为文件"
        if "is a file" in message:
            return f"的{value}是文件，应为文件夹"
    return f"的值{value}不对"


def _chinese_or(message: str, fallback: str) -> str:
    return message if _CJK.search(message) else fallback
