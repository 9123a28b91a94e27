"""A date written on its own, as clerks and plans write it: one reader for task lists and returns.

"2022-6-30", "2022.6.30", "2022年6月30日", "20220630", "6月30日", "6.30", "6/30" and "30/6" are
all the same day (with the year given for the short forms).  In "6/15" or "15/6" the number over
12 is the day; otherwise the month comes first, as in 6月15日.  Full-width digits are folded.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date

_PATTERNS = (
    (re.compile(r"^(\d{4})\s*[-./年]\s*(\d{1,2})\s*[-./月]\s*(\d{1,2})\s*日?$"), ("y", "m", "d")),
    (re.compile(r"^(\d{1,2})\s*月\s*(\d{1,2})\s*[日号]?$"), ("m", "d")),
    (re.compile(r"^(\d{4})(\d{2})(\d{2})$"), ("y", "m", "d")),
)
_SHORT = re.compile(r"^(\d{1,2})\s*[/.]\s*(\d{1,2})$")


def read_date(text: str, year: int | None = None) -> date | None:
    """The date `text` is; None when it is not exactly a date (or has no year and none is given)."""
    s = unicodedata.normalize("NFKC", str(text or "")).strip()
    short = _SHORT.match(s)
    if short:
        if not year:
            return None
        a, b = map(int, short.groups())
        month, day = (b, a) if a > 12 else (a, b)
        return _date(year, month, day)
    for pattern, order in _PATTERNS:
        m = pattern.match(s)
        if m:
            parts = dict(zip(order, map(int, m.groups())))
            y = parts.get("y", year)
            return _date(y, parts["m"], parts["d"]) if y else None
    return None


def _date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
