"""在线填报 on the office's page, in-process (Flask's test client, real SQLite, real workbooks
read by the upload's reader): the form pre-filled as the workbook form, errors beside their field
blocking 提交, drafts that never count, 提交 making a real return (archived, in the ledger, counted,
shown as 在线填报), two tabs at once, and the same CSRF and token checks as the upload."""

from __future__ import annotations

import hashlib
import io
import re
import threading
from datetime import date
from html import unescape

import openpyxl
import pytest

from reporting.cycle import Cycle, merge
from reporting.forms import layout as form
from reporting.forms.fill import form_file_name
from reporting.jobs.day import build_notices
from reporting.notify.plan import FILL_AND_SEND, REMIND_MISSING, Action
from reporting.web.store import OFFICE as OFFICE_ROLE
from reporting.web.store import WebState

from .online_setup import OFFICE, csrf_of, prepared
from .test_one_truth import Site, judged


@pytest.fixture
def site(tmp_path):
    config, month, c = prepared(tmp_path)
    s = Site(config, month)
    s.config, s.month, s.folder = config, month, tmp_path
    s.token = s.tokens[OFFICE]
    yield s
    s.close()


def page_of(site) -> str:
    return site.text(f"/o/{site.token}/online")


def fields_of(page: str) -> dict[str, str]:
    """What the browser would send for the page as it stands (text areas, inputs, selects)."""
    fields = {"csrf_token": csrf_of(page)}
    for name, text in re.findall(
        r'<textarea id="[^"]*" name="([^"]+)"[^>]*>(.*?)</textarea>', page, re.S
    ):
        fields[name] = unescape(text)
    for name, value in re.findall(r'<input id="[^"]*" name="([^"]+)"[^>]*value="([^"]*)"', page):
        fields[name] = unescape(value)
    for name, body in re.findall(r'<select id="[^"]*" name="([^"]+)">(.*?)</select>', page, re.S):
        chosen = re.search(r'<option value="([^"]*)" selected>', body)
        fields[name] = unescape(chosen.group(1)) if chosen else ""
    return fields


def answered(site, page: str, **changes) -> dict[str, str]:
    """The page's fields with every milestone answered 按计划推进 (done ones kept), then
    `changes` (name with '__' for ':')."""
    fields = fields_of(page)
    for name in [n for n in fields if n.startswith("status:")]:
        fields[name] = fields[name] or "按计划推进"
    fields.update({k.replace("__", ":"): v for k, v in changes.items()})
    return fields


def outbox_form(site):
    c = Cycle.load(site.config)
    path = c.config.folder("outbox", site.month) / form_file_name(site.month, OFFICE)
    ws = openpyxl.load_workbook(path)[form.SHEET]
    col = {h: i + 1 for i, h in enumerate(form.HEADERS)}
    rows = {}
    for r in range(form.FIRST_DATA_ROW, ws.max_row + 1):
        key = ws.cell(r, 1).value
        if key:
            rows[key] = {h: ws.cell(r, col[h]).value for h in form.HEADERS}
    return rows


def test_the_online_form_is_the_workbook_form_prefilled_from_last_month(site):
    page = page_of(site)
    sent = outbox_form(site)  # the workbook the office would download
    fields = fields_of(page)
    assert page.count('<fieldset class="milestone') == 14  # 督导室: 4 tasks, 14 milestones
    for key, row in sent.items():
        if "-M" in key:
            assert fields[f"status:{key}"] == (row[form.STATUS] or "")
            done = row[form.DONE_ON]
            assert fields[f"done:{key}"] == (done.date().isoformat() if done else "")
        else:
            assert fields[f"progress:{key}"] == (row[form.PROGRESS] or "")
            assert fields[f"problems:{key}"] == (row[form.PROBLEMS] or "")
    carried = [k for k, row in sent.items() if row[form.STATUS] == "已完成"]
    assert carried and all(fields[f"status:{k}"] == "已完成" for k in carried)
    assert sum(bool(fields[f"progress:{k}"]) for k in sent if "-M" not in k) == 4  # last month's
    # the milestones due by the month's end come first in each task, marked
    for task in re.split(r'<section class="task"', page)[1:]:
        kinds = re.findall(r'<fieldset class="milestone( due)?"', task)
        assert kinds == sorted(kinds, reverse=True)
    assert "本月到期" in page or "应已完成" in page
    assert 'for="progress:T' in page and 'for="status:T' in page  # every input labelled


def test_an_error_is_shown_beside_its_field_and_blocks_submit_without_javascript(site):
    page = page_of(site)
    key = re.search(r'name="status:(T\d+-M\d+)"', page).group(1)
    fields = answered(site, page, **{f"status__{key}": "已完成", f"done__{key}": ""})
    response = site.client.post(f"/o/{site.token}/online", data={**fields, "action": "submit"})
    assert response.status_code == 422
    shown = response.get_data(as_text=True)
    assert "有1处错误，未提交" in shown
    slot = re.search(rf'<div class="slot" data-for="done:{key}"[^>]*>(.*?)</div>', shown, re.S)
    assert "错误：" in slot.group(1) and "完成日期未填写" in slot.group(1)
    state = WebState(site.folder / "web.sqlite3")
    assert state.uploads(site.month, OFFICE) == []  # nothing submitted
    with Cycle.load(site.config).ledger() as ledger:
        assert ledger.returns(site.month) == []


