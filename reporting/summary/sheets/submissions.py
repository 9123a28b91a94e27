"""报送情况: each office, its contact, whether and when its return came, what checking found."""

from __future__ import annotations

from ...paper import text_height
from .frame import Book
from .overview import state_format
from .styles import SIZE

HEADERS = [
    "牵头股室",
    "联系人",
    "电话",
    "报送情况",
    "文件",
    "收到时间",
    "填报人",
    "填报日期",
    "错误",
    "提醒",
]
WIDTHS: list[float] = [14, 10, 18, 10, 34, 20, 10, 13, 6, 6]  # a phone or a time on one line
TEXTS = (0, 1, 2, 3, 4, 6)  # the columns holding text


def write_submissions(book: Book) -> None:
    ws, top = book.sheet("报送情况", HEADERS, WIDTHS)
    for r, o in enumerate(book.s.offices, start=top):
        ws.write(r, 0, o.office.name, book.fmt("cell"))
        ws.write(r, 1, o.office.contact, book.fmt("cell"))
        ws.write(r, 2, o.office.phone, book.fmt("cell"))
        ws.write(r, 3, o.state, state_format(book, o.state))
        ws.write(r, 4, o.file_shown, book.fmt("cell"))  # as the office named it
        book.write_date(ws, r, 5, o.received_at, book.fmt("cell", "datetime"))
        ws.write(r, 6, o.filled_by, book.fmt("cell"))
        book.write_date(ws, r, 7, o.filled_on, book.fmt("cell", "date"))
        ws.write_number(r, 8, o.errors, book.fmt("cell", "center"))
        ws.write_number(r, 9, o.warnings, book.fmt("cell", "center"))
        office = (o.office.name, o.office.contact, o.office.phone)
        texts = (*office, o.state, o.file_shown, o.filled_by)
        ws.set_row(
            r,
            max(text_height(str(t or ""), WIDTHS[c], SIZE) for c, t in zip(TEXTS, texts)),
        )
    ws.autofilter(top - 1, 0, top - 1 + len(book.s.offices), len(HEADERS) - 1)
