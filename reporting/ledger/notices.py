"""Notices, every message from planned to sent: none lost, none sent twice.

planned -> sending (a lease) -> sent, or failed (tried again later) / dropped; see
jobs/delivery.py for who moves a notice along."""

from __future__ import annotations

from .base import LedgerBase, now_text
from .records import NoticeRecord


class NoticesBook(LedgerBase):
    """notices."""

    # -- notices: planned -> sending (a lease) -> sent, or failed (tried again later) / dropped --
    def plan_notices(self, notices: list[tuple[str, dict]]) -> list[str]:
        """Record notices to send (key, fields), in one transaction; returns the keys that were new
        (a notice with the same key was planned or sent before)."""
        new = []
        with self.transaction() as db:
            for key, fields in notices:
                cols = ["key", *fields, "status", "updated_at"]
                values = [key, *fields.values(), "planned", now_text()]
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

    def notice(self, key: str) -> NoticeRecord | None:
        row = self.db.execute("SELECT * FROM notices WHERE key=?", (key,)).fetchone()
        return NoticeRecord(**dict(row)) if row else None

    def due_notices(self, day: str, now: str) -> list[NoticeRecord]:
        """Notices of plan days up to `day` still to send: planned; failed and due for another try
        (its time has come, or this is a later plan day); 'sending' (the caller checks its
        lease)."""
        rows = self.db.execute(
            "SELECT * FROM notices WHERE day<=? AND (status='planned' OR status='sending' OR "
            "(status='failed' AND (next_try<=? OR last_day<?))) ORDER BY day, id",
            (day, now, day),
        ).fetchall()
        return [NoticeRecord(**dict(r)) for r in rows]

    def claim_notice(
        self, row: NoticeRecord, holder: str, lease_until: str, now: str, taken_over: bool
    ) -> bool:
        """Take the notice for sending, atomically, only if it is still as `row` read it (a second
        instance that got there first wins); a notice being sent only when its lease has expired or
        its holder is known to have stopped (`taken_over`)."""
        sql = (
            "UPDATE notices SET status='sending', owner=?, lease_until=?, updated_at=? "
            "WHERE id=? AND status=? AND owner=? AND updated_at=?"
        )
        args = [holder, lease_until, now, row.id, row.status, row.owner, row.updated_at]
        if row.status == "sending" and not taken_over:
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
        now = now_text()
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

    def drop_notice(self, row: NoticeRecord, why: str) -> bool:
        """No longer worth sending (no longer true, or a newer one replaces it); the reason is
        kept."""
        with self.transaction() as db:
            return (
                db.execute(
                    "UPDATE notices SET status='dropped', detail=?, updated_at=? "
                    "WHERE id=? AND status=? AND updated_at=?",
                    (why, now_text(), row.id, row.status, row.updated_at),
                ).rowcount
                == 1
            )

    def newer_notice(self, row: NoticeRecord, same_month: bool) -> bool:
        """Is there a later notice of the same kind to the same office (which replaces this one)?"""
        sql = "SELECT 1 FROM notices WHERE action=? AND office=? AND day>? AND status!='dropped'"
        args = [row.action, row.office, row.day]
        if same_month:
            sql, args = sql + " AND month=?", args + [row.month]
        return self.db.execute(sql, args).fetchone() is not None

    def notices(self) -> list[NoticeRecord]:
        rows = self.db.execute("SELECT * FROM notices ORDER BY day, action, office").fetchall()
        return [NoticeRecord(**dict(r)) for r in rows]

    def channel_done(self, notice_id: int, channel: str) -> None:
        """A channel (mail, chat) carried the notice: a retry of the other never repeats it."""
        with self.transaction() as db:
            db.execute(
                "UPDATE notices SET channels=channels||? WHERE id=? AND instr(channels, ?)=0",
                (f"{channel},", notice_id, channel),
            )
