"""The monthly cycle as one pipeline: fill -> collect -> validate -> merge.

Each step is a function of (Cycle, month) that returns what it did; the command line, the
schedule and run_monthly.py all call these and nothing else.  Validate checks the month and
writes what the clerks must fix; merge does the same, then writes the chiefs' summary and
records the month as merged.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from .checks.validate import MonthCheck, check_returns
from .context import Cycle
from .forms.fill import FillResult, fill_month
from .intake.collect import CollectResult, collect
from .period import Period
from .summary.carried import last_answers
from .summary.month import MonthSummary, Settings, history_of, state_items
from .summary.month import summarise as build
from .summary.outputs import write_check_files, write_summary_files

if TYPE_CHECKING:  # names for the signatures only: the steps' rooms are those imported above
    from .intake.reading import ReadCache
    from .ledger import Ledger
    from .models import Progress


def fill(cycle: Cycle, month: str, progress: Progress | None = None) -> FillResult:
    cycle.require_list_year(month)  # last year's list in a new year: stop, say so
    period = cycle.period(month)
    with cycle.writing(month):  # the forms, and the list they are filled from into the ledger
        tasks, kept = cycle.list_to_fill(month)
        offices = [cycle.config.office(name) for name in tasks.lead_offices()]
        carried = None
        if cycle.config.reporting.prefill:
            with cycle.ledger() as ledger:
                carried = last_answers(ledger, period)
        outbox = cycle.folder("outbox", month)
        result = fill_month(tasks, period, cycle.config.bureau, offices, outbox, progress, carried)
        if kept:
            with cycle.ledger() as ledger:
                ledger.keep_month_list(month, kept)
        return result


def collect_month(cycle: Cycle, month: str, progress: Progress | None = None) -> CollectResult:
    cycle.period(month)  # reject a malformed month before touching any folder
    with cycle.writing(month), cycle.ledger() as ledger:
        inbox, archive = cycle.config.folder("inbox", month), cycle.folder("archive", month)
        return collect(inbox, archive, ledger, month, progress)


def check_month(
    cycle: Cycle,
    month: str,
    progress: Progress | None = None,
    cache: ReadCache | None = None,
) -> tuple[Period, MonthCheck]:
    """Read every archived return of the month and validate them against the task list
    (`cache`: files read before, by the intranet page, not read again)."""
    period = cycle.period(month)
    # the other months' returns (last December's too): one mailed this month for another month is
    # filed under that month, and its office is told this month's form is still to be sent
    others = [f"{period.year:04d}-{m:02d}" for m in range(1, 13)] + [f"{period.year - 1:04d}-12"]
    other_months = []
    with cycle.ledger() as ledger:
        tasks = cycle.tasks_for(month, ledger)  # the list as it stood for the month
        returns = ledger.returns(month)
        since = date(period.year, period.month, 1)  # what validate looks at (other_month_return)
        for other in (m for m in others if m != period.label):
            for ret in ledger.returns(other, received_since=since):
                ret.month = other  # the month it is filed under
                other_months.append(ret)
    max_bytes = cycle.config.collect.max_file_mb * 1024 * 1024
    return period, check_returns(
        tasks, period, returns, cycle.as_of, max_bytes, progress, other_months, cache
    )


def summarise(
    cycle: Cycle,
    period: Period,
    check: MonthCheck,
    ledger: Ledger,
    fresh: dict[str, MonthSummary] | None = None,
) -> MonthSummary:
    """The month's judgement, on what the ledger remembers of the months before (`fresh`: earlier
    months judged anew, see summary.month.history_of)."""
    config = cycle.config
    settings = Settings(
        unit=config.bureau,
        amber_days=cycle.amber_days,
        red_share=config.supervision.red_share,
        rules=config.rules,
        office_info=config.office,
    )
    history = history_of(ledger, period, fresh)
    tasks = cycle.tasks_for(period.label, ledger)  # the list as it stood for the month
    return build(tasks, period, check, cycle.as_of, settings, history)


@dataclass
class CheckResult:
    summary: MonthSummary
    findings_path: Path
    summary_path: Path | None = None
    pdf_path: Path | None = None
    feedback: list[Path] = field(default_factory=list)


def validate(cycle: Cycle, month: str, progress: Progress | None = None) -> CheckResult:
    """Check the month's returns, record the outcome in the ledger, write 校验问题 and feedback."""
    cycle.period(month)
    with cycle.writing(month):
        return _checked(cycle, month, progress)


def merge(
    cycle: Cycle, month: str, progress: Progress | None = None, pdf: bool = False
) -> CheckResult:
    """Validate, then write the summary (`pdf`: also the chiefs' pages as PDF) and record the
    month's state as merged: what next month compares with and pre-fills from."""
    cycle.period(month)
    with cycle.writing(month):
        result = _checked(cycle, month, progress)
        folder = result.findings_path.parent
        result.summary_path, result.pdf_path = write_summary_files(
            result.summary, folder, cycle.amber_days, cycle.fills, pdf
        )
        with cycle.ledger() as ledger:
            ledger.record_state(
                month,
                cycle.as_of.isoformat(),
                str(result.summary_path),
                state_items(result.summary),
            )
    return result


def _checked(cycle: Cycle, month: str, progress: Progress | None = None) -> CheckResult:
    period, check = check_month(cycle, month, progress)
    folder = cycle.folder("summary", month)
    with cycle.ledger() as ledger:
        summary = summarise(cycle, period, check, ledger)
        ledger.record_validation(month, check.returns, summary.findings)
    findings_path, feedback = write_check_files(
        summary,
        folder,
        cycle.amber_days,
        cycle.fills,
        cycle.config.bureau,
        cycle.as_of,
        cycle.config.signature,
    )
    return CheckResult(summary, findings_path, feedback=feedback)
