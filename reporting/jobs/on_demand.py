"""Reminders and escalation run by hand (`yuebao remind`, `yuebao escalate`), not by the schedule.

The same notices as the schedule's days, planned in the ledger and sent exactly once: a notice
the schedule already sent is skipped.  Only the notices of the month asked for are delivered.
`c` is the command's cycle (reporting.cycle.Cycle), passed in rather than imported: the
schedule's rooms sit below the pipeline.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..notify.plan import ESCALATE, FILL_AND_SEND, REMIND_MILESTONES, REMIND_MISSING, Action
from .day import DayReport, run_actions
from .scheduler import setup_log

if TYPE_CHECKING:
    from ..context import Cycle


def remind(c: Cycle, month: str, dry_run: bool = False) -> tuple[DayReport, Path]:
    """Remind the offices that have not returned, and those with milestones falling due; returns
    the day's report and the log file."""
    actions = [Action(REMIND_MISSING, month), Action(REMIND_MILESTONES, month)]
    return _run(c, month, actions, dry_run)


def send_forms(c: Cycle, month: str) -> tuple[DayReport, Path]:
    """Fill the month's forms and mail each office its own (once: a form already mailed is not
    mailed again)."""
    return _run(c, month, [Action(FILL_AND_SEND, month)], dry_run=False)


def escalate(c: Cycle, month: str, dry_run: bool = False) -> tuple[DayReport, Path]:
    """Escalate to the supervising leaders what the escalation rules say (each case once)."""
    return _run(c, month, [Action(ESCALATE, month)], dry_run)


def _run(c: Cycle, month: str, actions: list[Action], dry_run: bool) -> tuple[DayReport, Path]:
    log = setup_log(c.config)
    with c.writing(month, backup=not dry_run):  # a dry run changes nothing: no backup needed
        return run_actions(c, actions, c.as_of, dry_run, deliver="these"), log
