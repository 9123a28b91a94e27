"""What the plan's actions say, to whom: the notices of a day (fill and send, remind, escalate,
run and report).

The notices are then planned in the ledger and delivered by reporting.jobs.delivery, which sends
whatever is due and unsent, whatever day it is: a restart, a second run on the same day or a second
instance never sends one twice, and nothing lost in an outage stays lost.
"""

from __future__ import annotations

import logging
import sqlite3
from collections.abc import Iterable
from contextlib import closing
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

from .. import cycle as steps
from ..errors import YuebaoError
from ..forms.fill import form_file_name
from ..intake.mailbox import fetch_if_configured
from ..models import Light, Milestone, OfficeState, Task
from ..notify.escalation import OVERDUE, REASONS_ZH, Escalation, decide
from ..notify.plan import (
    ESCALATE,
    FILL_AND_SEND,
    NAMES_ZH,
    REMIND_MILESTONES,
    REMIND_MISSING,
    RUN_AND_REPORT,
    Action,
    actions_for,
)
from ..notify.senders import Mailer, Notice
from ..summary.month import MonthSummary
from ..summary.workbook import summary_text
from ..wording import render
from ..workdays import add_workdays
from .delivery import deliver_due, plan_notices
from .replies import reply_with_findings

log = logging.getLogger("reporting.schedule")


@dataclass
class DayReport:
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
    """Fetch the mailbox (when configured) and collect the inbox, then judge the month on it; the
    log names each new return's office."""
    fetched = fetch_if_configured(cycle, month)
    collected = steps.collect_month(cycle, month)
    period, check = steps.check_month(cycle, month)
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
                _notice(
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
                _notice(
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
                    _notice(
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
            _notice(
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


def escalation_notice(cycle: steps.Cycle, month: str, e: Escalation, day: date) -> Notice:
    """The 督办 letter for one escalation, as of `day`."""
    period = cycle.period(month)
    common = dict(
        bureau=cycle.config.bureau,
        month=period.month,
        year=period.year,
        deadline=period.deadline,
        day=day,
    )
    info = cycle.config.office(e.office)
    to = [info.leader_email, cycle.config.supervision.bureau_office_email]
    notice = _notice(
        Action(ESCALATE, month),
        e.office,
        to,
        "escalation.j2",
        common,
        info=info,
        reason_zh=REASONS_ZH[e.reason],
        detail=e.detail,
        fix_by=add_workdays(day, 2),
    )
    notice.reason, notice.reason_zh = e.reason, REASONS_ZH[e.reason]
    return notice


@dataclass(frozen=True)
class Due:
    """A milestone the weekly reminder names: already overdue (`late` days), or falling due."""

    task: Task
    milestone: Milestone
    late: int = 0  # days overdue (0: not yet due)


def page_links(cycle: steps.Cycle) -> dict[str, str]:
    """Each office's own page (`yuebao serve`), by office, when `web.url` is set and the links
    have been made: read from the web state file (never created here), as the page reads it."""
    web = cycle.config.web
    path = cycle.config.resolve(web.state)
    if not web.url or not path.is_file():
        return {}
    try:
        uri = f"{path.resolve().as_uri()}?mode=ro"
        with closing(sqlite3.connect(uri, uri=True, timeout=30)) as db:
            rows = db.execute(
                "SELECT office, token FROM links WHERE role = 'office' AND revoked_at IS NULL"
                " ORDER BY rowid"
            ).fetchall()
    except sqlite3.Error as exc:  # a reminder without its link rather than none
        log.warning("未能读取网页链接（%s），提醒中不附链接：%s", path, exc)
        return {}
    return {office: f"{web.url.rstrip('/')}/o/{token}" for office, token in rows}


def with_link(text: str, link: str) -> str:
    """The office's page named above the signature (the text's last paragraph)."""
    if not link:
        return text
    body, _, signature = text.rpartition("\n\n")
    line = (  # the online form itself (在线填报): one tap from the chat opens it
        "点开链接即可在手机上在线填报（也可在本股室的报送网页下载表格填好后上传；"
        f"此链接仅供本股室使用，请勿转发）：{link}/online"
    )
    return f"{body}\n\n{line}\n\n{signature}" if body else f"{text}\n\n{line}"


def _notice(
    action: Action,
    office: str,
    to: list[str],
    template: str,
    common: dict[str, object],
    attachments: Iterable[Path] = (),
    link: str = "",
    **context: object,
) -> Notice:
    text = with_link(render(template, office=office, **common, **context), link)
    subject, _, body = text.partition("\n")
    return Notice(
        action=action.kind,
        month=action.month,
        office=office,
        to=[t for t in to if t],
        subject=subject.strip(),
        body=body.strip(),
        attachments=list(attachments),
    )


def _overview(result: steps.CheckResult) -> str:
    return summary_text(result.summary, 7)
