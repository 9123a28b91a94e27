"""The intranet page's sharp edges (issue 27 item 7): a withdrawn link stays withdrawn, a text
longer than a cell holds is reported at its cell, a file name's invisible controls are shown
named, and a request the page cannot read says what is wrong with it."""

from __future__ import annotations

import io
import re
import time
import zipfile
from contextlib import contextmanager
from pathlib import Path

import openpyxl

from reporting import clerks as simulate
from reporting.web.store import OFFICE, WebState

from .conftest import yuebao
from .webserver import answered, links, set_up

OFFICE_NAME = "基财股"


@contextmanager
def app_of(config: Path, month: str):
    """The application in-process (Flask's test client), its reading workers closed after."""
    from reporting.web.app import close, create_app

    app = create_app(config, month)
    try:
        yield app.test_client()
    finally:
        close(app)


def csrf_of(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def checked_page(client, path: str, seconds: float = 120) -> str:
    """The office's page once its uploads are checked (正在检查 until then)."""
    deadline = time.monotonic() + seconds
    while True:
        page = client.get(path).get_data(as_text=True)
        if "正在检查" not in page or time.monotonic() > deadline:
            return page
        time.sleep(0.2)


def multipart(fields: list[tuple[bytes, bytes]], boundary: bytes = b"----edge") -> bytes:
    """A multipart body as a browser sends it; each field's header line given raw (bytes), so
    a file name in another encoding than UTF-8 goes as it is."""
    out = b""
    for disposition, value in fields:
        out += b"--" + boundary + b"\r\nContent-Disposition: form-data; " + disposition
        out += b"\r\n\r\n" + value + b"\r\n"
    return out + b"--" + boundary + b"--\r\n"


# -- a. a withdrawn link ------------------------------------------------------------------------
def test_a_revoked_link_stays_revoked_through_links_and_a_restart(tmp_path):
    config, month, c = set_up(tmp_path)
    old = links(tmp_path)[OFFICE_NAME]
    state = WebState(tmp_path / "web.sqlite3")
    assert state.revoke(OFFICE, OFFICE_NAME) == 1  # `serve --revoke-link 基财股`

    out = yuebao("serve", "--config", str(config), "--links")
    assert out.returncode == 0, out.stderr
    assert OFFICE_NAME not in links(tmp_path) and state.link(old) is None
    assert f"{OFFICE_NAME}：已作废" in out.stdout and f"/o/{old}" not in out.stdout
    assert "共11个链接，1个已作废" in out.stdout  # 10 offices and the chiefs live
    with app_of(config, month) as client:  # a restart: the page made with it
        assert client.get(f"/o/{old}").status_code == 404
    assert OFFICE_NAME not in links(tmp_path)

    renewed = yuebao("serve", "--config", str(config), "--new-link", OFFICE_NAME)
    assert renewed.returncode == 0 and "旧链接已作废" in renewed.stdout
    new = links(tmp_path)[OFFICE_NAME]
    assert new != old and f"/o/{new}" in renewed.stdout
    again = yuebao("serve", "--config", str(config), "--links")
    assert f"/o/{new}" in again.stdout and "已作废" not in again.stdout


# -- b. text longer than a cell -----------------------------------------------------------------
def long_answer(src: Path, key: str, header: str, text: str) -> Path:
    """The form with `text` in the row's cell, put into the file's XML as it is (openpyxl itself
    cuts a text at 32,767 characters; another program, or a script, does not)."""
    wb = openpyxl.load_workbook(src)
    ws = wb.worksheets[0]
    ws.cell(simulate.rows_by_key(ws)[key], simulate.column(header), "LONGLONG")
    wb.save(src)
    data = io.BytesIO()
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(data, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            zout.writestr(item, zin.read(item.filename).replace(b"LONGLONG", text.encode()))
    src.write_bytes(data.getvalue())
    return src


def test_a_text_excel_cuts_is_told_at_its_cell_to_the_office_and_the_chiefs(tmp_path):
    """20,000 characters beyond U+FFFF are 40,000 in Excel's count (UTF-16): the summary's sheets
    cut them at 32,767, so the office and the chiefs are told, at the cell."""
    config, month, c = set_up(tmp_path)
    task = c.tasks.tasks_of(OFFICE_NAME)[0]
    src = answered(c, month, OFFICE_NAME, tmp_path / "pc" / "表.xlsx")
    long_answer(src, task.key, "进展情况", "😀" * 20_000)
    ws = openpyxl.load_workbook(src).worksheets[0]
    cell = f"I{simulate.rows_by_key(ws)[task.key]}"
    tokens = links(tmp_path)
    with app_of(config, month) as client:
        page_path = f"/o/{tokens[OFFICE_NAME]}"
        sent = client.post(
            f"{page_path}/upload",
            data={"csrf_token": csrf_of(client, page_path), "file": (src.open("rb"), "表.xlsx")},
        )
        assert sent.status_code == 303
        page = checked_page(client, page_path)
        assert f"!{cell}</td>" in page and "超过Excel单元格上限" in page  # the office
        workbook = client.get(f"/c/{tokens['领导']}/summary")  # the chiefs' download
    wb = openpyxl.load_workbook(io.BytesIO(workbook.data))
    told = [
        row
        for row in wb["校验问题"].iter_rows(min_row=4, values_only=True)
        if "cell_truncated" in row
    ]
    assert len(told) == 1 and told[0][1] == OFFICE_NAME and told[0][5] == cell
    cut = [
        len(v)
        for row in wb["汇总"].iter_rows(values_only=True)
        for v in row
        if isinstance(v, str) and v.startswith("😀")
    ]
    assert cut and max(cut) < 20_000  # it was cut: that is what the finding says


# -- c. a file name's invisible controls --------------------------------------------------------
def test_an_rtl_override_in_a_file_name_is_shown_named(tmp_path):
    config, month, c = set_up(tmp_path)
    src = answered(c, month, OFFICE_NAME, tmp_path / "pc" / "表.xlsx")
    shown = "报表\u202excod.xlsx"  # shows as 报表xlsx.docx
    with app_of(config, month) as client:
        page_path = f"/o/{links(tmp_path)[OFFICE_NAME]}"
        sent = client.post(
            f"{page_path}/upload",
            data={"csrf_token": csrf_of(client, page_path), "file": (src.open("rb"), shown)},
        )
        assert sent.status_code == 303
        page = checked_page(client, page_path)
    assert "\u202e" not in page and "&#8238;" not in page.lower()
    assert "报表[不可见字符U+202E]xcod.xlsx" in page  # in 最近一次上传 and in the history
    assert page.count("报表[不可见字符U+202E]xcod.xlsx") == 2


# -- d. a request the page cannot read ------------------------------------------------------------
def test_a_file_name_not_in_utf8_says_so_not_page_expired(tmp_path):
    config, month, c = set_up(tmp_path)
    src = answered(c, month, OFFICE_NAME, tmp_path / "pc" / "表.xlsx")
    with app_of(config, month) as client:
        page_path = f"/o/{links(tmp_path)[OFFICE_NAME]}"
        body = multipart(
            [
                (b'name="csrf_token"', csrf_of(client, page_path).encode()),
                (b'name="file"; filename="' + "报表.xlsx".encode("gbk") + b'"', src.read_bytes()),
            ]
        )
        sent = client.post(
            f"{page_path}/upload",
            data=body,
            content_type="multipart/form-data; boundary=----edge",
        )
    text = sent.get_data(as_text=True)
    assert sent.status_code == 400
    assert "文件名无法识别" in text and "页面已过期" not in text


def test_a_form_field_too_long_says_so_not_page_expired(tmp_path):
    """A field past werkzeug's max_form_memory_size (500 kB) in a body well under the upload
    limit: RequestEntityTooLarge, yet no file is too large."""
    config, month, c = set_up(tmp_path)
    with app_of(config, month) as client:
        page_path = f"/o/{links(tmp_path)[OFFICE_NAME]}"
        body = multipart(
            [
                (b'name="csrf_token"', csrf_of(client, page_path).encode()),
                (b'name="note"', b"x" * 2_000_000),
            ]
        )
        sent = client.post(
            f"{page_path}/upload",
            data=body,
            content_type="multipart/form-data; boundary=----edge",
        )
    text = sent.get_data(as_text=True)
    assert sent.status_code == 413
    assert "表单内容过长" in text and "页面已过期" not in text and "文件超过" not in text
