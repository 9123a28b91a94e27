"""The options every command shares: --config, --as-of, --month."""

from __future__ import annotations

import click

from .. import console

config_option = click.option(
    "--config",
    "config_path",
    default="config.yaml",
    show_default=True,
    type=click.Path(dir_okay=False),
    help="配置文件 config file",
)
as_of_option = click.option(
    "--as-of",
    type=console.Day(),
    help="以哪一天为“今天”判断逾期（默认今天） the day taken as today",
)
month_option = click.option(
    "--month", type=console.Month(), help="报告月份，如2022-06（默认本月） report month"
)
