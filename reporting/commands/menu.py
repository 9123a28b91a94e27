"""`yuebao menu`: numbered choices for a clerk who never opens a terminal (月报.bat starts it).

Each choice runs the ordinary command on this month (the same code, the same summary lines),
then waits for Enter, so the window stays open until the clerk has read the result.
"""

from __future__ import annotations

import os
import sys
from datetime import date

import click

from ..console import echo
from ..errors import YuebaoError
from .options import as_of_option, config_option
from .zh import ZhCommand, say

# key -> (what the clerk reads, the command run; None: open the summary)
CHOICES = {
    "1": ("下发本月表格", "fill"),
    "2": ("收取并汇总", "run"),
    "3": ("催报", "remind"),
    "4": ("打开汇总表", None),
    "5": ("检查配置", "check"),
}


@click.command("menu", cls=ZhCommand)
@config_option
@as_of_option
@click.pass_context
def menu(ctx: click.Context, config_path: str, as_of: date | None) -> None:
    """菜单：按数字选择下发、收取汇总、催报、打开汇总表、检查配置（双击月报.bat打开）。"""
    day = as_of or date.today()
    month = f"{day:%Y-%m}"
    while True:
        echo(f"\n====== 月报 yuebao（{month}，配置：{config_path}）======")
        for key, (label, _) in CHOICES.items():
            echo(f"  {key}. {label}")
        echo("  0. 退出")
        choice = _read("请输入数字后按回车：")
        if choice is None or choice == "0":
            echo("已退出。")
            return
        if choice not in CHOICES:
            echo(f"没有“{choice}”这一项，请输入 0 到 {len(CHOICES)} 之间的数字。")
            continue
        label, name = CHOICES[choice]
        echo(f"\n—— {label} ——")
        if name is None:
            _open_summary(config_path, month)
        else:
            args = ["--config", config_path]
            if name != "check":
                args += ["--month", month] + (["--as-of", f"{day:%Y-%m-%d}"] if as_of else [])
            _run(_command(ctx, name), name, args, label)
        if _read("按回车键返回菜单……") is None:
            return


def _command(ctx: click.Context, name: str) -> click.Command:
    """The command `name` of the group the menu belongs to (yuebao's own)."""
    group = ctx.parent.command if ctx.parent else None
    command = group.get_command(ctx, name) if isinstance(group, click.Group) else None
    assert command is not None, f"every choice is a yuebao command: {name}"
    return command


def _read(prompt: str) -> str | None:
    """One line typed by the clerk; None when there is no more input (the window was closed)."""
    echo(prompt, nl=False)
    line = sys.stdin.readline()
    return line.strip() if line else None


def _run(command: click.Command, name: str, args: list[str], label: str) -> None:
    """The command as typed on its own; whatever happens, the menu goes on."""
    try:
        command.main(args, prog_name=f"yuebao {name}", standalone_mode=False)
        code = 0
    except YuebaoError as exc:
        echo(f"错误：{exc.zh}", err=True)
        code = 2
    except click.ClickException as exc:
        echo(say(exc), err=True)
        code = 2
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else 1
    except Exception as exc:  # noqa: BLE001 - the menu must stay open to say what went wrong
        import logging

        logging.getLogger(__name__).exception("%s failed", name)
        echo(f"出错：{type(exc).__name__}: {exc}", err=True)
        code = 2
    echo(f"\n【{label}】" + ("完成。" if code == 0 else "未全部完成，请看上面的说明。"))


def _open_summary(config_path: str, month: str) -> None:
    from ..config import load_config
    from ..summary.workbook import summary_file_name

    try:
        config = load_config(config_path)
    except YuebaoError as exc:
        echo(f"错误：{exc.zh}", err=True)
        return
    path = config.folder("summary", month) / summary_file_name(month, config.bureau)
    if not path.is_file():
        echo(f"{month}的汇总表还没有生成：请先选择“2 收取并汇总”。（{path}）")
        return
    echo(f"汇总表：{path}")
    if hasattr(os, "startfile"):  # Windows: opens in Excel or WPS
        os.startfile(path)  # noqa: S606
    else:
        echo("请用Excel、WPS或LibreOffice打开。")
