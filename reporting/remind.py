"""Carry out the plan's actions for a day: fill and send, remind, run and report.

Every notice goes through the ledger (claim, send, finish), so a restart, a second run on the
same day or a second instance never sends one twice, and a run killed mid-send sends what it had
not finished when it next starts.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from . import cycle as steps
from .models import Status
from .notify import Mailer, Notice, SendFailed, post_webhook, write_text_file
from .plan import (ESCALATE, FILL_AND_SEND, NAMES_ZH, REMIND_MILESTONES, REMIND_MISSING, RUN_AND_REPORT, Action,
                   actions_for)
from .summary import NOT_RETURNED, REJECTED
from .texts import render

log = logging.getLogger("reporting.schedule")


@dataclass
class DayReport:
    day: date
    actions: list[Action]
    sent: list[Notice] = field(default_factory=list)
    skipped: int = 0
    problems: list[str] = field(default_factory=list)


def plan_for(cycle: steps.Cycle, day: date) -> list[Action]:
    rep = cycle.config.reporting
    return actions_for(day, cycle.tasks.year, rep["first_month"], rep["deadline_day"],
                       cycle.config.data["schedule"]["remind_day"])


def run_day(cycle: steps.Cycle, day: date, only: str | None = None, dry_run: bool = False,
            mailer: Mailer | None = None) -> DayReport:
    """Do what the plan says for `day` (cycle.as_of should be `day`)."""
    actions = [a for a in plan_for(cycle, day) if only is None or a.kind == only]
    report = DayReport(day, actions)
    mailer = mailer or Mailer(cycle.config.data["smtp"])
    for action in actions:
        log.info("%s %s：%s（%s月）", day, NAMES_ZH[action.kind], "开始", action.month)
        for notice in build_notices(cycle, action, day, dry_run):
            if dry_run:
                report.sent.append(notice)
                continue
            outcome = dispatch(cycle, notice, day, mailer)
            if outcome == "skipped":
                report.skipped += 1
            elif outcome in ("failed", "no_address"):
                report.problems.append(f"{notice.office or '领导'}：{notice.subject}（{outcome}）")
            else:
                report.sent.append(notice)
    if not dry_run and only is None:
        ledger = cycle.ledger()
        try:
            ledger.schedule_day_done(day.isoformat())
        finally:
            ledger.close()
    return report


def build_notices(cycle: steps.Cycle, action: Action, day: date, dry_run: bool = False) -> list[Notice]:
    config, month = cycle.config, action.month
    period = cycle.period(month)
    common = dict(bureau=config.bureau, month=period.month, year=period.year, deadline=period.deadline, day=day)
    notices = []
    if action.kind == FILL_AND_SEND:
        outbox = config.folder("outbox", month)
        filled = None if dry_run else steps.fill(cycle, month)
        paths = {p.name: p for p in filled.paths} if filled else {}
        failed = {p.name: why for p, why in filled.failed} if filled else {}
        carried = filled.carried.month_of_year if filled and filled.carried else None
        from .fill import form_file_name
        for office in cycle.tasks.lead_offices():
            info = config.office(office)
            name = form_file_name(month, office)
            attachment = paths.get(name)
            if not dry_run and attachment is None:  # its form could not be written: no mail without it
                log.error("form for %s not written, so not sent: %s", office, failed.get(name, "not filled"))
                continue
            notices.append(_notice(action, office, [info.email], "remind_form.j2", common, info=info,
                                   tasks=cycle.tasks.tasks_of(office), file=name,
                                   attachments=[attachment] if attachment else [], outbox=outbox,
                                   carried=carried))
    elif action.kind == REMIND_MISSING:
        if not dry_run:
            steps.collect_month(cycle, month)
        period, check = steps.check_month(cycle, month)
        ledger = cycle.ledger()
        try:
            states = {o.office.name: o for o in steps.summarise(cycle, period, check, ledger).offices}
        finally:
            ledger.close()
        for office in cycle.tasks.lead_offices():
            row = states[office]
            if row.state not in (NOT_RETURNED, REJECTED):  # a return with errors counts as not returned
                continue
            info = config.office(office)
            notices.append(_notice(action, office, [info.email], "remind_missing.j2", common, info=info,
                                   tasks=cycle.tasks.tasks_of(office), rejected=row.state == REJECTED,
                                   file=row.file, errors=row.errors))
    elif action.kind == REMIND_MILESTONES:
        window = config.data["schedule"]["milestone_window_days"]
        _, check = steps.check_month(cycle, month)
        for office in cycle.tasks.lead_offices():
            ret = check.chosen.get(office)
            due = []
            for task in cycle.tasks.tasks_of(office):
                report = ret.tasks.get(task.key) if ret else None
                for m in task.milestones:
                    done = report and m.key in report.milestones and report.milestones[m.key].status == Status.DONE.value
                    if m.due and day <= m.due <= day + timedelta(days=window) and not done:
                        due.append((task, m))
            if due:
                info = config.office(office)
                notices.append(_notice(action, office, [info.email], "remind_milestones.j2", common, info=info,
                                       due=due, window=window))
    elif action.kind == ESCALATE:
        notices += escalation_notices(cycle, action, day, common, dry_run)
    elif action.kind == RUN_AND_REPORT:
        result = None
        if not dry_run:
            steps.collect_month(cycle, month)
            result = steps.merge(cycle, month)
        chiefs = list(config.data["schedule"]["chiefs"])
        text = "" if result is None else _overview(result)
        notices.append(_notice(action, "", chiefs, "report_summary.j2", common, overview=text,
                               attachments=[result.summary_path] if result else []))
    return notices


def escalation_notices(cycle: steps.Cycle, action: Action, day: date, common: dict, dry_run: bool) -> list[Notice]:
    """New escalations of the day, logged in the ledger (a dry run logs nothing)."""
    from .escalation import REASONS_ZH, decide
    from .workdays import add_workdays
    rules = cycle.config.data["supervision"]
    period, check = steps.check_month(cycle, action.month)
    ledger = cycle.ledger()
    try:
        summary = steps.summarise(cycle, period, check, ledger)
        notices = []
        for e in decide(summary, day, rules["missing_days"], rules["overdue_days"]):
            if not dry_run and not ledger.log_escalation(action.month, e.office, e.reason, day.isoformat(), e.detail):
                continue  # escalated before
            info = cycle.config.office(e.office)
            log.warning("督办：%s %s：%s", e.office, REASONS_ZH[e.reason], e.detail)
            notice = _notice(action, e.office, [info.leader_email, rules["bureau_office_email"]], "escalation.j2", common,
                             info=info, reason_zh=REASONS_ZH[e.reason], detail=e.detail, fix_by=add_workdays(day, 2))
            notices.append(replace(notice, office=f"{e.office}（{REASONS_ZH[e.reason]}）"))
        return notices
    finally:
        ledger.close()


def _notice(action: Action, office: str, to: list[str], template: str, common: dict, attachments=(), **context):
    text = render(template, office=office, **common, **context)
    subject, _, body = text.partition("\n")
    return Notice(action=action.kind, month=action.month, office=office, to=[t for t in to if t],
                  subject=subject.strip(), body=body.strip(), attachments=list(attachments))


def _overview(result) -> str:
    from .merge import summary_text
    return summary_text(result.summary, 7)


def dispatch(cycle: steps.Cycle, notice: Notice, day: date, mailer: Mailer) -> str:
    """Send one notice through every configured channel, once; returns its final status."""
    key = (notice.action, notice.month, notice.office, day.isoformat())
    ledger = cycle.ledger()
    try:
        if not ledger.claim_notice(key, ",".join(notice.to), notice.subject):
            log.info("已处理过，跳过：%s %s", notice.office or "领导", notice.subject)
            return "skipped"
        schedule = cycle.config.data["schedule"]
        if schedule["reminder_files"] and notice.office:
            write_text_file(cycle.config.folder("outbox", notice.month) / "提醒", notice)
        if schedule["webhook"]:
            try:
                post_webhook(schedule["webhook"], notice, schedule["webhook_timeout"])
            except OSError as exc:
                log.warning("webhook 发送失败：%s %s", notice.subject, exc)
        status, tries, detail = "written", 0, ""
        if not notice.to:
            status, detail = "no_address", "未配置邮箱"
            log.warning("无法邮件通知%s：config.yaml 中没有它的邮箱（offices.%s.email）", notice.office or "领导",
                        notice.office or "schedule.chiefs")
        elif mailer.enabled:
            try:
                tries = mailer.send(notice)
                status = "sent"
                log.info("已发送：%s -> %s（%s）%s", notice.subject, ",".join(notice.to), notice.office or "领导",
                         "，附件 " + "、".join(p.name for p in notice.attachments) if notice.attachments else "")
            except SendFailed as exc:
                status, tries, detail = "failed", cycle.config.data["smtp"]["retries"], str(exc)
                log.error("发送失败（已重试%d次）：%s -> %s：%s", tries, notice.subject, ",".join(notice.to), exc)
        ledger.finish_notice(key, status, tries, detail)
        return status
    finally:
        ledger.close()
