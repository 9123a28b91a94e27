"""Row heights for paper: what a wrapped text needs, whichever font ends up printing it.

Excel does not grow rows on open, so every writer sizes its rows.  Excel and WPS print 宋体 with
宋体; LibreOffice on a machine without it prints the Chinese in Noto Sans CJK (lines 1.45 em apart)
and Latin text and digits in DejaVu Sans (0.64 em a character).  A row sized for the first cuts
the second's last line.  So a text is wrapped here line by line, as a spreadsheet wraps it (a Latin
word or a number is never split, 。，、 never start a line), in the narrower of Excel's and
LibreOffice's columns, with the wider fonts' metrics; and it gets a spare line wherever a font a
tenth wider would need one more.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache

MAX_ROW_POINTS = 409  # Excel's tallest row: a longer text scrolls inside its cell
LINE = 1.45  # em from one line to the next (Noto Sans CJK: ascent + descent = 1.448)
PADDING = 4  # points above and below the text in a cell
LATIN = 0.64  # em: DejaVu Sans's digits (0.636) and letters, the widest a printer here uses
SPARE = 1.05  # a font this much wider must still fit: a spare line where it would not
_NARROW = re.compile("[\x00-\u2e7f]")  # what _width counts as LATIN
NO_LINE_START = set("。，、；：？！）」』》〉”’％.,;:!?)]%")


def _width(ch: str) -> float:
    """A character's width in em."""
    return 1.0 if ord(ch) > 0x2E7F else LATIN


def _pieces(text: str) -> Iterator[str]:
    """Units a line breaks between: a Latin word or number whole, a CJK character with the
    punctuation that may not start a line."""
    piece = ""
    for ch in text:
        latin = ord(ch) <= 0x2E7F and not ch.isspace()
        if ch in NO_LINE_START or (latin and piece and ord(piece[-1]) <= 0x2E7F):
            piece += ch
            continue
        if piece:
            yield piece
        piece = ch
    if piece:
        yield piece


def count_lines(text: str, room: float) -> int:
    """Lines `text` wraps to in `room` em per line."""
    lines = 0
    for part in (text or "").split("\n"):
        lines += 1
        if text_width(part) <= room:  # most cells: one line, no need to wrap it
            continue
        used = 0.0
        for piece in _pieces(part):
            w = sum(_width(ch) for ch in piece)
            if used and used + w > room:
                lines += 1
                used = 0.0
            while w > room:  # a piece wider than the line breaks anyway
                lines += 1
                w -= room
            used += w
    return lines


def room_points(width: float) -> float:
    """Points of text a column `width` characters wide holds in a line (Excel's column: 7 pixels a
    character plus 5, less the cell's margins; LibreOffice's is a little wider)."""
    return (int(width * 7 + 0.5) + 5) * 0.75 - 5


# A column's printed width.  Excel: 7 pixels a unit plus 5 (xlsx.column_points).  LibreOffice:
# the default font's digit width times (width + 5/7), measured on 7.4 (pdftotext, 11 columns of
# 4 to 46 units: 5.55 pt a unit with Arial's metrics, 6.35 with DejaVu Sans).  Where neither Arial
# nor Liberation Sans is installed (a plain Debian, 麒麟, UOS) LibreOffice measures with DejaVu
# Sans: every column prints 21% wider than in Excel.  Noto Sans CJK and WPS's fonts are narrower.
WIDEST_DIGIT = 6.36  # points: DejaVu Sans's digit at Arial's 10 points, the widest column unit
WIDTH_SPARE = 1.01  # a little over the measured width: the last column must never spill


def printed_width(widths: list[float]) -> float:
    """Points the columns print across at 100 % where they print widest (DejaVu Sans's unit)."""
    return sum(WIDEST_DIGIT * (w + 5 / 7) for w in widths) * WIDTH_SPARE


def fit_scale(widths: list[float], page: float) -> int:
    """The print scale (per cent) at which these columns fit `page` points across whichever
    font measures the column unit (in Excel they print narrower: the sheet is centred)."""
    return max(10, min(100, int(100 * page / printed_width(widths))))


@lru_cache(maxsize=1 << 16)  # the summary repeats a task's texts on each of its rows
def text_height(text: str, width: float, size: float = 11, minimum: int = 1) -> float:
    """Points a row needs to print `text` of `size` points whole in a column `width` wide."""
    room = room_points(width) / size
    lines = max(count_lines(text, room / SPARE), minimum)  # never fewer than in `room`
    return min(MAX_ROW_POINTS, round(size * LINE * lines + PADDING, 1))


def text_width(text: str) -> float:
    """A one-line text's width in em."""
    latin = len(_NARROW.findall(text))
    return len(text) - latin + latin * LATIN


@lru_cache(maxsize=1 << 14)  # a task's texts are shortened alike on each of its later rows
def one_line(text: str, width: float, size: float = 11, tail: str = "…") -> str:
    """The start of `text` that prints on one line of the column, `tail` marking the cut."""
    text = " ".join((text or "").split())
    room = room_points(width) / size / SPARE
    if text_width(text) <= room:
        return text
    room -= text_width(tail)
    used, cut = 0.0, 0
    for i, ch in enumerate(text):
        used += _width(ch)
        if used > room:
            break
        cut = i + 1
    return text[:cut] + tail
