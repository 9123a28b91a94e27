"""`yuebao fetch` against a real IMAP server (dovecot on loopback): the returns arrive as mails."""

from __future__ import annotations

import base64
import io
import re
import sqlite3
import subprocess
import sys
import urllib.parse
import zipfile
from datetime import datetime
from email.message import EmailMessage
from email.utils import make_msgid

import pytest
import yaml
from aiosmtpd.controller import Controller

from .conftest import ROOT, Inbox, free_port, write_config
from .imap_server import PASSWORD, USER, Dovecot
from .inprocess import run as yuebao
from .test_schedule import EMAIL_OF

RETURNS = ROOT / "workbooks" / "returns" / "2022-06"
RECEIVED = yaml.safe_load((RETURNS / "received.yaml").read_text(encoding="utf-8"))
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture(scope="module")
def dovecot():
    server = Dovecot().up()
    yield server
    server.close()


@pytest.fixture
def mailbox(dovecot):
    """An empty mailbox for each test (the server is shared by the module)."""
    with dovecot.client() as client:
        for folder in client.list_folders():
            name = folder[2]
            client.select_folder(name)
            client.delete_messages(client.search("ALL"))
            client.expunge()
            client.unselect_folder()
            if name != "INBOX":
                client.delete_folder(name)
    return dovecot


def configure(tmp_path, server, tls=True, max_file_mb=20, **mail):
    settings = {
        "host": "127.0.0.1",
        "port": server.tls_port if tls else server.port,
        "security": "ssl" if tls else "none",
        "user": USER,
        "ca_file": str(server.cert),
        "timeout": 10,
        **mail,
    }
    return write_config(tmp_path, mail=settings, collect={"max_file_mb": max_file_mb})


def fetch(config, *args, password=PASSWORD):
    env = {"YUEBAO_IMAP_PASSWORD": password, "PATH": "/usr/bin:/bin"}
    return yuebao("fetch", "--config", str(config), *args, env=env, cwd=ROOT)


def mail(sender, subject, files=(), **headers) -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, USER, subject
    msg["Message-ID"] = make_msgid(domain="taishan-edu.example.org")
    for key, value in headers.items():
        msg[key.replace("_", "-")] = value
    msg.set_content("附件是本月的进展情况表，请查收。")
    for name, data in files:
        msg.add_attachment(data, maintype="application", subtype="octet-stream", filename=name)
    return msg.as_bytes()


def gbk_mail(sender: str, subject: str, name: str, data: bytes, how: str) -> bytes:
    """What Chinese mail programs send: the name in GBK, as RFC 2047 words or RFC 2231."""
    gbk = name.encode("gbk")
    if how == "rfc2047":
        word = f"=?GBK?B?{base64.b64encode(gbk).decode()}?="
        disposition = f'attachment; filename="{word}"'
    else:
        disposition = f"attachment; filename*=GBK''{urllib.parse.quote(gbk)}"

    def word(text):
        return f"=?GBK?B?{base64.b64encode(text.encode('gbk')).decode()}?="

    shown, _, address = sender.partition(" <")
    body = base64.encodebytes(data).decode()
    return (
        f"From: {word(shown)} <{address}\r\nTo: {USER}\r\nSubject: {word(subject)}\r\n"
        f"Message-ID: {make_msgid(domain='x.example.org')}\r\nMIME-Version: 1.0\r\n"
        'Content-Type: multipart/mixed; boundary="b1"\r\n\r\n'
        "--b1\r\nContent-Type: text/plain; charset=GBK\r\n\r\nhi\r\n"
        f"--b1\r\nContent-Type: {XLSX}\r\nContent-Disposition: {disposition}\r\n"
        f"Content-Transfer-Encoding: base64\r\n\r\n{body}\r\n--b1--\r\n"
    ).encode("ascii")


def returns(folder):
    db = sqlite3.connect(folder / "ledger.sqlite3")
    try:
        return db.execute(
            "SELECT file_name, received_at, archived_path FROM returns WHERE month='2022-06' "
            "ORDER BY file_name"
        ).fetchall()
    finally:
        db.close()


def sample(name: str) -> bytes:
    return (RETURNS / name).read_bytes()


def when(name: str) -> datetime:
    return datetime.fromisoformat(str(RECEIVED[name]))


# -- the month's returns, as the offices mail them -------------------------------------------------