def test_the_check_as_one_types_names_the_field_in_validates_words(site):
    page = page_of(site)
    key = re.search(r'name="status:(T\d+-M\d+)"', page).group(1)
    fields = answered(site, page, **{f"status__{key}": "已完成", f"done__{key}": ""})
    data = site.client.post(f"/o/{site.token}/online/check", data=fields).get_json()
    assert data["errors"] == 1
    (finding,) = data["fields"][f"done:{key}"]
    assert finding["error"] and "已完成，但完成日期未填写" in finding["message"]
    fields[f"done:{key}"] = "2020-01-01"
    data = site.client.post(f"/o/{site.token}/online/check", data=fields).get_json()
    assert data["errors"] == 0 and f"done:{key}" not in data["fields"]


def test_a_draft_is_kept_for_the_office_and_never_counts(site):
    page = page_of(site)
    fields = answered(site, page, **{"progress__T09": "草稿：写到一半"})
    response = site.client.post(f"/o/{site.token}/online", data={**fields, "action": "draft"})
    assert response.status_code == 303
    again = Site(site.config, site.month)  # another browser (the phone reopened)
    try:
        reopened = again.text(f"/o/{site.token}/online")
        assert "草稿：写到一半" in reopened
    finally:
        again.close()
    office = judged(site.config, site.month)
    row = next(o for o in office.offices if o.office.name == OFFICE)
    assert row.state.value == "未报送" and row.counted is None


def submit(site, fields) -> str:
    response = site.client.post(f"/o/{site.token}/online", data={**fields, "action": "submit"})
    assert response.status_code == 303, response.get_data(as_text=True)
    for _ in range(600):
        page = page_of(site)
        if "正在检查" not in page:
            return page
        threading.Event().wait(0.2)
    raise AssertionError("never checked")


def test_submit_makes_a_real_return_counted_and_shown_as_online(site):
    page = page_of(site)
    typed = "在线填报：\r\n12镇全部完成自查。"  # a text area's line break, as browsers send it
    fields = answered(site, page, progress__T09=typed, filled_by="谭国栋")
    result = submit(site, fields)
    assert re.search(r'id="verdict">已通过', result)
    # archived with its SHA-256, in the ledger, counted by the month's judgement
    with Cycle.load(site.config).ledger() as ledger:
        (ret,) = ledger.returns(site.month)
    data = ret.archived_path.read_bytes()
    assert hashlib.sha256(data).hexdigest() == ret.sha256
    summary = judged(site.config, site.month)
    row = next(o for o in summary.offices if o.office.name == OFFICE)
    assert row.state.value == "按时报送" and row.counted.sha256 == ret.sha256
    assert row.filled_by.startswith("谭国栋")
    texts = {r.progress for r in summary.rows if r.task.key == "T09"}
    assert texts == {"在线填报：\n12镇全部完成自查。"}
    # the office downloads what it submitted: the archived file, the form with its answers
    link = re.search(r'id="download-submitted" href="([^"]+)"', result).group(1)
    download = site.client.get(link)
    assert download.status_code == 200 and download.data == data
    ws = openpyxl.load_workbook(io.BytesIO(data))[form.SHEET]
    assert ws.protection.sheet  # definitions locked as in the downloaded form
    assert ws[form.FILLED_BY_CELL].value.startswith("谭国栋")
    # both pages say how it came
    office_page = site.office(OFFICE)
    assert "经在线填报收到" in office_page and "最近一次上传：在线填报（" in office_page
    site.clerk_states()
    assert "在线填报（" in site.text("/clerk")


