"""What a whole run prints (monthly, demo) and an approved extension."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from .month import print_collect, print_fetch, print_result, print_sent_forms
from .terminal import echo

if TYPE_CHECKING:  # names for the signatures only: each print function imports what it runs
    from pathlib import Path

    from ..context import Cycle
    from ..models import Milestone, Task
    from ..monthly import MonthRun


def print_monthly(c: Cycle, done: MonthRun | None) -> None:
    """`yuebao monthly`: the month's run, or None before the first reporting month."""
    if done is None:
        echo(
            f"{c.tasks.year}年从{c.config.reporting.first_month}月起报送，"
            f"本月（{c.as_of:%Y-%m}）无需处理。"
        )
    else:
        print_month_run(done, with_month=True)


def print_month_run(done: MonthRun, with_month: bool = False) -> None:
    """A whole month in one go (monthly, demo): forms sent, returns collected, the summary."""
    if done.filled is not None:
        print_sent_forms(done.filled, done.month if with_month else "")
    if done.fetched is not None:
        print_fetch(done.fetched, done.month, limit=12, collects=False)
    print_collect(done.collected)
    print_result(done.merged)


def print_demo_end(config: Path, month: str, later: date) -> None:
    echo(
        f"\n演示完成。可在 {config.parent} 中继续运行，例如看两周后的逾期情况：\n"
        f"  yuebao merge --config {config} --month {month} --as-of {later:%Y-%m-%d}"
    )


def print_extension(
    t: Task,
    m: Milestone,
    original: date | None,
    new_date: date,
    reason: str,
    ledger_path: Path,
) -> None:
    echo(
        f"已批准延期：第{t.no}项任务“{t.name}”第{m.seq}个节点，由{original}延期至{new_date}"
        f"（理由：{reason}）。已记入台账：{ledger_path}；重新运行 yuebao merge 即按新日期判断逾期。"
    )
