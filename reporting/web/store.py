"""What the intranet page keeps beside the ledger (config.yaml `web.state`, a SQLite file): each
office's link, the chiefs' link, the clerk's password (hashed with scrypt) and every upload with
what was found in it.

The ledger stays the record of returns (an upload is collected into it like any mail attachment);
this file only remembers who may see what, and what each office was told.
"""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from ..models import Finding, Severity
from .connections import transaction, write_together

SCHEMA = """
CREATE TABLE IF NOT EXISTS links (
    token TEXT PRIMARY KEY,
    role TEXT NOT NULL,             -- office | chiefs
    office TEXT NOT NULL,           -- '' for the chiefs
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
CREATE TABLE IF NOT EXISTS settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS uploads (
    id INTEGER PRIMARY KEY,
    month TEXT NOT NULL,
    office TEXT NOT NULL,
    shown_name TEXT NOT NULL,       -- the name on the office's PC, shown only, never a path
    saved_name TEXT NOT NULL,       -- the name it was collected under
    sha256 TEXT NOT NULL,
    received_at TEXT NOT NULL,
    accepted INTEGER NOT NULL,      -- 0: refused (another office's form), not collected
    errors INTEGER NOT NULL,
    warnings INTEGER NOT NULL,
    findings TEXT NOT NULL,         -- JSON list
    status TEXT NOT NULL DEFAULT 'checked',  -- received (being checked) | checked
    staged TEXT NOT NULL DEFAULT ''  -- while received: the file in the staging folder
);
CREATE INDEX IF NOT EXISTS uploads_office ON uploads (month, office);
"""
RECEIVED, CHECKED = "received", "checked"
SESSIONS = """
CREATE TABLE IF NOT EXISTS sessions (
    id TEXT PRIMARY KEY,            -- the SHA-256 of the id in the clerk's signed cookie
    created_at TEXT NOT NULL,
    last_seen TEXT NOT NULL,
    revoked INTEGER NOT NULL        -- 1: logged out, or the password changed since
);
"""
SESSIONS_KEPT_DAYS = 30  # rows of sessions not seen this long are dropped (and log nobody in)
OFFICE, CHIEFS = "office", "chiefs"


@dataclass(frozen=True)
class Link:
    token: str
    role: str
    office: str
    revoked: bool = False  # withdrawn and not made anew: it stays so until `--new-link`


@dataclass
class Upload:
    id: int
    month: str
    office: str
    shown_name: str
    saved_name: str
    sha256: str
    received_at: datetime
    accepted: bool
    errors: int
    warnings: int
    findings: list[Finding]
    status: str = CHECKED
    staged: str = ""

    @property
    def passed(self) -> bool:
        return self.checked and self.accepted and self.errors == 0

    @property
    def checked(self) -> bool:
        """False while it waits for its turn to be checked (the page says 正在检查)."""
        return self.status == CHECKED


# werkzeug's scrypt (n 2**15, r 8, p 1: about 0.1 s a hash here); a check reads the strength
# from the stored hash, so a password set before keeps its own
PASSWORD_HASH = "scrypt"


