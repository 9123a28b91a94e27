"""The ledger's tables, as SQL: one declaration that a new file is made from and every opened file
is brought up to (CREATE … IF NOT EXISTS), and the marks in the SQLite header that say a file is a
yuebao ledger of a format this yuebao can read."""

from __future__ import annotations

SCHEMA = """
CREATE TABLE IF NOT EXISTS returns (
    id INTEGER PRIMARY KEY,
    month TEXT NOT NULL,
    file_name TEXT NOT NULL,
    sha256 TEXT NOT NULL,
    size INTEGER NOT NULL,
    received_at TEXT NOT NULL,
    archived_path TEXT NOT NULL,
    office TEXT NOT NULL DEFAULT '',
    last_received_at TEXT,            -- the same file sent again: the latest time (NULL: once)
    accepted INTEGER,                 -- NULL until validated
    superseded_by TEXT,
    errors INTEGER NOT NULL DEFAULT 0,
    warnings INTEGER NOT NULL DEFAULT 0,
    UNIQUE (month, sha256)
);
CREATE TABLE IF NOT EXISTS findings (
    month TEXT NOT NULL,
    code TEXT NOT NULL,
    severity TEXT NOT NULL,
    office TEXT, file TEXT, sheet TEXT, row INTEGER, cell TEXT, task_key TEXT,
    message TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS findings_month ON findings (month);
CREATE TABLE IF NOT EXISTS month_state (      -- the merged state of each month, for 变化 and trends
    month TEXT NOT NULL,
    item TEXT NOT NULL,                       -- milestone key (task key: task without milestones)
    task_key TEXT NOT NULL,
    office TEXT NOT NULL,
    status TEXT NOT NULL,
    completed_on TEXT,
    light TEXT NOT NULL,
    progress TEXT NOT NULL,
    problems TEXT NOT NULL,
    PRIMARY KEY (month, item)
);
CREATE TABLE IF NOT EXISTS notices (        -- every message, planned to sent: none lost, none twice
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,                 -- action|month|office|day (督办: …|office|reason)
    action TEXT NOT NULL,
    month TEXT NOT NULL,
    office TEXT NOT NULL,                     -- '' for the chiefs
    reason TEXT NOT NULL DEFAULT '',          -- 督办: missing | overdue
    day TEXT NOT NULL,                        -- the plan day it belongs to
    recipients TEXT NOT NULL,
    subject TEXT NOT NULL,
    body TEXT NOT NULL DEFAULT '',
    attachments TEXT NOT NULL DEFAULT '[]',   -- JSON list of paths
    status TEXT NOT NULL,                     -- see NOTICE_STATES
    owner TEXT NOT NULL DEFAULT '',           -- the lease holder while 'sending'
    lease_until TEXT,
    tries INTEGER NOT NULL DEFAULT 0,         -- SMTP tries made, over every run
    detail TEXT NOT NULL DEFAULT '',          -- the last error, or why it was dropped
    next_try TEXT,                            -- failed: not before this time (or a later plan day)
    last_day TEXT,                            -- the plan day of the last attempt
    sent_at TEXT,
    updated_at TEXT NOT NULL,
    channels TEXT NOT NULL DEFAULT ''         -- the channels it went out by so far: mail, chat
);
CREATE TABLE IF NOT EXISTS extensions (     -- approved 延期: the milestone counts as due on new_due
    milestone_key TEXT PRIMARY KEY,
    original_due TEXT NOT NULL,
    new_due TEXT NOT NULL,
    reason TEXT NOT NULL,
    approved_at TEXT NOT NULL
);
-- 督办 to a supervising leader, once per month, office and reason
CREATE TABLE IF NOT EXISTS escalations (
    month TEXT NOT NULL,
    office TEXT NOT NULL,
    reason TEXT NOT NULL,
    day TEXT NOT NULL,
    detail TEXT NOT NULL,
    UNIQUE (month, office, reason)
);
CREATE TABLE IF NOT EXISTS schedule_days (day TEXT PRIMARY KEY, done_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS mails (          -- each mail `yuebao fetch` handled: never taken twice
    folder TEXT NOT NULL,
    uidvalidity INTEGER NOT NULL,             -- with uid: the mail's identity on the IMAP server
    uid INTEGER NOT NULL,
    message_id TEXT NOT NULL DEFAULT '',
    sender TEXT NOT NULL,
    office TEXT NOT NULL DEFAULT '',          -- the office whose address sent it ('' if none)
    subject TEXT NOT NULL,
    received_at TEXT NOT NULL,                -- the server's INTERNALDATE
    month TEXT NOT NULL DEFAULT '',
    files TEXT NOT NULL DEFAULT '[]',         -- JSON: [inbox file, sha256] taken from it
    auto INTEGER NOT NULL DEFAULT 0,          -- an auto-reply or bounce: never answered
    detail TEXT NOT NULL DEFAULT '',          -- what could not be taken, and why
    fetched_at TEXT NOT NULL,
    PRIMARY KEY (folder, uidvalidity, uid)
);
CREATE TABLE IF NOT EXISTS merges (
    month TEXT PRIMARY KEY,
    as_of TEXT NOT NULL,
    generated_at TEXT NOT NULL,
    summary_path TEXT NOT NULL
);
-- the task list each month's forms were filled from: the list that month is judged by
CREATE TABLE IF NOT EXISTS month_lists (
    month TEXT PRIMARY KEY,
    file_name TEXT NOT NULL,                  -- the configured list's file name when filled
    sha256 TEXT NOT NULL,
    year INTEGER NOT NULL,                    -- the year its dates were read in
    filled_at TEXT NOT NULL,
    content BLOB NOT NULL                     -- the list file's bytes, as they were
);
"""

APPLICATION_ID = 0x59554542  # "YUEB" in the SQLite header: this file is a yuebao ledger
SCHEMA_VERSION = 2  # 2: notices with states (planned, sending, sent, failed, …)


def table_sql(name: str) -> str:
    """The CREATE statement of one table of SCHEMA (an upgrade makes a table anew from it)."""
    return SCHEMA[SCHEMA.index(f"CREATE TABLE IF NOT EXISTS {name}") :].split(";")[0]
