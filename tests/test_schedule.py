"""The schedule over a simulated June 2022, with a real SMTP server on loopback."""

import os
import signal
import sqlite3
import subprocess
import sys
from collections import Counter
from datetime import date, datetime

import pytest
import yaml
from aiosmtpd.controller import Controller

from reporting.demo import RETURNS, stage_returns
from reporting.jobs.scheduler import catch_up, run_once
from reporting.notify.plan import (
    ESCALATE,
    FILL_AND_SEND,
    REMIND_MILESTONES,
    REMIND_MISSING,
    RUN_AND_REPORT,
    actions_for,
)
from reporting.tasks.tasklist import read_task_list

from .conftest import ROOT, SAMPLE_TASKS, Inbox, free_port, write_config
from .inprocess import run as yuebao

JUNE = [date(2022, 6, d) for d in range(1, 31)]
OFFICES = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))["offices"]
EMAIL_OF = {name: info["email"] for name, info in OFFICES.items()}


def configure(tmp_path, port, **smtp):
    return write_config(
        tmp_path,
        smtp={"host": "127.0.0.1", "port": port, "retries": 2, "backoff_seconds": 0, **smtp},
        schedule={"chiefs": ["juzhang@taishan-edu.example.org"], "log": "yuebao.log"},
    )


def stage_until(tmp_path, day):
    """Put into the inbox the June returns that had arrived before the morning of `day`."""
    received = yaml.safe_load((RETURNS / "2022-06" / "received.yaml").read_text(encoding="utf-8"))
    inbox = tmp_path / "inbox" / "2022-06"
    staged = stage_returns("2022-06", inbox)
    for path in staged:
        when = datetime.fromisoformat(str(received[path.name]))
        if when.date() >= day:
            path.unlink()
    return {p.name for p in inbox.iterdir()}


def offices_returned_before(day):
    """Offices whose June return had arrived, and could be accepted, before the morning of `day`."""
    from .test_cycle import FAULTS

    received = yaml.safe_load((RETURNS / "2022-06" / "received.yaml").read_text(encoding="utf-8"))
    tasks = read_task_list(SAMPLE_TASKS)
    with_errors = {o for o, f in FAULTS.items() if "overwrite" in f or "delete_task" in f}
    returned = set()
    for name, when in received.items():
        if datetime.fromisoformat(str(when)).date() < day:
            returned |= {o for o in tasks.lead_offices() if o in name}
    return returned - with_errors  # a return with errors counts as not returned


def test_plan_for_june_2022_follows_the_working_calendar():
    plan = {d: [a.kind for a in actions_for(d, 2022, 6, 20, 15)] for d in JUNE}
    assert plan[date(2022, 6, 1)] == [FILL_AND_SEND]  # the month's first working day
    assert plan[date(2022, 6, 3)] == []  # Dragon Boat festival
    assert plan[date(2022, 6, 15)] == [REMIND_MISSING]
    assert plan[date(2022, 6, 17)] == [REMIND_MISSING]  # the working day before the deadline
    assert plan[date(2022, 6, 21)] == [RUN_AND_REPORT, ESCALATE]  # first working day after it
    mondays = [d for d in JUNE if REMIND_MILESTONES in plan[d]]
    assert mondays == [date(2022, 6, 6), date(2022, 6, 13), date(2022, 6, 20), date(2022, 6, 27)]
    assert all(plan[d] == [] for d in JUNE if d.weekday() >= 5)
    assert actions_for(date(2022, 5, 5), 2022, 6, 20, 15) == []  # before reporting starts


@pytest.mark.slow(6)
def test_a_simulated_month_sends_the_right_mail_to_the_right_people(tmp_path, smtp):
    inbox, port = smtp
    config = configure(tmp_path, port)
    tasks = read_task_list(SAMPLE_TASKS)
    log = {}
    for day in JUNE:
        stage_until(tmp_path, day)
        before = len(inbox.messages)
        run_once(config, day)
        log[day] = inbox.messages[before:]
    # 1 June: every lead office gets its own workbook
    forms = [m for m in log[date(2022, 6, 1)] if "请填报" in m["Subject"]]
    assert sorted(m["To"] for m in forms) == sorted(EMAIL_OF[o] for o in tasks.lead_offices())
    for m in forms:
        office = next(o for o in tasks.lead_offices() if EMAIL_OF[o] == m["To"])
        names = [p.get_filename() for p in m.iter_attachments()]
        assert names == [f"进展情况表_2022-06_{office}.xlsx"]
    assert log[date(2022, 6, 3)] == []  # a public holiday: nothing
    # 15 and 17 June: only offices that had not returned are reminded
    for day in (date(2022, 6, 15), date(2022, 6, 17)):
        reminded = sorted(m["To"] for m in log[day] if "催报" in m["Subject"])
        missing = set(tasks.lead_offices()) - offices_returned_before(day)
        assert reminded == sorted(EMAIL_OF[o] for o in missing), day
    # 21 June: the chiefs get the summary
    summary = [m for m in log[date(2022, 6, 21)] if "汇总" in m["Subject"]]
    assert len(summary) == 1 and summary[0]["To"] == "juzhang@taishan-edu.example.org"
    assert [p.get_filename() for p in summary[0].iter_attachments()] == [
        "重点工作进展汇总_2022-06_台山市教育系统.xlsx"
    ]
    # Mondays: milestone reminders name milestones and dates
    monday = [m for m in log[date(2022, 6, 27)] if "节点提醒" in m["Subject"]]
    assert monday and all(
        "计划完成时间" in m.get_payload(decode=True).decode("utf-8")
        for m in monday
        if not m.is_multipart()
    )
    # every notice once: running the whole month again sends nothing
    total = len(inbox.messages)
    for day in JUNE:
        run_once(config, day)
    assert len(inbox.messages) == total
    assert (tmp_path / "yuebao.log").read_text(encoding="utf-8").count("已发送") == total
    # 1 July: the new forms carry June's answers, and the mail tells the clerks so
    run_once(config, date(2022, 7, 1))
    july = [m for m in inbox.messages[total:] if "请填报" in m["Subject"]]
    assert len(july) == len(tasks.lead_offices())
    assert all(
        "表中已预填6月报送的进展情况" in m.get_body(preferencelist=("plain",)).get_content()
        for m in july
    )
    assert not any(
        "已预填" in m.get_body(preferencelist=("plain",)).get_content() for m in forms
    )  # June: nothing yet


