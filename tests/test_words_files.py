"""Issue 30 item 8: a return uploaded by the page is named as the office named it, everywhere.

The page keeps an upload under a name it makes (office, time, hash); the office only knows the
name the file had on its PC.  The month's judgement carries that name (OfficeRow.file_shown) and
every surface shows it: the summary's 报送情况, the "多份报表" message, the feedback text.
"""

from __future__ import annotations

import re
import time
from datetime import datetime

import openpyxl

from reporting.cycle import Cycle, merge
from reporting.filenames import shown_name, upload_name

from .webserver import answered, links, serving, set_up, upload

STORED = re.compile(r"\d{8}-\d{6}_[0-9a-f]{8}")  # the page's own name of an upload
OFFICE = "基财股"
DRAFT, FINAL = "基财股初稿.xlsx", "基财股7月报表（终稿）.xlsx"


def feedback_text(folder, month_label, office):
    path = folder / month_label / "反馈" / f"反馈_{office}.txt"
    return path.read_text(encoding="utf-8-sig") if path.exists() else None


def test_two_uploads_are_named_as_the_office_named_them(tmp_path):
    config, label, c = set_up(tmp_path)
    draft = answered(c, label, OFFICE, tmp_path / "pc" / "a.xlsx", status="已完成")
    final = answered(c, label, OFFICE, tmp_path / "pc" / "b.xlsx", status="完成")  # a warning
    with serving(config, label) as base:
        token = links(tmp_path)[OFFICE]
        assert upload(base, token, draft, name=DRAFT)[0] == 303
        time.sleep(1.1)  # received a second later: the final one is the newer
        assert upload(base, token, final, name=FINAL)[0] == 303
    result = merge(Cycle.load(config), label)
    row = next(o for o in result.summary.offices if o.office.name == OFFICE)
    assert STORED.search(row.file) and row.file_shown == FINAL  # stored apart, shown as named

    # 报送情况: the 文件 column
    ws = openpyxl.load_workbook(result.summary_path)["报送情况"]
    header = next(r for r in ws.iter_rows() if any(c.value == "文件" for c in r))
    column = next(c.column for c in header if c.value == "文件")
    files = {r[0].value: r[column - 1].value for r in ws.iter_rows(min_row=header[0].row + 1)}
    assert files[OFFICE] == FINAL, files

    # the 多份报表 message: both files by the office's names, and when each came
    replaced = [f for f in result.summary.findings if f.code == "superseded"]
    assert len(replaced) == 1, replaced
    message = replaced[0].message
    assert "已采用较新的" in message and f"收到的“{FINAL}”" in message, message
    assert f"收到的“{DRAFT}”保留在存档中但不计入汇总" in message, message
    assert not STORED.search(message), message

    # the feedback text: the counted file by its name, the older one too, no stored name
    text = feedback_text(c.config.folder("summary", label).parent, label, OFFICE)
    assert text and f"网页上传的文件“{FINAL}”" in text, text
    assert f"文件“{DRAFT}”" in text and not STORED.search(text), text


def test_a_hostile_or_long_name_is_kept_as_text_and_short():
    received = datetime(2026, 12, 7, 9, 31, 2)
    for typed, shown in (
        (r"C:\fakepath\进展表.XLSX", "进展表.xlsx"),  # old browsers send the PC's path
        ("../../etc/x.xlsx", "x.xlsx"),
        ("报表:终稿*?.xlsx", "报表：终稿＊？.xlsx"),  # what Windows refuses, in full-width forms
        ("C:evil.xlsx", "evil.xlsx"),  # a drive without its path
        ("=HYPERLINK(1).xlsx", "=HYPERLINK(1).xlsx"),  # text: the workbook writes it as text
        ("一" * 60 + ".xlsx", "一" * 40 + "….xlsx"),  # cut, and says so
    ):
        stored = upload_name(OFFICE, received, "ab" * 32, ".xlsx", typed)
        assert "/" not in stored and "\\" not in stored and len(stored) < 100, stored
        assert shown_name(f"网页上传/{OFFICE}/{stored}", received) == shown, stored
    before = f"{OFFICE}_20261207-093102_abababab.xlsx"  # stored before names were kept
    assert shown_name(before, received) == "12月7日09:31网页上传的文件"
    assert shown_name("邮件/1207-0931_基财股_7/进展表.xlsx", received).endswith("进展表.xlsx")
