"""`yuebao ledger check | restore`."""

from __future__ import annotations

from pathlib import Path

import click

from .. import console
from .options import config_option
from .zh import ZhGroup


@click.group("ledger", cls=ZhGroup)
def ledger_group() -> None:
    """台账：检查完整性、从备份恢复。"""


@ledger_group.command("check")
@config_option
def ledger_check(config_path: str) -> None:
    """检查台账是否完好，列出其中的记录数和最近的备份。"""
    from ..backup import inspect
    from ..config import load_config

    report = inspect(load_config(config_path).ledger_path)
    console.print_ledger(report)
    if report.problem and not report.not_yet:
        raise report.error()


@ledger_group.command("restore")
@click.argument("backup", required=False, type=click.Path(dir_okay=False))
@config_option
def ledger_restore(backup: str | None, config_path: str) -> None:
    """从备份恢复台账（默认用最近的完好备份）；被替换的台账改名保留在旁边，不删除。"""
    from ..backup import restore_when_idle
    from ..config import load_config

    path = load_config(config_path).ledger_path
    used, kept = restore_when_idle(path, Path(backup) if backup else None)
    console.print_restored(used, kept, path)
