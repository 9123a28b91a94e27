"""What a roll-up took and found (`RollupResult`): handed from the collecting and judging
(summary/rollup.py) to the writing of its sheets (sheets/rollup.py) and to the console."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from ..models import Finding


@dataclass
class Received:
    """A lower unit's summary as taken: its file, when it came, the day it was judged on."""

    file: str
    received_at: datetime
    judged_on: str = ""  # the unit's own --as-of, when its summary says it


@dataclass
class RollupResult:
    path: Path
    as_of: date | None = None  # the day every verdict here is judged on
    units: dict[str, Received] = field(default_factory=dict)  # unit -> summary used
    refused: dict[str, str] = field(default_factory=dict)  # unit -> why its summary is not used
    rows: list[dict[str, Any]] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
