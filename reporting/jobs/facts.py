"""The month's facts as the schedule's notices read them: the inbox collected (and the mailbox
fetched) once per run, each month judged once by summary.month's summarise, who is to be 督办'd.

Apart from day.py (what a day does) and notices.py (what each notice says), so that delivery.py
can judge a 督办 afresh on the same facts without importing the day.
"""

from __future__ import annotations

import logging

from .. import cycle as steps
from ..intake.mailbox import fetch_if_configured
from ..models import OfficeState
from ..notify.escalation import OVERDUE, Escalation, decide
from ..summary.month import MonthSummary
from .kept_reads import KEPT_READS
from .replies import reply_with_findings

log = logging.getLogger("reporting.schedule")


class Facts:
    """The inbox as collected this run, judged as of the cycle's day: each month's summary, once.
    Every notice reads its facts from these summaries, as the pages and the workbook do."""

    def __init__(self, cycle: steps.Cycle):
        self.cycle = cycle
        self._summaries: dict[tuple[str, bool], MonthSummary] = {}
        self._escalations: dict[str, dict[tuple[str, str], Escalation]] = {}

    def summary(self, month: str, refresh: bool = False) -> MonthSummary:
        """The month judged on the inbox as collected now; `refresh`: also on the returns that
        earlier months' merges did not count yet (late ones, collected now if still in their
        inbox), so that a milestone reported 已完成 late is not 督办'd as overdue."""
        if (month, refresh) not in self._summaries:
            fresh = self._earlier(month) if refresh else None
            self._summaries[month, refresh] = collect_and_summarise(self.cycle, month, fresh)
        return self._summaries[month, refresh]

    def office_state(self, month: str, office: str) -> OfficeState:
        states = (o.state for o in self.summary(month).offices if o.office.name == office)
        return next(states, OfficeState.NOT_RETURNED)

    def escalations(self, month: str) -> dict[tuple[str, str], Escalation]:
        """Who is to be escalated today, decided on the inbox as collected now."""
        if month not in self._escalations:
            rules = self.cycle.config.supervision

            def decided(summary: MonthSummary) -> list[Escalation]:
                return decide(summary, self.cycle.as_of, rules.missing_days, rules.overdue_days)

            found = decided(self.summary(month))
            if any(e.reason == OVERDUE for e in found):  # read the returns merged months missed
                found = decided(self.summary(month, refresh=True))
            self._escalations[month] = {(e.office, e.reason): e for e in found}
        return self._escalations[month]

    def _earlier(self, month: str) -> dict[str, MonthSummary]:
        """The months of the year before `month` with returns their merge did not count, judged
        anew."""
        for m in _months_before(self.cycle, month):
            if self.cycle.config.folder("inbox", m).is_dir():
                steps.collect_month(self.cycle, m)
        with self.cycle.ledger() as ledger:
            later = ledger.months_with_later_returns(month)
        return {m: self.summary(m) for m in later}


def _months_before(cycle: steps.Cycle, month: str) -> list[str]:
    """The reporting months of the year before `month`."""
    year, number = int(month[:4]), int(month[5:])
    first = cycle.config.reporting.first_month if year == cycle.tasks.year else 1
    return [f"{year:04d}-{m:02d}" for m in range(first, number)]


def collect_and_summarise(
    cycle: steps.Cycle, month: str, fresh: dict | None = None
) -> MonthSummary:
    """Fetch the mailbox (when configured) and collect the inbox, then judge the month on it (the
    files read before not read again: see kept_reads); the log names each new return's office."""
    fetched = fetch_if_configured(cycle, month)
    collected = steps.collect_month(cycle, month)
    period, check = steps.check_month(cycle, month, cache=KEPT_READS.of(cycle, month))
    office_of = {r.file_name: r.office for r in check.returns}
    for ret in collected.new:
        if ret.received_at.date() > cycle.as_of:
            log.info(
                "收到文件：%s（%s收到，晚于所补做的%s，该日的判断不计入）",
                ret.file_name,
                f"{ret.received_at:%m-%d %H:%M}",
                cycle.as_of,
            )
            continue
        office = office_of.get(ret.file_name) or "（未能识别股室）"
        log.info(
            "收到%s的报表：%s（%s收到）", office, ret.file_name, f"{ret.received_at:%m-%d %H:%M}"
        )
    for f in collected.findings:
        log.warning("收件箱中的文件未能收取：%s：%s", f.file, f.message)
    with cycle.ledger() as ledger:
        summary = steps.summarise(cycle, period, check, ledger, fresh)
    if fetched and cycle.config.mail.reply:
        replies = reply_with_findings(cycle, fetched, {month: summary})
        for why in replies.failed:
            log.warning("回复发件人未成功：%s", why)
    return summary
