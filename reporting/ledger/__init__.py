"""The ledger: a SQLite file recording every return received and every finding, month by month.

It is the memory of the cycle: re-running collect is idempotent because a file already recorded
(same month, same SHA-256) is not recorded twice, and a newer return from an office supersedes
the older one without deleting it.

It is never created over an existing file: a file that is empty, damaged or not a yuebao ledger
stops the command with what to do (`yuebao ledger restore`, see backup.py), instead of starting over
with an empty ledger and forgetting every return, extension and notice.

`Ledger` is the one object callers hold (`with Ledger(path) as ledger:`); its queries live in a
module per subject and hand out the dataclasses of records.py:

    schema    the tables, as SQL; the header marks of a yuebao ledger
    opening   opening, checking and creating the file; its errors in Chinese
    base      the connection, transactions (grouped: several committed together), upgrades
    returns   returns received and the findings of validating them
    months    months merged (each item's state), the task list each month is judged by
    notices   notices from planned to sent
    mails     mails fetched from the bureau's mailbox
    schedule  approved 延期, 督办 made, schedule days run
"""

from __future__ import annotations

from .base import GROUP_SECONDS, GROUP_SIZE
from .mails import MailsBook
from .months import MonthsBook
from .notices import NoticesBook
from .opening import (
    BUSY_SECONDS,
    NEWER,
    RESTORE_HINT,
    backup_folder,
    ledger_error,
    open_ledger,
    stamp,
    verify,
)
from .records import (
    Escalation,
    Extension,
    ItemState,
    MailRecord,
    MonthList,
    NoticeRecord,
    Reported,
)
from .returns import ReturnsBook
from .schedule import ScheduleBook
from .schema import APPLICATION_ID, SCHEMA, SCHEMA_VERSION


class Ledger(ReturnsBook, MonthsBook, NoticesBook, MailsBook, ScheduleBook):
    """The open ledger: every subject's queries on one connection."""


__all__ = [
    "APPLICATION_ID",
    "BUSY_SECONDS",
    "GROUP_SECONDS",
    "GROUP_SIZE",
    "NEWER",
    "RESTORE_HINT",
    "SCHEMA",
    "SCHEMA_VERSION",
    "Escalation",
    "Extension",
    "ItemState",
    "Ledger",
    "MailRecord",
    "MonthList",
    "NoticeRecord",
    "Reported",
    "backup_folder",
    "ledger_error",
    "open_ledger",
    "stamp",
    "verify",
]
