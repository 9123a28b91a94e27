"""A simulated year of the schedule: every working day of 2022 from the first reporting month on
(Taishan reports from June: Dragon Boat, Mid-Autumn and National Day with its 调休 weekend fall in
it), run as `yuebao schedule --once --as-of D` does, against a real SMTP server on loopback that
is down on some days; on two days the run is a real process killed with SIGKILL while sending, on
one day two instances run at once; the offices' returns reach the inbox at random (seeded) times,
some never.  What must hold: every notice due is delivered exactly once, at most one working day
after the server is back; no 催报 or 督办 names an office that had a usable return, and no 督办
calls a milestone overdue that the office last reported 已完成."""

import email
import email.policy
import os
import random
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from reporting.jobs.scheduler import run_once
from reporting.notify.escalation import REASONS_ZH
from reporting.notify.plan import REMIND_MISSING, actions_for
from reporting.tasks.tasklist import read_task_list
from reporting.workdays import (
    add_workdays,
    first_workday,
    is_workday,
    return_deadline,
    workdays_between,
)

from .clerks import answer_form
from .conftest import SAMPLE_TASKS
from .pool_ticks import quick_pool_ticks
from .test_schedule import OFFICES, configure
from .test_unattended import Server

TASKS = read_task_list(SAMPLE_TASKS)
LEADS = TASKS.lead_offices()
MONTHS = [f"2022-{m:02d}" for m in range(6, 13)]
FIRST, LAST = date(2022, 6, 1), date(2022, 12, 30)
DOWN = {
    date(2022, 6, 1),
    date(2022, 6, 2),  # the first days: forms after Dragon Boat
    date(2022, 6, 21),  # the summary day
    date(2022, 7, 14),
    date(2022, 7, 15),  # a 催报 day
    date(2022, 8, 25),
    date(2022, 8, 26),  # escalation days
    date(2022, 9, 23),
    date(2022, 9, 26),
    date(2022, 9, 27),
    date(2022, 10, 8),  # the 调休 Saturday that opens October
    date(2022, 11, 21),
}  # the summary day again
KILLED = {date(2022, 8, 1): 3, date(2022, 11, 1): 6}  # killed sending the run's n-th message
TWINS = date(2022, 9, 15)  # two instances at once
SEED = 2022


class Recorder:
    """The SMTP handler: keeps each accepted message with the simulated day it arrived on; can hold
    the sender before DATA (the message is then not delivered) until the test has killed it."""

    def __init__(self):
        self.mail: list[tuple[date, email.message.EmailMessage]] = []
        self.today = FIRST
        self.stall_at = None
        self.stalled = threading.Event()
        self.killed = threading.Event()  # set by the test once the held sender is dead

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.stall_at is not None and len(self.mail) >= self.stall_at:
            self.stall_at = None
            self.stalled.set()
            self.killed.wait(60)  # held here (the whole server with it) until the kill is done
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        self.mail.append((self.today, message))
        return "250 OK"


def working_days():
    day = FIRST
    while day <= LAST:
        if is_workday(day):
            yield day
        day += timedelta(days=1)


def arrivals(rng):
    """When each office's return of each month reaches the inbox (None: never), and what it reports
    done (cumulative: once done, always reported done)."""
    done: dict[str, set] = defaultdict(set)
    plan = {}
    for month in MONTHS:
        start = datetime.combine(first_workday(month), datetime.min.time()) + timedelta(hours=9)
        late = add_workdays(return_deadline(month, 20), 5)
        end = datetime.combine(late, datetime.min.time()) + timedelta(hours=18)
        month_end = date(2022, 12, 31)
        if month != "2022-12":
            month_end = date(2022, int(month[5:]) + 1, 1) - timedelta(days=1)
        for office in LEADS:
            if rng.random() < 0.2:
                plan[month, office] = None
                continue
            when = start + timedelta(seconds=rng.randrange(int((end - start).total_seconds())))
            if (month, office) == ("2022-09", LEADS[0]):
                when = datetime(2022, 9, 14, 17, 0)  # new for both instances of the 15th
            for task in TASKS.tasks_of(office):
                for m in task.milestones:
                    if m.due and m.due <= month_end and rng.random() < 0.5:
                        done[office].add(m.key)
            plan[month, office] = (when, set(done[office]))
    return plan


