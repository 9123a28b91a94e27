"""The report month: "YYYY-MM", its end, its deadline and which milestones it covers."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date

from .errors import YuebaoError
from .workdays import return_deadline

_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


@dataclass(frozen=True)
class Period:
    year: int
    month: int
    deadline: date  # return deadline, moved to a working day
    start_month: int = 1  # the "1" of "（1—6月）"

    @property
    def label(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    @property
    def end(self) -> date:
        return date(self.year, self.month, calendar.monthrange(self.year, self.month)[1])

    @property
    def span_zh(self) -> str:
        return f"{self.start_month}—{self.month}月"

    def previous(self) -> str:
        y, m = (self.year, self.month - 1) if self.month > 1 else (self.year - 1, 12)
        return f"{y:04d}-{m:02d}"


def parse_month(text: str) -> tuple[int, int]:
    m = _MONTH.match((text or "").strip())
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise YuebaoError(
            f"月份“{text}”格式不对，应写成如2022-06", f"month must look like YYYY-MM: {text!r}"
        )
    return int(m.group(1)), int(m.group(2))


def make_period(month: str, deadline_day: int = 20, start_month: int = 1) -> Period:
    year, mon = parse_month(month)
    label = f"{year:04d}-{mon:02d}"
    return Period(year, mon, return_deadline(label, deadline_day), start_month)
