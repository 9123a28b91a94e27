"""Fifty offices uploading at the same moment on loopback: every upload is answered, collected
once and checked; the ledger holds each return once and passes its own check.  (How fast is
measured by bench/bench_web.py, not here.)"""

from __future__ import annotations

import sqlite3
import threading
from pathlib import Path

from reporting.web.store import WebState

from .conftest import yuebao
from .webserver import Browser, links, serving, synthetic, upload

OFFICES = 50


def test_fifty_offices_uploading_at_once_lose_nothing(tmp_path):
    config, month, c, returns = synthetic(tmp_path, OFFICES)
    tokens = links(tmp_path)
    outcomes: dict[str, int] = {}
    with serving(config, month) as base:
        start = threading.Barrier(OFFICES)

        def office(name: str) -> None:
            start.wait()
            outcomes[name] = upload(base, tokens[name], returns[name])[0]

        threads = [threading.Thread(target=office, args=(name,)) for name in returns]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        clerk = Browser(base)
        clerk.post(
            "/login", {"csrf_token": clerk.csrf("/login"), "password": "correct horse battery"}
        )
        _, _, page = clerk.get("/clerk")

    assert outcomes == {name: 303 for name in returns}
    state = WebState(tmp_path / "web.sqlite3")
    for name in returns:
        (mine,) = state.uploads(month, name)
        assert mine.passed, (name, [f.message for f in mine.findings])
    with sqlite3.connect(tmp_path / "ledger.sqlite3") as db:
        rows = db.execute("SELECT file_name, sha256, archived_path FROM returns").fetchall()
    assert len(rows) == OFFICES and len({sha for _, sha, _ in rows}) == OFFICES
    archive = c.config.folder("archive", month)
    assert sorted(p.name for p in archive.iterdir()) == sorted(
        Path(path).name for _, _, path in rows
    )
    assert page.count("按时报送</td>") == OFFICES  # the clerk sees every office returned
    check = yuebao("ledger", "check", "--config", str(config))
    assert check.returncode == 0, check.stdout + check.stderr
