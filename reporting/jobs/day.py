"""A day of the plan carried out: its actions (fill and send, remind, escalate, run and report)
turned into notices, planned in the ledger and delivered.

The notices are then planned in the ledger and delivered by reporting.jobs.delivery, which sends
whatever is due and unsent, whatever day it is: a restart, a second run on the same day or a second
instance never sends one twice, and nothing lost in an outage stays lost.  What each notice says
is notices.py's; the facts they read (the month judged once per run) are facts.py's.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import date

from .. import cycle as steps
from ..errors import YuebaoError
from ..notify.plan import NAMES_ZH, Action, actions_for
from ..notify.senders import Mailer, Notice
from .delivery import deliver_due, plan_notices
from .facts import Facts, collect_and_summarise
from .letters import escalation_notice, page_links, with_link
from .notices import Due, build_notices

__all__ = [  # what other modules and the tests have always imported from here
    "DayReport",
    "Due",
    "Facts",
    "build_notices",
    "collect_and_summarise",
    "escalation_notice",
    "page_links",
    "plan_for",
    "run_actions",
    "run_day",
    "warn_other_year",
    "with_link",
]

log = logging.getLogger("reporting.schedule")


@dataclass
class DayReport:
    """What a day's run did: the actions, the notices sent and written, what went wrong."""

    day: date
    actions: list[Action]
    sent: list[Notice] = field(default_factory=list)  # sent, or (no mail server) only written
    written: list[Notice] = field(default_factory=list)  # of `sent`: text file only, not sent
    skipped: int = 0  # planned or sent by an earlier run
    problems: list[str] = field(default_factory=list)
    failed: int = 0  # not delivered this run (failed, bad address)
    dropped: list[str] = field(default_factory=list)  # no longer true, or replaced by a newer one
    complete: bool = True  # every action of the day was carried out


def plan_for(cycle: steps.Cycle, day: date) -> list[Action]:
    rep = cycle.config.reporting
    return actions_for(
        day,
        cycle.tasks.year,
        rep.first_month,
        rep.deadline_day,
        cycle.config.schedule.remind_day,
    )


def warn_other_year(cycle: steps.Cycle, month: str, report: DayReport, schedule: bool) -> bool:
    """A task list of another year than the month's would send last year's tasks, every milestone
    overdue.  A command (remind, escalate) stops with exit 2; the schedule does none of the
    month's actions and says so in the log and on the console (the day's problems), and leaves the
    day undone, so it is planned again (late) once the right list is configured.  True: go on."""
    try:
        cycle.require_list_year(month)
    except YuebaoError as exc:
        if not schedule:
            raise
        log.warning("%s（%s）", exc.zh, exc.en)
        report.problems.append(f"{month}的计划未执行：{exc.zh}")
        report.complete = False
        return False
    return True


def run_day(
    cycle: steps.Cycle,
    day: date,
    dry_run: bool = False,
    mailer: Mailer | None = None,
    deliver: bool = True,
) -> DayReport:
    """Do what the plan says for `day` (cycle.as_of should be `day`): first deliver what earlier
    runs still owe, then plan the day's notices and deliver them.  `deliver=False`: plan only
    (catch-up of a missed day, delivered by the run of today)."""
    return run_actions(
        cycle,
        plan_for(cycle, day),
        day,
        dry_run,
        mailer,
        deliver="all" if deliver else "none",
        schedule=True,
    )


def run_actions(
    cycle: steps.Cycle,
    actions: list[Action],
    day: date,
    dry_run: bool = False,
    mailer: Mailer | None = None,
    deliver: str = "all",
    schedule: bool = False,
) -> DayReport:
    """Plan the notices of `actions`, then deliver what is due: everything owed ("all"), only
    notices of these actions and months ("these": the remind and escalate commands), or nothing
    ("none")."""
    report = DayReport(day, actions)
    mailer = mailer or Mailer(cycle.config.smtp)
    facts = Facts(cycle)
    if deliver != "none":
        mailer.warn_plain_auth()
    if deliver == "all" and not dry_run and schedule:
        deliver_due(cycle, day, mailer, report, facts)  # what earlier runs still owe comes first
    months = sorted({a.month for a in actions})
    wrong = {m for m in months if not warn_other_year(cycle, m, report, schedule)}
    actions = [a for a in actions if a.month not in wrong]
    notices = []
    for action in actions:
        log.info("%s %s：开始（%s月）", day, NAMES_ZH[action.kind], action.month)
        try:
            notices += build_notices(cycle, action, day, dry_run, facts)
        except (YuebaoError, OSError) as exc:  # one action failing never stops the others
            zh = getattr(exc, "zh", "") or str(exc)
            log.error(
                "%s %s（%s月）未能完成：%s（%s）",
                day,
                NAMES_ZH[action.kind],
                action.month,
                zh,
                getattr(exc, "en", exc),
            )
            report.problems.append(f"{NAMES_ZH[action.kind]}（{action.month}）未能完成：{zh}")
            report.complete = False
    new = plan_notices(cycle, notices, day, dry_run)
    report.skipped = len(notices) - len(new)
    if deliver != "none":
        scope = None if deliver == "all" else {(a.kind, a.month) for a in actions}
        deliver_due(
            cycle,
            day,
            mailer,
            report,
            facts,
            scope=scope,
            dry_run=dry_run,
            extra=new if dry_run else (),
        )
    if schedule and not dry_run and report.complete:
        with cycle.ledger() as ledger:
            ledger.schedule_day_done(day.isoformat())
    return report
