"""`yuebao fetch`: the returns that arrived as mails, into the month's inbox and the archive."""

from __future__ import annotations

import logging
import sys
from datetime import date

import click

from .. import console
from ..errors import YuebaoError
from .options import as_of_option, config_option, month_option
from .zh import ZhCommand


@click.command(cls=ZhCommand)
@config_option
@as_of_option
@month_option
def fetch(config_path: str, as_of: date | None, month: str | None) -> None:
    """从局邮箱收取报回的表格（邮件附件），存入收件箱并存档登记；可回复校验结果。"""
    from .. import cycle as steps
    from ..context import Cycle
    from ..intake.mailbox import MailboxError, fetch_month
    from ..jobs.replies import reply_with_findings

    c = Cycle.load(config_path, as_of)
    month = month or f"{c.as_of:%Y-%m}"
    if not c.config.mail.host:
        raise YuebaoError(
            "config.yaml 中没有配置局邮箱（mail.host），无法收取邮件；报表可手工存入收件箱后运行 "
            "yuebao collect",
            "no mailbox configured (mail.host)",
        )
    try:
        result = fetch_month(c, month)
    except MailboxError as exc:
        logging.getLogger(__name__).info("mailbox: %s", exc.en)
        console.echo(f"错误：{exc.zh}", err=True)
        sys.exit(2 if exc.login else 1)  # 2: a person must fix it; 1: try again later
    console.print_fetch(result, month)
    if c.config.mail.reply and result.months:
        summaries = {m: steps.validate(c, m).summary for m in result.months}
        console.print_replies(reply_with_findings(c, result, summaries))