def test_the_months_returns_arrive_by_mail_with_the_servers_time(tmp_path, mailbox):
    config = configure(tmp_path, mailbox)
    names = sorted(n for n in RECEIVED if n.startswith("进展情况表"))
    for i, name in enumerate(names):
        office = name.removesuffix(".xlsx").split("_")[-1]
        how = ("rfc2047", "rfc2231", "plain")[i % 3]
        sender = f"{office} <{EMAIL_OF[office]}>"
        if how == "plain":
            raw = mail(sender, f"{office}6月进展", [(name, sample(name))])
        else:
            raw = gbk_mail(sender, f"{office}6月进展", name, sample(name), how)
        mailbox.deliver(raw, when(name))
    result = fetch(config, "--month", "2022-06")
    assert result.returncode == 0, result.stdout + result.stderr
    got = returns(tmp_path)
    assert len(got) == len(names)
    by_name = {row[0].split("/")[-1]: row for row in got}
    assert sorted(by_name) == names  # every GBK name read right
    for name in names:
        file_name, received, archived = by_name[name]
        assert received == when(name).isoformat()  # the server's INTERNALDATE, not the fetch time
        office = name.removesuffix(".xlsx").split("_")[-1]
        assert f"_{office}_" in file_name  # the sender's office names the mail's folder
        assert (
            (tmp_path / archived).is_file() or archived and __import__("os").path.isfile(archived)
        )
    assert f"新邮件 {len(names)} 封" in result.stdout, result.stdout
    print(result.stdout)
    again = fetch(config, "--month", "2022-06")
    assert again.returncode == 0 and f"新邮件 0 封，此前已收取 {len(names)} 封" in again.stdout
    assert returns(tmp_path) == got
    assert mailbox.count() == len(names)  # nothing deleted


def zipped(files) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as zf:
        for name, data in files:
            zf.writestr(name, data)
    return buffer.getvalue()


def test_a_zip_ten_attachments_a_forward_and_a_file_over_the_limit(tmp_path, mailbox):
    # the lowest limit a bureau may set, so that the file over it is small to mail (a form: 9 KB)
    config = configure(tmp_path, mailbox, tls=False, max_file_mb=1)
    june = sorted(n for n in RECEIVED if n.startswith("进展情况表"))
    ten = [(f"{i:02d}_{name}", sample(name)) for i, name in enumerate(sorted(RECEIVED))]
    ten.append(("10_说明.docx", b"not a form"))
    mailbox.deliver(mail("督导室 <dudao@taishan-edu.example.org>", "6月进展", ten), when(june[0]))
    in_zip = zipped([(june[1], sample(june[1])), ("图片.png", b"png")])
    mailbox.deliver(
        mail("jicai@taishan-edu.example.org", "转发：进展", [("6月报表.zip", in_zip)]),
        when(june[1]),
    )
    forwarded = EmailMessage()
    forwarded["From"], forwarded["Subject"] = "jian@taishan-edu.example.org", "Fw"
    forwarded.set_content("见附件")
    forwarded.add_attachment(_message_with(june[2]))  # message/rfc822
    mailbox.deliver(forwarded.as_bytes(), when(june[2]))
    big = b"x" * (3 * 2**20)
    mailbox.deliver(
        mail(
            "zhaokao@taishan-edu.example.org",
            "6月",
            [("大文件.xlsx", big), (june[3], sample(june[3]))],
        ),
        when(june[3]),
    )
    result = fetch(config, "--month", "2022-06")
    assert result.returncode == 0, result.stdout + result.stderr
    names = [row[0] for row in returns(tmp_path)]
    assert len(re.findall(r"_督导室_\d+/", result.stdout)) == 10  # all ten forms of the one mail
    assert len(names) == 10  # the same workbooks again (zipped, forwarded) are recorded once
    assert "收取：新收到 10 个文件，已收过 3 个" in result.stdout
    taken = re.sub(r"_(\d+)/", "_/", result.stdout)  # the UIDs differ from run to run
    assert f"_基财股_/6月报表/{june[1]}" in taken  # the zip's form, in a folder named after it
    assert not any(n.endswith((".zip", ".png", ".docx")) for n in names)
    assert f"_基安股_/{june[2]}" in taken  # out of the forwarded mail
    assert f"_招考股_/{june[3]}" in taken and not any("大文件" in n for n in names)
    assert "“大文件.xlsx”过大（3 MB，上限1 MB" in result.stdout
    assert "10_说明.docx不是报表" in result.stdout