def test_two_tabs_submitting_at_once_give_one_counted_return_the_later(site):
    page = page_of(site)
    first = answered(site, page, progress__T09="第一个标签页")
    second = answered(site, page, progress__T09="第二个标签页")
    barrier = threading.Barrier(2)
    codes = []

    def tab(fields):
        client = site.app.test_client()  # its own cookies: the csrf of its own page
        own = fields_of(client.get(f"/o/{site.token}/online").get_data(as_text=True))
        barrier.wait()
        r = client.post(
            f"/o/{site.token}/online",
            data={**fields, "csrf_token": own["csrf_token"], "action": "submit"},
        )
        codes.append(r.status_code)

    threads = [threading.Thread(target=tab, args=(f,)) for f in (first, second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert codes == [303, 303]
    state = WebState(site.folder / "web.sqlite3")
    for _ in range(600):
        uploads = state.uploads(site.month, OFFICE)
        if all(u.checked for u in uploads):
            break
        threading.Event().wait(0.2)
    assert len(uploads) == 2 and all(u.passed for u in uploads)
    later = max(uploads, key=lambda u: (u.received_at, u.id))
    summary = judged(site.config, site.month)
    row = next(o for o in summary.offices if o.office.name == OFFICE)
    assert row.counted.sha256 == later.sha256  # one counted: the one received last
    superseded = [f for f in summary.findings if f.code == "superseded" and f.office == OFFICE]
    assert len(superseded) == 1
    progress = {r.progress for r in summary.rows if r.task.key == "T09"}
    with Cycle.load(site.config).ledger() as ledger:
        archived = {r.sha256: r.archived_path for r in ledger.returns(site.month)}
    ws = openpyxl.load_workbook(archived[later.sha256])[form.SHEET]
    counted_text = next(
        ws.cell(r, 9).value for r in range(5, ws.max_row + 1) if ws.cell(r, 1).value == "T09"
    )
    assert progress == {counted_text}


def test_the_same_answers_sent_twice_are_one_file(site):
    page = page_of(site)
    fields = answered(site, page, progress__T09="同一份")
    submit(site, fields)
    threading.Event().wait(1.1)  # another second on the clock: nothing of it is in the file
    submit(site, fields)
    with Cycle.load(site.config).ledger() as ledger:
        assert len(ledger.returns(site.month)) == 1  # the same bytes, stored once


def test_a_draft_saved_after_submit_does_not_undo_it(site):
    page = page_of(site)
    submitted = answered(site, page, progress__T09="已提交的内容")
    submit(site, submitted)
    later = dict(submitted, **{"progress:T09": "提交后又改的草稿"})
    response = site.client.post(f"/o/{site.token}/online", data={**later, "action": "draft"})
    assert response.status_code == 303
    reopened = page_of(site)
    assert "提交后又改的草稿" in reopened and 'id="draft-note"' in reopened
    assert re.search(r'id="verdict">已通过', reopened)
    summary = judged(site.config, site.month)
    row = next(o for o in summary.offices if o.office.name == OFFICE)
    assert row.state.value == "按时报送"
    assert {r.progress for r in summary.rows if r.task.key == "T09"} == {"已提交的内容"}


def test_csrf_and_the_token_are_checked_as_on_the_upload(site):
    page = page_of(site)
    fields = answered(site, page, progress__T09="没有令牌")
    del fields["csrf_token"]
    for path in ("", "/check"):
        response = site.client.post(f"/o/{site.token}/online{path}", data=fields)
        assert response.status_code == 400
    wrong = dict(fields, csrf_token="x" * 43, action="submit")
    assert site.client.post(f"/o/{site.token}/online", data=wrong).status_code == 400
    assert "没有令牌" not in page_of(site)  # nothing kept
    assert site.client.get("/o/not-a-token/online").status_code == 404
    another = fields_of(site.office("人事股"))  # another office's csrf is this browser's
    theirs = dict(fields, csrf_token=another["csrf_token"], action="submit")
    assert site.client.post("/o/not-a-token/online", data=theirs).status_code == 404
    state = WebState(site.folder / "web.sqlite3")
    state.revoke(OFFICE_ROLE, OFFICE)
    assert site.client.get(f"/o/{site.token}/online").status_code == 404
    assert state.uploads(site.month, OFFICE) == []


def test_every_notice_carries_the_link_that_opens_the_online_form(tmp_path):
    """With `web.url`, the form notice and 催报 (mail, chat robots and text files all carry the
    notice's text) name the office's own link to its online form: one tap opens it."""
    url = "http://10.1.2.3:8080"
    config, month, c = prepared(tmp_path, web={"state": "web.sqlite3", "url": url})
    site = Site(config, month)
    try:
        token = site.tokens[OFFICE]
        for kind in (FILL_AND_SEND, REMIND_MISSING):
            action = Action(kind, month)
            notices = build_notices(Cycle.load(config), action, date.today(), dry_run=True)
            body = {n.office: n for n in notices}[OFFICE].body
            links = re.findall(rf"{re.escape(url)}(/\S+)", body)
            assert links == [f"/o/{token}/online"], body
            assert "在线填报" in body
            assert 'id="online"' in site.text(links[0])  # the form itself
            other = {n.office: n for n in notices}["人事股"].body
            assert f"/o/{token}" not in other
    finally:
        site.close()


def test_the_texts_for_the_office_call_an_online_return_by_its_name(site):
    """The feedback text and validate's words name a 提交 as the office knows it, 在线填报, not
    the workbook's stored name (在线填报.xlsx) nor 网页上传的文件."""
    page = page_of(site)
    submit(site, answered(site, page))  # last month's texts kept: 进展情况 unchanged, a warning
    submit(site, answered(site, page, progress__T09="本月已完成全部自查。"))
    merge(Cycle.load(site.config), site.month)
    c = Cycle.load(site.config)
    (text,) = (c.config.folder("summary", site.month) / "反馈").glob(f"反馈_{OFFICE}.txt")
    said = text.read_text(encoding="utf-8-sig")
    assert "在线填报提交的表格" in said
    assert "在线填报.xlsx" not in said and "网页上传" not in said
    summary = judged(site.config, site.month)
    row = next(o for o in summary.offices if o.office.name == OFFICE)
    assert row.file_shown == "在线填报"
    older = [f.message for f in summary.findings if f.code == "superseded"]
    assert older and all("收到的“在线填报”" in m for m in older), older
