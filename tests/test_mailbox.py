"""`yuebao fetch` against a real IMAP server (dovecot on loopback): the returns arrive as mails."""

from __future__ import annotations

import base64
import io
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

from .conftest import ROOT, write_config
from .imap_server import PASSWORD, USER, Dovecot
from .test_schedule import EMAIL_OF, Inbox, free_port

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


def configure(tmp_path, server, tls=True, **mail):
    settings = {
        "host": "127.0.0.1",
        "port": server.tls_port if tls else server.port,
        "security": "ssl" if tls else "none",
        "user": USER,
        "ca_file": str(server.cert),
        "timeout": 10,
        **mail,
    }
    return write_config(tmp_path, mail=settings, collect={"max_file_mb": 20})


def fetch(config, *args, password=PASSWORD):
    env = {"YUEBAO_IMAP_PASSWORD": password, "PATH": "/usr/bin:/bin"}
    return subprocess.run(
        [sys.executable, "-m", "reporting.cli", "fetch", "--config", str(config), *args],
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        cwd=ROOT,
    )


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
        assert (tmp_path / archived).is_file() or archived and __import__("os").path.isfile(archived)
    assert f"新邮件 {len(names)} 封" in result.stdout, result.stdout
    print(result.stdout)
    again = fetch(config, "--month", "2022-06")
    assert again.returncode == 0 and f"新邮件 0 封，此前已收取 {len(names)} 封" in again.stdout
    assert returns(tmp_path) == got
    assert mailbox.count() == len(names)  # nothing deleted