def _message_with(name: str) -> EmailMessage:
    inner = EmailMessage()
    inner["From"], inner["Subject"] = "jian@taishan-edu.example.org", "6月进展"
    inner.set_content("附件")
    inner.add_attachment(
        sample(name), maintype="application", subtype="octet-stream", filename=name
    )
    return inner


def test_the_same_mail_delivered_twice_is_taken_once(tmp_path, mailbox):
    config = configure(tmp_path, mailbox)
    name = sorted(RECEIVED)[0]
    raw = mail("jicai@taishan-edu.example.org", "6月进展", [(name, sample(name))])
    mailbox.deliver(raw, when(name))
    mailbox.deliver(raw, when(name))  # the server delivered it twice (two UIDs)
    result = fetch(config, "--month", "2022-06")
    assert result.returncode == 0, result.stderr
    assert len(returns(tmp_path)) == 1
    assert "重复投递" in result.stdout
    mailbox.deliver(raw, when(name))  # and a third time, after the first fetch
    fetch(config, "--month", "2022-06")
    assert len(returns(tmp_path)) == 1 and mailbox.count() == 3  # nothing deleted


def test_a_server_that_is_down_or_refuses_the_password_says_so_in_chinese(tmp_path, mailbox):
    config = configure(tmp_path, mailbox)
    wrong = fetch(config, "--month", "2022-06", password="wrong")
    assert wrong.returncode == 2 and "拒绝登录：用户名或密码不对" in wrong.stderr
    assert "YUEBAO_IMAP_PASSWORD" in wrong.stderr
    unset = fetch(config, "--month", "2022-06", password="")
    assert unset.returncode == 2 and "环境变量 YUEBAO_IMAP_PASSWORD 未设置" in unset.stderr
    down = configure(tmp_path, mailbox, port=free_port())
    gone = fetch(down, "--month", "2022-06")
    assert (
        gone.returncode == 1 and "无法连接邮箱服务器" in gone.stderr and "稍后重试" in gone.stderr
    )
    untrusted = configure(tmp_path, mailbox, ca_file="")
    refused = fetch(untrusted, "--month", "2022-06")
    assert refused.returncode == 1 and "证书无法验证" in refused.stderr
    no_folder = fetch(configure(tmp_path, mailbox, folder="报表"), "--month", "2022-06")
    assert no_folder.returncode == 2 and "没有文件夹“报表”" in no_folder.stderr
    assert "mail.ca_file" in refused.stderr
    assert not (tmp_path / "ledger.sqlite3").exists() or returns(tmp_path) == []


def test_month_by_the_form_else_the_subject_else_the_date(tmp_path, mailbox):
    config = configure(tmp_path, mailbox)
    june = sorted(n for n in RECEIVED if n.startswith("进展情况表"))[0]
    # the June form, mailed in July under a misleading subject: the form decides
    mailbox.deliver(
        mail("jicai@taishan-edu.example.org", "7月进展", [("表.xlsx", sample(june))]),
        datetime(2022, 7, 2, 9, 0),
    )
    csv = "项目名称,进展情况\n甲,乙\n".encode("gbk")  # no month inside: the subject decides
    mailbox.deliver(
        mail("renshi@taishan-edu.example.org", "人事股8月份进展", [("进展.csv", csv)]),
        datetime(2022, 7, 30, 9, 0),
    )
    mailbox.deliver(  # neither: the day it arrived
        mail("jian@taishan-edu.example.org", "进展", [("进展.csv", csv + b"\n")]),
        datetime(2022, 9, 3, 9, 0),
    )
    result = fetch(config, "--month", "2022-06")
    assert result.returncode == 0, result.stderr
    assert "→ 2022-06" in result.stdout and "→ 2022-08" in result.stdout
    assert "→ 2022-09" in result.stdout
    for month in ("2022-06", "2022-08", "2022-09"):
        assert list((tmp_path / "inbox" / month / "邮件").rglob("*.*")), month


