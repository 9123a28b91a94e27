"""The page's own state files are written together (web/connections.write_together): writes that
wait for the file while another is written go in one transaction, one commit, and a write that
fails is undone alone and fails in its own request, never in another's."""

from __future__ import annotations

import sqlite3
import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest

from reporting.web import connections
from reporting.web.connections import transaction, write_together
from reporting.web.store import WebState


def test_writes_waiting_together_are_one_commit_and_a_failing_one_fails_alone(tmp_path):
    path = tmp_path / "state.sqlite3"
    with transaction(path) as db:
        db.execute("CREATE TABLE t (n INTEGER UNIQUE)")
    writers: list[int] = []

    def insert(i, n):  # two rows: its own mark, then n (the second 3 is refused)
        def work(db):
            writers.append(threading.get_ident())
            db.execute("INSERT INTO t VALUES (?)", (1000 + i,))
            return db.execute("INSERT INTO t VALUES (?) RETURNING rowid", (n,)).fetchall()

        return write_together(path, work)

    numbers = (1, 2, 3, 3, 4, 5, 6, 7)
    with ThreadPoolExecutor(8) as pool:
        with connections._turn(path):  # another write in progress: the eight wait for it
            futures = [pool.submit(insert, i, n) for i, n in enumerate(numbers)]
            while len(connections._together(path)._waiting) < 8:
                threading.Event().wait(0.01)
            assert writers == []
        results = []
        for f in futures:
            try:
                results.append(f.result(timeout=30))
            except sqlite3.IntegrityError:
                results.append("refused")
    assert results.count("refused") == 1  # the second 3: its own request fails …
    assert len(set(writers)) == 1  # … the others were written by one writer, in one go
    with sqlite3.connect(path) as db:
        rows = [n for (n,) in db.execute("SELECT n FROM t ORDER BY n")]
    refused = results.index("refused")
    marks = [1000 + i for i in range(8) if i != refused]  # the refused write's mark undone too
    assert rows == [1, 2, 3, 4, 5, 6, 7, *marks]


def test_fifty_uploads_received_at_once_are_each_recorded_once(tmp_path):
    state = WebState(tmp_path / "web.sqlite3")

    def receive(i):
        return state.receive_upload(
            "2027-01",
            f"第{i:02d}股室",
            "进展情况表.xlsx",
            f"{i}.xlsx",
            f"{i:064x}",
            datetime.now(),
            "",
        )

    with ThreadPoolExecutor(16) as pool:
        uploads = list(pool.map(receive, range(50)))
    assert len({u.id for u in uploads}) == 50
    assert all(u.office == f"第{i:02d}股室" for i, u in enumerate(uploads))  # each its own row
    assert all(state.waiting("2027-01", f"第{i:02d}股室") == 1 for i in range(50))


def test_a_batch_whose_commit_fails_fails_every_write_in_it_and_keeps_none(tmp_path):
    """A commit refused (here a deferred foreign key, as a full disk would refuse it) leaves
    nothing of the batch written, and each write's own request is told."""
    path = tmp_path / "state.sqlite3"
    with transaction(path) as db:
        db.execute("CREATE TABLE parent (id INTEGER PRIMARY KEY)")
        db.execute(
            "CREATE TABLE child "
            "(parent INTEGER REFERENCES parent(id) DEFERRABLE INITIALLY DEFERRED)"
        )
        db.execute("CREATE TABLE other (n INTEGER)")

    def checked_keys():  # each pool thread's own connection checks foreign keys
        connections._connection(path).execute("PRAGMA foreign_keys=ON")

    writes = [
        lambda db: db.execute("INSERT INTO other VALUES (1)"),
        lambda db: db.execute("INSERT INTO child VALUES (42)"),  # no parent 42: refused at commit
        lambda db: db.execute("INSERT INTO other VALUES (2)"),
    ]
    with ThreadPoolExecutor(3, initializer=checked_keys) as pool:
        list(pool.map(lambda _: checked_keys(), range(3)))
        with connections._turn(path):
            futures = [pool.submit(write_together, path, w) for w in writes]
            while len(connections._together(path)._waiting) < 3:
                threading.Event().wait(0.01)
        for f in futures:
            with pytest.raises(sqlite3.IntegrityError):
                f.result(timeout=30)
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT count(*) FROM other").fetchone() == (0,)
        assert db.execute("SELECT count(*) FROM child").fetchone() == (0,)
