"""`yuebao extend`: approve an extension (延期) of a milestone."""

from __future__ import annotations

from datetime import date

import click

from .. import console
from .options import as_of_option, config_option
from .zh import ZhCommand


# "-1" as MILESTONE is a (wrong) milestone number, not an unknown option: find_milestone names it
@click.command(cls=ZhCommand, context_settings={"ignore_unknown_options": True})
@click.argument("task")
@click.argument("milestone")
@click.argument("new_date", metavar="DATE", type=console.Day())
@click.option("--reason", required=True, help="批准延期的理由 why")
@config_option
@as_of_option
def extend(
    task: str,
    milestone: str,
    new_date: date,
    reason: str,
    config_path: str,
    as_of: date | None,
) -> None:
    """批准延期：TASK（任务编码或序号）的第MILESTONE个节点改为DATE（如2022-07-31）到期。"""
    from ..context import Cycle
    from ..tasks import extensions

    c = Cycle.load(config_path, as_of)
    approved = extensions.approve(c, task, milestone, new_date, reason)
    console.print_extension(*approved, new_date, reason.strip(), c.config.ledger_path)
