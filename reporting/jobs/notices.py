"""What each of the plan's actions says, to whom: the notices of one action on one day (the forms
filled and sent, 催报, 节点到期提醒, 督办 letters, the report to the chiefs), each office's page
link written above the signature (letters.py writes each letter).

The facts come from facts.py (the month as summarise judged it); planning and sending the notices
is day.py's and delivery.py's.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, timedelta

from .. import cycle as steps
from ..forms.fill import form_file_name
from ..models import Light, Milestone, OfficeState, Task
from ..notify.plan import (
    ESCALATE,
    FILL_AND_SEND,
    REMIND_MILESTONES,
    REMIND_MISSING,
    RUN_AND_REPORT,
    Action,
)
from ..notify.senders import Notice
from ..summary.month import MonthSummary
from ..summary.workbook import summary_text
from .facts import Facts
from .letters import escalation_notice, make_notice, page_links

log = logging.getLogger("reporting.schedule")


def _not_leading(cycle: steps.Cycle, what: str) -> None:
    others = sorted(set(cycle.config.office_names) - set(cycle.tasks.lead_offices()))
    if others:
        log.info("%s：%s 不是任何任务的牵头股室，不发", what, "、".join(others))


def build_notices(
    cycle: steps.Cycle, action: Action, day: date, dry_run: bool = False, facts: Facts | None = None
) -> list[Notice]:
    """The notices an action makes on `day` (a dry run fills and merges nothing)."""
    config, month = cycle.config, action.month
    facts = facts or Facts(cycle)
    period = cycle.period(month)
    common = dict(
        bureau=config.bureau,
        month=period.month,
        year=period.year,
        deadline=period.deadline,
        day=day,
    )
    notices = []
    pages = (
        page_links(cycle)
        if action.kind in (FILL_AND_SEND, REMIND_MISSING, REMIND_MILESTONES)
        else {}
    )
    if action.kind == FILL_AND_SEND:
        _not_leading(cycle, "表格")
        outbox = config.folder("outbox", month)
        filled = None if dry_run else steps.fill(cycle, month)
        paths = {p.name: p for p in filled.paths} if filled else {}
        failed = {p.name: why for p, why in filled.failed} if filled else {}
        carried = filled.carried.month_of_year if filled and filled.carried else None
        for office in cycle.tasks.lead_offices():
            info = config.office(office)
            name = form_file_name(month, office)
            attachment = paths.get(name)
            if (
                not dry_run and attachment is None
            ):  # its form could not be written: no mail without it
                log.error(
                    "form for %s not written, so not sent: %s",
                    office,
                    failed.get(name, "not filled"),
                )
                continue
            notices.append(
                make_notice(
                    action,
                    office,
                    [info.email],
                    "remind_form.j2",
                    common,
                    info=info,
                    tasks=cycle.tasks.tasks_of(office),
                    file=name,
                    attachments=[attachment] if attachment else [],
                    outbox=outbox,
                    carried=carried,
                    link=pages.get(office, ""),
                )
            )
    elif action.kind == REMIND_MISSING:
        _not_leading(cycle, "催报")
        summary = facts.summary(month)  # judged on the month's own list
        states = {o.office.name: o for o in summary.offices}
        for office in _leads(summary):
            row = states[office]
            if not row.state.missing:  # a return with errors counts as not returned
                log.info("催报：%s 已报送（%s，%s），不催", office, row.file, row.state)
                continue
            info = config.office(office)
            notices.append(
                make_notice(
                    action,
                    office,
                    [info.email],
                    "remind_missing.j2",
                    common,
                    info=info,
                    tasks=list(
                        dict.fromkeys(r.task for r in summary.rows if r.task.lead == office)
                    ),
                    rejected=row.state is OfficeState.REJECTED,
                    file=row.file_shown,  # as the office named it
                    errors=row.errors,
                    link=pages.get(office, ""),
                )
            )
    elif action.kind == REMIND_MILESTONES:
        window = config.schedule.milestone_window_days
        due_of: dict[str, list[Due]] = {}
        summary = facts.summary(month)  # judged on the month's own list
        for r in summary.rows:
            m = r.milestone
            # as judged: this month's word, else the latest before
            if m is None or not m.due or r.light is Light.DONE:
                continue
            if r.light is Light.OVERDUE and m.due < day:  # already overdue, not done
                due_of.setdefault(r.task.lead, []).append(Due(r.task, m, (day - m.due).days))
            elif day <= m.due <= day + timedelta(days=window):
                due_of.setdefault(r.task.lead, []).append(Due(r.task, m))
        for due in due_of.values():  # the overdue first, the longest overdue first; then by date
            due.sort(key=lambda d: (not d.late, d.milestone.due))
        quiet = [o for o in _leads(summary) if o not in due_of]
        if quiet:
            log.info(
                "节点到期提醒：%s 没有逾期或在%d天内到期的未完成节点，不提醒",
                "、".join(quiet),
                window,
            )
        for office in _leads(summary):
            if office in due_of:
                info = config.office(office)
                notices.append(
                    make_notice(
                        action,
                        office,
                        [info.email],
                        "remind_milestones.j2",
                        common,
                        info=info,
                        due=due_of[office],
                        window=window,
                        link=pages.get(office, ""),
                    )
                )
    elif action.kind == ESCALATE:
        for e in facts.escalations(month).values():
            notices.append(escalation_notice(cycle, month, e, day))
    elif action.kind == RUN_AND_REPORT:
        result = None
        if not dry_run:
            facts.summary(month)  # collected, and the new returns named in the log
            result = steps.merge(cycle, month)
        chiefs = list(config.schedule.chiefs)
        text = "" if result is None else _overview(result)
        notices.append(
            make_notice(
                action,
                "",
                chiefs,
                "report_summary.j2",
                common,
                overview=text,
                attachments=[result.summary_path] if result and result.summary_path else [],
            )
        )
    return notices


def _leads(summary: MonthSummary) -> list[str]:
    """The month's lead offices, in task-list order, as the month is judged (its own list)."""
    return list(dict.fromkeys(r.task.lead for r in summary.rows))


@dataclass(frozen=True)
class Due:
    """A milestone the weekly reminder names: already overdue (`late` days), or falling due."""

    task: Task
    milestone: Milestone
    late: int = 0  # days overdue (0: not yet due)


def _overview(result: steps.CheckResult) -> str:
    return summary_text(result.summary, 7)
