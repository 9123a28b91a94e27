"""Cell values as clerks type them: text, dates and statuses, normalised.

Clerks type "6月15日", "2022.6.15", "15/6", full-width digits and trailing spaces; Excel may hand
us datetimes or serial numbers.  Everything is reduced here, once, for every reader.
"""

from __future__ import annotations

import functools
import unicodedata
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from ..models import Status

if TYPE_CHECKING:
    from opencc_purepy import OpenCC
from ..dates import read_date

_EXCEL_EPOCH = date(1899, 12, 30)
_SYNONYMS = {
    "完成": Status.DONE,
    "已经完成": Status.DONE,
    "全部完成": Status.DONE,
    "正常推进": Status.ON_TRACK,
    "推进中": Status.ON_TRACK,
    "进行中": Status.ON_TRACK,
    "按计划进行": Status.ON_TRACK,
    "按进度推进": Status.ON_TRACK,
    "正在推进": Status.ON_TRACK,
    "延迟": Status.BEHIND,
    "滞后推进": Status.BEHIND,
    "进度滞后": Status.BEHIND,
    "未完成": Status.BEHIND,
    "延期": Status.EXTENSION,
    "申请延期完成": Status.EXTENSION,
    "未开始": Status.NOT_STARTED,
    "尚未启动": Status.NOT_STARTED,
    "未开展": Status.NOT_STARTED,
}


def text(value: object) -> str:
    """A cell as clean text: None -> "", 3.0 -> "3", dates ISO, surrounding blanks removed."""
    if type(value) is str:  # most cells: none of the conversions below applies
        return value.replace("\r\n", "\n").strip().strip("\u3000")
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, datetime):
        value = value.date() if value.time() == datetime.min.time() else value
    if isinstance(value, date):
        return value.isoformat()
    return str(value).replace("\r\n", "\n").strip().strip("\u3000")


def squash(value: object) -> str:
    """Text for comparison: full-width folded (NFKC) and all white space removed."""
    # str.split() splits at exactly the characters regex \s matches
    return "".join(unicodedata.normalize("NFKC", text(value)).split())


@functools.lru_cache(maxsize=4096)
def office_key(name: object) -> str:
    """An office's name for comparison: squash()ed, then traditional characters folded to
    simplified (職終股, 督導室 and 衞生股 are 职终股, 督导室 and 卫生股): clerks type either."""
    return _to_simplified().convert(squash(name))


@functools.cache
def _to_simplified() -> OpenCC:
    """OpenCC's dictionaries, loaded once, on the first name compared (not at start-up)."""
    from opencc_purepy import OpenCC

    return OpenCC("hk2s")  # Hong Kong's variants (衞) too, then t2s


def same_text(found: object, original: object) -> bool:
    """squash(found) == squash(original), without squashing when the texts are equal as they are
    (nearly every locked cell of a return)."""
    if type(found) is str and type(original) is str and found == original:
        return True
    return squash(found) == squash(original)


# Status values first: a synonym never stands for another status's own word
_CHOICES = {word: s.value for word, s in _SYNONYMS.items()} | {s.value: s.value for s in Status}


def status(value: object) -> tuple[str, bool]:
    """(normalised status, recognised).  "已完成 " and "已完成" are the same choice."""
    raw = squash(value).rstrip("。.")
    if raw in _CHOICES:
        return _CHOICES[raw], True
    return text(value), False


def to_date(value: object, year: int | None = None) -> date | None:
    """Read a date typed any common way; None when it is not a date."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if 20000 < value < 80000:  # Excel serial (1954..2119)
            return _EXCEL_EPOCH + timedelta(days=int(value))
        return None
    return read_date(str(value), year)  # one reader for returns and the task list


EXCEL_CELL_CHARS = 32_767  # Excel's limit per cell; longer text makes a file Excel calls corrupt
_INVISIBLE = {
    "\u200b": "零宽空格",
    "\u200c": "零宽非连接符",
    "\u200d": "零宽连接符",
    "\u2060": "零宽不换行符",
    "\ufeff": "零宽不换行空格",
    "\u00ad": "软连字符",
    "\u200e": "从左至右标记",
    "\u200f": "从右至左标记",
}


def is_invisible(char: str) -> bool:
    """A character that shows nothing on screen yet makes the text differ (zero-width space …)."""
    return char in _INVISIBLE or (unicodedata.category(char) in ("Cf", "Cc") and char not in "\n\t")


def visible(value: object) -> str:
    """The text with each invisible character named, e.g. "已完成[零宽空格]": what to retype."""
    s = text(value)
    if not any(map(is_invisible, s)):
        return s
    return "".join(f"[{_name(c)}]" if is_invisible(c) else c for c in s)


def _name(char: str) -> str:
    return _INVISIBLE.get(char, f"不可见字符U+{ord(char):04X}")
