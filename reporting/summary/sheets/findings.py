"""校验问题: every finding, errors first, in words with what to do (the 校验问题 workbook the
bureau office reads after validate is this sheet alone)."""

from __future__ import annotations

from collections.abc import Sequence

from ...codes import REGISTRY
from ...models import Finding, Severity
from ...paper import text_height
from .frame import Book
from .styles import SIZE

FINDING_HEADERS = [
    "严重程度",
    "股室",
    "文件",
    "工作表",
    "行",
    "单元格",
    "类别",
    "问题及处理办法",
    "代码",  # the stable code, for filtering and for programs; not printed
]
WIDTHS: list[float] = [7, 10, 24, 10, 5, 7, 13, 54, 18]


def write_findings_sheet(book: Book, findings: Sequence[Finding]) -> None:
    headers = FINDING_HEADERS
    ws, top = book.sheet("校验问题", headers, WIDTHS, printed=len(headers) - 1)
    order = sorted(
        findings, key=lambda f: (f.severity is not Severity.ERROR, f.office, f.file, f.row or 0)
    )
    center = book.fmt("cell", "center")
    for r, f in enumerate(order, start=top):
        error = f.severity is Severity.ERROR
        ws.write(r, 0, f.severity.value, book.fmt("cell", "missing" if error else "late"))
        ws.write(r, 1, f.office, book.fmt("cell"))
        ws.write(r, 2, f.file, book.fmt("cell"))
        ws.write(r, 3, f.sheet, book.fmt("cell"))
        if f.row:
            ws.write_number(r, 4, f.row, center)
        else:
            ws.write_blank(r, 4, None, center)
        ws.write(r, 5, f.cell, center)
        code = REGISTRY.get(f.code)
        kind = code.name if code else f.code
        ws.write(r, 6, kind, book.fmt("cell"))
        ws.write(r, 7, f.message, book.fmt("cell"))
        ws.write(r, 8, f.code, book.fmt("cell"))
        ws.set_row(
            r,
            max(
                text_height(t or "", w, SIZE)
                for t, w in (
                    (f.message, 54),
                    (f.file, 24),
                    (f.office, 10),
                    (f.sheet, 10),
                    (kind, 13),
                )
            ),
        )
    if not findings:
        book.note(ws, top, "未发现问题。", len(headers) - 1)
    ws.print_area(0, 0, top + max(len(findings), 1) - 1, len(headers) - 2)  # 代码 not printed
    ws.autofilter(top - 1, 0, max(top - 1 + len(findings), top), len(headers) - 1)
