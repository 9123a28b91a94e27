"""`yuebao serve`'s own commands (links, password) and the clerk's buttons, as a clerk uses them."""

from __future__ import annotations

import re

from reporting.web.store import WebState

from .conftest import write_config, yuebao
from .webserver import PASSWORD, Browser, answered, links, serving, set_up, upload


def test_links_are_printed_renewed_and_revoked(tmp_path):
    config = write_config(tmp_path, web={"state": "web.sqlite3", "url": "http://10.0.0.5:8080"})
    out = yuebao("serve", "--config", str(config), "--links")
    assert out.returncode == 0, out.stderr
    printed = dict(
        re.findall(r"^(\S+?)(?:（只读）)?：http://10\.0\.0\.5:8080/[oc]/(\S+)$", out.stdout, re.M)
    )
    assert len(printed) == 12 and printed == links(tmp_path)  # 11 offices and the chiefs
    again = yuebao("serve", "--config", str(config), "--links")
    assert again.stdout == out.stdout  # the same links until renewed

    renewed = yuebao("serve", "--config", str(config), "--new-link", "基财股")
    assert renewed.returncode == 0 and "旧链接已作废" in renewed.stdout
    assert links(tmp_path)["基财股"] != printed["基财股"]
    assert links(tmp_path)["人事股"] == printed["人事股"]
    revoked = yuebao("serve", "--config", str(config), "--revoke-link", "领导")
    assert revoked.returncode == 0 and "领导" not in links(tmp_path)

    wrong = yuebao("serve", "--config", str(config), "--new-link", "不存在股")
    assert wrong.returncode == 2 and "不是任务清单中的牵头股室" in wrong.stderr


def test_the_password_is_set_from_the_terminal_and_kept_hashed(tmp_path):
    config = write_config(tmp_path, web={"state": "web.sqlite3"})
    import subprocess
    import sys

    def set_password(text):
        return subprocess.run(
            [sys.executable, "-m", "reporting.cli", "serve", "--config", str(config)]
            + ["--set-password"],
            input=text,
            capture_output=True,
            text=True,
        )

    short = set_password("short\nshort\n")
    assert short.returncode == 2 and "密码至少8个字符" in short.stderr
    done = set_password(f"{PASSWORD}\n{PASSWORD}\n")
    assert done.returncode == 0 and "已设置" in done.stdout
    assert WebState(tmp_path / "web.sqlite3").check_password(PASSWORD)
    stored = WebState(tmp_path / "web.sqlite3")._get("password")
    assert stored and stored.startswith("scrypt:32768:8:1$")  # not the tests' quick one


def test_a_bad_web_setting_stops_with_its_name(tmp_path):
    config = write_config(tmp_path, web={"port": 0})
    out = yuebao("serve", "--config", str(config), "--links")
    assert out.returncode == 2 and "web.port" in out.stderr


def test_the_clerks_buttons_send_forms_once_remind_and_escalate_nobody_before_the_deadline(
    tmp_path, smtp
):  # noqa: F811
    inbox, port = smtp
    config, month, c = set_up(
        tmp_path,
        smtp={"host": "127.0.0.1", "port": port, "retries": 1, "backoff_seconds": 0},
        schedule={"chiefs": ["juzhang@taishan-edu.example.org"], "log": "yuebao.log"},
    )
    with serving(config, month) as base:
        path = answered(c, month, "基财股", tmp_path / "pc" / "x.xlsx")
        assert upload(base, links(tmp_path)["基财股"], path)[0] == 303
        clerk = Browser(base)
        clerk.post("/login", {"csrf_token": clerk.csrf("/login"), "password": PASSWORD})

        def press(step):
            status, _, _ = clerk.post(f"/clerk/run/{step}", {"csrf_token": clerk.csrf("/clerk")})
            assert status == 303
            page = clerk.get("/clerk")[2]
            return re.sub(r"<[^>]+>", " ", page[page.index('id="outcome"') :])

        sent = press("send")
        assert "下发" in sent and "已发送：基财股" in sent and "共发送 11 条" in sent
        forms = [m for m in inbox.messages if m.get_content_type() == "multipart/mixed"]
        assert len(forms) == 11
        assert "共发送 0 条" in press("send")  # sent once: pressing again sends nothing
        assert len(inbox.messages) == 11

        reminded = press("remind")
        assert "已提醒：人事股" in reminded and "已提醒：基财股" not in reminded
        escalated = press("escalate")  # before the deadline nobody is late: no letter
        assert "督办" in escalated and "共发送 0 条" in escalated
        assert [m["Subject"] for m in inbox.messages if "督办" in m["Subject"]] == []
