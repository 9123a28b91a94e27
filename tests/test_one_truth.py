"""One truth of the month: the office's page, the chiefs' page, the workbook they offer, validate,
the reminders and 督办 all read the one judgement of the month (summary.month), so they never
tell two stories.  Each test is something a clerk or a chief saw disagree."""

from __future__ import annotations

import io
import os
import re
import sqlite3
import time
from datetime import date, datetime, timedelta

import openpyxl
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from reporting.cycle import Cycle, check_month, collect_month, fill, merge, summarise
from reporting.models import Light, OfficeState, Status
from reporting.summary.words import latest_words
from reporting.tasks import extensions
from reporting.web.app import close, create_app, state_of
from reporting.web.store import CHIEFS, WebState

from .clerks import answer_form
from .conftest import second_after
from .pool_ticks import quick_pool_ticks
from .webserver import PASSWORD, answered, set_up

AUGUST, AS_OF = "2022-08", date(2022, 8, 25)
ASK = "请于8月22日前填好上传"  # the 20th is a Saturday: the next working day


def judged(config, month: str, as_of: date | None = None):
    """The month as `yuebao validate` judges it: the summary of check_month."""
    c = Cycle.load(config, as_of)
    period, check = check_month(c, month)
    with c.ledger() as ledger:
        return summarise(c, period, check, ledger)


class Site:
    """The intranet page in-process (Flask's test client), with every link."""

    def __init__(self, config, month: str, as_of: date | None = None):
        c = Cycle.load(config, as_of)
        state = state_of(c)
        state.ensure_links(c.tasks.lead_offices())
        self.tokens = {
            ("领导" if link.role == CHIEFS else link.office): link.token for link in state.links()
        }
        self.app = create_app(config, month, as_of)
        self.client = self.app.test_client()

    def text(self, path: str) -> str:
        response = self.client.get(path)
        assert response.status_code == 200, path
        return response.get_data(as_text=True)

    def office(self, office: str) -> str:
        return self.text(f"/o/{self.tokens[office]}")

    def upload(self, office: str, path) -> None:
        page = self.office(office)
        csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
        data = {"csrf_token": csrf, "file": (io.BytesIO(path.read_bytes()), "进展情况表.xlsx")}
        response = self.client.post(f"/o/{self.tokens[office]}/upload", data=data)
        assert response.status_code == 303, response.get_data(as_text=True)
        deadline = time.monotonic() + 120
        while "正在检查" in self.office(office) and time.monotonic() < deadline:
            time.sleep(0.2)  # checked in the background: wait for its result

    def chiefs(self) -> str:
        """The chiefs' page."""
        return self.text(f"/c/{self.tokens['领导']}")

    def offered(self) -> openpyxl.Workbook:
        """The workbook the chiefs' page offers."""
        response = self.client.get(f"/c/{self.tokens['领导']}/summary")
        assert response.status_code == 200
        return openpyxl.load_workbook(io.BytesIO(response.data))

    def lights(self) -> dict[str, tuple[str, str]]:
        """The chiefs' page: office -> (light, state)."""
        return lights_on(self.chiefs())

    def workbook_lights(self) -> dict[str, tuple[str, str]]:
        """The workbook the chiefs' page offers: office -> (light, state) of 概览's table."""
        return lights_in(self.offered())

    def clerk_states(self) -> dict[str, str]:
        """The clerk's page (logged in): office -> state."""
        if not getattr(self, "_clerk", False):
            page = self.text("/login")
            csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
            response = self.client.post("/login", data={"csrf_token": csrf, "password": PASSWORD})
            assert response.status_code == 303
            self._clerk = True
        page = self.text("/clerk")
        rows = re.findall(
            r'<tr data-office="([^"]+)"[^>]*>\s*<td>[^<]*</td>\s*<td class="state">'
            r"([^<]+)</td>",
            page,
        )
        return dict(rows)

    def chiefs_done(self) -> tuple[int, int]:
        """The chiefs' page: (milestones done, overdue)."""
        return done_on(self.chiefs())

    def workbook_done(self) -> tuple[int, int]:
        """The workbook the chiefs' page offers: 概览's (已完成, 逾期)."""
        return done_in(self.offered())

    def close(self) -> None:
        close(self.app)


def lights_on(page: str) -> dict[str, tuple[str, str]]:
    """The chiefs' page: office -> (light, state)."""
    table = page[page.index('id="lights"') : page.index("</table>", page.index('id="lights"'))]
    cells = re.findall(r"<tr><td>(.*?)</td><td[^>]*>(.*?)</td>\s*<td>(.*?)</td>", table)
    return {office: (light, state) for office, light, state in cells}


