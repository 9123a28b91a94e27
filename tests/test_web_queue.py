"""The intranet page under a busy month: an upload is received at once and checked in the
background, offices take turns, another command holding the month stalls no page, and a page
never reads every return again."""

from __future__ import annotations

import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import openpyxl

from reporting.web.checking import CheckQueue

from .holder import holding
from .test_one_truth import Site, judged
from .webserver import (
    Browser,
    answered,
    checked,
    links,
    serving,
    set_up,
    synthetic,
    waiting_for_the_month,
)


def test_offices_take_turns_so_heavy_files_wait_behind_their_own():
    """Office A sends three slow files, then B one quick one: B's is checked while A's wait."""
    finished: list[str] = []
    lock = threading.Lock()

    def check(upload_id: int) -> None:
        time.sleep(0.6 if upload_id < 10 else 0.05)  # A's files are heavy
        with lock:
            finished.append(f"{'A' if upload_id < 10 else 'B'}{upload_id}")

    queue = CheckQueue(2, check)
    try:
        events = [queue.put("A", i) for i in (1, 2, 3)] + [queue.put("B", 11)]
        for event in events:
            assert event.wait(10)
    finally:
        queue.close()
    assert finished.index("B11") < finished.index("A2")  # not behind A's second and third
    assert [f for f in finished if f.startswith("A")] == ["A1", "A2", "A3"]  # A's in order


def test_a_month_held_by_another_command_stalls_no_page_and_loses_no_upload(tmp_path):
    config, month, c, returns = synthetic(tmp_path, 20)
    waiting_for_the_month(config, 2)  # each wait for the month gives up and is tried again
    holder = holding(c.config.ledger_path, month, 8)
    tokens = links(tmp_path)
    with serving(config, month) as base:
        pages: list[float] = []

        def send(office):
            b = Browser(base)
            csrf = b.csrf(f"/o/{tokens[office]}")
            started = time.monotonic()
            status, _, _ = b.post(
                f"/o/{tokens[office]}/upload",
                {"csrf_token": csrf},
                {"file": ("进展情况表.xlsx", returns[office].read_bytes())},
            )
            answered_in = time.monotonic() - started
            started = time.monotonic()
            page = b.get(f"/o/{tokens[office]}")[2]
            pages.append(time.monotonic() - started)
            return status, answered_in, page, b

        with ThreadPoolExecutor(20) as pool:
            sent = list(pool.map(send, returns))
        for _ in range(5):  # the other pages, while the month is still held
            started = time.monotonic()
            assert Browser(base).get("/")[0] == 200
            pages.append(time.monotonic() - started)
        assert holder.is_alive(), "the month was still held while the offices uploaded"
        for status, answered_in, page, _ in sent:
            assert status == 303 and answered_in < 2  # received at once, however busy
            assert "已收到，正在检查" in page  # and told so
            assert "报送情况在刚上传的表格检查完成后显示" in page  # not the month without it
        assert max(pages) < 1, pages
        holder.release()
        results = {
            office: checked(b, f"/o/{tokens[office]}") for office, (*_, b) in zip(returns, sent)
        }
    for office, page in results.items():  # once the month is free, each is checked
        assert 'id="verdict">已通过' in page, office
    with sqlite3.connect(c.config.ledger_path) as db:
        rows = db.execute("SELECT office, COUNT(*) FROM returns GROUP BY sha256").fetchall()
    assert len(rows) == 20 and all(n == 1 for _, n in rows)  # each once in the ledger


def test_the_page_reads_each_return_once_and_keeps_a_file_sent_again_once(tmp_path):
    config, month, c = set_up(tmp_path)
    first = answered(c, month, "基财股", tmp_path / "pc" / "基财股.xlsx")
    site = Site(config, month)
    try:
        site.upload("基财股", first)
        assert judged(config, month).offices  # judged as validate would
        before = site.lights()["基财股"]
        assert before[1] == "按时报送"
        # the archived copy is gone from the disk: a page that read every file again on each
        # new return would now find 基财股's return unreadable
        with sqlite3.connect(c.config.ledger_path) as db:
            (archived,) = db.execute("SELECT archived_path FROM returns").fetchone()
        Path(archived).rename(tmp_path / "moved.xlsx")
        other = answered(c, month, "人事股", tmp_path / "pc" / "人事股.xlsx")
        site.upload("人事股", other)
        assert site.lights()["基财股"] == before  # read once, not again
        assert site.lights()["人事股"][1] == "按时报送"
        site.upload("基财股", first)  # the same bytes again
        inbox = c.config.folder("inbox", month) / "网页上传" / "基财股"
        assert len(list(inbox.iterdir())) == 1  # kept once
    finally:
        site.close()


