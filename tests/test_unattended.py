"""The schedule left alone: outages, kills, catch-up, false escalations, exit status and the log."""

import os
import re
import shutil
import signal
import socket
import sqlite3
import subprocess
import sys
import threading
from collections import Counter
from datetime import date, datetime, timedelta

import pytest
import yaml
from aiosmtpd.controller import Controller

from reporting.cycle import Cycle, collect_month, fill, merge
from reporting.jobs.scheduler import catch_up, run_once
from reporting.tasks.tasklist import read_task_list

from .clerks import answer_form
from .conftest import ROOT, SAMPLE_TASKS, Inbox, free_port, second_after
from .inprocess import run as yuebao
from .test_schedule import EMAIL_OF, configure, stage_until

LEADS = read_task_list(SAMPLE_TASKS).lead_offices()


class Server:
    """An aiosmtpd server on a fixed loopback port that can be taken down and brought back."""

    def __init__(self, handler=None):
        self.inbox = handler or Inbox()
        self.port = free_port()
        self.controller = None

    def up(self):
        self.controller = Controller(self.inbox, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def down(self):
        if self.controller:
            self.controller.stop()
            self.controller = None

    def subjects(self, word):
        return [m for m in self.inbox.messages if word in m["Subject"]]


@pytest.fixture
def server():
    s = Server()
    yield s
    s.down()


def cli(config, *args):
    return yuebao(*args, "--config", str(config))


def edit(config, fn):
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    fn(data)
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def ledger_rows(folder, sql, name="ledger.sqlite3"):
    db = sqlite3.connect(folder / name)
    try:
        return db.execute(sql).fetchall()
    finally:
        db.close()


# -- 1: a notice that failed is sent by a later run -----------------------------------------------


def test_an_outage_on_the_first_working_day_loses_no_form_and_no_summary(tmp_path, server):
    config = configure(tmp_path, server.port)
    run_once(config, date(2022, 6, 1))  # the server is down all day
    server.up()
    run_once(config, date(2022, 6, 2))  # back: the next run delivers what is owed
    forms = Counter(m["To"] for m in server.subjects("请填报"))
    assert forms == Counter({EMAIL_OF[o]: 1 for o in LEADS})
    server.down()
    stage_until(tmp_path, date(2022, 6, 21))
    run_once(config, date(2022, 6, 21))  # the summary day, server down again
    server.up()
    run_once(config, date(2022, 6, 22))
    summary = server.subjects("汇总")
    assert len(summary) == 1 and summary[0]["To"] == "juzhang@taishan-edu.example.org"
    log = (tmp_path / "yuebao.log").read_text(encoding="utf-8")
    assert "已处理过" not in log and "跳过（已发过）" not in log


# -- 2: a 督办 letter counts as made only when the server accepted it -----------------


def smtp_into_demo(demo, port, retries=1):
    config = demo / "config.yaml"
    smtp = {
        "host": "127.0.0.1",
        "port": port,
        "retries": retries,
        "backoff_seconds": 0,
        "timeout": 5,
    }
    schedule = {"log": "yuebao.log", "chiefs": ["juzhang@example.org"]}
    edit(config, lambda d: (d.__setitem__("smtp", smtp), d.__setitem__("schedule", schedule)))
    return config


def escalations(folder):
    return ledger_rows(
        folder, "SELECT office, reason FROM escalations ORDER BY office, reason", "台账.sqlite3"
    )


def test_escalation_letters_lost_to_an_outage_go_out_the_next_working_day(demo_copy, server):
    config = smtp_into_demo(demo_copy, server.port)
    run_once(config, date(2022, 6, 23))  # 督办 day for 卫健所; the server is down
    assert escalations(demo_copy) == []  # nothing counts as made
    server.up()
    run_once(config, date(2022, 6, 24))
    letters = server.subjects("【督办】")
    made = escalations(demo_copy)
    assert ("卫健所", "missing") in made
    assert any("卫健所逾期未报送" in m["Subject"] and "liminghui@" in m["To"] for m in letters)
    # as judged on 24 June (read by hand from the demo's June: see test_supervision's
    # JUNE_ESCALATIONS): 卫健所 sent nothing, 督导室's return has an error (报表有误), 基财股
    # returned late on the 23rd with its overdue milestones done; one letter for each
    assert sorted(made) == [
        ("卫健所", "missing"),
        ("卫健所", "overdue"),
        ("教育装备中心", "overdue"),
        ("督导室", "missing"),
        ("督导室", "overdue"),
    ]
    assert len(letters) == len(made)
    run_once(config, date(2022, 6, 27))
    assert len(server.subjects("【督办】")) == len(letters)  # none twice


# -- 3: schedule --once catches up the days the PC was off -----------------------------------


def test_schedule_once_catches_up_the_first_working_day_missed(tmp_path, server):
    server.up()
    config = configure(tmp_path, server.port)
    first = cli(config, "schedule", "--once", "--as-of", "2022-06-30")
    assert first.returncode == 0, first.stderr
    before = len(server.subjects("请填报"))
    again = cli(config, "schedule", "--once", "--as-of", "2022-07-04")  # off on Friday 1 July
    assert again.returncode == 0, again.stderr
    july = [m for m in server.subjects("请填报") if "1—7月" in m["Subject"]]
    assert before == 0
    assert Counter(m["To"] for m in july) == Counter({EMAIL_OF[o]: 1 for o in LEADS})
    assert "补做 2022-07-01 的计划" in (tmp_path / "yuebao.log").read_text(encoding="utf-8")


# -- 5: a notice stuck in "sending" is taken over when its lease expires ----------------------


def schedule_once(config):
    """`yuebao schedule --once` on 1 June 2022 in a process of its own (it is to be killed)."""
    return [sys.executable, "-m", "reporting.cli", "schedule", "--once"] + [
        "--as-of=2022-06-01",
        f"--config={config}",
    ]


@pytest.fixture(scope="module")
def left_sending(tmp_path_factory):
    """A bureau's folder whose schedule run was killed (SIGKILL) while sending its third notice,
    and the messages the server had taken by then.  Made once: each test takes over a copy."""
    folder = tmp_path_factory.mktemp("killed")
    inbox = Inbox(stall_at=2)
    server = Server(inbox)
    server.up()
    try:
        config = configure(folder, server.port, retries=1, timeout=1)
        proc = subprocess.Popen(
            schedule_once(config), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        assert inbox.stalled.wait(60)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
        inbox.released.set()
    finally:
        server.down()
    return folder, list(inbox.messages)


@pytest.mark.slow(3)  # the first waits out the lease, the second finds it expired
@pytest.mark.parametrize("owner", ["reused-pid", "renamed-host"])
def test_a_notice_left_sending_is_taken_over_when_its_lease_expires(tmp_path, left_sending, owner):
    killed, before = left_sending
    folder = tmp_path / "bureau"
    shutil.copytree(killed, folder)
    # the holder's PID now belongs to a live process (this one), or the host was renamed
    holder = (
        f"{socket.gethostname()}:{os.getpid()}" if owner == "reused-pid" else "old-host-name:4242"
    )
    db = sqlite3.connect(folder / "ledger.sqlite3")
    with db:
        stuck = db.execute("UPDATE notices SET owner=? WHERE status='sending'", (holder,))
        assert stuck.rowcount == 1
        claimed, lease = db.execute(
            "SELECT updated_at, lease_until FROM notices WHERE status='sending'"
        ).fetchone()
    db.close()
    lease_until = datetime.fromisoformat(lease)
    # long enough for every try the settings allow: (2 x 1 try + 1) x the 1 s timeout
    assert lease_until - datetime.fromisoformat(claimed) == timedelta(seconds=3)
    second_after(lease_until)  # the ledger compares whole seconds, as text
    server = Server()
    server.up()
    try:
        config = folder / "config.yaml"
        edit(config, lambda data: data["smtp"].update(port=server.port))
        again = subprocess.run(schedule_once(config), capture_output=True, text=True, timeout=120)
        assert again.returncode == 0, again.stderr
    finally:
        server.down()
    forms = Counter(m["To"] for m in before + server.inbox.messages if "请填报" in m["Subject"])
    assert set(forms) == {EMAIL_OF[o] for o in LEADS}  # none lost (the one cut off may come twice)
    assert sum(forms.values()) <= len(LEADS) + 1


# -- 6: a return that reached the inbox before the escalation day is seen -------------------------


def test_a_return_in_the_inbox_before_the_escalation_day_is_not_escalated(demo_copy):
    config = demo_copy / "config.yaml"
    c = Cycle.load(config, date(2022, 6, 23))
    inbox = demo_copy / "收件箱" / "2022-06"
    answer_form(
        demo_copy / "2022-06" / "待发送",
        "2022-06",
        "卫健所",
        c.tasks,
        inbox,
        datetime(2022, 6, 22, 15, 0),
    )
    result = yuebao(
        "escalate", "--config", str(config), "--month", "2022-06", "--as-of", "2022-06-23"
    )
    assert result.returncode == 0, result.stderr
    assert "卫健所（逾期未报送）" not in result.stdout
    assert ("卫健所", "missing") not in escalations(demo_copy)


# -- 7: a milestone reported 已完成 in an earlier month is not overdue -----------------


@pytest.mark.parametrize("june_return", ["before the merge", "after June's last run"])
def test_a_milestone_done_earlier_is_not_overdue_when_an_office_skips_a_month(
    tmp_path, june_return
):
    from .conftest import write_config

    config = write_config(tmp_path)
    june = Cycle.load(config, date(2022, 6, 25))
    fill(june, "2022-06")
    inbox = tmp_path / "inbox" / "2022-06"
    done = {
        m.key
        for t in june.tasks.tasks_of("人事股")
        for m in t.milestones
        if m.due <= date(2022, 6, 30)
    }
    late = june_return != "before the merge"
    if late:  # June merged without it; it arrives in July, when no June step runs any more
        merge(june, "2022-06")
    answer_form(
        tmp_path / "2022-06" / "out",
        "2022-06",
        "人事股",
        june.tasks,
        inbox,
        datetime(2022, 7, 5, 9, 0) if late else datetime(2022, 6, 15, 9, 0),
        done=done,
    )
    if not late:
        collect_month(june, "2022-06")
        merge(june, "2022-06")
    # July: 人事股 does not return at all
    result = yuebao(
        "escalate", "--config", str(config), "--month", "2022-07", "--as-of", "2022-07-29"
    )
    assert result.returncode == 0, result.stderr
    made = ledger_rows(tmp_path, "SELECT office, reason, detail FROM escalations")
    assert ("人事股", "missing") in [(o, r) for o, r, _ in made]  # not returned: escalated
    assert ("人事股", "overdue") not in [(o, r) for o, r, _ in made]  # but done is done
    assert ("卫健所", "overdue") in [(o, r) for o, r, _ in made]  # never reported: overdue


# -- 10 (the schedule's part): a folder or an address that fails stops nothing else ----------


def test_a_reminder_folder_that_cannot_be_written_does_not_stop_the_day(tmp_path, server):
    server.up()
    config = configure(tmp_path, server.port)
    (tmp_path / "2022-06" / "out").mkdir(parents=True)
    (tmp_path / "2022-06" / "out" / "提醒").write_text(
        "in the way", encoding="utf-8"
    )  # not a folder
    report = run_once(config, date(2022, 6, 1))
    forms = Counter(m["To"] for m in server.subjects("请填报"))
    assert forms == Counter({EMAIL_OF[o]: 1 for o in LEADS})
    assert "提醒文本未能写入" in (tmp_path / "yuebao.log").read_text(encoding="utf-8")
    assert report.failed == 0


def test_a_log_folder_that_cannot_be_written_does_not_stop_the_day(tmp_path, server):
    server.up()
    config = configure(tmp_path, server.port)
    (tmp_path / "logs").write_text("in the way", encoding="utf-8")
    edit(config, lambda d: d["schedule"].__setitem__("log", "logs/yuebao.log"))
    result = cli(config, "schedule", "--once", "--as-of", "2022-06-01")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    assert "日志文件无法写入" in result.stderr
    assert len(server.subjects("请填报")) == len(LEADS)


def test_an_address_with_a_line_break_fails_only_its_own_notice(tmp_path, server):
    """config.yaml refuses such an address; one that reaches the mailer anyway (a notice planned
    with it) fails alone, once, and blocks nothing later."""
    from reporting.jobs.delivery import plan_notices
    from reporting.notify.senders import Notice

    server.up()
    config = configure(tmp_path, server.port)
    bad = Notice(
        "run_and_report", "2022-06", "", ["juzhang@example.org\r\nBcc: x@y.z"], "汇总", "…"
    )
    plan_notices(Cycle.load(config, date(2022, 6, 1)), [bad], date(2022, 6, 1))
    first = run_once(config, date(2022, 6, 1))
    assert Counter(m["To"] for m in server.subjects("请填报")) == Counter(
        EMAIL_OF[o] for o in LEADS
    )
    assert first.failed == 1 and any("bad_address" in p for p in first.problems)
    later = run_once(config, date(2022, 6, 15))  # later days go on, and it is not retried
    assert later.failed == 0 and len(server.subjects("催报")) == len(LEADS)
    status = ledger_rows(tmp_path, "SELECT status FROM notices WHERE action='run_and_report'")
    assert status == [("bad_address",)]


class Refusing(Inbox):
    """A server that does not know one mailbox (550), as after a typo in config.yaml."""

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address.startswith("jicai@"):
            return "550 5.1.1 mailbox unavailable"
        return await super().handle_RCPT(server, session, envelope, address, rcpt_options)


def test_an_address_the_server_refuses_fails_only_its_own_notice(tmp_path):
    server = Server(Refusing())
    server.up()
    try:
        config = configure(tmp_path, server.port)
        report = run_once(config, date(2022, 6, 1))
    finally:
        server.down()
    assert {m["To"] for m in server.subjects("请填报")} == {
        EMAIL_OF[o] for o in LEADS if o != "基财股"
    }
    assert report.failed == 1 and any(p.startswith("基财股") for p in report.problems)


# -- 11: exit status, circuit breaker, no stale flood, warnings, console, dry run, README ----


def test_schedule_once_exits_non_zero_when_mail_failed(tmp_path):
    config = configure(tmp_path, free_port())
    result = cli(config, "schedule", "--once", "--as-of", "2022-06-01")
    assert result.returncode == 1
    assert re.search(r"有 11 条通知未能发出.*下次运行时重发", result.stderr)


class Hanging:
    """A 'server' that accepts connections and never answers."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(50)
        self.port = self.sock.getsockname()[1]
        self.accepted = 0
        self.kept = []
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self):
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.accepted += 1
            self.kept.append(conn)


def test_a_hanging_server_is_given_up_after_the_first_message(tmp_path):
    hanging = Hanging()
    try:
        config = configure(tmp_path, hanging.port, retries=2, timeout=1)
        report = run_once(config, date(2022, 6, 1))
    finally:
        hanging.sock.close()
    assert hanging.accepted == 2  # two tries for the first form, none for the rest
    assert report.failed == len(LEADS)
    rows = ledger_rows(tmp_path, "SELECT status, tries FROM notices ORDER BY id")
    assert rows == [("failed", 2)] + [("failed", 0)] * (len(LEADS) - 1)


def test_a_catch_up_sends_no_stale_reminders(tmp_path, server):
    server.up()
    config = configure(tmp_path, server.port)
    run_once(config, date(2022, 6, 10))
    stage_until(tmp_path, date(2022, 6, 21))
    catch_up(config, date(2022, 6, 21))  # off from the 11th to the 20th
    run_once(config, date(2022, 6, 21))
    assert server.subjects("催报") == []  # the deadline has passed: 督办 takes over
    milestones = Counter(m["To"] for m in server.subjects("节点提醒"))
    assert milestones and max(milestones.values()) == 1  # only the latest weekly one per office
    assert len(server.subjects("汇总")) == 1


def test_last_years_task_list_in_a_new_year_is_warned_about(tmp_path):
    config = configure(tmp_path, free_port())
    edit(config, lambda d: d.__setitem__("smtp", {"host": ""}))
    result = cli(config, "schedule", "--once", "--as-of", "2023-01-03")
    assert "任务清单是2022年的" in result.stderr and "2023-01" in result.stderr


def test_a_password_over_plain_text_is_warned_about(tmp_path, server):
    server.up()
    config = configure(tmp_path, server.port, user="bangongshi", security="none")
    cli(config, "schedule", "--once", "--as-of", "2022-06-06")
    assert "密码将以明文" in (tmp_path / "yuebao.log").read_text(encoding="utf-8")


def test_every_log_line_is_printed_once_on_the_console(tmp_path):
    config = configure(tmp_path, free_port())
    result = cli(config, "schedule", "--once", "--as-of", "2022-06-01")
    shown = result.stdout + result.stderr
    log = (tmp_path / "yuebao.log").read_text(encoding="utf-8")
    for text in (
        "邮件发送失败（第1次，共2次）",
        "发送失败（已重试2次）",
        "不可用，本次运行不再尝试",
    ):
        assert shown.count(text) == log.count(text) == 1, text


@pytest.mark.slow
def test_escalate_dry_run_promises_exactly_what_the_real_run_sends(demo_copy, server):
    server.up()
    config = smtp_into_demo(demo_copy, server.port)
    for day in ("2022-06-23", "2022-06-28", "2022-06-29"):
        dry = cli(config, "escalate", "--month", "2022-06", "--as-of", day, "--dry-run")
        before = len(server.inbox.messages)
        real = cli(config, "escalate", "--month", "2022-06", "--as-of", day)
        promised = re.search(r"将督办 (\d+) 项", dry.stdout).group(1)
        assert real.returncode == 0, real.stderr
        assert f"已督办 {promised} 项" in real.stdout, (day, dry.stdout, real.stdout)
        assert len(server.inbox.messages) - before == int(promised)
        assert sorted(x for x in dry.stdout.splitlines() if x.startswith("—— 督办")) == sorted(
            x for x in real.stdout.splitlines() if x.startswith("—— 督办")
        )


def test_readme_keeps_the_smtp_password_out_of_the_unit_file():
    readme = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")  # the operator's guide
    unit = readme.split("```ini", 1)[1].split("```", 1)[0]
    assert "PASSWORD" not in unit and "EnvironmentFile=" in unit
    assert "0600" in readme


# -- 12: the log answers "why did office X get no reminder?" ---------------------------------------


def test_the_log_says_why_an_office_was_not_reminded(tmp_path, server):
    config = configure(tmp_path, free_port())
    edit(
        config,
        lambda d: (
            d["offices"].__setitem__("办公室", {"email": "bgs@example.org"}),
            d["offices"]["卫健所"].__setitem__("email", ""),
        ),
    )
    run_once(config, date(2022, 6, 1))  # the server is down: every form fails
    edit(config, lambda d: d["smtp"].__setitem__("port", server.port))
    server.up()
    run_once(config, date(2022, 6, 6))
    run_once(config, date(2022, 6, 13))
    stage_until(tmp_path, date(2022, 6, 15))
    run_once(config, date(2022, 6, 15))
    log = (tmp_path / "yuebao.log").read_text(encoding="utf-8")
    assert "催报：招考股 已报送（进展情况表_2022-06_招考股.xlsx，按时报送），不催" in log
    assert "办公室 不是任何任务的牵头股室" in log
    assert "无法邮件通知卫健所：config.yaml 中没有它的邮箱" in log
    assert "收到招考股的报表：进展情况表_2022-06_招考股.xlsx" in log
    assert "已处理过" not in log
    assert len(server.subjects("请填报")) == len(LEADS) - 1  # the failed forms went out later


def test_a_ledger_from_before_notice_states_keeps_its_history(tmp_path, server):
    """What an older ledger recorded as sent stays sent; its unsent notices (no text kept) are not
    guessed at; the schedule goes on from there."""
    import sqlite3 as sql

    db = sql.connect(tmp_path / "ledger.sqlite3")
    from reporting.ledger import SCHEMA

    db.executescript(SCHEMA + "DROP TABLE notices;")  # an older yuebao's ledger: its notices
    db.executescript("""CREATE TABLE notices (action TEXT NOT NULL, month TEXT NOT NULL,
        office TEXT NOT NULL,
        day TEXT NOT NULL, recipients TEXT NOT NULL, subject TEXT NOT NULL, status TEXT NOT NULL,
        owner TEXT NOT NULL, tries INTEGER NOT NULL DEFAULT 0, detail TEXT NOT NULL DEFAULT '',
        updated_at TEXT NOT NULL, PRIMARY KEY (action, month, office, day));
        INSERT INTO notices VALUES ('fill_and_send', '2022-06', '基财股', '2022-06-01', 'jicai@x',
        's',
                                    'sent', 'h:1', 1, '', '2022-06-01T08:30:00');""")
    db.commit()
    db.close()
    server.up()
    config = configure(tmp_path, server.port)
    run_once(config, date(2022, 6, 1))
    forms = {m["To"] for m in server.subjects("请填报")}
    assert forms == {EMAIL_OF[o] for o in LEADS if o != "基财股"}  # sent before: not again
    rows = ledger_rows(tmp_path, "SELECT status, COUNT(*) FROM notices GROUP BY status")
    assert rows == [("sent", len(LEADS))]
