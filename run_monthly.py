#!/usr/bin/env python3
"""Scheduled entry point (cron, Windows Task Scheduler): run this month's cycle with ./config.yaml.

Fills the month's forms once (if the outbox holds none yet), then collects, validates and merges
whatever has come back so far.  Safe to run every day: nothing is collected or sent twice.

    python run_monthly.py [--config config.yaml] [--as-of YYYY-MM-DD]
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from reporting.cli import main  # noqa: E402

if __name__ == "__main__":
    main(["monthly", *sys.argv[1:]])
