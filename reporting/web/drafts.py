"""在线填报's drafts: what an office typed, kept on the server per office and month (a phone's
browser closed mid-way loses nothing).  A draft is never a return: only 提交 makes one (a file
through the upload's intake), and a draft saved after it changes nothing of what was submitted.

Its own SQLite file beside web.sqlite3 (`drafts.sqlite3`), for the owner only.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .connections import transaction, write_together

SCHEMA = """
CREATE TABLE IF NOT EXISTS drafts (
    month TEXT NOT NULL,
    office TEXT NOT NULL,
    fields TEXT NOT NULL,          -- JSON: field name -> text, as typed
    saved_at TEXT NOT NULL,
    submitted INTEGER NOT NULL,    -- 1: these fields are what was last submitted
    PRIMARY KEY (month, office)
);
"""


@dataclass(frozen=True)
class Draft:
    fields: dict[str, str]
    saved_at: datetime
    submitted: bool


class Drafts:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        if os.name != "nt" and not self.path.exists():
            os.close(os.open(self.path, os.O_CREAT | os.O_WRONLY, 0o600))
        with transaction(self.path) as db:
            db.executescript(SCHEMA)

    def save(
        self, month: str, office: str, fields: dict[str, str], submitted: bool = False
    ) -> Draft:
        saved_at = datetime.now().replace(microsecond=0)
        row = (month, office, json.dumps(fields, ensure_ascii=False), saved_at.isoformat())
        write_together(
            self.path,
            lambda db: db.execute(
                "INSERT OR REPLACE INTO drafts VALUES (?,?,?,?,?)", (*row, int(submitted))
            ),
        )
        return Draft(fields, saved_at, submitted)

    def get(self, month: str, office: str) -> Draft | None:
        with transaction(self.path, write=False) as db:
            row = db.execute(
                "SELECT * FROM drafts WHERE month=? AND office=?", (month, office)
            ).fetchone()
        if row is None:
            return None
        saved_at = datetime.fromisoformat(row["saved_at"])
        return Draft(json.loads(row["fields"]), saved_at, bool(row["submitted"]))
