"""The page's collector: checked uploads go into the inbox, the archive and the ledger in a worker
process of its own (reporting/web/collector.py).  A worker killed while it collects costs that
batch its collection (the uploads are refused with their reason by the check), never the month's
lock or the next batch."""

from __future__ import annotations

import hashlib
import os
import shutil
import signal
import sqlite3
import sys
import threading
import time
from datetime import datetime

import pytest

from reporting.backup import backups
from reporting.context import Cycle
from reporting.filenames import upload_name
from reporting.web.collector import CollectFailed, Collector
from reporting.web.served import Served
from reporting.web.store import WebState
from reporting.web.uploads import Intake

from .holder import holding
from .webserver import synthetic, waiting_for_the_month


def staged(tmp_path, state, month, office, source):
    """An upload of `source` as the page records it, its file in the staging folder."""
    data = source.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    path = tmp_path / "上传暂存" / f"{sha[:16]}.xlsx"
    path.parent.mkdir(exist_ok=True)
    shutil.copyfile(source, path)
    received = datetime.now().replace(microsecond=0)
    saved = upload_name(office, received, sha, ".xlsx", "进展情况表.xlsx")
    upload = state.receive_upload(month, office, "进展情况表.xlsx", saved, sha, received, path.name)
    return upload, path


def backed_up_soon(cycle, seconds=30):
    deadline = time.monotonic() + seconds
    while not cycle.backed_up:
        assert time.monotonic() < deadline, "the ledger backed up in the collector"
        time.sleep(0.01)


def returns_in(ledger):
    with sqlite3.connect(ledger) as db:
        return db.execute("SELECT count(*) FROM returns").fetchone()[0]


def ledger_files(c):
    with sqlite3.connect(c.config.ledger_path) as db:
        return [name for (name,) in db.execute("SELECT file_name FROM returns")]


def test_uploads_are_collected_by_the_worker_into_inbox_archive_and_ledger(tmp_path):
    config, month, c, returns = synthetic(tmp_path, 2)
    state = WebState(tmp_path / "web.sqlite3")
    uploads = [staged(tmp_path, state, month, o, f) for o, f in returns.items()]
    collector = Collector()
    try:
        done = collector.collect(c, month, uploads)
    finally:
        collector.close()
    assert done is not None
    found, commits = done
    assert found == [[], []]  # nothing to say of either
    assert commits  # the commit is known to the page (OwnCommits)
    assert c.backed_up  # the served Cycle's ledger is backed up once, as a command's is
    names = ledger_files(c)
    for upload, _ in uploads:
        assert any(upload.saved_name in n for n in names)
        inbox = c.config.folder("inbox", month) / "网页上传" / upload.office / upload.saved_name
        assert inbox.is_file()


def test_the_ledger_is_backed_up_when_the_page_starts_not_when_the_first_office_waits(tmp_path):
    config, month, c, returns = synthetic(tmp_path, 1)
    state = WebState(tmp_path / "web.sqlite3")
    upload = staged(tmp_path, state, month, *next(iter(returns.items())))
    collector = Collector()
    try:
        collector.collect(c, month, [upload])  # the ledger now holds a return
        served = Cycle.load(config)  # the page started again (or a new day): not backed up
        assert not served.backed_up and not backups(c.config.ledger_path)
        collector.start(served)
        backed_up_soon(served)
    finally:
        collector.close()
    (backup,) = backups(c.config.ledger_path)
    assert returns_in(backup) == 1