def test_the_inbox_keeps_an_offices_latest_uploads_and_the_archive_all(tmp_path):
    config, month, c = set_up(tmp_path)
    site = Site(config, month)
    try:
        for i in range(5):  # five different versions, a second apart
            path = answered(c, month, "基财股", tmp_path / "pc" / f"v{i}.xlsx")
            book = openpyxl.load_workbook(path)
            book.active["A1"] = f"第{i}版"
            book.save(path)
            site.upload("基财股", path)
            time.sleep(1.1)
    finally:
        site.close()
    inbox = c.config.folder("inbox", month) / "网页上传" / "基财股"
    assert len(list(inbox.iterdir())) == 3
    with sqlite3.connect(c.config.ledger_path) as db:
        archived = [Path(p) for (p,) in db.execute("SELECT archived_path FROM returns")]
    assert len(archived) == 5 and all(p.is_file() for p in archived)


def test_heavy_files_never_take_the_last_worker():
    """Three offices send heavy files, a fourth a normal one: it is checked at once, not after."""
    finished: list[int] = []
    lock = threading.Lock()

    def check(upload_id: int) -> None:
        time.sleep(0.8 if upload_id < 10 else 0.05)
        with lock:
            finished.append(upload_id)

    queue = CheckQueue(2, check)
    try:
        events = [queue.put(office, i, heavy=True) for office, i in (("A", 1), ("B", 2), ("C", 3))]
        events.append(queue.put("D", 11))
        for event in events:
            assert event.wait(10)
    finally:
        queue.close()
    assert finished[0] == 11  # the normal upload first, though it came last


def test_an_upload_that_cannot_be_collected_fails_alone(tmp_path):
    """Uploads waiting for a month held by another command are collected together when it is
    free; one of them that cannot be collected (its office's inbox folder cannot be made) is
    refused with its reason, and the others of its batch pass and are in the ledger."""
    config, month, c, returns = synthetic(tmp_path, 3)
    waiting_for_the_month(config, 1)  # the wait gives up and is tried again with all that came
    broken, *fine = sorted(returns)
    blocked = c.config.folder("inbox", month) / "网页上传" / broken
    blocked.parent.mkdir(parents=True, exist_ok=True)
    blocked.write_text("a file where the office's folder should be", encoding="utf-8")
    holder = holding(c.config.ledger_path, month, 4)
    tokens = links(tmp_path)
    with serving(config, month) as base:

        def send(office):
            b = Browser(base)
            csrf = b.csrf(f"/o/{tokens[office]}")
            b.post(
                f"/o/{tokens[office]}/upload",
                {"csrf_token": csrf},
                {"file": ("进展情况表.xlsx", returns[office].read_bytes())},
            )
            return b

        with ThreadPoolExecutor(3) as pool:
            browsers = dict(zip(returns, pool.map(send, returns)))
        assert holder.is_alive(), "the uploads waited for the month together"
        time.sleep(1)  # all three checked and waiting for the month: collected together
        holder.release()
        pages = {o: checked(b, f"/o/{tokens[o]}") for o, b in browsers.items()}
    assert 'id="verdict">未接收' in pages[broken]
    assert "检查该文件时程序出错" in pages[broken]
    for office in fine:
        assert 'id="verdict">已通过' in pages[office], office
    with sqlite3.connect(c.config.ledger_path) as db:
        names = [n for (n,) in db.execute("SELECT file_name FROM returns")]
    assert sorted(o for o in returns if any(o in n for n in names)) == fine