def back_by(day):
    """The working day the server is back on for a notice due on `day`, plus one working day."""
    while day in DOWN or not is_workday(day):
        day += timedelta(days=1)
    return add_workdays(day, 1)


def month_of(subject):
    number = int(re.search(r"1—(\d+)月", subject).group(1))
    return f"2022-{number:02d}"


def office_in(text):
    return max((o for o in LEADS if o in text), key=len)


@pytest.fixture
def folder(tmp_path):
    """In memory where the system offers it (tmpfs): the ledger commits ~1,500 times in a year."""
    if not os.path.isdir("/dev/shm"):
        yield tmp_path
        return
    with tempfile.TemporaryDirectory(dir="/dev/shm", prefix="yuebao-year-") as tmp:
        yield Path(tmp)


@pytest.mark.slow(20)
@quick_pool_ticks()  # the month checks that read new files do so in a pool of their own
def test_a_simulated_year(folder):
    tmp_path = folder
    rng = random.Random(SEED)
    returns = arrivals(rng)
    recorder = Recorder()
    server = Server(recorder)
    config = configure(tmp_path, server.port, retries=1, timeout=3)
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["schedule"]["chiefs"] = ["juzhang@taishan-edu.example.org"]
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    cmd = [
        sys.executable,
        "-m",
        "reporting.cli",
        "schedule",
        "--once",
        "--config",
        str(config),
        "--as-of",
    ]
    staged = set()
    returned_before: dict[date, dict] = {}  # day -> (month, office) -> what its return calls done
    for day in working_days():
        morning = datetime.combine(day, datetime.min.time()) + timedelta(hours=8, minutes=30)
        for (month, office), ret in returns.items():
            outbox = tmp_path / month / "out"
            if ret and ret[0] < morning and (month, office) not in staged and outbox.is_dir():
                inbox = tmp_path / "inbox" / month
                answer_form(outbox, month, office, TASKS, inbox, ret[0], ret[1])
                staged.add((month, office))
        returned_before[day] = {k: returns[k][1] for k in staged}
        recorder.today = day
        if day in DOWN:
            server.down()
        elif server.controller is None:
            server.up()
        try:
            if day in KILLED:
                recorder.stall_at = len(recorder.mail) + KILLED[day] - 1
                recorder.stalled.clear()
                recorder.killed.clear()
                proc = subprocess.Popen(
                    cmd + [day.isoformat()], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
                )
                try:
                    assert recorder.stalled.wait(60), day
                    os.kill(proc.pid, signal.SIGKILL)
                    proc.wait()
                finally:
                    recorder.killed.set()  # the server answers again, to a sender that is gone
            elif day == TWINS:
                twins = [
                    subprocess.Popen(
                        cmd + [day.isoformat()],
                        stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE,
                        text=True,
                    )
                    for _ in range(2)
                ]
                for p in twins:
                    out, err = p.communicate(timeout=300)
                    assert p.returncode == 0 and "Traceback" not in err, err
            else:
                run_once(config, day)
        except BaseException:
            server.down()
            raise
    server.down()

    mail = recorder.mail
    email_of = {o: OFFICES[o]["email"] for o in LEADS}
    leader_of = {o: OFFICES[o]["leader_email"] for o in LEADS}

    def sent(word):
        return [(d, m) for d, m in mail if word in m["Subject"]]

    def body(m):
        return m.get_body(preferencelist=("plain",)).get_content()

    # the forms: each office its own, once a month, when the server is back (+1 working day)
    forms = Counter((month_of(m["Subject"]), m["To"]) for _, m in sent("请填报"))
    assert forms == Counter({(mo, email_of[o]): 1 for mo in MONTHS for o in LEADS})
    for d, m in sent("请填报"):
        assert d <= back_by(first_workday(month_of(m["Subject"]))), (d, m["Subject"])
    # the chiefs' summary, once a month, likewise
    summaries = sent("【汇总】")
    assert sorted(month_of(m["Subject"]) for _, m in summaries) == MONTHS
    for d, m in summaries:
        assert d <= back_by(add_workdays(return_deadline(month_of(m["Subject"]), 20), 1)), d
    # 催报: only before the deadline, only to offices without a return, once per office and plan day
    reminders = Counter()
    for d, m in sent("【催报】"):
        month, office = month_of(m["Subject"]), office_in(m["Subject"])
        assert d <= return_deadline(month, 20), (d, office)
        assert (month, office) not in returned_before[d], (d, office)
        reminders[month, office, d] += 1
    assert set(reminders.values()) == {1}
    for day in working_days():  # on a remind day the server was up: every office without a return
        for a in actions_for(day, 2022, 6, 20, 15):
            if a.kind == REMIND_MISSING and day not in DOWN and day not in KILLED:
                missing = {o for o in LEADS if (a.month, o) not in returned_before[day]}
                assert {o for (mo, o, d) in reminders if mo == a.month and d == day} == missing, day
    # the weekly milestone reminders: at most one a week per office
    weekly = Counter((m["To"], d.isocalendar()[:2]) for d, m in sent("节点提醒"))
    assert weekly and set(weekly.values()) == {1}
    # 督办: true when sent, once per month, office and reason, and none missing
    letters = Counter()
    for d, m in sent("【督办】"):
        month, office = month_of(m["Subject"]), office_in(m["Subject"])
        reason = next(r for r, zh in REASONS_ZH.items() if zh in m["Subject"])
        assert leader_of[office] in m["To"]
        letters[month, office, reason] += 1
        if reason == "missing":
            assert (month, office) not in returned_before[d], (d, office)
        else:
            known = set()  # what the office last reported, late returns of earlier months too
            for mo in MONTHS:
                if mo <= month:
                    known = returned_before[d].get((mo, office), known)
            listed = [
                ms.key
                for t in TASKS.tasks_of(office)
                for ms in t.milestones
                if ms.due and f"：{ms.text}（{ms.due:%Y-%m-%d}到期" in body(m)
            ]
            assert listed and not set(listed) & known, (d, office, set(listed) & known)
    assert set(letters.values()) == {1}
    for month in MONTHS:
        deadline = return_deadline(month, 20)
        due = [
            d
            for d in working_days()
            if d.strftime("%Y-%m") == month and workdays_between(deadline, d) >= 3
        ]
        for office in LEADS:
            first = next((d for d in due if (month, office) not in returned_before[d]), None)
            if first is None:
                continue
            back = back_by(first)
            if (month, office) not in returned_before.get(back, returned_before[first]):
                assert letters[month, office, "missing"] == 1, (month, office)
                day = next(
                    d
                    for d, m in sent("【督办】")
                    if office_in(m["Subject"]) == office
                    and month_of(m["Subject"]) == month
                    and "逾期未报送" in m["Subject"]
                )
                assert day <= back, (month, office, day)
    # nothing left half-done, and every return the clerks sent was usable
    db = sqlite3.connect(tmp_path / "ledger.sqlite3")
    left = db.execute(
        "SELECT status, COUNT(*) FROM notices "
        "WHERE status NOT IN ('sent', 'dropped') "
        "GROUP BY status"
    ).fetchall()
    rejected = db.execute("SELECT COUNT(*) FROM returns WHERE accepted=0").fetchone()[0]
    dropped = db.execute("SELECT DISTINCT action FROM notices WHERE status='dropped'").fetchall()
    db.close()
    assert left == [] and rejected == 0
    # forms and summaries always go; only reminders and letters no longer true are dropped
    assert {a for (a,) in dropped} <= {"remind_missing", "remind_milestones", "escalate"}
    assert len(staged) > 60 and any(r is None for r in returns.values())
