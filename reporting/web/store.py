"""What the intranet page keeps beside the ledger (config.yaml `web.state`, a SQLite file): each
office's link, the chiefs' link, the clerk's password (hashed with scrypt) and every upload with
what was found in it.

The ledger stays the record of returns (an upload is collected into it like any mail attachment);
this file only remembers who may see what, and what each office was told.
"""

from __future__ import annotations

import json
import secrets
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from ..models import Finding, Severity

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
    findings TEXT NOT NULL          -- JSON list
);
CREATE INDEX IF NOT EXISTS uploads_office ON uploads (month, office);
"""
OFFICE, CHIEFS = "office", "chiefs"


@dataclass(frozen=True)
class Link:
    token: str
    role: str
    office: str


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

    @property
    def passed(self) -> bool:
        return self.accepted and self.errors == 0


class WebState:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with closing(self._open()) as db, db:
            db.executescript(SCHEMA)

    def _open(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=30)
        db.row_factory = sqlite3.Row
        db.execute("PRAGMA journal_mode=WAL")
        return db

    def _run(self, sql: str, args: tuple = ()) -> list[sqlite3.Row]:
        with closing(self._open()) as db, db:  # one connection per call: threads share nothing
            return db.execute(sql, args).fetchall()

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
        """A link for every office (and the chiefs) that has none; every live link."""
        have = {(link.role, link.office) for link in self.links()}
        for role, office in [(CHIEFS, "")] + [(OFFICE, o) for o in offices]:
            if (role, office) not in have:
                self._add(role, office)
        return self.links()

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
        self._set("password", generate_password_hash(password, method="scrypt"))

    def has_password(self) -> bool:
        return self._get("password") is not None

    def check_password(self, password: str) -> bool:
        stored = self._get("password")
        return bool(stored) and check_password_hash(stored, password)

    def secret_key(self) -> str:
        """The key that signs session cookies: kept, so a restart logs nobody out."""
        key = self._get("secret_key")
        if key is None:
            self._run(
                "INSERT OR IGNORE INTO settings VALUES ('secret_key', ?)", (secrets.token_hex(32),)
            )
            key = self._get("secret_key")
        return key

    def _get(self, key: str) -> str | None:
        rows = self._run("SELECT value FROM settings WHERE key=?", (key,))
        return rows[0]["value"] if rows else None

    def _set(self, key: str, value: str) -> None:
        self._run("INSERT OR REPLACE INTO settings VALUES (?, ?)", (key, value))

    # -- uploads ------------------------------------------------------------------------------
    def add_upload(
        self,
        month: str,
        office: str,
        shown_name: str,
        saved_name: str,
        sha256: str,
        received_at: datetime,
        accepted: bool,
        findings: list[Finding],
    ) -> Upload:
        errors = sum(f.severity is Severity.ERROR for f in findings)
        warnings = len(findings) - errors
        rows = self._run(
            "INSERT INTO uploads (month, office, shown_name, saved_name, sha256, received_at, "
            "accepted, errors, warnings, findings) VALUES (?,?,?,?,?,?,?,?,?,?) RETURNING id",
            (
                month,
                office,
                shown_name,
                saved_name,
                sha256,
                received_at.isoformat(timespec="seconds"),
                int(accepted),
                errors,
                warnings,
                json.dumps([_finding_data(f) for f in findings], ensure_ascii=False),
            ),
        )
        return self.upload(rows[0]["id"])

    def upload(self, upload_id: int) -> Upload:
        return _upload(self._run("SELECT * FROM uploads WHERE id=?", (upload_id,))[0])

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
    )


def _now() -> str:
    return datetime.now().isoformat(timespec="seconds")
