"""The ledger hands out named records, not sqlite3.Row and bare tuples: what was written into a
real ledger file comes back under the names a reader expects, after the file is closed and opened
again (as the next command would)."""

import json
from datetime import date

from reporting.ledger import (
    Escalation,
    Extension,
    ItemState,
    Ledger,
    MailRecord,
    MonthList,
    NoticeRecord,
)


def test_an_approved_extension_comes_back_by_its_milestone(tmp_path):
    path = tmp_path / "ledger.sqlite3"
    with Ledger(path) as ledger:
        ledger.approve_extension("T10-M1", "2022-05-31", "2022-06-30", "等待细则", date(2022, 6, 2))
    with Ledger(path) as ledger:
        approved = ledger.extensions()
    assert list(approved) == ["T10-M1"]
    got = approved["T10-M1"]
    assert isinstance(got, Extension)
    assert (got.original_due, got.new_due, got.reason) == ("2022-05-31", "2022-06-30", "等待细则")
    assert got.approved_at.startswith("2022-06-02T")


def test_a_merged_month_comes_back_item_by_item(tmp_path):
    path = tmp_path / "ledger.sqlite3"
    done = ItemState("T01-M1", "T01", "基财股", "已完成", "2022-03-25", "已完成", "已完成", "")
    late = ItemState("T17-M1", "T17", "卫健所", "", None, "逾期", "", "资金未到位")
    with Ledger(path) as ledger:
        ledger.record_state("2022-06", "2022-06-25", "summary.xlsx", [done, late])
    with Ledger(path) as ledger:
        state = ledger.state("2022-06")
        assert ledger.state("2022-05") == {}
        assert ledger.merged_as_of("2022-06") == "2022-06-25"
        reported = ledger.reports_before("2022-07")
    assert state == {"T01-M1": done, "T17-M1": late}
    assert state["T17-M1"].light == "逾期" and state["T17-M1"].problems == "资金未到位"
    assert reported["2022-06"]["T01-M1"].status == "已完成"
    assert reported["2022-06"]["T01-M1"].completed_on == "2022-03-25"


def test_a_notice_is_read_claimed_and_dropped_by_its_record(tmp_path):
    path = tmp_path / "ledger.sqlite3"
    fields = dict(
        action="remind_missing",
        month="2022-06",
        office="基财股",
        reason="",
        day="2022-06-20",
        recipients="a@x.cn,b@x.cn",
        subject="请报送6月进展",
        body="正文",
        attachments=json.dumps(["/tmp/表.xlsx"], ensure_ascii=False),
    )
    key = "remind_missing|2022-06|基财股|2022-06-20"
    with Ledger(path) as ledger:
        assert ledger.plan_notices([(key, fields)]) == [key]
        (due,) = ledger.due_notices("2022-06-20", "2022-06-20T09:00:00")
        assert isinstance(due, NoticeRecord)
        assert (due.key, due.status, due.tries, due.channels) == (key, "planned", 0, "")
        assert due.recipients == "a@x.cn,b@x.cn" and due.lease_until is None
        assert ledger.claim_notice(due, "me", "2022-06-20T09:10:00", "2022-06-20T09:00:00", False)
        assert not ledger.claim_notice(due, "other", "x", "2022-06-20T09:00:01", False)  # taken
        sending = ledger.notice(key)
        assert sending is not None
        assert (sending.status, sending.owner) == ("sending", "me")
        assert ledger.notice("no such key") is None
        assert [n.key for n in ledger.notices()] == [key]


def test_mails_escalations_and_month_lists_come_back_named(tmp_path):
    path = tmp_path / "ledger.sqlite3"
    with Ledger(path) as ledger:
        ledger.record_mail(
            folder="INBOX",
            uidvalidity=7,
            uid=3,
            message_id="<m1@x.cn>",
            sender="jcg@x.cn",
            office="基财股",
            subject="6月进展",
            received_at="2022-06-24T10:00:00",
            month="2022-06",
        )
        ledger.log_escalation("2022-06", "卫健所", "missing", "2022-06-28", "督办函")
        assert ledger.keep_month_list(
            "2022-06", MonthList("任务清单.xlsx", "ab" * 32, 2022, b"PK\x03\x04")
        )
    with Ledger(path) as ledger:
        (mail,) = ledger.mails("2022-06")
        (made,) = ledger.escalations("2022-06")
        kept = ledger.month_list("2022-06")
    assert isinstance(mail, MailRecord)
    assert (mail.uid, mail.message_id, mail.office, mail.files, mail.auto) == (
        3,
        "<m1@x.cn>",
        "基财股",
        "[]",
        0,
    )
    assert made == Escalation("2022-06", "卫健所", "missing", "2022-06-28", "督办函")
    assert kept == MonthList("任务清单.xlsx", "ab" * 32, 2022, b"PK\x03\x04")
