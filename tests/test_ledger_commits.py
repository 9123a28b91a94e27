"""The page tells its own commits to the ledger (its uploads taken in) from anyone else's: an
office's page may then show the month judged before other offices' uploads, never one missing a
mail, an inbox file or a clerk's command committed meanwhile by another connection."""

from datetime import datetime

from reporting.ledger import Ledger, stamp
from reporting.models import Return
from reporting.web.live import OwnCommits

MONTH = "2022-07"


def _receive(ledger: Ledger, n: int) -> None:
    ret = Return(f"{n}.xlsx", f"{n:064x}", datetime(2022, 7, 10, 9, n))
    ledger.add_return(MONTH, ret, 100)


def test_each_connection_knows_its_own_commits_and_no_other(tmp_path):
    path = tmp_path / "ledger.sqlite3"
    with Ledger(path) as page, Ledger(path) as other:
        start = stamp(path)
        _receive(page, 1)
        _receive(other, 2)  # a mail fetched by the schedule, in between
        _receive(page, 3)
        with page.grouped():  # several returns, one commit
            _receive(page, 4)
            _receive(page, 5)
        page.known(MONTH, f"{1:064x}")  # reading commits nothing
        assert len(page.committed) == 3 and len(other.committed) == 1
        assert not set(page.committed) & set(other.committed)

        own = OwnCommits()
        own.add(MONTH, ["基财股"], page.committed)
        assert not own.only_ours(start, stamp(path))  # the mail is in the way
        after_mail = other.committed[0][2]
        mail = tuple(start[:-1]) + (after_mail,)
        assert own.only_ours(mail, stamp(path))  # since the mail: the page's own only
        _receive(other, 6)
        assert not own.only_ours(mail, stamp(path))
        assert own.only_ours(stamp(path), stamp(path))  # nothing committed between: nobody's
        assert not own.only_ours(None, stamp(path))  # a stamp not known: never taken for ours


def test_a_ledger_replaced_on_disk_is_never_taken_for_ours(tmp_path):
    path = tmp_path / "ledger.sqlite3"
    with Ledger(path) as page:
        _receive(page, 1)
        before = stamp(path)
        _receive(page, 2)
        own = OwnCommits()
        own.add(MONTH, ["基财股"], page.committed)
        assert own.only_ours(before, stamp(path))
    restored = tmp_path / "restored.sqlite3"
    with Ledger(restored) as other:
        _receive(other, 1)
        _receive(other, 2)
    restored.replace(path)  # `yuebao ledger restore`: another file, maybe the same counter
    assert not own.only_ours(before, stamp(path))


def test_when_an_office_last_came_in_is_remembered_per_month_and_office():
    own = OwnCommits()
    assert own.taken(MONTH, "基财股") == 0.0
    own.add(MONTH, ["基财股"], [])
    first = own.taken(MONTH, "基财股")
    assert first > 0 and own.taken(MONTH, "人事股") == 0.0 and own.taken("2022-08", "基财股") == 0
    own.add(MONTH, ["基财股"], [])
    assert own.taken(MONTH, "基财股") >= first


def test_a_commit_met_while_the_pages_own_batch_is_told_is_waited_for_not_taken_for_another(
    tmp_path,
):
    """The page's collector commits in a process of its own and tells its commits a moment
    later: a page meeting the commit in that moment waits for them (and takes the month as its
    own), while another connection's commit meanwhile is still another's."""
    import threading
    import time

    path = tmp_path / "ledger.sqlite3"
    own = OwnCommits()
    with Ledger(path) as collector, Ledger(path) as other:
        _receive(collector, 1)
        before = stamp(path)
        with own.collecting():
            _receive(collector, 2)  # committed; the page has not been told yet
            told = threading.Timer(0.05, own.add, (MONTH, ["基财股"], collector.committed))
            told.start()
            began = time.monotonic()
            assert own.only_ours(before, stamp(path))  # waited for the batch to be told
            assert time.monotonic() - began < OwnCommits.SETTLE_SECONDS
            told.join()
        assert own.only_ours(before, stamp(path))
        with own.collecting():
            _receive(other, 3)  # a mail, while a batch of the page's is being collected
            began = time.monotonic()
            assert not own.only_ours(before, stamp(path))
            assert time.monotonic() - began >= OwnCommits.SETTLE_SECONDS  # a moment, no more
        _receive(other, 4)
        began = time.monotonic()
        assert not own.only_ours(before, stamp(path))  # nothing in flight: said at once
        assert time.monotonic() - began < 0.05
