"""collect records its returns in groups, one commit per group: a run that dies mid-group loses
nothing and doubles nothing, the next run takes the files the ledger had not yet recorded."""

import hashlib
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from reporting.intake.collect import collect
from reporting.ledger import Ledger

from .conftest import ROOT

MONTH = "2022-06"
FILES = 250
STOP_AT = 150  # the run dies after recording this many: 100 committed, 50 waiting
RECEIVED = 1_655_370_000  # 16 June 2022


def inbox_of(tmp_path: Path) -> Path:
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for i in range(FILES):
        f = inbox / f"进展情况表_第{i:03d}股室.xlsx"
        f.write_bytes(f"return {i}".encode() * 50)
        os.utime(f, (RECEIVED + i, RECEIVED + i))
    return inbox


def recorded(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as con:
        return con.execute("SELECT file_name, sha256, archived_path FROM returns").fetchall()


def assert_all_once(tmp_path: Path, inbox: Path) -> None:
    rows = recorded(tmp_path / "ledger.sqlite3")
    originals = {p.name: p.read_bytes() for p in inbox.iterdir()}
    assert sorted(name for name, _, _ in rows) == sorted(originals)  # each once
    for name, sha, archived in rows:
        assert hashlib.sha256(Path(archived).read_bytes()).hexdigest() == sha
        assert hashlib.sha256(originals[name]).hexdigest() == sha
    assert len(list((tmp_path / "archive").iterdir())) == FILES  # no copy twice, none left over
    assert all(p.stat().st_mtime == RECEIVED + int(p.name[7:10]) for p in inbox.iterdir())


KILLED = """
import os, signal, sys
from pathlib import Path
from reporting import ledger as ledgers
from reporting.intake.collect import collect
ledgers.base.GROUP_SECONDS = 3600  # groups by count only: the kill lands mid-group
def die(i, n, name):
    if i == int(sys.argv[2]):
        os.kill(os.getpid(), signal.SIGKILL)
tmp = Path(sys.argv[1])
collect(tmp / "inbox", tmp / "archive", ledgers.Ledger(tmp / "ledger.sqlite3"), "2022-06", die)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGKILL")
def test_a_collect_killed_mid_group_is_completed_by_the_next_run(tmp_path):
    inbox = inbox_of(tmp_path)
    killed = subprocess.run(
        [sys.executable, "-c", KILLED, str(tmp_path), str(STOP_AT)], cwd=ROOT, capture_output=True
    )
    assert killed.returncode == -9, killed.stderr
    assert len(recorded(tmp_path / "ledger.sqlite3")) == 100  # the group being written is gone
    assert len(list((tmp_path / "archive").iterdir())) == STOP_AT  # its copies are not

    with Ledger(tmp_path / "ledger.sqlite3") as ledger:
        again = collect(inbox, tmp_path / "archive", ledger, MONTH)
    assert again.already == 100 and len(again.new) == FILES - 100
    assert_all_once(tmp_path, inbox)


def test_a_collect_stopped_by_an_error_mid_group_is_completed_by_the_next_run(
    tmp_path, monkeypatch
):
    monkeypatch.setattr("reporting.ledger.base.GROUP_SECONDS", 3600)
    inbox = inbox_of(tmp_path)

    def fail(i, n, name):
        if i == STOP_AT:
            raise RuntimeError("stopped")

    with Ledger(tmp_path / "ledger.sqlite3") as ledger, pytest.raises(RuntimeError):
        collect(inbox, tmp_path / "archive", ledger, MONTH, fail)
    assert len(recorded(tmp_path / "ledger.sqlite3")) == 100

    with Ledger(tmp_path / "ledger.sqlite3") as ledger:
        again = collect(inbox, tmp_path / "archive", ledger, MONTH)
        assert collect(inbox, tmp_path / "archive", ledger, MONTH).already == FILES
    assert again.already == 100 and len(again.new) == FILES - 100
    assert_all_once(tmp_path, inbox)


def test_a_file_saved_twice_in_one_group_is_recorded_once(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in ("进展情况表_人事股.xlsx", "进展情况表_人事股(1).xlsx"):
        (inbox / name).write_bytes(b"the same return")
    with Ledger(tmp_path / "ledger.sqlite3") as ledger:
        result = collect(inbox, tmp_path / "archive", ledger, MONTH)
    assert len(result.new) == 1 and result.already == 1
    assert len(recorded(tmp_path / "ledger.sqlite3")) == 1
