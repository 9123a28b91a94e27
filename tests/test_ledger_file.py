"""The ledger file: never started over silently, checked on opening, backed up, restored.

Each test works on a real SQLite ledger written by the real cycle (the demo), through the command
line, as an operator would meet the problem.
"""

import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from reporting.backup import back_up, backups
from reporting.ledger import Ledger

from .conftest import ROOT, write_config
from .inprocess import run as yuebao

RUN_JULY = ("run", "--month", "2022-07", "--as-of", "2022-07-25")


def returns_in(db: Path) -> int:
    con = sqlite3.connect(db)
    try:
        return con.execute("SELECT COUNT(*) FROM returns").fetchone()[0]
    finally:
        con.close()


def one_clear_line(result, *words):
    """Exit 2 and one line for the clerk, saying what to do; never a traceback."""
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def damage_a_page(db: Path, page_size: int = 4096) -> None:
    data = bytearray(db.read_bytes())
    assert len(data) > 4 * page_size
    data[2 * page_size : 3 * page_size] = b"\x5a" * page_size  # an interior page, the header intact
    db.write_bytes(bytes(data))


def test_an_emptied_ledger_stops_the_run_and_is_restored_from_its_backup(demo_copy):
    config, db = str(demo_copy / "config.yaml"), demo_copy / "台账.sqlite3"
    assert yuebao(*RUN_JULY, "--config", config).returncode == 0  # backs up the ledger first
    before = returns_in(db)
    assert before == 22

    db.write_bytes(b"")  # truncated to 0 bytes (a full disk, a bad copy, a sync tool)
    line = one_clear_line(yuebao(*RUN_JULY, "--config", config), "空", "yuebao ledger restore")
    assert "权限" not in line and "可写" not in line
    assert db.stat().st_size == 0, "an empty ledger must never be started over"
    one_clear_line(yuebao("ledger", "check", "--config", config), "yuebao ledger restore")

    restored = yuebao("ledger", "restore", "--config", config)
    assert restored.returncode == 0, restored.stderr
    kept = [p for p in demo_copy.iterdir() if p.name.startswith("台账.sqlite3.replaced-")]
    # the emptied file is kept aside, never deleted, and the command says where
    assert len(kept) == 1 and kept[0].stat().st_size == 0 and str(kept[0]) in restored.stdout
    assert returns_in(db) == before

    check = yuebao("ledger", "check", "--config", config)
    assert check.returncode == 0, check.stderr
    assert "收到的报表 22" in check.stdout and "完好" in check.stdout and "台账-" in check.stdout
    again = yuebao(*RUN_JULY, "--config", config)
    assert again.returncode == 0, again.stderr
    assert "新收到 0 个文件" in again.stdout and returns_in(db) == before


@pytest.mark.parametrize(
    "command",
    [
        RUN_JULY,
        ("remind", "--month", "2022-07", "--as-of", "2022-07-15", "--dry-run"),
        ("schedule", "--once", "--as-of", "2022-07-21"),
    ],
)
def test_a_damaged_page_gives_one_clear_line(demo_copy, command):
    config, db = str(demo_copy / "config.yaml"), demo_copy / "台账.sqlite3"
    damage_a_page(db)
    damaged = db.read_bytes()
    line = one_clear_line(yuebao(*command, "--config", config), "损坏", "yuebao ledger restore")
    assert "权限" not in line and "可写" not in line
    assert db.read_bytes() == damaged  # left as it was, for whoever investigates


def test_a_damaged_ledger_is_never_backed_up_so_restore_finds_a_good_copy(demo_copy):
    config, db = str(demo_copy / "config.yaml"), demo_copy / "台账.sqlite3"
    assert yuebao(*RUN_JULY, "--config", config).returncode == 0
    folder = demo_copy / "台账.sqlite3.backup"
    good = sorted(folder.iterdir())
    damage_a_page(db)
    for _ in range(3):
        assert yuebao(*RUN_JULY, "--config", config).returncode == 2
    assert sorted(folder.iterdir()) == good
    check = yuebao("ledger", "check", "--config", config)
    one_clear_line(check, "损坏")
    assert yuebao("ledger", "restore", "--config", config).returncode == 0
    assert yuebao("ledger", "check", "--config", config).returncode == 0