def done_on(page: str) -> tuple[int, int]:
    """The chiefs' page: (milestones done, overdue)."""
    done = re.search(r"<b>(\d+)</b>个节点已完成", page).group(1)
    overdue = re.search(r"<b>(\d+)</b>个节点逾期", page).group(1)
    return int(done), int(overdue)


def lights_in(offered: openpyxl.Workbook) -> dict[str, tuple[str, str]]:
    """The workbook the chiefs' page offers: office -> (light, state) of 概览's table."""
    ws = offered["概览"]
    header = next(r for r in range(1, 20) if ws.cell(r, 1).value == "牵头股室")
    names = [c.value for c in ws[header]]
    out = {}
    for row in ws.iter_rows(min_row=header + 1, values_only=True):
        cells = dict(zip(names, row))
        if cells["督办灯"] not in ("红灯", "黄灯", "绿灯"):
            break
        out[cells["牵头股室"]] = (cells["督办灯"], cells["报送情况"])
    return out


def done_in(offered: openpyxl.Workbook) -> tuple[int, int]:
    """The workbook the chiefs' page offers: 概览's (已完成, 逾期)."""
    ws = offered["概览"]
    header = next(r for r in range(1, 20) if ws.cell(r, 1).value == "节点总数")
    cells = dict(zip((c.value for c in ws[header]), (c.value for c in ws[header + 1])))
    return cells["已完成"], cells["逾期"]


@pytest.fixture
def august(demo_copy):
    """The demo's bureau in August 2022: forms out, nobody returned yet, merged on the 21st."""
    config = demo_copy / "config.yaml"
    fill(Cycle.load(config, date(2022, 8, 1)), AUGUST)
    merge(Cycle.load(config, date(2022, 8, 21)), AUGUST)
    return config


def returns_by_inbox(config, office: str, when: datetime) -> set[str]:
    """The office's August form answered, every milestone due by August reported 已完成, dropped
    in the inbox (as a mail attachment lands there) and collected: the keys reported done."""
    c = Cycle.load(config, AS_OF)
    done = {
        m.key
        for t in c.tasks.tasks_of(office)
        for m in t.milestones
        if m.due and m.due <= date(2022, 8, 31)
    }
    outbox, inbox = c.config.folder("outbox", AUGUST), c.config.folder("inbox", AUGUST)
    answer_form(outbox, AUGUST, office, c.tasks, inbox, when, done)
    collect_month(c, AUGUST)
    return done


def test_the_chiefs_page_and_the_workbook_it_offers_tell_the_same_story(august):
    site = Site(august, AUGUST, AS_OF)
    try:
        before = site.lights()
        assert before["督导室"][1] == "未报送"
        returns_by_inbox(august, "督导室", datetime(2022, 8, 14, 9, 30))
        after = site.lights()
        assert after["督导室"][1] == "按时报送"  # the page sees the new return at once
        assert site.workbook_lights() == after  # and so does the workbook it offers
    finally:
        site.close()


def test_the_office_page_knows_a_return_that_came_by_mail_or_inbox(august):
    site = Site(august, AUGUST, AS_OF)
    try:
        assert ASK in site.office("督导室")
        returns_by_inbox(august, "督导室", datetime(2022, 8, 14, 9, 30))
        page = site.office("督导室")
        assert "本月报表已收到" in page and "08月14日 09:30经局办公室收件箱收到" in page
        assert ASK not in page  # it is not asked for what it has sent
        assert ASK in site.office("人事股")  # who has not, still is
    finally:
        site.close()


def test_the_office_page_lists_as_overdue_only_what_the_month_judges_overdue(august):
    site = Site(august, AUGUST, AS_OF)
    try:
        done = returns_by_inbox(august, "督导室", datetime(2022, 8, 14, 9, 30))
        page = site.office("督导室")
        listed = page[page.index("近期到期的节点") : page.index("上传填好的表格")]
        summary = judged(august, AUGUST, AS_OF)
        for r in summary.rows:
            if r.milestone is None or r.task.lead != "督导室" or r.milestone.key not in done:
                continue
            assert r.light.value == "已完成"
            assert r.milestone.text not in listed  # reported done: not 逾期 on its page
        overdue = {r.milestone.text for r in summary.overdue if r.task.lead == "督导室"}
        assert overdue <= set(re.findall(r"<td>([^<]*)</td>", listed))
    finally:
        site.close()


