"""What next month's forms carry over: the answers of the last merged month, as the ledger keeps
them.

Clerks write the progress of "1—N月", so each month they start from last month's text; pre-filling
it saves retyping and copy-paste from the wrong file.  Carried: each task's 进展情况 and 存在问题和
下一步工作计划, and the milestones reported 已完成 with their dates.  Other statuses are left open:
the office judges them afresh every month.  A text nobody updates is flagged by the 变化 sheet and
the progress_unchanged finding, as before.  A return judged 报表有误 is carried like any other:
it still counts as not returned (reminded, escalated), but its answers are the office's latest word.
The milestones carried as 已完成 are those whose latest word (summary.words, the one rule every
surface reads) is 已完成: what is carried is judged in summary/carried.py (`last_answers`), so
the forms never import the month's judgement.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from ..ledger import Ledger
from ..period import Period


@dataclass(frozen=True)
class Carried:
    month: str  # the month the answers come from
    tasks: dict[str, tuple[str, str]] = field(
        default_factory=dict
    )  # task key -> (progress, problems)
    done: dict[str, date | None] = field(default_factory=dict)  # milestone key -> completed on

    @property
    def month_of_year(self) -> int:
        """7 for "2022-07": how the forms and the mail name it (“已预填7月报送的…”)."""
        return int(self.month[5:])


def carries_into(period: Period) -> bool:
    """Whether a month's forms take the month before's answers: not when a new 1—N period begins."""
    return period.month != period.start_month


def nothing_before(ledger: Ledger, period: Period) -> bool:
    """Whether this is a first month: no month of the period merged before it and no return
    received for the month before (a new bureau).  Then merging could pre-fill nothing; a month
    skipped after others were merged is not this (its forms could carry, once it is merged)."""
    if ledger.reports_before(period.label):
        return False
    return ledger.merged_as_of(period.previous()) is None and not ledger.returns(period.previous())