def test_a_stranger_is_listed_an_auto_reply_never_answered_a_file_answered_once(tmp_path, mailbox):
    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    try:
        config = configure(tmp_path, mailbox, reply=True, move_to="已收取")
        data = yaml.safe_load(config.read_text(encoding="utf-8"))
        data["smtp"] = {"host": "127.0.0.1", "port": smtp.port, "retries": 1}
        data["offices"]["基财股"]["email"] = ["jicai@taishan-edu.example.org", "lzq@qq.example.com"]
        config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        june = sorted(n for n in RECEIVED if n.startswith("进展情况表"))
        mailbox.deliver(
            mail("李志强 <lzq@qq.example.com>", "6月进展", [(june[0], sample(june[0]))]),
            when(june[0]),
        )
        mailbox.deliver(
            mail("someone@elsewhere.example.net", "进展", [(june[1], sample(june[1]))]),
            when(june[1]),
        )
        mailbox.deliver(  # an out-of-office answer that carries the form back
            mail(
                "dudao@taishan-edu.example.org",
                "自动回复：6月进展",
                [(june[2], sample(june[2]))],
                Auto_Submitted="auto-replied",
            ),
            when(june[2]),
        )
        result = fetch(config, "--month", "2022-06")
        assert result.returncode == 0, result.stdout + result.stderr
        assert "基财股「6月进展」" in result.stdout  # a second address of the office
        assert "someone@elsewhere.example.net（不是股室的邮箱）" in result.stdout
        assert len(returns(tmp_path)) == 3  # the stranger's file is taken, not dropped
        answered = sorted(m["To"] for m in inbox.messages)
        assert answered == ["lzq@qq.example.com", "someone@elsewhere.example.net"]
        assert all("校验结果" in m["Subject"] for m in inbox.messages)
        assert mailbox.count("INBOX") == 0 and mailbox.count("已收取") == 3  # moved, not deleted
        for folder in ("INBOX", "已收取"):  # the same mails again: never a second answer
            with mailbox.client() as client:
                client.select_folder(folder)
                uids = client.search("ALL")
                if uids:
                    client.copy(uids, "INBOX" if folder == "已收取" else "已收取")
        fetch(config, "--month", "2022-06")
        assert len(inbox.messages) == 2
    finally:
        smtp.stop()


def office_states(stdout: str) -> list[tuple[str, str]]:
    """(office, 报送情况) of each month's office table."""
    states = ("按时报送", "逾期报送", "未报送", "报表有误")
    return [
        tuple(line.split()[:2])
        for line in stdout.splitlines()
        if line.split()[1:2] and line.split()[1] in states
    ]