def test_a_month_held_elsewhere_is_said_not_waited_for(tmp_path):
    config, month, _, returns = synthetic(tmp_path, 1)
    c = waiting_for_the_month(config, 1)
    state = WebState(tmp_path / "web.sqlite3")
    upload = staged(tmp_path, state, month, *next(iter(returns.items())))
    holder = holding(c.config.ledger_path, month, 20)
    collector = Collector()
    try:
        assert collector.collect(c, month, [upload]) is None  # held: try again later
        assert ledger_files(c) == []
        holder.release()
        assert collector.collect(c, month, [upload]) is not None
    finally:
        collector.close()
    assert len(ledger_files(c)) == 1


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_worker_killed_while_collecting_fails_that_batch_and_the_next_is_collected(tmp_path):
    config, month, _, returns = synthetic(tmp_path, 1)
    c = waiting_for_the_month(config, 30)  # the worker waits for the month: killed meanwhile
    state = WebState(tmp_path / "web.sqlite3")
    upload = staged(tmp_path, state, month, *next(iter(returns.items())))
    holder = holding(c.config.ledger_path, month, 30)
    collector = Collector()
    try:
        collector.start(c)
        pid = collector._worker().schedule(os.getpid).result()
        failed: list[BaseException] = []

        def collect():
            try:
                collector.collect(c, month, [upload])
            except CollectFailed as exc:
                failed.append(exc)

        waiting = threading.Thread(target=collect)
        waiting.start()
        threading.Event().wait(0.5)  # the worker is waiting for the month
        os.kill(pid, signal.SIGKILL)
        waiting.join(30)
        assert failed, "the batch whose worker was killed is said to have failed"
        holder.release()
        done = collector.collect(c, month, [upload])  # a new worker; the month not left held
    finally:
        collector.close()
    assert done is not None and done[0] == [[]]
    assert len(ledger_files(c)) == 1


def test_the_page_stopping_leaves_an_upload_waiting_for_a_held_month_to_be_checked_again(
    tmp_path,
):
    """Stopping waits a few seconds for the batch being collected, not for a month another
    command holds; that upload stays received, its staged file kept, and is checked and
    collected when the page starts again."""
    config, month, _, returns = synthetic(tmp_path, 1)
    c = waiting_for_the_month(config, 60)
    state = WebState(tmp_path / "web.sqlite3")
    office, source = next(iter(returns.items()))
    upload, path = staged(tmp_path, state, month, office, source)
    holder = holding(c.config.ledger_path, month, 60)
    intake = Intake(state, path.parent, lambda: c)
    intake.queue.put(office, upload.id)
    time.sleep(1)  # checked, and its collection waits for the month
    began = time.monotonic()
    intake.close()
    assert time.monotonic() - began < 15  # CLOSE_SECONDS, not the 60 s of the month's wait
    holder.release()
    assert state.waiting(month, office) == 1 and path.is_file()  # received, not refused
    again = Intake(state, path.parent, lambda: c)
    try:
        again.resume()
        deadline = time.monotonic() + 30
        while state.waiting(month, office):
            assert time.monotonic() < deadline
            time.sleep(0.05)
    finally:
        again.close()
    assert state.uploads(month, office)[0].passed
    assert len(ledger_files(c)) == 1


def test_a_damaged_ledger_is_never_backed_up_and_no_upload_is_collected_into_it(tmp_path):
    config, month, _, returns = synthetic(tmp_path, 1)
    c = Cycle.load(config)  # the page started, then the ledger was damaged
    c.config.ledger_path.write_bytes(b"not a ledger " * 1000)
    state = WebState(tmp_path / "web.sqlite3")
    upload = staged(tmp_path, state, month, *next(iter(returns.items())))
    collector = Collector()
    try:
        collector.start(c)
        collector._worker().schedule(os.getpid).result()  # after start's backup, in turn
        time.sleep(0.2)  # (its outcome told to the page)
        assert not c.backed_up and not backups(c.config.ledger_path)
        with pytest.raises(CollectFailed, match="ledger"):
            collector.collect(c, month, [upload])
    finally:
        collector.close()
    assert c.config.ledger_path.read_bytes() == b"not a ledger " * 1000


def test_each_config_the_page_reads_again_has_its_ledger_backed_up_at_once(tmp_path):
    """A new day, or config.yaml edited, and the page reads its Cycle again: the backup that
    Cycle owes before its first change is taken then, not in its first batch."""
    config, month, _, returns = synthetic(tmp_path, 1)
    state = WebState(tmp_path / "web.sqlite3")
    upload = staged(tmp_path, state, month, *next(iter(returns.items())))
    served = Served(config, month)
    collector = Collector()
    served.loaded = collector.start
    try:
        first = served.cycle()
        collector.collect(first, month, [upload])  # the ledger now holds a return
        before = backups(first.config.ledger_path)
        config.write_text(config.read_text(encoding="utf-8") + "\n# 改过\n", encoding="utf-8")
        later = time.time() + 5
        os.utime(config, (later, later))
        again = served.cycle()
        assert again is not first
        backed_up_soon(again)
    finally:
        collector.close()
    after = backups(first.config.ledger_path)
    assert len(after) == len(before) + 1  # taken for the Cycle read again, with the return
    assert returns_in(after[-1]) == 1