def test_another_database_is_not_taken_for_the_ledger(tmp_path):
    other = tmp_path / "other.sqlite3"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE accounts (name TEXT)")
    con.commit()
    con.close()
    content = other.read_bytes()
    config = str(write_config(tmp_path, ledger="other.sqlite3"))
    one_clear_line(yuebao("collect", "--config", config, "--month", "2022-06"), "不是yuebao的台账")
    assert other.read_bytes() == content


def test_a_missing_ledger_with_backups_is_not_started_over(demo_copy):
    config, db = str(demo_copy / "config.yaml"), demo_copy / "台账.sqlite3"
    assert yuebao(*RUN_JULY, "--config", config).returncode == 0
    db.rename(demo_copy / "moved-away.sqlite3")
    one_clear_line(yuebao(*RUN_JULY, "--config", config), "备份", "yuebao ledger restore")
    assert not db.exists()


@pytest.mark.slow
def test_two_changes_in_one_second_keep_a_backup_each(tmp_path):
    """A backup's name carries its time to the millisecond: the second change's backup never
    replaces the first's (it did when names stopped at the second)."""
    ledger = tmp_path / "ledger.sqlite3"
    with Ledger(ledger) as db, db.transaction() as con:
        con.execute("INSERT INTO extensions VALUES ('T1|1', '2022-08-31', '', '', '2022-07-01')")
    first = back_up(ledger, keep=5)
    with Ledger(ledger) as db, db.transaction() as con:
        con.execute("INSERT INTO extensions VALUES ('T2|1', '2022-09-30', '', '', '2022-07-01')")
    second = back_up(ledger, keep=5)
    assert first and second and first != second
    assert sorted(backups(ledger)) == [first, second]  # oldest first, each still there
    with sqlite3.connect(first) as a, sqlite3.connect(second) as b:
        assert a.execute("SELECT count(*) FROM extensions").fetchone()[0] == 1
        assert b.execute("SELECT count(*) FROM extensions").fetchone()[0] == 2


def test_backups_are_taken_before_changes_rotated_and_not_repeated(tmp_path):
    # in this process, one after another within the same second or two: each change its backup
    config = str(write_config(tmp_path, ledger_backups=2))
    folder = tmp_path / "ledger.sqlite3.backup"
    months = ["2022-06", "2022-07", "2022-08", "2022-09"]
    assert yuebao("collect", "--config", config, "--month", months[0]).returncode == 0
    assert not folder.exists()  # a new ledger: nothing to back up yet
    for month in months[1:]:
        assert yuebao("collect", "--config", config, "--month", month).returncode == 0
    # nothing changed: collecting an empty inbox again and again adds no backup
    names = sorted(p.name for p in folder.iterdir())
    assert len(names) == 1
    assert (
        yuebao(
            "merge", "--config", config, "--month", "2022-06", "--as-of", "2022-06-25"
        ).returncode
        == 0
    )
    assert (
        yuebao(
            "merge", "--config", config, "--month", "2022-06", "--as-of", "2022-06-26"
        ).returncode
        == 0
    )
    assert (
        yuebao(
            "merge", "--config", config, "--month", "2022-06", "--as-of", "2022-06-27"
        ).returncode
        == 0
    )
    kept = sorted(folder.iterdir())
    assert len(kept) == 2  # ledger_backups: the newest two
    for backup in kept:
        con = sqlite3.connect(backup)
        assert con.execute("PRAGMA quick_check").fetchone()[0] == "ok"
        con.close()

    schedule_day = yuebao("schedule", "--once", "--as-of", "2022-07-21", "--config", config)
    assert schedule_day.returncode == 0, schedule_day.stderr
    newest = sorted(folder.iterdir())[-1]
    merged = sqlite3.connect(newest).execute("SELECT as_of FROM merges").fetchall()
    assert merged == [("2022-06-27",)]  # the state before the day's work


