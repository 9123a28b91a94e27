"""The ledger: a SQLite file recording every return received and every finding, month by month.

It is the memory of the cycle: re-running collect is idempotent because a file already recorded
(same month, same SHA-256) is not recorded twice, and a newer return from an office supersedes
the older one without deleting it.

It is never created over an existing file: a file that is empty, damaged or not a yuebao ledger
stops the command with what to do (`yuebao ledger restore`, see backup.py), instead of starting over
with an empty ledger and forgetting every return, extension and notice.
"""

from __future__ import annotations

import hashlib
import os
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from types import TracebackType

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
    last_received_at TEXT,            -- the same file sent again: the latest time (NULL: once)
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
    item TEXT NOT NULL,                       -- milestone key (task key: task without milestones)
    task_key TEXT NOT NULL,
    office TEXT NOT NULL,
    status TEXT NOT NULL,
    completed_on TEXT,
    light TEXT NOT NULL,
    progress TEXT NOT NULL,
    problems TEXT NOT NULL,
    PRIMARY KEY (month, item)
);
CREATE TABLE IF NOT EXISTS notices (        -- every message, planned to sent: none lost, none twice
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,                 -- action|month|office|day (督办: …|office|reason)
    action TEXT NOT NULL,
    month TEXT NOT NULL,
    office TEXT NOT NULL,                     -- '' for the chiefs
    reason TEXT NOT NULL DEFAULT '',          -- 督办: missing | overdue
    day TEXT NOT NULL,                        -- the plan day it belongs to
    recipients TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    attachments TEXT NOT NULL DEFAULT '[]',   -- JSON list of paths
    status TEXT NOT NULL,                     -- see NOTICE_STATES
    owner TEXT NOT NULL DEFAULT '',           -- the lease holder while 'sending'
    lease_until TEXT,
    tries INTEGER NOT NULL DEFAULT 0,         -- SMTP tries made, over every run
    detail TEXT NOT NULL DEFAULT '',          -- the last error, or why it was dropped
    next_try TEXT,                            -- failed: not before this time (or a later plan day)
    last_day TEXT,                            -- the plan day of the last attempt
    sent_at TEXT,
    updated_at TEXT NOT NULL,
    channels TEXT NOT NULL DEFAULT ''         -- the channels it went out by so far: mail, chat
);
CREATE TABLE IF NOT EXISTS extensions (     -- approved 延期: the milestone counts as due on new_due
    milestone_key TEXT PRIMARY KEY,
    original_due TEXT NOT NULL,
    new_due TEXT NOT NULL,
    reason TEXT NOT NULL,
    approved_at TEXT NOT NULL
);
-- 督办 to a supervising leader, once per month, office and reason
CREATE TABLE IF NOT EXISTS escalations (
    month TEXT NOT NULL,
    office TEXT NOT NULL,
    reason TEXT NOT NULL,
    day TEXT NOT NULL,
    detail TEXT NOT NULL,
    UNIQUE (month, office, reason)
);
CREATE TABLE IF NOT EXISTS schedule_days (day TEXT PRIMARY KEY, done_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS mails (          -- each mail `yuebao fetch` handled: never taken twice
    folder TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL,             -- with uid: the mail's identity on the IMAP server
    uid INTEGER NOT NULL,
    message_id TEXT NOT NULL DEFAULT '',
    sender TEXT NOT NULL,
    office TEXT NOT NULL DEFAULT '',          -- the office whose address sent it ('' if none)
    subject TEXT NOT NULL,
    received_at TEXT NOT NULL,                -- the server's INTERNALDATE
    month TEXT NOT NULL DEFAULT '',
    files TEXT NOT NULL DEFAULT '[]',         -- JSON: [inbox file, sha256] taken from it
    auto INTEGER NOT NULL DEFAULT 0,          -- an auto-reply or bounce: never answered
    detail TEXT NOT NULL DEFAULT '',          -- what could not be taken, and why
    fetched_at TEXT NOT NULL,
    PRIMARY KEY (folder, uidvalidity, uid)
);
CREATE TABLE IF NOT EXISTS merges (
    month TEXT PRIMARY KEY,
    as_of TEXT NOT NULL,
    generated_at TEXT NOT NULL,
    summary_path TEXT NOT NULL
);
-- the task list each month's forms were filled from: the list that month is judged by
CREATE TABLE IF NOT EXISTS month_lists (
    month TEXT PRIMARY KEY,
    file_name TEXT NOT NULL,                  -- the configured list's file name when filled
    sha256 TEXT NOT NULL,
    year INTEGER NOT NULL,                    -- the year its dates were read in
    filled_at TEXT NOT NULL,
    content BLOB NOT NULL                     -- the list file's bytes, as they were
);
"""


APPLICATION_ID = 0x59554542  # "YUEB" in the SQLite header: this file is a yuebao ledger
SCHEMA_VERSION = 2  # 2: notices with states (planned, sending, sent, failed, …)
BUSY_SECONDS = 30  # another process writing (another month): wait this long for it
RESTORE_HINT = "请运行 yuebao ledger restore 从备份恢复（原文件会保留在旁边，不会删除）"
NEWER = "台账由更新版本的yuebao写入"
_verified: set[Path] = set()  # checked once per process: quick_check reads every page


GROUP_SIZE = 100  # transactions committed together by Ledger.grouped() …
GROUP_SECONDS = 1.0  # … or after this long, so a crash loses at most about a second's work


@dataclass
class _Group:
    """The transactions of a Ledger.grouped() block since its last commit."""

    joined: int = 0
    since: float = field(default_factory=time.monotonic)

    def due(self) -> bool:
        return self.joined >= GROUP_SIZE or time.monotonic() - self.since >= GROUP_SECONDS


class Ledger:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.db = open_ledger(self.path)
        self._group: _Group | None = None
        self._upgrade_notices()
        self._upgrade_returns()
        self.db.row_factory = sqlite3.Row

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Ledger":  # `with Ledger(path) as ledger:` closes it however it ends
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """All or nothing: a crash mid-write leaves the ledger as it was.  Inside grouped(), the
        transaction is committed with the others of its group."""
        try:
            if self._group is None:
                with self.db:
                    yield self.db
                return
            try:
                yield self.db
            except BaseException:
                self.db.rollback()  # the group's earlier transactions too: see grouped()
                raise
            self._group.joined += 1
            if self._group.due():
                self.db.commit()
                self._group = _Group()
        except (sqlite3.IntegrityError, sqlite3.ProgrammingError):
            raise  # a mistake in the program, not in the file
        except sqlite3.DatabaseError as exc:
            raise ledger_error(self.path, exc) from exc

    @contextmanager
    def grouped(self) -> Iterator[None]:
        """Transactions inside are committed together, GROUP_SIZE at a time or after
        GROUP_SECONDS, and at the end.  A commit is what makes a write safe on disk (fsync, a few
        times); for a province's 3,000 returns one each cost more than collecting the files.

        Only for writes that are made again when lost: a crash (or an error) loses the
        transactions since the group's last commit, all of them, as if never made.  collect
        qualifies: the inbox original stays, its archive name is fixed by its receipt time and
        hash, so the next run archives and records it again, once."""
        if self._group is not None:  # already in a group: the outer block commits
            yield
            return
        self._group = _Group()
        try:
            yield
        except BaseException:
            self.db.rollback()
            raise
        else:
            try:
                self.db.commit()
            except sqlite3.DatabaseError as exc:
                raise ledger_error(self.path, exc) from exc
        finally:
            self._group = None

    def known(self, month: str, sha256: str) -> bool:
        """Recorded and archived (a file recorded without its archive copy is tried again)."""
        return (
            self.db.execute(
                "SELECT 1 FROM returns WHERE month=? AND sha256=? AND archived_path<>''",
                (month, sha256),
            ).fetchone()
            is not None
        )

    def add_return(self, month: str, ret: Return, size: int) -> None:
        """Record a file received; without `archived_path` it is recorded as not archived."""
        archived = str(ret.archived_path) if ret.archived_path else ""
        with self.transaction() as db:
            db.execute(
                "INSERT INTO returns (month, file_name, sha256, size, received_at, "
                "archived_path) VALUES (?,?,?,?,?,?) ON CONFLICT (month, sha256) DO UPDATE "
                "SET archived_path=excluded.archived_path WHERE returns.archived_path=''",
                (
                    month,
                    ret.file_name,
                    ret.sha256,
                    size,
                    ret.received_at.isoformat(timespec="seconds"),
                    archived,
                ),
            )
            if archived:  # the stand-in of a file that could not even be read before
                db.execute(
                    "DELETE FROM returns WHERE month=? AND sha256=? AND archived_path=''",
                    (month, f"unread:{ret.file_name}"),
                )

    def received_again(self, month: str, sha256: str, when: datetime) -> bool:
        """The same file sent again (another upload, mail or inbox copy, received later than
        any time before): it counts as sent at `when`.  True when this is news."""
        with self.transaction() as db:
            return (
                db.execute(
                    "UPDATE returns SET last_received_at=? WHERE month=? AND sha256=? "
                    "AND COALESCE(last_received_at, received_at)<?",
                    (when.isoformat(timespec="seconds"), month, sha256, when.isoformat()),
                ).rowcount
                == 1
            )

    def returns(self, month: str) -> list[Return]:
        rows = self.db.execute(
            "SELECT * FROM returns WHERE month=? ORDER BY received_at, id", (month,)
        ).fetchall()
        return [
            Return(
                file_name=r["file_name"],
                sha256=r["sha256"],
                received_at=datetime.fromisoformat(r["received_at"]),
                archived_path=Path(r["archived_path"]) if r["archived_path"] else None,
                office=r["office"],
                sent_again_at=(
                    datetime.fromisoformat(r["last_received_at"]) if r["last_received_at"] else None
                ),
            )
            for r in rows
        ]

    def returns_version(self, month: str) -> str:
        """Changes whenever a return of `month` is added, archived or received again: what
        returns() gives, without making objects of 500 rows (the pages ask on every load)."""
        (joined,) = self.db.execute(
            "SELECT group_concat(id || '|' || sha256 || '|' || received_at || '|' || "
            "archived_path || '|' || coalesce(last_received_at, ''), '\n') FROM returns "
            "WHERE month=?",
            (month,),
        ).fetchone()
        return hashlib.sha256((joined or "").encode()).hexdigest()

    def record_validation(self, month: str, returns: list[Return], findings: list[Finding]) -> None:
        with self.transaction() as db:
            for ret in returns:
                mine = [f for f in findings if f.file == ret.file_name]
                db.execute(
                    "UPDATE returns SET office=?, accepted=?, superseded_by=?, errors=?, "
                    "warnings=? "
                    "WHERE month=? AND sha256=?",
                    (
                        ret.office,
                        int(ret.accepted),
                        ret.superseded_by,
                        sum(f.severity.value == "错误" for f in mine),
                        sum(f.severity.value == "警告" for f in mine),
                        month,
                        ret.sha256,
                    ),
                )
            db.execute("DELETE FROM findings WHERE month=?", (month,))
            db.executemany(
                "INSERT INTO findings VALUES (?,?,?,?,?,?,?,?,?,?)",
                [
                    (
                        month,
                        f.code,
                        f.severity.value,
                        f.office,
                        f.file,
                        f.sheet,
                        f.row,
                        f.cell,
                        f.task_key,
                        f.message,
                    )
                    for f in findings
                ],
            )

    def record_state(self, month: str, as_of: str, summary_path: str, items: list[tuple]) -> None:
        """Replace the month's merged state: items are (item, task_key, office, status,
        completed_on,
        light, progress, problems)."""
        with self.transaction() as db:
            db.execute("DELETE FROM month_state WHERE month=?", (month,))
            db.executemany(
                "INSERT INTO month_state VALUES (?,?,?,?,?,?,?,?,?)", [(month, *i) for i in items]
            )
            db.execute(
                "INSERT OR REPLACE INTO merges VALUES (?,?,?,?)",
                (month, as_of, datetime.now().isoformat(timespec="seconds"), summary_path),
            )

    def state(self, month: str) -> dict[str, sqlite3.Row]:
        rows = self.db.execute("SELECT * FROM month_state WHERE month=?", (month,)).fetchall()
        return {r["item"]: r for r in rows}

    def overdue_trend(self, year: int) -> dict[str, int]:
        """Overdue milestones per merged month of the year, oldest first."""
        rows = self.db.execute(
            "SELECT month, SUM(light='逾期') FROM month_state WHERE month LIKE ? GROUP BY month "
            "ORDER BY month",
            (f"{year:04d}-%",),
        ).fetchall()
        return {m: n for m, n in rows}

    def reports_before(self, month: str) -> dict[str, dict[str, tuple]]:
        """What each merged month of the year before `month` recorded of each item:
        {month: {item: (status, completed_on)}} (see summary.words)."""
        rows = self.db.execute(
            "SELECT month, item, status, completed_on FROM month_state WHERE month<? AND month>=?",
            (month, month[:4] + "-01"),
        ).fetchall()
        merged: dict[str, dict[str, tuple]] = {}
        for m, item, status, completed_on in rows:
            merged.setdefault(m, {})[item] = (status, completed_on)
        return merged

    def months_with_later_returns(self, month: str) -> list[str]:
        """Months of the year before `month` with a return their merge may not have counted
        (received on or after the day it was merged as of), or never merged."""
        rows = self.db.execute(
            "SELECT DISTINCT r.month FROM returns r LEFT JOIN merges g ON g.month=r.month "
            "WHERE r.month<? AND r.month>=? "
            "AND (g.as_of IS NULL OR substr(r.received_at, 1, 10)>=g.as_of) ORDER BY r.month",
            (month, month[:4] + "-01"),
        ).fetchall()
        return [r[0] for r in rows]

    def first_year(self) -> int | None:
        """The earliest year of any month the ledger has a return, merge or schedule day of."""
        try:  # read as every command starts: a damaged page says so, in Chinese
            row = self.db.execute(
                "SELECT MIN(y) FROM (SELECT MIN(substr(month, 1, 4)) AS y FROM returns "
                "UNION ALL SELECT MIN(substr(month, 1, 4)) FROM merges "
                "UNION ALL SELECT MIN(substr(day, 1, 4)) FROM schedule_days)"
            ).fetchone()
        except sqlite3.DatabaseError as exc:
            raise ledger_error(self.path, exc) from exc
        return int(row[0]) if row and row[0] and row[0].isdigit() else None

    def merged_as_of(self, month: str) -> str | None:
        row = self.db.execute("SELECT as_of FROM merges WHERE month=?", (month,)).fetchone()
        return row[0] if row else None

    # -- notices: planned -> sending (a lease) -> sent, or failed (tried again later) / dropped --
    def plan_notices(self, notices: list[tuple[str, dict]]) -> list[str]:
        """Record notices to send (key, fields), in one transaction; returns the keys that were new
        (a notice with the same key was planned or sent before)."""
        new = []
        with self.transaction() as db:
            for key, fields in notices:
                cols = ["key", *fields, "status", "updated_at"]
                values = [key, *fields.values(), "planned", _now()]
                if (
                    db.execute(
                        f"INSERT OR IGNORE INTO notices ({', '.join(cols)}) VALUES "
                        f"({', '.join('?' * len(cols))})",
                        values,
                    ).rowcount
                    == 1
                ):
                    new.append(key)
        return new

    def notice(self, key: str) -> sqlite3.Row | None:
        return self.db.execute("SELECT * FROM notices WHERE key=?", (key,)).fetchone()

    def due_notices(self, day: str, now: str) -> list[sqlite3.Row]:
        """Notices of plan days up to `day` still to send: planned; failed and due for another try
        (its time has come, or this is a later plan day); 'sending' (the caller checks its
        lease)."""
        return self.db.execute(
            "SELECT * FROM notices WHERE day<=? AND (status='planned' OR status='sending' OR "
            "(status='failed' AND (next_try<=? OR last_day<?))) ORDER BY day, id",
            (day, now, day),
        ).fetchall()

    def claim_notice(
        self, row: sqlite3.Row, holder: str, lease_until: str, now: str, taken_over: bool
    ) -> bool:
        """Take the notice for sending, atomically, only if it is still as `row` read it (a second
        instance that got there first wins); a notice being sent only when its lease has expired or
        its holder is known to have stopped (`taken_over`)."""
        sql = (
            "UPDATE notices SET status='sending', owner=?, lease_until=?, updated_at=? "
            "WHERE id=? AND status=? AND owner=? AND updated_at=?"
        )
        args = [holder, lease_until, now, row["id"], row["status"], row["owner"], row["updated_at"]]
        if row["status"] == "sending" and not taken_over:
            sql, args = sql + " AND lease_until<?", args + [now]
        with self.transaction() as db:
            return db.execute(sql, args).rowcount == 1

    def finish_notice(
        self,
        notice_id: int,
        status: str,
        holder: str,
        tries: int = 0,
        detail: str = "",
        next_try: str | None = None,
        day: str | None = None,
    ) -> bool:
        """Record the outcome (only while this process still holds the notice)."""
        now = _now()
        with self.transaction() as db:
            return (
                db.execute(
                    "UPDATE notices SET status=?, tries=tries+?, detail=?, next_try=?, "
                    "last_day=COALESCE(?, last_day), "
                    "sent_at=CASE WHEN ?='sent' THEN ? ELSE sent_at END, "
                    "owner='', lease_until=NULL, updated_at=? "
                    "WHERE id=? AND status='sending' AND owner=?",
                    (status, tries, detail, next_try, day, status, now, now, notice_id, holder),
                ).rowcount
                == 1
            )

    def drop_notice(self, row: sqlite3.Row, why: str) -> bool:
        """No longer worth sending (no longer true, or a newer one replaces it); the reason is
        kept."""
        with self.transaction() as db:
            return (
                db.execute(
                    "UPDATE notices SET status='dropped', detail=?, updated_at=? "
                    "WHERE id=? AND status=? AND updated_at=?",
                    (why, _now(), row["id"], row["status"], row["updated_at"]),
                ).rowcount
                == 1
            )

    def newer_notice(self, row: sqlite3.Row, same_month: bool) -> bool:
        """Is there a later notice of the same kind to the same office (which replaces this one)?"""
        sql = "SELECT 1 FROM notices WHERE action=? AND office=? AND day>? AND status!='dropped'"
        args = [row["action"], row["office"], row["day"]]
        if same_month:
            sql, args = sql + " AND month=?", args + [row["month"]]
        return self.db.execute(sql, args).fetchone() is not None

    def notices(self) -> list[sqlite3.Row]:
        return self.db.execute("SELECT * FROM notices ORDER BY day, action, office").fetchall()

    def channel_done(self, notice_id: int, channel: str) -> None:
        """A channel (mail, chat) carried the notice: a retry of the other never repeats it."""
        with self.transaction() as db:
            db.execute(
                "UPDATE notices SET channels=channels||? WHERE id=? AND instr(channels, ?)=0",
                (f"{channel},", notice_id, channel),
            )

    # -- mails fetched from the bureau's mailbox, and the replies to them --
    def mail_known(self, folder: str, uidvalidity: int, uid: int) -> bool:
        return (
            self.db.execute(
                "SELECT 1 FROM mails WHERE folder=? AND uidvalidity=? AND uid=?",
                (folder, uidvalidity, uid),
            ).fetchone()
            is not None
        )

    def known_uids(self, folder: str, uidvalidity: int) -> set[int]:
        rows = self.db.execute(
            "SELECT uid FROM mails WHERE folder=? AND uidvalidity=?", (folder, uidvalidity)
        )
        return {r[0] for r in rows}

    def record_mail(self, **fields: object) -> None:
        cols = [*fields, "fetched_at"]
        with self.transaction() as db:
            db.execute(
                f"INSERT OR IGNORE INTO mails ({', '.join(cols)}) VALUES "
                f"({', '.join('?' * len(cols))})",
                [*fields.values(), _now()],
            )

    def mails(self, month: str | None = None) -> list[sqlite3.Row]:
        sql = "SELECT * FROM mails"
        args: tuple[str, ...] = ()
        if month is not None:
            sql, args = sql + " WHERE month=?", (month,)
        return self.db.execute(sql + " ORDER BY received_at, uid", args).fetchall()

    def _upgrade_returns(self) -> None:
        """Ledgers written before a file sent again counted as sent again: add its column."""
        columns = {r[1] for r in self.db.execute("PRAGMA table_info(returns)")}
        if "last_received_at" not in columns:
            with self.transaction() as db:
                db.execute("ALTER TABLE returns ADD COLUMN last_received_at TEXT")

    def _upgrade_notices(self) -> None:
        """Ledgers written before notices had states: keep their history, resend nothing unknown;
        before notices went to chat groups too: add the column of the channels used."""
        columns = {r[1] for r in self.db.execute("PRAGMA table_info(notices)")}
        if "key" in columns:
            if "channels" not in columns:
                with self.transaction() as db:
                    db.execute("ALTER TABLE notices ADD COLUMN channels TEXT NOT NULL DEFAULT ''")
            return
        with self.transaction() as db:
            db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")  # an older yuebao now refuses it
            db.execute("ALTER TABLE notices RENAME TO notices_v1")
            db.execute(SCHEMA[SCHEMA.index("CREATE TABLE IF NOT EXISTS notices") :].split(";")[0])
            done = "status IN ('sent', 'written', 'no_address')"
            db.execute(
                "INSERT INTO notices (key, action, month, office, day, recipients, subject, status,"
                " tries, detail, updated_at) SELECT action||'|'||month||'|'||office||'|'||day,"
                f" action, month, office, day, recipients, subject, CASE WHEN {done} THEN status"
                f" ELSE 'dropped' END, tries, CASE WHEN {done} THEN detail"
                " ELSE '旧版台账中未发出的通知，无正文，未重发' END, updated_at FROM notices_v1"
            )
            db.execute("DROP TABLE notices_v1")

    def approve_extension(
        self,
        milestone_key: str,
        original_due: str,
        new_due: str,
        reason: str,
        on: date | None = None,
    ) -> None:
        """`on`: the day approved (the command's as-of day; default today), at the time
        recorded."""
        now = datetime.now()
        approved_at = datetime.combine(on or now.date(), now.time())
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO extensions VALUES (?,?,?,?,?)",
                (
                    milestone_key,
                    original_due,
                    new_due,
                    reason,
                    approved_at.isoformat(timespec="seconds"),
                ),
            )

    def extensions(self) -> dict[str, sqlite3.Row]:
        return {
            r["milestone_key"]: r for r in self.db.execute("SELECT * FROM extensions").fetchall()
        }

    def log_escalation(self, month: str, office: str, reason: str, day: str, detail: str) -> bool:
        """True when this escalation is new (it is then recorded); False when it was made before."""
        with self.transaction() as db:
            return (
                db.execute(
                    "INSERT OR IGNORE INTO escalations VALUES (?,?,?,?,?)",
                    (month, office, reason, day, detail),
                ).rowcount
                == 1
            )

    def escalations(self, month: str | None = None) -> list[sqlite3.Row]:
        sql = "SELECT * FROM escalations"
        args: tuple[str, ...] = ()
        if month:
            sql, args = sql + " WHERE month=?", (month,)
        return self.db.execute(sql + " ORDER BY day, office", args).fetchall()

    def last_schedule_day(self) -> str | None:
        return self.db.execute("SELECT MAX(day) FROM schedule_days").fetchone()[0]

    def first_schedule_day(self) -> str | None:
        return self.db.execute("SELECT MIN(day) FROM schedule_days").fetchone()[0]

    def schedule_days(self) -> set[str]:
        return {r[0] for r in self.db.execute("SELECT day FROM schedule_days")}

    def schedule_day_done(self, day: str) -> None:
        with self.transaction() as db:
            db.execute(
                "INSERT OR REPLACE INTO schedule_days VALUES (?, ?)",
                (day, datetime.now().isoformat(timespec="seconds")),
            )

    def count(self, month: str | None = None) -> int:
        if month is None:
            return self.db.execute("SELECT COUNT(*) FROM returns").fetchone()[0]
        return self.db.execute("SELECT COUNT(*) FROM returns WHERE month=?", (month,)).fetchone()[0]

    def keep_month_list(
        self, month: str, file_name: str, sha256: str, year: int, content: bytes
    ) -> bool:
        """Keep the task list `month`'s forms were filled from (its file's bytes): the list the
        month is judged by.  A month with returns keeps the list they were made on (False: not
        replaced); before any return, filling again with an edited list replaces it."""
        with self.transaction() as db:
            return (
                db.execute(
                    "INSERT INTO month_lists VALUES (?,?,?,?,?,?) ON CONFLICT (month) DO UPDATE "
                    "SET file_name=excluded.file_name, sha256=excluded.sha256, year=excluded.year, "
                    "filled_at=excluded.filled_at, content=excluded.content "
                    "WHERE NOT EXISTS (SELECT 1 FROM returns WHERE month=excluded.month)",
                    (month, file_name, sha256, year, _now(), content),
                ).rowcount
                == 1
            )

    def month_list_sha(self, month: str) -> str | None:
        """The SHA-256 of the task list kept for `month` (None: none kept, filled before lists
        were kept)."""
        row = self.db.execute("SELECT sha256 FROM month_lists WHERE month=?", (month,)).fetchone()
        return row[0] if row else None

    def month_list(self, month: str) -> tuple[str, str, int, bytes] | None:
        """The task list kept for `month` (see keep_month_list): (file name, SHA-256, year, the
        file's bytes), or None."""
        row = self.db.execute(
            "SELECT file_name, sha256, year, content FROM month_lists WHERE month=?", (month,)
        ).fetchone()
        return (row[0], row[1], row[2], bytes(row[3])) if row else None


def open_ledger(path: Path, recheck: bool = False) -> sqlite3.Connection:
    """The ledger at `path`, checked (the first time in a process, or again with `recheck`); a new
    one only where no file is."""
    if not path.exists():
        _create(path)
    elif path.is_file() and path.stat().st_size == 0:
        raise YuebaoError(
            f"台账文件是空的（0字节），其中的记录已丢失：{path}。{_restore_or_start(path)}",
            f"ledger is empty (0 bytes): {path}",
        )
    try:
        db = sqlite3.connect(path, timeout=BUSY_SECONDS)
    except sqlite3.Error as exc:
        raise ledger_error(path, exc) from exc
    try:
        if recheck or path.resolve() not in _verified:
            problem = verify(db)
            if problem:
                hint = "" if problem.startswith(NEWER) else RESTORE_HINT
                raise YuebaoError(
                    f"{problem}：{path}。{hint}",
                    f"ledger unusable (damaged or not a ledger): {path}",
                )
            _verified.add(path.resolve())
        if db.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:  # an older yuebao's
            with db:
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.executescript(SCHEMA)
    except sqlite3.DatabaseError as exc:
        db.close()
        raise ledger_error(path, exc) from exc
    except YuebaoError:
        db.close()
        raise
    return db


def verify(db: sqlite3.Connection) -> str | None:
    """What is wrong with the open file, in Chinese, or None: every page readable (PRAGMA
    quick_check), and a yuebao ledger (its application_id, or an older yuebao's tables)."""
    try:
        problems = [row[0] for row in db.execute("PRAGMA quick_check(5)").fetchall()]
        app = db.execute("PRAGMA application_id").fetchone()[0]
        version = db.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        if "locked" in str(exc) or "readonly" in str(exc) or "unable to open" in str(exc):
            raise
        return f"台账文件已损坏（{exc}）"
    if problems != ["ok"]:
        return (
            f"台账文件已损坏（{' '.join(problems[0].split())}）"  # the first problem, on one line
        )
    if app == APPLICATION_ID and version > SCHEMA_VERSION:
        return f"{NEWER}（格式{version}），请升级yuebao后再运行"
    if app != APPLICATION_ID and not (app == 0 and {"returns", "findings"} <= tables):
        return (
            "该文件不是yuebao的台账"
            "（请检查config.yaml中的ledger是否指错了文件，或台账已被别的文件覆盖）"
        )
    return None


def ledger_error(path: Path, exc: sqlite3.Error) -> YuebaoError:
    """One line for the clerk saying what went wrong with the ledger file and what to do."""
    text = str(exc).lower()
    if "readonly" in text or "read-only" in text:
        zh = (
            f"台账文件或其所在文件夹是只读的，无法写入：{path}。"
            "请取消只读（文件和文件夹的属性/权限）后重新运行"
        )
    elif "locked" in text or "busy" in text:
        zh = (
            f"台账正被另一个程序占用（{BUSY_SECONDS}秒后仍未释放）：{path}。"
            "请等其他yuebao命令结束后重新运行"
        )
    elif "unable to open" in text:
        zh = f"无法打开台账文件：{path}。请检查路径是否正确、所在文件夹是否存在且可写"
    elif "disk i/o" in text or "full" in text:
        zh = (
            f"读写台账时磁盘出错（磁盘已满或文件所在的磁盘/网络盘有问题）：{path}。"
            "请检查磁盘后重新运行"
        )
    else:
        zh = f"台账文件已损坏：{path}（{exc}）。{RESTORE_HINT}"
    return YuebaoError(zh, f"ledger {path}: {type(exc).__name__}: {exc}")


def _create(path: Path) -> None:
    """A new, empty ledger, put in place only if still no file is there (another may race us)."""
    if backup_folder(path).is_dir() and any(backup_folder(path).glob("*.sqlite3")):
        raise YuebaoError(
            f"台账文件不见了，但有它的备份：{path}。{RESTORE_HINT}；"
            f"如确实要从空台账重新开始，请先把备份文件夹{backup_folder(path).name}改名",
            f"ledger missing but backups exist: {path}",
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = path.with_name(f".{path.name}.{os.getpid()}.new")
        db = sqlite3.connect(fresh)
        try:
            with db:
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.executescript(SCHEMA)
        finally:
            db.close()
        try:
            os.link(fresh, path)  # fails if a file appeared meanwhile: never over an existing one
        except FileExistsError:
            pass
        except OSError:  # no hard links here (FAT, some network drives)
            if not path.exists():
                os.rename(fresh, path)
        fresh.unlink(missing_ok=True)
    except (OSError, sqlite3.Error) as exc:
        raise YuebaoError(
            f"无法在此处新建台账：{path}（请检查文件夹是否存在且可写）",
            f"cannot create ledger {path}: {exc}",
        ) from exc


def backup_folder(path: Path) -> Path:
    """Where the ledger's backups are kept: beside it, `ledger.sqlite3.backup/`."""
    return path.with_name(path.name + ".backup")


def _restore_or_start(path: Path) -> str:
    if backup_folder(path).is_dir() and any(backup_folder(path).glob("*.sqlite3")):
        return RESTORE_HINT
    return "没有找到它的备份；如这是新安装、尚未正式使用，可删除该空文件后重新运行"


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")
