"""Milestones (关键时间节点) out of a task's free text, with their due dates.

A content cell reads like::

    项目规划用地183.37亩……年内开展基础工程建设。
    关键节点及解决难点：
    一是3月底前完成招标文件编制。
    二是6月底前开展施工招标。

Everything before the numbered lines is the overview.  A numbered line (一是 / (1) / （1） / 1. /
1、 / ①; also "4.9月…": item 4, due in September) starts a milestone; un-numbered lines after it
continue it.  A content without numbered lines but with dated sentences gets one milestone per
dated sentence.

Date conventions, relative to the task list's year unless the phrase names one.  The FIRST date
phrase of a milestone is its deadline (the one it opens with: "一是3月底前…"):

    3月底前, 3月底, 3月末, 3月份, 3月         -> 3月31日 (the month's last day)
    6月30日, 2022年6月30日, 2022.6.30, 6月7-10日 -> that day (the range's last day)
    6月上旬 / 中旬 / 下旬                      -> 10日 / 20日 / the month's last day
    上半年 -> 6月30日;  下半年, 年底, 年末, 年内, 年底前 -> 12月31日
    第一季度 … 第四季度, 一季度, Q1             -> the quarter's last day
    每月20日前                                 -> recurring: one milestone per month of the year
    每月（开展一次…）, 每月底前                    -> recurring: one per month, at its last day
    每季度（开展一次…）                          -> recurring: one per quarter, at its last day
    每半年（召开一次…）                          -> recurring: 6月30日 and 12月31日
    (a year before them, "2021年每季度…", is the year they recur in: a multi-year list's rows)
    2023年春季 / 夏季 / 秋季 / 冬季              -> 3月1日 / 6月1日 / 9月1日 / 12月1日 of that year
                                                  (the start of the term or season: "by autumn
                                                  term")
    2025年前 -> 2024年12月31日 (before that year);  到2023年, 2023年底, 2023年内 -> 2023年12月31日
    10月至12月, 3—6月底前, 9月1日至10月15日     -> the range's end (12月31日, 6月30日, 10月15日)
    本学年内, 学年末 -> 8月31日 (a school year ends in August);  2022-2023学年 -> 2023年8月31日
    6.30, 6.30前 (a date on its own, read as returns read it: reporting/dates.py) -> 6月30日
    full-width digits (６月), Chinese numerals (六月, 十二月底前) are read as digits.

Anything else has no date: the milestone is kept with due=None and a note saying why.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Callable
from datetime import date

from ..dates import read_date
from ..intake import values as cells
from ..models import Milestone

_CN_DIGITS = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_CN_NUM = r"[一二三四五六七八九十]{1,3}"
_NUMBERED = re.compile(
    r"^\s*(?:[一二三四五六七八九十]{1,3}是|[(（]\s*[\d０-９]{1,2}\s*[)）]|"
    r"[\d０-９]{1,2}\s*[.、．](?:(?![\d０-９])|(?=[\d０-９]{1,2}\s*月))|[①-⑳])"
)
_HEADING = re.compile(r"关键(时间)?节点.*[:：]\s*$")
_TAGS = re.compile(r"</?p>|<br\s*/?>", re.I)
_SENTENCE_END = re.compile(r"(?<=[。；;])")

UNDATED_NOTE = "未能识别完成时间，请在任务清单中写明，如“6月底前”“6月30日”"


def _cn_to_int(text: str) -> int:
    """一 -> 1, 十 -> 10, 十二 -> 12, 二十 -> 20, 二十五 -> 25."""
    if "十" in text:
        tens, _, ones = text.partition("十")
        return (_CN_DIGITS.get(tens, 1) if tens else 1) * 10 + (
            _CN_DIGITS.get(ones, 0) if ones else 0
        )
    return _CN_DIGITS.get(text, 0)


_CN_MONTH = re.compile(rf"({_CN_NUM})月")
_CN_DAY = re.compile(rf"(\d月)({_CN_NUM})日")
_CN_BESIDE_MONTH = re.compile(r"[一二三四五六七八九十]月|月[一二三四五六七八九十]")


def normalise(text: str) -> str:
    """Full-width to half-width, Chinese-numeral months and days to digits, no blanks."""
    text = cells.squash(text)
    if _CN_BESIDE_MONTH.search(text):  # one cheap scan; both rewrites need a numeral by a 月
        text = _CN_MONTH.sub(lambda m: f"{_cn_to_int(m.group(1))}月", text)
        text = _CN_DAY.sub(lambda m: f"{m.group(1)}{_cn_to_int(m.group(2))}日", text)
    return text


_DAYS_IN_MONTH = (0, 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _days_in(year: int, month: int) -> int:
    """calendar.monthrange(year, month)[1] without its weekday arithmetic; ValueError for 13月."""
    if not 1 <= month <= 12:
        raise ValueError(f"month {month}")
    return _DAYS_IN_MONTH[month] + (month == 2 and calendar.isleap(year))


def _month_end(year: int, month: int) -> date:
    return date(year, month, _days_in(year, month))


def _y(match: re.Match[str], group: str, default: int) -> int:
    value = match.group(group)
    return int(value) if value else default


# Each pattern: (regex, reader(match, year) -> list[date] or None when the numbers are not a date).
Reader = Callable[[re.Match[str], int], list[date] | None]


def _exact(m: re.Match[str], year: int) -> list[date]:
    return [date(_y(m, "y", year), int(m.group("m")), int(m.group("d")))]


def _month_end_of(m: re.Match[str], year: int) -> list[date]:
    return [_month_end(_y(m, "y", year), int(m.group("m")))]


def _ten_days(m: re.Match[str], year: int) -> list[date]:
    y, mon = _y(m, "y", year), int(m.group("m"))
    return [date(y, mon, {"上旬": 10, "中旬": 20}.get(m.group("part"), _days_in(y, mon)))]


def _quarter(m: re.Match[str], year: int) -> list[date] | None:
    q = m.group("q")
    q = int(q) if q.isdigit() else _cn_to_int(q)
    return [_month_end(_y(m, "y", year), q * 3)] if 1 <= q <= 4 else None


def _season(m: re.Match[str], year: int) -> list[date]:
    return [date(int(m.group("y")), {"春": 3, "夏": 6, "秋": 9, "冬": 12}[m.group("s")], 1)]


def _monthly(m: re.Match[str], year: int) -> list[date]:
    y = _y(m, "y", year)
    return [date(y, mon, min(int(m.group("d")), _days_in(y, mon))) for mon in range(1, 13)]


def _every(months: int) -> Reader:
    """每月 / 每季度 / 每半年: a milestone at the end of each month (quarter, half) of the year."""

    def ends(m: re.Match[str], year: int) -> list[date]:
        y = _y(m, "y", year)
        return [_month_end(y, mon) for mon in range(months, 13, months)]

    return ends


_Y = r"(?:(?P<y>20\d\d)年)?"
# (what the text must contain for the regex to match at all, regex, reader): the cheap `in` test
# skips most regexes for most phrases ("6月底前…" has no 年, no 季度, no 旬).
PATTERNS = [
    ("每月", re.compile(_Y + r"每月(?P<d>\d{1,2})[日号]"), _monthly),
    ("每", re.compile(_Y + r"每(?:个)?月(?:底|末)?(?:前|之前)?(?!\d{1,2}[日号])"), _every(1)),
    ("每", re.compile(_Y + r"每(?:个)?季度?"), _every(3)),
    ("每", re.compile(_Y + r"每半年"), _every(6)),
    (
        "月",
        re.compile(_Y + r"(?P<m>\d{1,2})月(?P<d0>\d{1,2})[日号]?[-—~～至到](?P<d>\d{1,2})[日号]"),
        _exact,
    ),
    ("月", re.compile(_Y + r"(?P<m>\d{1,2})月(?P<d>\d{1,2})[日号]"), _exact),
    ("20", re.compile(r"(?P<y>20\d\d)[.\-/](?P<m>\d{1,2})[.\-/](?P<d>\d{1,2})"), _exact),
    ("旬", re.compile(_Y + r"(?P<m>\d{1,2})月(?P<part>上旬|中旬|下旬)"), _ten_days),
    ("月", re.compile(_Y + r"(?P<m>\d{1,2})月(?:份)?(?:底|末)?(?:前|之前|以前)?"), _month_end_of),
    ("季度", re.compile(_Y + r"第?(?P<q>[一二三四1-4])季度"), _quarter),
    ("年", re.compile(r"(?P<y>20\d\d)年(?:的)?(?P<s>[春夏秋冬])季?"), _season),
]
_HALF = re.compile(r"(?:(?P<y>20\d\d)年)?(?<!学)(?P<h>上半年|下半年|年底|年末|年内|全年)")
_SCHOOL_YEAR = re.compile(
    r"(?:(?P<y0>20\d\d)[-—－~至](?P<y>20\d\d)|本|该|当)学年(?:度)?(?:内|末|底|结束)?"
    r"|学年(?:内|末|底|结束)"
)
_MONTH_DAY = re.compile(r"(?<![\d.])(?P<m>\d{1,2})\.(?P<d>\d{1,2})(?=前|之前|以前|日|号|完成)")
_RANGE = re.compile(r"[至到\-—－~～]+")
_BEFORE_YEAR = re.compile(r"(?P<y>20\d\d)年(?:以)?前")
_BY_YEAR = re.compile(r"(?:到|至|于)(?P<y>20\d\d)年")
# The longest date read_date reads on its own, blanks gone: "2022年12月31日", 11 characters.
_LONGEST_DATE_ALONE = 11


def _before_dropped(text: str) -> str:
    """ "6.30前" -> "6.30": a trailing 前 / 之前 / 以前 goes (text has no blanks or line ends)."""
    if text.endswith("前"):
        text = text[:-2] if text.endswith(("之前", "以前")) else text[:-1]
    return text


def read_due(phrase: str, year: int) -> list[tuple[date, str]]:
    """The due date(s) of one milestone phrase; [] when none can be read (see the module
    docstring)."""
    text = normalise(
        _NUMBERED.sub("", phrase, count=1)
    )  # "①1月底前": the ① is not part of the date
    alone = None
    if len(text) <= _LONGEST_DATE_ALONE + 2:  # "2022年12月31日之前" at the longest
        alone = read_date(_before_dropped(text), year)
    if alone:
        return [(alone, f"“{text}”→{alone.year}年{alone.month}月{alone.day}日")]
    found: list[tuple[int, int, list[date], str]] = []  # (start, -length, dates, note)
    for needs, regex, reader in PATTERNS:
        if needs not in text:
            continue
        for m in regex.finditer(text):
            try:
                dates = reader(m, year)
            except ValueError:  # 2月30日, 13月: numbers that are not a date
                continue
            if dates:
                found.append((m.start(), -(m.end() - m.start()), dates, m.group(0)))
    if "年" in text:
        _year_phrases(text, year, found)
    if "." in text:
        for m in _MONTH_DAY.finditer(text):
            if when := read_date(f"{m.group('m')}.{m.group('d')}", year):
                found.append((m.start(), -(m.end() - m.start()), [when], m.group(0)))
    if not found:
        return []
    if len(found) > 1:
        found.sort(key=lambda f: (f[0], f[1]))
    start, length, dates, source = found[0]
    end = start - length
    for later in found[1:]:  # "10月至12月": a range is due at its end
        gap = _RANGE.fullmatch(text[end : later[0]])
        single = len(later[2]) == 1 and len(dates) == 1
        if later[0] > end and gap and single and later[2][0] >= dates[0]:
            dates, end = later[2], later[0] - later[1]
            source = text[start:end]
    return [(d, f"“{source}”→{d.year}年{d.month}月{d.day}日") for d in dates]


def _year_phrases(text: str, year: int, found: list) -> None:
    """上半年, 2025年前, 到2023年, 本学年内 …: the phrases that need a 年, added to `found`."""
    for m in _HALF.finditer(text):
        y = _y(m, "y", year)
        found.append(
            (
                m.start(),
                -(m.end() - m.start()),
                [date(y, 6, 30) if m.group("h") == "上半年" else date(y, 12, 31)],
                m.group(0),
            )
        )
    for m in _BEFORE_YEAR.finditer(text):
        found.append(
            (
                m.start(),
                -(m.end() - m.start()) - 1,
                [date(int(m.group("y")) - 1, 12, 31)],
                m.group(0),
            )
        )
    for m in _BY_YEAR.finditer(text):
        found.append(
            (m.start(), -(m.end() - m.start()), [date(int(m.group("y")), 12, 31)], m.group(0))
        )
    for m in _SCHOOL_YEAR.finditer(text):
        end_of_school_year = date(_y(m, "y", year), 8, 31)
        found.append((m.start(), -(m.end() - m.start()), [end_of_school_year], m.group(0)))


def split_content(text: str) -> tuple[str, list[str]]:
    """(overview, milestone phrases) of a 主要内容和关键时间节点计划 cell."""
    lines = [ln.strip() for ln in _TAGS.sub("\n", text or "").split("\n") if ln.strip()]
    overview: list[str] = []
    phrases: list[str] = []
    for line in lines:
        if _HEADING.search(line) and len(line) < 30:
            continue
        if _NUMBERED.match(line):
            phrases.append(line)
        elif phrases:
            phrases[-1] += "\n" + line  # continuation of the milestone above
        else:
            overview.append(line)
    if phrases:
        return "\n".join(overview), phrases
    # No numbering: each dated sentence is a milestone; the rest stays overview.
    sentences = [s for s in _SENTENCE_END.split("\n".join(overview)) if s.strip()]
    dated = [s.strip() for s in sentences if read_due(s, 2000)]
    if not dated:
        return "\n".join(overview), []
    rest = [s.strip() for s in sentences if s.strip() not in dated]
    return "".join(rest), dated


def parse_milestones(task_key: str, text: str, year: int) -> tuple[str, list[Milestone]]:
    overview, phrases = split_content(text)
    milestones: list[Milestone] = []
    for phrase in phrases:
        dues = read_due(phrase, year)
        if not dues:
            milestones.append(Milestone(task_key, len(milestones) + 1, phrase, None, UNDATED_NOTE))
        for due, note in dues:
            milestones.append(Milestone(task_key, len(milestones) + 1, phrase, due, note))
    return overview, milestones
