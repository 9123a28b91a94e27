"""The values typed on the command line: a day and a month, checked as click reads them, so
a wrong one is one Chinese line and exit 2, not a usage text."""

from __future__ import annotations

from datetime import date

import click

from ..errors import YuebaoError


class Day(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(
        self, value: str | date, param: click.Parameter | None, ctx: click.Context | None
    ) -> date:
        from ..dates import read_date  # 2026-12-07, 2026/12/07, 2026.12.7, 2026年12月7日

        if isinstance(value, date):
            return value
        if found := read_date(value):
            return found
        # one line and exit 2 (the group prints it), not click's usage text
        raise YuebaoError(
            f"{_named(param)}日期“{value}”应写成如2022-06-25（也可写2022/6/25）",
            f"{param.human_readable_name if param else 'date'} must be YYYY-MM-DD: {value}",
        )


def _named(param: click.Parameter | None) -> str:
    """“--as-of的” / “DATE的”: which value on the command line was wrong."""
    if param is None:
        return ""
    if isinstance(param, click.Option):
        return f"{param.opts[0]}的"
    return f"{param.metavar or param.name.upper()}的"


class Month(click.ParamType):
    """A report month, checked here and passed on as YYYY-MM (however it was typed)."""

    name = "YYYY-MM"

    def convert(self, value: str, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from ..period import parse_month

        try:
            year, month = parse_month(value)
        except YuebaoError as exc:
            self.fail(exc.zh, param, ctx)  # said in Chinese by commands.zh
        return f"{year:04d}-{month:02d}"  # 2022-6 is 2022-06: one month, one folder
