"""The latest word: what an office last said of a milestone, over the months of the year.

One rule, read by every surface (summary, pages, reminders, 督办, the pre-filled forms): the status
a counted return reported most recently wins; a month that said nothing of the milestone (no
return, the row missing or its status empty) changes nothing.  So a milestone reported 已完成 in
June stays done in a July without a return, and a later 滞后 undoes it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .month import MilestoneRow

# what older ledgers stored as a status when nothing was reported: no word
_NO_WORD = ("", "未报送", "表中缺失")


@dataclass(frozen=True)
class Word:
    status: str  # a Status value, or the text as typed when it is none
    completed_on: date | None
    month: str  # the month whose counted return said it


def latest_words(
    by_month: Mapping[str, Mapping[str, tuple[str, date | str | None]]],
) -> dict[str, Word]:
    """{milestone key: Word} from {month: {milestone key: (status, completed_on)}}, the latest
    month that said something winning.  completed_on: a date, an ISO text or None."""
    latest: dict[str, Word] = {}
    for month in sorted(by_month):
        for item, (status, completed_on) in by_month[month].items():
            if status in _NO_WORD:
                continue
            if isinstance(completed_on, str):
                completed_on = date.fromisoformat(completed_on) if completed_on else None
            latest[item] = Word(status, completed_on, month)
    return latest


def words_of_rows(rows: Iterable[MilestoneRow]) -> dict[str, tuple[str, date | None]]:
    """What a month's own counted returns said (its MilestoneRows), as latest_words reads it."""
    return {
        r.milestone.key: (r.status, r.completed_on)
        for r in rows
        if r.milestone is not None and r.status
    }