def test_killed_mid_run_and_restarted_sends_each_notice_exactly_once(tmp_path):
    inbox = Inbox(stall_at=3)
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        config = configure(tmp_path, controller.port)
        cmd = [
            sys.executable,
            "-m",
            "reporting.cli",
            "schedule",
            "--once",
            "--as-of",
            "2022-06-01",
            "--config",
            str(config),
        ]
        proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        assert inbox.stalled.wait(60), "the run reached the fourth message"
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        assert len(inbox.messages) == 3
        inbox.released.set()  # the server finishes with the dead connection meanwhile
        again = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
        assert again.returncode == 0, again.stderr
    finally:
        controller.stop()
    forms = Counter(m["To"] for m in inbox.messages if "请填报" in m["Subject"])
    leads = read_task_list(SAMPLE_TASKS).lead_offices()
    assert forms == Counter({EMAIL_OF[o]: 1 for o in leads})  # none lost, none twice


def test_smtp_down_is_retried_logged_and_does_not_stop_the_others(tmp_path):
    config = configure(tmp_path, free_port())  # nothing listens there
    report = run_once(config, date(2022, 6, 1))
    leads = read_task_list(SAMPLE_TASKS).lead_offices()
    assert len([p for p in report.problems if "failed" in p]) >= len(leads)  # every office reported
    db = sqlite3.connect(tmp_path / "ledger.sqlite3")
    rows = db.execute("SELECT status, tries FROM notices WHERE action='fill_and_send' ORDER BY id")
    rows = rows.fetchall()
    # the first message used its two tries; then the server counts as down for the run
    assert rows == [("failed", 2)] + [("failed", 0)] * (len(leads) - 1)
    log = (tmp_path / "yuebao.log").read_text(encoding="utf-8")
    assert log.count("发送失败（已重试2次）") == 1
    assert log.count("未发送（邮件服务器不可用，下次运行重发）") == len(leads) - 1
    cli = yuebao("remind", "--month", "2022-06", "--as-of", "2022-06-15", "--config", str(config))
    assert cli.returncode == 1 and "未能发出" in cli.stderr, cli.stderr  # systemd sees it
    text = (tmp_path / "yuebao.log").read_text(encoding="utf-8")
    assert "发送失败（第1次，共2次）" in text and "发送失败（已重试2次）" in text


def test_office_without_email_is_reported_not_skipped(tmp_path, smtp):
    inbox, port = smtp
    config = configure(tmp_path, port)
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["offices"]["卫健所"]["email"] = ""
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    report = run_once(config, date(2022, 6, 1))
    assert any(p.startswith("卫健所") and "no_address" in p for p in report.problems)
    assert (tmp_path / "2022-06" / "out" / "提醒" / "提醒_下发表格_卫健所.txt").is_file()


def test_catch_up_after_days_off_runs_missed_days_once(tmp_path, smtp):
    inbox, port = smtp
    config = configure(tmp_path, port)
    run_once(config, date(2022, 6, 10))  # last run before the machine was off
    stage_until(tmp_path, date(2022, 6, 16))
    reports = catch_up(config, date(2022, 6, 16))  # back on the 16th: the 13th and 15th were missed
    assert [r.day for r in reports] == [date(2022, 6, 13), date(2022, 6, 15)]
    assert catch_up(config, date(2022, 6, 16)) == []  # caught up once


def test_remind_dry_run_prints_without_sending(tmp_path, smtp):
    inbox, port = smtp
    config = configure(tmp_path, port)
    stage_until(tmp_path, date(2022, 6, 15))
    result = yuebao(
        "remind",
        "--month",
        "2022-06",
        "--as-of",
        "2022-06-15",
        "--dry-run",
        "--config",
        str(config),
    )
    assert result.returncode == 0, result.stderr
    missing = set(read_task_list(SAMPLE_TASKS).lead_offices()) - offices_returned_before(
        date(2022, 6, 15)
    )
    for office in missing:
        assert f"致 {office}" in result.stdout
    assert inbox.messages == []


def test_a_form_that_could_not_be_written_is_not_mailed_empty(tmp_path, smtp):
    inbox, port = smtp
    config = configure(tmp_path, port)
    blocked = tmp_path / "2022-06" / "out" / "进展情况表_2022-06_人事股.xlsx"
    blocked.mkdir(parents=True)  # in the way of the form, as a file locked by Excel would be
    run_once(config, date(2022, 6, 1))
    forms = [m for m in inbox.messages if "请填报" in m["Subject"]]
    lead = read_task_list(SAMPLE_TASKS).lead_offices()
    assert sorted(m["To"] for m in forms) == sorted(EMAIL_OF[o] for o in lead if o != "人事股")
    assert all(len(list(m.iter_attachments())) == 1 for m in forms)
    assert "form for 人事股 not written, so not sent" in (tmp_path / "yuebao.log").read_text(
        encoding="utf-8"
    )
