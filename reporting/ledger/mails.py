"""The mails `yuebao fetch` handled, by their identity on the IMAP server: no mail taken twice."""

from __future__ import annotations

from .base import LedgerBase, now_text
from .records import MailRecord


class MailsBook(LedgerBase):
    """mails."""

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
                [*fields.values(), now_text()],
            )

    def mails(self, month: str | None = None) -> list[MailRecord]:
        sql = "SELECT * FROM mails"
        args: tuple[str, ...] = ()
        if month is not None:
            sql, args = sql + " WHERE month=?", (month,)
        rows = self.db.execute(sql + " ORDER BY received_at, uid", args).fetchall()
        return [MailRecord(**dict(r)) for r in rows]
