"""How a command that cannot go on stops: one Chinese line the clerk can act on, exit status 2;
the English, for whoever reads the log, only in the log (and on screen with -v)."""

from __future__ import annotations

import sys
from typing import Any

import click

from ..console import echo
from ..errors import YuebaoError
from .zh import ZhGroup


class Yuebao(ZhGroup):
    """The one place a YuebaoError or a failing ledger becomes one line and exit status 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except YuebaoError as exc:  # the clerk reads Chinese; the English is for -v and the log
            _log_english(f"stopped: {exc.en}")
            echo(f"错误：{exc.zh}", err=True)
        except Exception as exc:
            if not _ledger_failed(exc):
                raise
            _log_english(f"stopped: ledger error: {exc}")
            echo(
                f"错误：读写台账时出错（{exc}）。请运行 yuebao ledger check 检查；如已损坏，"
                "运行 yuebao ledger restore 从备份恢复",
                err=True,
            )
        sys.exit(2)


def _log_english(text: str) -> None:
    import logging  # not at the top: --help loads nothing it does not show

    logging.getLogger(__name__).info(text)


def _ledger_failed(exc: Exception) -> bool:
    """A damaged or read-only ledger, not a mistake in the program (Integrity-, ProgrammingError);
    sqlite3 not loaded (--help need not load it): no ledger was opened."""
    sql = sys.modules.get("sqlite3")
    if sql is None:
        return False
    mistake = isinstance(exc, (sql.IntegrityError, sql.ProgrammingError))
    return isinstance(exc, sql.DatabaseError) and not mistake