def _as_unprivileged(cmd, cwd):
    """Run as `nobody` when the tests run as root (root writes through any read-only bit)."""
    if os.geteuid() == 0:
        if not shutil.which("setpriv"):
            pytest.skip("running as root without setpriv (util-linux) to drop privileges")
        cmd = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", *cmd]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True)


@pytest.mark.parametrize("read_only", ["file", "folder"])
def test_a_read_only_ledger_or_ledger_folder_gives_one_line(read_only):
    base = Path(tempfile.mkdtemp(prefix="yuebao-ro-"))
    try:
        base.chmod(0o777)
        (base / "db").mkdir()
        config = write_config(base, ledger="db/ledger.sqlite3")
        assert yuebao("collect", "--config", str(config), "--month", "2022-06").returncode == 0
        db = base / "db" / "ledger.sqlite3"
        for path in [base, *base.rglob("*")]:
            if os.geteuid() == 0:
                os.chown(path, 65534, 65534)
        target = db if read_only == "file" else db.parent
        if os.geteuid() == 0:
            os.chown(target, 0, 0)
        target.chmod(0o444 if read_only == "file" else 0o555)
        content = db.read_bytes()
        try:  # the checkout may sit in a folder only root may read
            probe = _as_unprivileged([sys.executable, "-c", "import reporting.cli"], cwd=ROOT)
        except OSError as exc:
            pytest.skip(f"cannot run yuebao as an unprivileged user here: {exc}")
        if probe.returncode != 0:
            pytest.skip(f"cannot run yuebao as an unprivileged user here: {probe.stderr[-200:]}")
        run = ["run", "--config", str(config), "--month", "2022-06", "--as-of", "2022-06-25"]
        result = _as_unprivileged([sys.executable, "-m", "reporting.cli", *run], cwd=ROOT)
        line = one_clear_line(result)
        assert "只读" in line or "可写" in line, line
        assert db.read_bytes() == content
    finally:
        subprocess.run(["chmod", "-R", "u+rwx", str(base)])
        subprocess.run(["rm", "-rf", str(base)])


KILLED_MID_WRITE = """
import sys, time
from reporting.ledger import Ledger
ledger = Ledger(sys.argv[1])
ledger.db.execute("PRAGMA cache_size=1")  # spill to the file, so a journal is left behind
ledger.db.execute("BEGIN")
for i in range(20000):
    ledger.db.execute("INSERT INTO findings (month, code, severity, message) "
                      "VALUES ('2022-06', 'x', '错误', ?)", ("x" * 200,))
print("writing", flush=True)
time.sleep(60)
"""


def test_a_run_killed_mid_write_leaves_a_sound_ledger(demo_copy):
    config, db = str(demo_copy / "config.yaml"), demo_copy / "台账.sqlite3"
    before = returns_in(db)
    findings = sqlite3.connect(db).execute("SELECT COUNT(*) FROM findings").fetchone()[0]
    writer = subprocess.Popen(
        [sys.executable, "-c", KILLED_MID_WRITE, str(db)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert writer.stdout.readline().strip() == "writing"
    writer.kill()
    writer.wait()
    assert Path(f"{db}-journal").exists()
    check = yuebao(
        "ledger", "check", "--config", config
    )  # the journal is rolled back, as SQLite does
    assert check.returncode == 0, check.stderr
    assert f"校验问题 {findings}，" in check.stdout and returns_in(db) == before


def test_the_running_schedule_checks_the_ledger_before_every_day(demo_copy):
    """`yuebao schedule` runs for months in one process: damage found on day two, not just at
    start."""
    from datetime import date

    from reporting.errors import YuebaoError
    from reporting.jobs.scheduler import run_once

    config, db = demo_copy / "config.yaml", demo_copy / "台账.sqlite3"
    run_once(config, date(2022, 7, 21))
    backups_before = sorted((demo_copy / "台账.sqlite3.backup").iterdir())
    damage_a_page(db)
    with pytest.raises(YuebaoError, match="损坏"):
        run_once(config, date(2022, 7, 22))
    assert sorted((demo_copy / "台账.sqlite3.backup").iterdir()) == backups_before
