"""The open ledger every subject's queries work on: its connection, its transactions (all or
nothing; several committed together inside grouped()), closing it, and bringing a file written by
an older yuebao up to the current tables."""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from types import TracebackType
from typing import TypeVar

from .opening import commit_of, ledger_error, open_ledger, stamp
from .schema import SCHEMA_VERSION, table_sql

GROUP_SIZE = 100  # transactions committed together by Ledger.grouped() …
GROUP_SECONDS = 1.0  # … or after this long, so a crash loses at most about a second's work


_Opened = TypeVar("_Opened", bound="LedgerBase")  # `with` hands back the Ledger itself


@dataclass
class _Group:
    """The transactions of a Ledger.grouped() block since its last commit."""

    joined: int = 0
    since: float = field(default_factory=time.monotonic)

    def due(self) -> bool:
        return self.joined >= GROUP_SIZE or time.monotonic() - self.since >= GROUP_SECONDS


class LedgerBase:
    """The connection and its transactions; the subjects' queries are mixed in (see Ledger)."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.db = open_ledger(self.path)
        self._group: _Group | None = None
        # the commits made through this Ledger, as commit_of() names them: whoever changed
        # the file after a page judged the month can be told apart (web.live.OwnCommits)
        self.committed: list[tuple[int, int, int]] = []
        self._changes = 0  # the connection's total_changes at its last commit
        self._upgrade_notices()
        self._upgrade_returns()
        self.db.row_factory = sqlite3.Row

    def close(self) -> None:
        self.db.close()

    def __enter__(self: _Opened) -> _Opened:  # `with Ledger(path) as ledger:` closes it
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
                try:
                    yield self.db
                except BaseException:
                    self.db.rollback()
                    raise
                self._commit()
                return
            try:
                yield self.db
            except BaseException:
                self.db.rollback()  # the group's earlier transactions too: see grouped()
                raise
            self._group.joined += 1
            if self._group.due():
                self._commit()
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
                self._commit()
            except sqlite3.DatabaseError as exc:
                raise ledger_error(self.path, exc) from exc
        finally:
            self._group = None

    def _commit(self) -> None:
        """Commit, noting the commit made (see committed).  Its change counter is read while
        this connection holds the write lock (it has written): no other commit can come between
        that reading and this commit, which adds one to it."""
        wrote = self.db.in_transaction and self.db.total_changes != self._changes
        before = commit_of(stamp(self.path)) if wrote else None
        self.db.commit()
        self._changes = self.db.total_changes
        if before is not None:
            device, inode, counter = before
            self.committed.append((device, inode, counter + 1))

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
            db.execute(table_sql("notices"))
            done = "status IN ('sent', 'written', 'no_address')"
            db.execute(
                "INSERT INTO notices (key, action, month, office, day, recipients, subject, status,"
                " tries, detail, updated_at) SELECT action||'|'||month||'|'||office||'|'||day,"
                f" action, month, office, day, recipients, subject, CASE WHEN {done} THEN status"
                f" ELSE 'dropped' END, tries, CASE WHEN {done} THEN detail"
                " ELSE '旧版台账中未发出的通知，无正文，未重发' END, updated_at FROM notices_v1"
            )
            db.execute("DROP TABLE notices_v1")


def now_text() -> str:
    return datetime.now().isoformat(timespec="seconds")