def test_a_file_sent_again_counts_as_sent_again(tmp_path):
    """v1 passes, v2 has an error, v1 again: v1 counts, on the page and in validate alike."""
    config, month, c = set_up(tmp_path)
    good = answered(c, month, "基财股", tmp_path / "pc" / "v1.xlsx")
    bad = answered(c, month, "基财股", tmp_path / "pc" / "v2.xlsx", status="差不多")
    site = Site(config, month)
    try:
        site.upload("基财股", good)
        time.sleep(1.1)  # times are kept to the second, as a clerk reads them
        site.upload("基财股", bad)
        bad_state = {o.office.name: o for o in judged(config, month).offices}["基财股"]
        assert bad_state.state is OfficeState.REJECTED
        time.sleep(1.1)
        site.upload("基财股", good)  # the same bytes as the first, sent again
        state = {o.office.name: o for o in judged(config, month).offices}["基财股"]
        assert state.state is OfficeState.ON_TIME, state.state
        page = site.office("基财股")
        history = page[page.index('id="history"') :]
        first_row = history[
            history.index("<tr><td>") : history.index("</tr>", history.index("<tr><td>"))
        ]
        assert "已通过" in first_row and "（以此为准）" in first_row
        assert "经网页上传收到" in page  # the path it came by, as the office sent it
        assert history.count("（以此为准）") == 1
    finally:
        site.close()


def test_the_page_names_the_return_received_last_not_the_one_read_last(tmp_path):
    """An upload received earlier whose reading finished later: the return that counts is the
    one received last (as validate decides), and the page says so."""
    config, month, c = set_up(tmp_path)
    good = answered(c, month, "基财股", tmp_path / "pc" / "good.xlsx")
    bad = answered(c, month, "基财股", tmp_path / "pc" / "bad.xlsx", status="差不多")
    site = Site(config, month)
    try:
        site.upload("基财股", bad)  # its reading finished first …
        site.upload("基财股", good)  # … this one's after, though it was received earlier:
        earlier = (datetime.now() - timedelta(minutes=5)).replace(microsecond=0).isoformat()
        with sqlite3.connect(tmp_path / "web.sqlite3") as db:
            db.execute(
                "UPDATE uploads SET received_at=? WHERE id=(SELECT MAX(id) FROM uploads)",
                (earlier,),
            )
        with sqlite3.connect(c.config.ledger_path) as db:
            db.execute(
                "UPDATE returns SET received_at=? WHERE id=(SELECT MAX(id) FROM returns)",
                (earlier,),
            )
        state = {o.office.name: o for o in judged(config, month).offices}["基财股"]
        assert state.state is OfficeState.REJECTED  # validate: the bad one came last
        page = site.office("基财股")
        counted = re.search(r"<tr><td>[^<]*</td><td>[^<]*</td>\s*<td>([^<]*（以此为准）)", page)
        assert counted and "处错误" in counted.group(1), page[page.index('id="history"') :]
        assert "有错误，视为未报送" in page
    finally:
        site.close()


def test_the_latest_word_wins_over_the_months():
    """Done in June, 滞后 in July: not done.  Done in June, nothing said in July: still done."""
    june = {"T01-M1": ("已完成", "2022-06-10"), "T01-M2": ("已完成", "2022-06-12")}
    july = {"T01-M1": ("滞后", None), "T01-M2": ("", None)}
    words = latest_words({"2022-07": july, "2022-06": june})
    assert words["T01-M1"].status == Status.BEHIND.value
    assert words["T01-M2"].status == Status.DONE.value
    assert words["T01-M2"].completed_on == date(2022, 6, 12)
    assert words["T01-M2"].month == "2022-06"


# -- every surface agrees, whatever the order of events --------------------------------------
EVENTS = ("upload_good", "upload_bad", "send_first_again", "inbox_good", "inbox_bad", "extend")
EVENTS += ("days_pass",)


def verdicts_in(offered: openpyxl.Workbook) -> dict[str, str]:
    """The workbook the chiefs' page offers: milestone -> 判定, from its 数据 sheet."""
    rows = offered["数据"].iter_rows(values_only=True)
    names = next(rows)
    return {r["节点编码"]: r["判定"] for r in (dict(zip(names, v)) for v in rows) if r["节点编码"]}


