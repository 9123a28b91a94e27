"""The returns received, month by month, and what validating them found: a file recorded once
(same month, same SHA-256), a newer return from an office superseding the older one without
deleting it."""

from __future__ import annotations

import hashlib
from datetime import date, datetime
from functools import lru_cache
from pathlib import Path

from ..models import Finding, Return
from .base import LedgerBase


class ReturnsBook(LedgerBase):
    """returns and findings."""

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

    def returns(self, month: str, received_since: date | None = None) -> list[Return]:
        """The returns filed under `month`; with `received_since`, only those received (or
        received again) on that day or later."""
        since = received_since.isoformat() if received_since else ""
        rows = self.db.execute(
            "SELECT file_name, sha256, received_at, archived_path, office, last_received_at"
            " FROM returns WHERE month=? AND max(received_at, coalesce(last_received_at,"
            " received_at)) >= ? ORDER BY received_at, id",
            (month, since),
        ).fetchall()
        return [  # by position: a page judges a month of 500 returns after each upload
            Return(
                file_name=name,
                sha256=sha256,
                received_at=_when(received),
                archived_path=_path(archived) if archived else None,
                office=office,
                sent_again_at=_when(again) if again else None,
            )
            for name, sha256, received, archived, office, again in rows
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

    def count(self, month: str | None = None) -> int:
        if month is None:
            return self.db.execute("SELECT COUNT(*) FROM returns").fetchone()[0]
        return self.db.execute("SELECT COUNT(*) FROM returns WHERE month=?", (month,)).fetchone()[0]


@lru_cache(maxsize=1 << 14)
def _path(text: str) -> Path:
    """The archive's paths, made once: a page judges the month's hundreds of returns anew after
    each upload, and making a Path costs more than reading its row (a Path never changes)."""
    return Path(text)


@lru_cache(maxsize=1 << 14)
def _when(text: str) -> datetime:
    """A time as stored, read once (a datetime never changes): see _path."""
    return datetime.fromisoformat(text)
