"""`yuebao tasks import | check`: a bureau's own task list into yuebao's layout."""

from __future__ import annotations

import sys

import click

from .. import console
from .options import config_option
from .zh import ZhGroup


@click.group(cls=ZhGroup)
def tasks() -> None:
    """任务清单：导入各地格式、检查。"""


@tasks.command("import")
@click.argument("src", type=click.Path(dir_okay=False))
@click.option(
    "--year",
    type=int,
    help="任务清单所属年份；多年度清单只导入该年 the year (of a multi-year list: the one kept)",
)
@click.option(
    "--out",
    "out_path",
    type=click.Path(dir_okay=False),
    help="输出文件（默认：原文件名_yuebao.xlsx）",
)
@click.option(
    "--leads",
    "leads_path",
    type=click.Path(dir_okay=False),
    help="牵头股室对照表（序号 | 牵头股室 | 配合股室） lead offices by task number",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False),
    help=(
        "配置文件，用于股室下拉列表（默认：当前目录的config.yaml，如有） config for the office list"
    ),
)
def tasks_import(
    src: str,
    year: int | None,
    out_path: str | None,
    leads_path: str | None,
    config_path: str | None,
) -> None:
    """把各地的任务清单（xlsx/xls、Word的docx表格、粘贴的文本）转换为yuebao格式。"""
    from ..tasks.convert import convert

    done = convert(src, year, out_path, leads_path, config_path)
    console.print_import(done, src, year, config_path)


@tasks.command("check")
@click.argument("path", required=False, type=click.Path(dir_okay=False))
@click.option("--year", type=int, help="任务清单所属年份（默认从标题读取） the list's year")
@config_option
def tasks_check(path: str | None, year: int | None, config_path: str) -> None:
    """检查任务清单（默认为config.yaml中的task_list，也可以是未转换的各地清单），逐项列出节点、日期和疑点。"""
    from ..tasks.convert import read_for_check

    listed, doubts = read_for_check(path, year, config_path)
    console.print_task_list(listed, doubts, detail=True)
    from ..models import Severity

    errors = sum(f.severity is Severity.ERROR for f in doubts)
    if errors:  # as `yuebao check` does: a list with errors is not ready for a month
        console.echo(f"其中{errors}条是错误：改正后才能用于月报（yuebao check 也会报告）")
        sys.exit(2)
