"""Reminders in the offices' chat groups: 企业微信 and 钉钉 group robots, each checked by a local
server that enforces its API (payload, signature, length, errcode)."""

from __future__ import annotations

import sqlite3
from datetime import date

import pytest
import yaml

from reporting.jobs.scheduler import run_once
from reporting.notify.senders import Chat, Notice, SendFailed, chat_payloads, post_chat

from .chat_server import DING_SECRET, ChatServer
from .conftest import write_config

MOBILE_OF = {"基财股": "13800138001", "人事股": "139 2222 0002"}  # the others keep their landlines


@pytest.fixture
def chat():
    server = ChatServer()
    yield server
    server.close()


def configure(tmp_path, smtp_port, url, kind, **schedule):
    path = write_config(
        tmp_path,
        smtp={"host": "127.0.0.1", "port": smtp_port, "retries": 1, "backoff_seconds": 0},
        schedule={
            "chiefs": ["juzhang@taishan-edu.example.org"],
            "log": "yuebao.log",
            "webhook": url,
            "webhook_kind": kind,
            "webhook_retries": 2,
            **schedule,
        },
    )
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for office, mobile in MOBILE_OF.items():
        data["offices"][office]["phone"] = mobile
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def notices(folder):
    db = sqlite3.connect(folder / "ledger.sqlite3")
    try:
        return db.execute(
            "SELECT office, status, channels, detail FROM notices WHERE action='fill_and_send'"
        ).fetchall()
    finally:
        db.close()


def test_forms_reach_the_wecom_group_with_the_office_at_mentioned(tmp_path, smtp, chat):
    inbox, port = smtp
    config = configure(tmp_path, port, chat.wecom_url, "wecom")
    report = run_once(config, date(2022, 6, 1))
    assert report.failed == 0 and not chat.rejected
    offices = {o for o, *_ in notices(tmp_path)}
    assert len(chat.received) >= len(offices)
    texts = [m["text"]["content"] for m in chat.received]
    for office in offices:
        assert any(office in t for t in texts), office
    mentioned = [m["text"].get("mentioned_mobile_list") for m in chat.received]
    assert ["13800138001"] in mentioned and ["13922220002"] in mentioned
    assert all(m in (None, ["13800138001"], ["13922220002"]) for m in mentioned)  # no landline
    assert all(channels == "mail,chat," for _, _, channels, _ in notices(tmp_path))


def test_a_rejected_wecom_message_is_a_failed_notice_retried_without_a_second_mail(
    tmp_path, smtp, chat
):
    inbox, port = smtp
    config = configure(tmp_path, port, chat.wecom_url, "wecom")
    chat.refuse_all = 40008  # what the robot said to the old JSON payload
    report = run_once(config, date(2022, 6, 1))
    rows = notices(tmp_path)
    assert report.failed == len(rows) and all(status == "failed" for _, status, *_ in rows)
    assert all("40008" in detail for *_, detail in rows)
    log = (tmp_path / "yuebao.log").read_text(encoding="utf-8")
    assert "群消息发送失败" in log and "40008" in log
    mails = len(inbox.messages)
    chat.refuse_all = 0
    run_once(config, date(2022, 6, 2))  # the next working day tries the failed ones again
    assert all(status == "sent" for _, status, *_ in notices(tmp_path))
    assert len(inbox.messages) == mails  # the mails had gone: not sent again
    assert len({m["text"]["content"].split("\n")[0] for m in chat.received}) >= len(rows)


def test_dingtalk_messages_are_signed_and_a_wrong_secret_is_refused(
    tmp_path, smtp, chat, monkeypatch
):
    inbox, port = smtp
    config = configure(tmp_path, port, chat.dingtalk_url, "dingtalk")
    monkeypatch.setenv("YUEBAO_WEBHOOK_SECRET", "not-the-secret")
    report = run_once(config, date(2022, 6, 1))
    assert report.failed and set(chat.rejected) == {310000} and not chat.received
    monkeypatch.setenv("YUEBAO_WEBHOOK_SECRET", DING_SECRET)
    (tmp_path / "again").mkdir()
    config2 = configure(tmp_path / "again", port, chat.dingtalk_url, "dingtalk")
    report = run_once(config2, date(2022, 6, 1))
    assert report.failed == 0
    first = [m for m in chat.received if m["at"]["atMobiles"]]
    assert any(m["at"]["atMobiles"] == ["13800138001"] for m in first)
    for m in first:  # 钉钉 highlights the @ only when the number is in the text too
        assert all(f"@{mobile}" in m["text"]["content"] for mobile in m["at"]["atMobiles"])


@pytest.mark.parametrize("kind", ["wecom", "dingtalk"])
def test_a_long_reminder_is_split_into_messages_the_robot_accepts(chat, kind):
    lines = [f"{i:03d}. 推进第{i}项重点工作的关键节点，按月报送进展情况" for i in range(400)]
    notice = Notice(
        "remind_milestones", "2022-06", "基财股", [], "【节点到期提醒】基财股", "\n".join(lines)
    )
    url = chat.wecom_url if kind == "wecom" else chat.dingtalk_url
    post_chat(Chat(url, kind, secret=DING_SECRET), notice, ["13800138001"])
    assert not chat.rejected and len(chat.received) > 1
    texts = [m["text"]["content"] for m in chat.received]
    assert all(t.lstrip("@13800138001 \n").startswith("【节点到期提醒】基财股") for t in texts)
    for line in lines:  # nothing lost between the parts
        assert sum(line in t for t in texts) == 1, line
    assert len(chat_payloads(Chat(url, kind), notice, [])) == len(texts)


def test_a_robot_that_cannot_be_reached_fails_the_notice(chat):
    url = chat.wecom_url
    chat.close()
    notice = Notice("remind_missing", "2022-06", "基财股", [], "【催报】", "请报送")
    with pytest.raises(SendFailed):
        post_chat(Chat(url, "wecom", timeout=2, retries=2, backoff_seconds=0), notice, [])


def test_a_webhook_kind_that_is_not_known_stops_at_load(tmp_path):
    from reporting.config import load_config
    from reporting.errors import YuebaoError

    with pytest.raises(YuebaoError, match="webhook_kind"):
        load_config(write_config(tmp_path, schedule={"webhook_kind": "feishu"}))
