"""What the schedule decided and did: approved 延期, the 督办 made (once per month, office and
reason) and the days whose plan has run."""

from __future__ import annotations

from datetime import date, datetime

from .base import LedgerBase
from .records import Escalation, Extension


class ScheduleBook(LedgerBase):
    """extensions, escalations and schedule_days."""

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

    def extensions(self) -> dict[str, Extension]:
        """Every approved 延期, by milestone key."""
        rows = self.db.execute("SELECT * FROM extensions").fetchall()
        return {r["milestone_key"]: Extension(**dict(r)) for r in rows}

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

    def escalations(self, month: str | None = None) -> list[Escalation]:
        sql = "SELECT * FROM escalations"
        args: tuple[str, ...] = ()
        if month:
            sql, args = sql + " WHERE month=?", (month,)
        rows = self.db.execute(sql + " ORDER BY day, office", args).fetchall()
        return [Escalation(**dict(r)) for r in rows]

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