class WebState:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        _private(self.path)
        with transaction(self.path) as db:
            db.executescript(SCHEMA)
            db.executescript(SESSIONS)
            columns = {r[1] for r in db.execute("PRAGMA table_info(uploads)")}
            if "status" not in columns:  # a state file from before uploads were queued
                db.execute("ALTER TABLE uploads ADD COLUMN status TEXT NOT NULL DEFAULT 'checked'")
                db.execute("ALTER TABLE uploads ADD COLUMN staged TEXT NOT NULL DEFAULT ''")

    def _run(self, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
        if sql.lstrip().upper().startswith("SELECT"):
            with transaction(self.path, write=False) as db:
                return db.execute(sql, args).fetchall()
        return write_together(self.path, lambda db: db.execute(sql, args).fetchall())

    # -- links --------------------------------------------------------------------------------
    def links(self) -> list[Link]:
        rows = self._run(
            "SELECT token, role, office FROM links WHERE revoked_at IS NULL ORDER BY role, rowid"
        )
        return [Link(r["token"], r["role"], r["office"]) for r in rows]

    def link(self, token: str) -> Link | None:
        if not token or len(token) > 100:
            return None
        rows = self._run(
            "SELECT token, role, office FROM links WHERE token=? AND revoked_at IS NULL", (token,)
        )
        return Link(rows[0]["token"], rows[0]["role"], rows[0]["office"]) if rows else None

    def ensure_links(self, offices: list[str]) -> list[Link]:
        """A link for every office (and the chiefs) that never had one; every live link, and
        (marked revoked) each of those whose link was withdrawn: a withdrawn link is not made
        anew by a restart or `--links`, only by `--new-link`."""
        rows = self._run("SELECT DISTINCT role, office FROM links")
        had = {(r["role"], r["office"]) for r in rows}
        wanted = [(CHIEFS, "")] + [(OFFICE, o) for o in offices]
        for role, office in wanted:
            if (role, office) not in had:
                self._add(role, office)
        live = self.links()
        named = {(link.role, link.office) for link in live}
        withdrawn = [
            Link("", role, office, revoked=True)
            for role, office in wanted
            if (role, office) not in named and (role, office) in had
        ]
        return live + withdrawn

    def renew(self, role: str, office: str = "") -> Link:
        """Revoke the office's (or the chiefs') link and make a new one."""
        self.revoke(role, office)
        return self._add(role, office)

    def revoke(self, role: str, office: str = "") -> int:
        rows = self._run(
            "UPDATE links SET revoked_at=? WHERE role=? AND office=? AND revoked_at IS NULL "
            "RETURNING token",
            (_now(), role, office),
        )
        return len(rows)

    def _add(self, role: str, office: str) -> Link:
        token = secrets.token_urlsafe(24)  # 192 random bits
        self._run(
            "INSERT INTO links (token, role, office, created_at) VALUES (?,?,?,?)",
            (token, role, office, _now()),
        )
        return Link(token, role, office)

    # -- the clerk's password and the session key ---------------------------------------------
    def set_password(self, password: str) -> None:
        """The clerk's new password: every session is ended, every browser known to the login
        limit (security.known_browser) becomes a stranger."""
        with transaction(self.path) as db:
            db.execute(
                "INSERT OR REPLACE INTO settings VALUES ('password', ?)",
                (generate_password_hash(password, method=PASSWORD_HASH),),
            )
            db.execute(
                "INSERT OR REPLACE INTO settings VALUES ('password_epoch', ?)",
                (secrets.token_urlsafe(16),),
            )
            db.execute("UPDATE sessions SET revoked=1 WHERE revoked=0")

    def password_epoch(self) -> str:
        """Changes with each new password (made on first use for a password set before)."""
        epoch = self._get("password_epoch")
        if epoch is None:
            self._run(
                "INSERT OR IGNORE INTO settings VALUES ('password_epoch', ?)",
                (secrets.token_urlsafe(16),),
            )
            epoch = self._get("password_epoch")
        assert epoch is not None, "just made"
        return epoch

    # -- the clerk's sessions: the signed cookie names one; it counts while it is here ---------
    def new_session(self) -> str:
        """A session for the clerk who just gave the right password: its id, for the cookie."""
        session_id, now = secrets.token_urlsafe(32), _now()
        old = (datetime.now() - timedelta(days=SESSIONS_KEPT_DAYS)).isoformat(timespec="seconds")
        with transaction(self.path) as db:
            db.execute("DELETE FROM sessions WHERE last_seen < ?", (old,))
            db.execute(
                "INSERT INTO sessions (id, created_at, last_seen, revoked) VALUES (?,?,?,0)",
                (_digest(session_id), now, now),
            )
        return session_id

    def session_alive(self, session_id: str) -> bool:
        """Whether the session is still on (not logged out, no new password since): noted as
        seen now."""
        if not session_id or len(session_id) > 100:
            return False
        rows = self._run(
            "UPDATE sessions SET last_seen=? WHERE id=? AND revoked=0 RETURNING id",
            (_now(), _digest(session_id)),
        )
        return bool(rows)

    def end_session(self, session_id: str) -> None:
        """Logout: the session's cookie, wherever a copy of it is, logs nobody in any more."""
        self._run("UPDATE sessions SET revoked=1 WHERE id=?", (_digest(session_id),))

    def has_password(self) -> bool:
        return self._get("password") is not None

    def check_password(self, password: str) -> bool:
        stored = self._get("password")
        if not stored:
            return False
        return check_password_hash(stored, password)

    def secret_key(self) -> str:
        """The key that signs session cookies: kept, so a restart logs nobody out."""
        key = self._get("secret_key")
        if key is None:
            self._run(
                "INSERT OR IGNORE INTO settings VALUES ('secret_key', ?)", (secrets.token_hex(32),)
            )
            key = self._get("secret_key")
        assert key is not None, "just made"
        return key

    def _get(self, key: str) -> str | None:
        rows = self._run("SELECT value FROM settings WHERE key=?", (key,))
        return rows[0]["value"] if rows else None

    def _set(self, key: str, value: str) -> None:
        self._run("INSERT OR REPLACE INTO settings VALUES (?, ?)", (key, value))

    # -- uploads ------------------------------------------------------------------------------
    def receive_upload(
        self,
        month: str,
        office: str,
        shown_name: str,
        saved_name: str,
        sha256: str,
        received_at: datetime,
        staged: str,
    ) -> Upload:
        """An upload received, stored in the staging folder and not yet checked."""
        rows = self._run(
            "INSERT INTO uploads (month, office, shown_name, saved_name, sha256, received_at, "
            "accepted, errors, warnings, findings, status, staged) "
            "VALUES (?,?,?,?,?,?,1,0,0,'[]',?,?) RETURNING id",
            (
                month,
                office,
                shown_name,
                saved_name,
                sha256,
                received_at.isoformat(timespec="seconds"),
                RECEIVED,
                staged,
            ),
        )
        return self.upload(rows[0]["id"])

    def checked_upload(self, upload_id: int, accepted: bool, findings: list[Finding]) -> Upload:
        """What checking found: the upload's result, as the page shows it."""
        errors = sum(f.severity is Severity.ERROR for f in findings)
        data = json.dumps([_finding_data(f) for f in findings], ensure_ascii=False)
        self._run(
            "UPDATE uploads SET accepted=?, errors=?, warnings=?, findings=?, status=?, staged='' "
            "WHERE id=?",
            (int(accepted), errors, len(findings) - errors, data, CHECKED, upload_id),
        )
        return self.upload(upload_id)

    def unchecked(self) -> list[Upload]:
        """Uploads received and not yet checked (a restart finds them again), oldest first."""
        rows = self._run("SELECT * FROM uploads WHERE status=? ORDER BY id", (RECEIVED,))
        return [_upload(r) for r in rows]

    def upload(self, upload_id: int) -> Upload:
        return _upload(self._run("SELECT * FROM uploads WHERE id=?", (upload_id,))[0])

    def waiting(self, month: str, office: str) -> int:
        """How many of the office's uploads of the month wait for their check."""
        rows = self._run(
            "SELECT count(*) FROM uploads WHERE month=? AND office=? AND status=?",
            (month, office, RECEIVED),
        )
        return int(rows[0][0])

    def uploads(self, month: str, office: str) -> list[Upload]:
        """The office's uploads of the month, the last received first (as returns count: the
        order reading finished in says nothing)."""
        rows = self._run(
            "SELECT * FROM uploads WHERE month=? AND office=? ORDER BY received_at DESC, id DESC",
            (month, office),
        )
        return [_upload(r) for r in rows]


def _finding_data(f: Finding) -> dict:
    return {
        "code": f.code,
        "message": f.message,
        "severity": f.severity.value,
        "sheet": f.sheet,
        "row": f.row,
        "cell": f.cell,
        "task_key": f.task_key,
    }


def _upload(r: sqlite3.Row) -> Upload:
    findings = [
        Finding(
            d["code"],
            d["message"],
            Severity(d["severity"]),
            office=r["office"],
            file=r["saved_name"],
            sheet=d["sheet"],
            row=d["row"],
            cell=d["cell"],
            task_key=d["task_key"],
        )
        for d in json.loads(r["findings"])
    ]
    return Upload(
        id=r["id"],
        month=r["month"],
        office=r["office"],
        shown_name=r["shown_name"],
        saved_name=r["saved_name"],
        sha256=r["sha256"],
        received_at=datetime.fromisoformat(r["received_at"]),
        accepted=bool(r["accepted"]),
        errors=r["errors"],
        warnings=r["warnings"],
        findings=findings,
        status=r["status"],
        staged=r["staged"],
    )


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")


def _digest(session_id: str) -> str:
    """Sessions are kept by their hash: a copy of the file gives no cookie's id."""
    return hashlib.sha256(session_id.encode()).hexdigest()


def _private(path: Path) -> None:
    """web.sqlite3 (the session key, the password hash) for its owner only: made so, and an
    older file (with its WAL and shared memory, which SQLite makes with the file's mode) made so.
    Skipped on Windows, where a file's access is its folder's ACL."""
    if os.name == "nt":
        return
    if not path.exists():
        os.close(os.open(path, os.O_CREAT | os.O_WRONLY, 0o600))  # an empty file is an empty db
    sides = [path.with_name(path.name + side) for side in ("-wal", "-shm", "-journal")]
    for each in [path, *sides]:
        try:
            if each.stat().st_mode & 0o077:
                os.chmod(each, 0o600)
        except OSError:  # not there, or another user's: nothing to do here
            pass
