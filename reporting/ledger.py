"""The ledger: a SQLite file recording every return received and every finding, month by month.

It is the memory of the cycle: re-running collect is idempotent because a file already recorded
(same month, same SHA-256) is not recorded twice, and a newer return from an office supersedes
the older one without deleting it.
"""
from __future__ import annotations

import os
import socket
import sqlite3
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path

from .errors import YuebaoError
from .models import Finding, Return

SCHEMA = """
CREATE TABLE IF NOT EXISTS returns (
    id INTEGER PRIMARY KEY,
    month TEXT NOT NULL,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    received_at TEXT NOT NULL,
    archived_path TEXT NOT NULL,
    office TEXT NOT NULL DEFAULT '',
    accepted INTEGER,                 -- NULL until validated
    superseded_by TEXT,
    errors INTEGER NOT NULL DEFAULT 0,
    warnings INTEGER NOT NULL DEFAULT 0,
    UNIQUE (month, sha256)
);
CREATE TABLE IF NOT EXISTS findings (
    month TEXT NOT NULL,
    code TEXT NOT NULL,
    severity TEXT NOT NULL,
    office TEXT, file TEXT, sheet TEXT, row INTEGER, cell TEXT, task_key TEXT,
    message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS findings_month ON findings (month);
CREATE TABLE IF NOT EXISTS month_state (      -- the merged state of each month, for 变化 and trends
    month TEXT NOT NULL,
    item TEXT NOT NULL,                       -- milestone key, or task key for a task without milestones
    task_key TEXT NOT NULL,
    office TEXT NOT NULL,
    status TEXT NOT NULL,
    completed_on TEXT,
    light TEXT NOT NULL,
    progress TEXT NOT NULL,
    problems TEXT NOT NULL,
    PRIMARY KEY (month, item)
);
CREATE TABLE IF NOT EXISTS notices (        -- every reminder and mailing, so none is sent twice
    action TEXT NOT NULL,
    month TEXT NOT NULL,
    office TEXT NOT NULL,                     -- '' for the chiefs
    day TEXT NOT NULL,
    recipients TEXT NOT NULL,
    subject TEXT NOT NULL,
    status TEXT NOT NULL,                     -- sending | sent | failed | no_address | written
    owner TEXT NOT NULL,                      -- host:pid of the process sending it
    tries INTEGER NOT NULL DEFAULT 0,
    detail TEXT NOT NULL DEFAULT '',
    updated_at TEXT NOT NULL,
    PRIMARY KEY (action, month, office, day)
);
CREATE TABLE IF NOT EXISTS extensions (     -- approved 延期: the milestone counts as due on new_due
    milestone_key TEXT PRIMARY KEY,
    original_due TEXT NOT NULL,
    new_due TEXT NOT NULL,
    reason TEXT NOT NULL,
    approved_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS escalations (    -- 督办 to a supervising leader, once per month, office and reason
    month TEXT NOT NULL,
    office TEXT NOT NULL,
    reason TEXT NOT NULL,
    day TEXT NOT NULL,
    detail TEXT NOT NULL,
    UNIQUE (month, office, reason)
);
CREATE TABLE IF NOT EXISTS schedule_days (day TEXT PRIMARY KEY, done_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS merges (
    month TEXT PRIMARY KEY,
    as_of TEXT NOT NULL,
    generated_at TEXT NOT NULL,
    summary_path TEXT NOT NULL
);
"""


