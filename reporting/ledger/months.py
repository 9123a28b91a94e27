"""The months merged: each item's state as merged (what the next month compares with, pre-fills
from and trends over), when each was merged, and the task list each month is judged by."""

from __future__ import annotations

import sqlite3
from datetime import datetime

from .base import LedgerBase, now_text
from .opening import ledger_error
from .records import ItemState, MonthList, Reported


class MonthsBook(LedgerBase):
    """month_state, merges and month_lists."""

    def record_state(
        self, month: str, as_of: str, summary_path: str, items: list[ItemState]
    ) -> None:
        """Replace the month's merged state with `items`, merged as of `as_of`."""
        with self.transaction() as db:
            db.execute("DELETE FROM month_state WHERE month=?", (month,))
            db.executemany(
                "INSERT INTO month_state VALUES (?,?,?,?,?,?,?,?,?)",
                [(month, *i) for i in items],  # ItemState: the table's columns, in order
            )
            db.execute(
                "INSERT OR REPLACE INTO merges VALUES (?,?,?,?)",
                (month, as_of, datetime.now().isoformat(timespec="seconds"), summary_path),
            )

    def state(self, month: str) -> dict[str, ItemState]:
        """The month's items as merged, by item (empty: never merged)."""
        rows = self.db.execute(
            "SELECT item, task_key, office, status, completed_on, light, progress, problems "
            "FROM month_state WHERE month=?",
            (month,),
        ).fetchall()
        return {r["item"]: ItemState(**dict(r)) for r in rows}

    def overdue_trend(self, year: int) -> dict[str, int]:
        """Overdue milestones per merged month of the year, oldest first."""
        rows = self.db.execute(
            "SELECT month, SUM(light='逾期') FROM month_state WHERE month LIKE ? GROUP BY month "
            "ORDER BY month",
            (f"{year:04d}-%",),
        ).fetchall()
        return {m: n for m, n in rows}

    def reports_before(self, month: str) -> dict[str, dict[str, Reported]]:
        """What each merged month of the year before `month` recorded of each item:
        {month: {item: Reported}} (see summary.words)."""
        rows = self.db.execute(
            "SELECT month, item, status, completed_on FROM month_state WHERE month<? AND month>=?",
            (month, month[:4] + "-01"),
        ).fetchall()
        merged: dict[str, dict[str, Reported]] = {}
        for m, item, status, completed_on in rows:
            merged.setdefault(m, {})[item] = Reported(status, completed_on)
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

    def keep_month_list(self, month: str, kept: MonthList) -> bool:
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
                    (month, kept.file_name, kept.sha256, kept.year, now_text(), kept.content),
                ).rowcount
                == 1
            )

    def month_list_sha(self, month: str) -> str | None:
        """The SHA-256 of the task list kept for `month` (None: none kept, filled before lists
        were kept)."""
        row = self.db.execute("SELECT sha256 FROM month_lists WHERE month=?", (month,)).fetchone()
        return row[0] if row else None

    def month_list(self, month: str) -> MonthList | None:
        """The task list kept for `month` (see keep_month_list), or None."""
        row = self.db.execute(
            "SELECT file_name, sha256, year, content FROM month_lists WHERE month=?", (month,)
        ).fetchone()
        return MonthList(row[0], row[1], row[2], bytes(row[3])) if row else None
