"""What the ledger's queries hand out: a frozen dataclass (or named tuple) per kind of row, named
fields instead of sqlite3.Row keys and bare tuples, so a reader sees what a row holds and mypy
checks each use.

Each class's fields are its table's columns (their names and order), so a row is made with
`Cls(**dict(row))`; a column added to a table is added here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


class ItemState(NamedTuple):
    """One item of a merged month (month_state): a milestone, or a task without milestones.
    A named tuple: its fields in the table's order, as record_state writes them."""

    item: str  # milestone key (task key: a task without milestones)
    task_key: str
    office: str
    status: str
    completed_on: str | None  # ISO date
    light: str
    progress: str
    problems: str


class Reported(NamedTuple):
    """What a merged month recorded of an item: read by summary.words.latest_words."""

    status: str
    completed_on: str | None  # ISO date


@dataclass(frozen=True)
class MonthList:
    """The task list a month's forms were filled from, kept as its file was (month_lists)."""

    file_name: str
    sha256: str
    year: int  # the year its dates were read in
    content: bytes


@dataclass(frozen=True)
class NoticeRecord:
    """A notice and where it stands (planned, sending, sent, failed, dropped, …)."""

    id: int
    key: str  # action|month|office|day (督办: …|office|reason)
    action: str
    month: str
    office: str  # '' for the chiefs
    reason: str
    day: str  # the plan day it belongs to
    recipients: str  # comma-separated
    subject: str
    body: str
    attachments: str  # JSON list of paths
    status: str
    owner: str  # the lease holder while 'sending'
    lease_until: str | None
    tries: int
    detail: str
    next_try: str | None
    last_day: str | None
    sent_at: str | None
    updated_at: str
    channels: str  # the channels it went out by so far: "mail,chat,"


@dataclass(frozen=True)
class MailRecord:
    """A mail `yuebao fetch` handled (mails)."""

    folder: str
    uidvalidity: int
    uid: int
    message_id: str
    sender: str
    office: str
    subject: str
    received_at: str
    month: str
    files: str  # JSON: [inbox file, sha256] taken from it
    auto: int
    detail: str
    fetched_at: str


@dataclass(frozen=True)
class Extension:
    """An approved 延期: the milestone counts as due on new_due."""

    milestone_key: str
    original_due: str
    new_due: str
    reason: str
    approved_at: str


@dataclass(frozen=True)
class Escalation:
    """A 督办 made: once per month, office and reason."""

    month: str
    office: str
    reason: str
    day: str
    detail: str
