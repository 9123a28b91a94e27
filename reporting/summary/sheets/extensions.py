"""延期申请: the offices' requests for a later date, each with the command that approves it;
left out when there is none (概览 says so instead)."""

from __future__ import annotations

from ...paper import text_height
from .frame import Book, as_number
from .styles import SIZE

HEADERS = [
    "序号",
    "任务名称",
    "牵头股室",
    "关键节点",
    "原计划完成时间",
    "申请延期至",
    "理由（备注）",
    "审批",
]
WIDTHS: list[float] = [5, 16, 9, 34, 13, 13, 30, 34]


def write_extensions(book: Book) -> None:
    requests = book.s.extension_requests
    if not requests:  # said on 概览 instead of a near-empty printed page
        return
    ws, top = book.sheet("延期申请", HEADERS, WIDTHS)
    for r, row in enumerate(requests, start=top):
        m = row.milestone
        assert m is not None, "an extension is asked for a milestone"
        approved = m.extended_from is not None
        reason = book.clip(row.remarks) or "（未写理由）"
        wanted = row.completed_on
        if approved:
            decision = f"已批准，延期至{m.due:%Y-%m-%d}"
        elif wanted:
            decision = (
                f"待审批：申请延期至{wanted:%Y-%m-%d}。批准请运行\n"
                f"yuebao extend {row.task.key} {m.seq} {wanted:%Y-%m-%d} "
                f'--reason "{_one_line(row.remarks) or "理由"}"'
            )
        else:
            decision = "待审批：未填写申请的日期，请股室补填“完成日期”"
        ws.write(r, 0, as_number(row.task.no), book.fmt("cell", "center"))
        ws.write(r, 1, row.task.name, book.fmt("cell"))
        ws.write(r, 2, row.task.lead, book.fmt("cell"))
        ws.write(r, 3, m.text, book.fmt("cell"))
        book.write_date(ws, r, 4, m.extended_from or m.due, book.fmt("cell", "date"))
        book.write_date(ws, r, 5, wanted or "未填写日期", book.fmt("cell", "date"))
        ws.write(r, 6, reason, book.fmt("cell"))
        ws.write(r, 7, decision, book.fmt("cell"))
        ws.set_row(
            r,
            max(
                text_height(t, w, SIZE)
                for t, w in ((m.text, 34), (reason, 30), (decision, 34), (row.task.name, 16))
            ),
        )


def _one_line(text: str) -> str:
    return " ".join((text or "").split()).replace('"', "'")