def test_the_demo_runs_with_its_returns_arriving_as_mails(tmp_path, mailbox, demo_dir):
    url = f"imaps://{USER}@127.0.0.1:{mailbox.tls_port}"
    result = subprocess.run(
        [sys.executable, "-m", "reporting.cli", "demo", "--out", str(tmp_path / "demo")]
        + ["--mail", url, "--mail-ca-file", str(mailbox.cert)],
        capture_output=True,
        text=True,
        timeout=600,
        env={"YUEBAO_IMAP_PASSWORD": PASSWORD, "PATH": "/usr/bin:/bin"},
        cwd=ROOT,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert not list((tmp_path / "demo").glob("收件箱/*/*.xlsx"))  # nothing staged by hand
    assert "新邮件 10 封" in result.stdout
    plain = (demo_dir / "demo-stdout.txt").read_text(encoding="utf-8")
    assert office_states(result.stdout) == office_states(plain)  # the same months, by mail
    for month in ("2022-06", "2022-07"):  # the same workbooks written
        written = sorted(p.name for p in (tmp_path / "demo" / month).glob("*.xlsx"))
        assert written and written == sorted(p.name for p in (demo_dir / month).glob("*.xlsx"))


# -- the schedule fetches before it collects -----------------------------------------------------


def test_the_schedule_fetches_the_mailbox_before_it_reminds(tmp_path, mailbox, monkeypatch):
    from reporting.jobs.scheduler import run_once

    from .test_schedule import offices_returned_before

    inbox = Inbox()
    smtp = Controller(inbox, hostname="127.0.0.1", port=free_port())
    smtp.start()
    try:
        config = configure(tmp_path, mailbox)
        data = yaml.safe_load(config.read_text(encoding="utf-8"))
        data["smtp"] = {"host": "127.0.0.1", "port": smtp.port, "retries": 1}
        data["schedule"] = {"log": "yuebao.log", "chiefs": ["juzhang@taishan-edu.example.org"]}
        config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        monkeypatch.setenv("YUEBAO_IMAP_PASSWORD", PASSWORD)
        day = datetime(2022, 6, 15).date()  # remind_day: 催报 to offices without a return
        for name in RECEIVED:
            if when(name).date() < day:
                office = next(o for o in sorted(EMAIL_OF, key=len, reverse=True) if o in name)
                mailbox.deliver(
                    mail(EMAIL_OF[office], "6月进展", [(name, sample(name))]), when(name)
                )
        report = run_once(config, day)
        reminded = {m["To"] for m in inbox.messages if "催报" in m["Subject"]}
        returned = offices_returned_before(day)
        assert returned and report.failed == 0
        assert not reminded & {EMAIL_OF[o] for o in returned}  # mailed returns count
        assert reminded  # and the others are still reminded
        log = (tmp_path / "yuebao.log").read_text(encoding="utf-8")
        assert "邮箱：新邮件" in log
    finally:
        smtp.stop()


def test_a_mailbox_that_is_down_does_not_stop_the_schedule(tmp_path, mailbox, monkeypatch):
    from reporting.jobs.scheduler import run_once

    config = configure(tmp_path, mailbox, port=free_port())
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["schedule"] = {"log": "yuebao.log"}
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    monkeypatch.setenv("YUEBAO_IMAP_PASSWORD", PASSWORD)
    report = run_once(config, datetime(2022, 6, 15).date())
    assert report.complete
    assert "未能从邮箱收取" in (tmp_path / "yuebao.log").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "headers",
    [
        {"Auto-Submitted": "auto-replied"},
        {"Precedence": "bulk"},
        {"Return-Path": "<>"},
        {"From": "MAILER-DAEMON@mail.example.org"},
        {"X-Autoreply": "yes"},
    ],
)
def test_machine_sent_mail_is_recognised(headers):
    from reporting.intake.mails import parse

    msg = EmailMessage()
    msg["From"] = headers.pop("From", "jicai@taishan-edu.example.org")
    for key, value in headers.items():
        msg[key] = value
    msg.set_content("x")
    assert parse(msg.as_bytes()).auto
    person = EmailMessage()
    person["From"], person["Auto-Submitted"] = "jicai@taishan-edu.example.org", "no"
    person.set_content("x")
    assert not parse(person.as_bytes()).auto


def test_mail_settings_are_checked_when_config_yaml_is_read(tmp_path):
    from reporting.config import load_config
    from reporting.errors import YuebaoError

    with pytest.raises(YuebaoError, match="mail.security"):
        load_config(write_config(tmp_path, mail={"security": "tls"}))
    config = write_config(tmp_path)
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["offices"]["基财股"]["email"] = ["jicai@taishan-edu.example.org", "not an address"]
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with pytest.raises(YuebaoError, match=r"offices.基财股.email\[2\]"):
        load_config(config)
    data["offices"]["基财股"]["email"] = ["jicai@taishan-edu.example.org", "LZQ@qq.example.com"]
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    loaded = load_config(config)
    assert loaded.office("基财股").email == "jicai@taishan-edu.example.org"  # notices: the first
    assert loaded.office_of_address["lzq@qq.example.com"] == "基财股"


def test_an_inbox_that_cannot_be_written_leaves_the_mail_for_the_next_fetch(tmp_path, mailbox):
    config = configure(tmp_path, mailbox)
    name = sorted(RECEIVED)[0]
    mailbox.deliver(
        mail("jicai@taishan-edu.example.org", "6月进展", [(name, sample(name))]), when(name)
    )
    blocker = tmp_path / "inbox" / "2022-06" / "邮件"
    blocker.parent.mkdir(parents=True)
    blocker.write_text("a file where the mail folder should go")  # not writable as a folder
    failed = fetch(config, "--month", "2022-06")
    assert failed.returncode == 0 and "附件未能存入收件箱" in failed.stdout
    assert not [r for r in returns(tmp_path) if r[0].endswith(".xlsx")]
    blocker.unlink()
    again = fetch(config, "--month", "2022-06")
    assert "新邮件 1 封" in again.stdout
    assert len([r for r in returns(tmp_path) if r[0].endswith(".xlsx")]) == 1