@settings(max_examples=8, deadline=None, suppress_health_check=list(HealthCheck))
@given(events=st.lists(st.sampled_from(EVENTS), min_size=1, max_size=5))
@quick_pool_ticks()  # every judgement below reads its returns in a pool of its own
def test_every_surface_tells_the_same_story(tmp_path_factory, events):
    """Random returns of one office, by upload and by inbox (where mail attachments land), good
    and bad, on time and late, sent again; extensions approved and days passing meanwhile.  After
    each event the office page, the clerk's and the chiefs' pages, the workbook they offer,
    validate and the 催报/督办 facts agree with each other and with the rule, worked out here
    on its own: the file received last counts, late by when its bytes first came; on every
    office's state and every milestone's verdict."""
    from reporting.jobs.day import Facts

    folder = tmp_path_factory.mktemp("truth")
    config, month, c = set_up(folder)
    office, deadline = "基财股", c.period(month).deadline
    files = {
        good: answered(c, month, office, folder / "pc" / f"{good}.xlsx", **kw)
        for good, kw in ((True, {}), (False, {"status": "差不多"}))
    }
    first: dict[bool, datetime] = {}  # the rule's own record: each content's first receipt …
    last: dict[bool, datetime] = {}  # … and its last
    as_of = date.today()
    clock: datetime | None = None  # the last receipt that took its time from the clock
    site = Site(config, month, as_of)
    try:
        for i, event in enumerate(events):
            if event == "days_pass":  # a later look at the same month: after the deadline
                as_of = max(as_of, deadline) + timedelta(days=7 + i)
                site.close()
                site = Site(config, month, as_of)
            elif event == "extend":
                m = c.tasks.tasks_of(office)[0].milestones[0]
                later = (m.due or as_of) + timedelta(days=30 + i)
                extensions.approve(Cycle.load(config, as_of), m.task_key, "1", later, "经批准")
            else:
                second_after(clock)  # times are kept to the second
                good = event in ("upload_good", "inbox_good") or (
                    event == "send_first_again" and min(first, key=first.get, default=True)
                )
                now = datetime.now().replace(microsecond=0)
                if event.startswith("inbox"):  # dropped in the inbox, late once days have passed
                    when = now
                    if as_of > date.today():  # the day before the one looked at: late
                        when = datetime.combine(as_of - timedelta(days=1), now.time())
                    if last and max(last.values()) >= when:  # never two at one second
                        when = max(last.values()) + timedelta(seconds=1)
                    inbox = c.config.folder("inbox", month)
                    inbox.mkdir(parents=True, exist_ok=True)
                    dropped = inbox / f"{i}.xlsx"
                    dropped.write_bytes(files[good].read_bytes())
                    os.utime(dropped, (when.timestamp(), when.timestamp()))
                    collect_month(Cycle.load(config, as_of), month)
                else:
                    site.upload(office, files[good])
                    when = WebState(folder / "web.sqlite3").uploads(month, office)[0].received_at
                first.setdefault(good, when)
                last[good] = max(last.get(good, when), when)
                if when - datetime.now() < timedelta(minutes=1):  # not dated days ahead
                    clock = max(clock or when, when)
            if not last:
                continue
            counted = max(last, key=last.get)
            want = (
                OfficeState.REJECTED
                if not counted
                else OfficeState.LATE
                if first[counted].date() > deadline
                else OfficeState.ON_TIME
            )
            summary = judged(config, month, as_of)
            states = {o.office.name: o.state.value for o in summary.offices}
            assert states[office] == want.value, (events, i)  # validate follows the rule
            chiefs, offered = site.chiefs(), site.offered()  # each looked at once per event
            lights = lights_on(chiefs)
            assert {o: s for o, (_, s) in lights.items()} == states  # the chiefs' page
            assert lights_in(offered) == lights  # the workbook it offers
            assert site.clerk_states() == states  # the clerk's page
            page = site.office(office)  # the office's own page
            assert "本月报表已收到" in page
            assert ("有错误，视为未报送" in page) == (want is OfficeState.REJECTED)
            verdicts = {r.milestone.key: r.light.value for r in summary.rows if r.milestone}
            assert verdicts_in(offered) == verdicts  # every milestone's verdict
            counts = (summary.counts[Light.DONE], summary.counts[Light.OVERDUE])
            assert done_on(chiefs) == counts == done_in(offered)
            listed = page[page.index("近期到期的节点") : page.index("上传填好的表格")]
            for r in summary.rows:  # the office's due list: its milestones not done, as judged
                if r.task.lead == office and r.light is Light.OVERDUE:
                    assert r.milestone.text in listed
                if r.task.lead == office and r.light is Light.DONE and r.milestone:
                    assert r.milestone.text not in listed
            facts = Facts(Cycle.load(config, as_of))  # what 催报 and 督办 go by
            assert {o.office.name: o.state.value for o in facts.summary(month).offices} == states
            assert facts.summary(month).counts == summary.counts
    finally:
        site.close()


def test_the_upload_page_judges_by_the_configured_rules(tmp_path):
    """config.yaml makes a status typed outside the list an error: the office's upload is not
    已通过 on its page while the month's judgement rejects it (it said 已通过 before)."""
    config, month, c = set_up(tmp_path, rules={"status_read_as": "错误"})
    typed = answered(c, month, "基财股", tmp_path / "pc" / "typed.xlsx", status="完成 ")
    site = Site(config, month)
    try:
        site.upload("基财股", typed)
        state = {o.office.name: o for o in judged(config, month).offices}["基财股"]
        assert state.state is OfficeState.REJECTED
        page = site.office("基财股")
        history = page[page.index('id="history"') :]
        assert "1处错误" in history and "已通过" not in history, history
        assert "有错误，视为未报送" in page
    finally:
        site.close()
