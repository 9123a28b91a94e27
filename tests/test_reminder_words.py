"""Reminders in words a clerk and an office can act on (issue 30, items 1 and 7): a reminder only
written to a text file is never called sent, and the files are named in Chinese; the weekly
milestone reminder lists what is already overdue; 催报 texts are dated and link the office's
page."""

import re
from datetime import date

import pytest

from reporting import console
from reporting.context import Cycle
from reporting.jobs import on_demand
from reporting.jobs.day import Facts, build_notices
from reporting.models import Light
from reporting.notify.plan import REMIND_MILESTONES, REMIND_MISSING, Action
from reporting.web.store import WebState

from .conftest import write_config


def no_mail_server(tmp_path, **overrides):
    return write_config(tmp_path, smtp={"host": ""}, **overrides)


def test_remind_without_a_mail_server_says_written_not_sent_and_where(tmp_path, capsys):
    c = Cycle.load(no_mail_server(tmp_path), date(2022, 6, 15))
    report, log = on_demand.remind(c, "2022-06")
    console.print_reminders(report, c, "2022-06", False, log)
    out = capsys.readouterr().out
    folder = c.config.folder("outbox", "2022-06") / "提醒"
    assert report.sent and "已发送" not in out, out
    assert f"未配置邮件服务器：{len(report.sent)} 条提醒已写成文本，未发送：{folder}" in out, out
    names = sorted(p.name for p in folder.iterdir())
    assert names and all(re.fullmatch(r"提醒_(催报|节点到期)_[^A-Za-z_]+\.txt", n) for n in names)
    assert "提醒_催报_基财股.txt" in names, names


def test_escalate_without_a_mail_server_says_written_not_sent(tmp_path, capsys):
    c = Cycle.load(no_mail_server(tmp_path), date(2022, 6, 28))
    report, log = on_demand.escalate(c, "2022-06")
    console.print_escalations(report, c, "2022-06", False)
    out = capsys.readouterr().out
    folder = c.config.folder("outbox", "2022-06") / "提醒"
    assert report.sent and "已督办" not in out, out
    assert f"未配置邮件服务器：{len(report.sent)} 份督办函已写成文本，未发送：{folder}" in out
    names = sorted(p.name for p in folder.iterdir())
    assert names and all(n.startswith("督办_") and n.isascii() is False for n in names), names
    assert not any(re.search(r"[A-Za-z]", n.removesuffix(".txt")) for n in names), names


def milestone_notices(c, day):
    return {
        n.office: n
        for n in build_notices(c, Action(REMIND_MILESTONES, f"{day:%Y-%m}"), day, dry_run=True)
    }


def test_weekly_milestone_reminder_lists_milestones_already_overdue_first(tmp_path):
    day = date(2022, 7, 25)
    c = Cycle.load(no_mail_server(tmp_path), day)
    overdue = [
        r
        for r in Facts(c).summary("2022-07").rows
        if r.task.lead == "督导室" and r.light is Light.OVERDUE and r.milestone.due
    ]
    assert any((day - r.milestone.due).days == 55 for r in overdue)  # 第10项, due 31 May
    body = milestone_notices(c, day)["督导室"].body
    assert "已逾期55天" in body, body
    for r in overdue:
        assert r.milestone.text in body and f"已逾期{(day - r.milestone.due).days}天" in body
    items = [line for line in body.splitlines() if line.startswith("  第")]
    late = [i for i, line in enumerate(items) if "已逾期" in line]
    soon = [i for i, line in enumerate(items) if "已逾期" not in line]
    assert late and all(i < j for i in late for j in soon), body  # the overdue first
    assert body.rstrip().endswith("2022年7月25日")


def test_an_office_with_only_overdue_milestones_is_reminded_too(tmp_path):
    day = date(2022, 7, 25)
    c = Cycle.load(no_mail_server(tmp_path, schedule={"milestone_window_days": 1}), day)
    notices = milestone_notices(c, day)
    assert "督导室" in notices and "已逾期" in notices["督导室"].subject


def missing_notice(c, day):
    notices = build_notices(c, Action(REMIND_MISSING, "2022-06"), day, dry_run=True)
    return {n.office: n for n in notices}["基财股"]


def test_reminder_to_submit_is_dated_under_the_signature(tmp_path):
    c = Cycle.load(no_mail_server(tmp_path), date(2022, 6, 15))
    body = missing_notice(c, date(2022, 6, 15)).body
    lines = body.splitlines()
    assert lines[-1] == "2022年6月15日" and lines[-2].endswith("办公室"), body
    assert "/o/" not in body  # no web.url: no link


@pytest.mark.parametrize("action", [REMIND_MISSING, REMIND_MILESTONES])
def test_reminders_link_the_office_page_when_web_url_is_set(tmp_path, action):
    state = tmp_path / "网页" / "web.sqlite3"
    web = {"url": "http://10.1.2.3:8080", "state": str(state)}
    config = no_mail_server(tmp_path, web=web)
    day = date(2022, 6, 15) if action == REMIND_MISSING else date(2022, 7, 25)
    c = Cycle.load(config, day)
    month = f"{day:%Y-%m}"

    def body():
        notices = build_notices(c, Action(action, month), day, dry_run=True)
        return {n.office: n for n in notices}["基财股"].body

    assert "/o/" not in body() and not state.exists()  # no state file: no link, none made
    links = {k.office: k.token for k in WebState(state).ensure_links(c.tasks.lead_offices())}
    text = body()
    assert f"http://10.1.2.3:8080/o/{links['基财股']}" in text, text
    assert not any(f"/o/{t}" in text for o, t in links.items() if o != "基财股")
    assert text.splitlines()[-1] == f"{day.year}年{day.month}月{day.day}日"


def test_the_clerks_button_and_the_days_line_do_not_call_written_texts_sent(tmp_path, capsys):
    """The page's 催报 button and `schedule --once`'s day line, without a mail server."""
    from reporting.jobs.day import run_day
    from reporting.web import actions

    config = no_mail_server(tmp_path)
    outcome = actions.run_step(Cycle.load(config, date(2022, 6, 15)), "remind", "2022-06")
    assert outcome.ok and outcome.lines
    assert not any(line.startswith("已提醒") for line in outcome.lines), outcome.lines
    assert any(line.startswith("已写成文本（未配置邮件服务器，未发送）") for line in outcome.lines)
    assert "共发送 0 条，写成文本未发送" in outcome.lines[-1], outcome.lines[-1]
    day = date(2022, 6, 17)  # the working day before the deadline: 催报 is planned
    console.print_day(run_day(Cycle.load(config, day), day))
    out = capsys.readouterr().out
    assert "发送 0 条，写成文本未发送" in out, out