class Ledger:
    def __init__(self, path: Path):
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path)
            self.db.executescript(SCHEMA)
        except (OSError, sqlite3.Error) as exc:
            raise YuebaoError(f"无法打开台账数据库：{self.path}（请检查文件夹是否可写）",
                              f"cannot open ledger {self.path}: {exc}") from exc
        self.db.row_factory = sqlite3.Row

    def close(self) -> None:
        self.db.close()

    @contextmanager
    def transaction(self):
        """All or nothing: a crash mid-write leaves the ledger as it was."""
        with self.db:
            yield self.db

    def known(self, month: str, sha256: str) -> bool:
        """Recorded and archived (a file recorded without its archive copy is tried again)."""
        return self.db.execute("SELECT 1 FROM returns WHERE month=? AND sha256=? "
                               "AND archived_path<>''", (month, sha256)).fetchone() is not None

    def add_return(self, month: str, ret: Return, size: int) -> None:
        """Record a file received; without `archived_path` it is recorded as not archived."""
        archived = str(ret.archived_path) if ret.archived_path else ""
        with self.transaction() as db:
            db.execute("INSERT INTO returns (month, file_name, sha256, size, received_at, "
                       "archived_path) VALUES (?,?,?,?,?,?) ON CONFLICT (month, sha256) DO UPDATE "
                       "SET archived_path=excluded.archived_path WHERE returns.archived_path=''",
                       (month, ret.file_name, ret.sha256, size,
                        ret.received_at.isoformat(timespec="seconds"), archived))
            if archived:   # the stand-in of a file that could not even be read before
                db.execute("DELETE FROM returns WHERE month=? AND sha256=? AND archived_path=''",
                           (month, f"unread:{ret.file_name}"))

    def returns(self, month: str) -> list[Return]:
        rows = self.db.execute("SELECT * FROM returns WHERE month=? ORDER BY received_at, id", (month,)).fetchall()
        return [Return(file_name=r["file_name"], sha256=r["sha256"],
                       received_at=datetime.fromisoformat(r["received_at"]),
                       archived_path=Path(r["archived_path"]) if r["archived_path"] else None,
                       office=r["office"]) for r in rows]

    def record_validation(self, month: str, returns: list[Return], findings: list[Finding]) -> None:
        with self.transaction() as db:
            for ret in returns:
                mine = [f for f in findings if f.file == ret.file_name]
                db.execute("UPDATE returns SET office=?, accepted=?, superseded_by=?, errors=?, warnings=? "
                           "WHERE month=? AND sha256=?",
                           (ret.office, int(ret.accepted), ret.superseded_by,
                            sum(f.severity.value == "错误" for f in mine), sum(f.severity.value == "警告" for f in mine),
                            month, ret.sha256))
            db.execute("DELETE FROM findings WHERE month=?", (month,))
            db.executemany("INSERT INTO findings VALUES (?,?,?,?,?,?,?,?,?,?)",
                           [(month, f.code, f.severity.value, f.office, f.file, f.sheet, f.row, f.cell, f.task_key,
                             f.message) for f in findings])

    def record_state(self, month: str, as_of: str, summary_path: str, items: list[tuple]) -> None:
        """Replace the month's merged state: items are (item, task_key, office, status, completed_on,
        light, progress, problems)."""
        with self.transaction() as db:
            db.execute("DELETE FROM month_state WHERE month=?", (month,))
            db.executemany("INSERT INTO month_state VALUES (?,?,?,?,?,?,?,?,?)", [(month, *i) for i in items])
            db.execute("INSERT OR REPLACE INTO merges VALUES (?,?,?,?)",
                       (month, as_of, datetime.now().isoformat(timespec="seconds"), summary_path))

    def state(self, month: str) -> dict[str, sqlite3.Row]:
        rows = self.db.execute("SELECT * FROM month_state WHERE month=?", (month,)).fetchall()
        return {r["item"]: r for r in rows}

    def overdue_trend(self, year: int) -> dict[str, int]:
        """Overdue milestones per merged month of the year, oldest first."""
        rows = self.db.execute("SELECT month, SUM(light='逾期') FROM month_state WHERE month LIKE ? GROUP BY month "
                               "ORDER BY month", (f"{year:04d}-%",)).fetchall()
        return {m: n for m, n in rows}

    def merged_as_of(self, month: str) -> str | None:
        row = self.db.execute("SELECT as_of FROM merges WHERE month=?", (month,)).fetchone()
        return row[0] if row else None

    # -- notices: claim before sending, finish after, so a crash neither loses nor doubles one --
    def claim_notice(self, key: tuple[str, str, str, str], recipients: str, subject: str) -> bool:
        """True if this process may send the notice now.

        A new notice is claimed by inserting it; one left 'sending' by a process that no longer
        runs (killed mid-send) is taken over; one sent, or being sent by a live process, is not.
        """
        owner = f"{socket.gethostname()}:{os.getpid()}"
        now = datetime.now().isoformat(timespec="seconds")
        with self.transaction() as db:
            inserted = db.execute("INSERT OR IGNORE INTO notices (action, month, office, day, recipients, subject, status,"
                                  " owner, updated_at) VALUES (?,?,?,?,?,?, 'sending', ?, ?)",
                                  (*key, recipients, subject, owner, now)).rowcount
            if inserted:
                return True
            row = db.execute("SELECT status, owner FROM notices WHERE action=? AND month=? AND office=? AND day=?",
                             key).fetchone()
            if row["status"] != "sending" or _alive(row["owner"]):
                return False
            return db.execute("UPDATE notices SET owner=?, updated_at=? WHERE action=? AND month=? AND office=? AND day=?"
                              " AND owner=?", (owner, now, *key, row["owner"])).rowcount == 1

    def finish_notice(self, key: tuple[str, str, str, str], status: str, tries: int, detail: str = "") -> None:
        with self.transaction() as db:
            db.execute("UPDATE notices SET status=?, tries=?, detail=?, updated_at=? WHERE action=? AND month=? AND office=?"
                       " AND day=?", (status, tries, detail, datetime.now().isoformat(timespec="seconds"), *key))

    def notices(self) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM notices ORDER BY day, action, office").fetchall()

    def approve_extension(self, milestone_key: str, original_due: str, new_due: str, reason: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO extensions VALUES (?,?,?,?,?)", (milestone_key, original_due, new_due, reason,
                                                                           datetime.now().isoformat(timespec="seconds")))

    def extensions(self) -> dict[str, sqlite3.Row]:
        return {r["milestone_key"]: r for r in self.db.execute("SELECT * FROM extensions").fetchall()}

    def log_escalation(self, month: str, office: str, reason: str, day: str, detail: str) -> bool:
        """True when this escalation is new (it is then recorded); False when it was made before."""
        with self.transaction() as db:
            return db.execute("INSERT OR IGNORE INTO escalations VALUES (?,?,?,?,?)",
                              (month, office, reason, day, detail)).rowcount == 1

    def escalations(self, month: str | None = None) -> list[sqlite3.Row]:
        sql, args = "SELECT * FROM escalations", ()
        if month:
            sql, args = sql + " WHERE month=?", (month,)
        return self.db.execute(sql + " ORDER BY day, office", args).fetchall()

    def last_schedule_day(self) -> str | None:
        return self.db.execute("SELECT MAX(day) FROM schedule_days").fetchone()[0]

    def schedule_day_done(self, day: str) -> None:
        with self.transaction() as db:
            db.execute("INSERT OR REPLACE INTO schedule_days VALUES (?, ?)", (day, datetime.now().isoformat(timespec="seconds")))

    def count(self, month: str | None = None) -> int:
        if month is None:
            return self.db.execute("SELECT COUNT(*) FROM returns").fetchone()[0]
        return self.db.execute("SELECT COUNT(*) FROM returns WHERE month=?", (month,)).fetchone()[0]


def _alive(owner: str) -> bool:
    """Is the process that claimed a notice still running (on this machine)?"""
    host, _, pid = owner.rpartition(":")
    if host != socket.gethostname():
        return True  # another machine's process: assume it is at work
    try:
        os.kill(int(pid), 0)
    except (ProcessLookupError, ValueError):
        return False
    except PermissionError:
        return True
    return True
