"""The intranet page refuses what it must: another office's link or form, a path in a file
name, an oversized upload, a POST without its CSRF token, password guessing."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from reporting.context import Cycle
from reporting.web.store import WebState

from .webserver import PASSWORD, Browser, answered, links, serving, set_up, upload


@pytest.fixture
def month_served(tmp_path):
    config, month, c = set_up(tmp_path, collect={"max_file_mb": 1})
    with serving(config, month) as base:
        yield base, tmp_path, month, c


def ledger_files(c: Cycle, month: str) -> list[str]:
    with c.ledger() as ledger:
        return [r.file_name for r in ledger.returns(month)]


def test_an_office_sees_only_its_own_and_cannot_return_in_anothers_name(month_served):
    base, folder, month, c = month_served
    tokens = links(folder)
    mine = answered(c, month, "基财股", folder / "pc" / "基财股的表.xlsx")
    status, _, _ = upload(base, tokens["基财股"], mine, "基财股的表.xlsx")
    assert status == 303

    _, _, page = Browser(base).get(f"/o/{tokens['人事股']}")  # another office's page
    assert "人事股" in page and "基财股" not in page and "基财股的表" not in page

    # 人事股 uploads 基财股's form through its own link: refused, counted for nobody
    status, _, b = upload(base, tokens["人事股"], mine, "借用的表.xlsx")
    _, _, page = b.get(f"/o/{tokens['人事股']}")
    assert "未接收" in page and "上传的是“基财股”的表格" in page
    assert len(ledger_files(c, month)) == 1
    assert not (c.config.folder("inbox", month) / "网页上传" / "人事股").exists()

    near = tokens["基财股"][:-1] + ("y" if tokens["基财股"].endswith("x") else "x")  # one off
    for wrong in (tokens["领导"], near, "../clerk", "x" * 200):
        status, _, page = Browser(base).get(f"/o/{wrong}")
        assert status == 404 and "链接可能已失效" in page
    status, _, _ = Browser(base).get(f"/o/{tokens['基财股']}/../../clerk/file/summary")
    assert status in (302, 303, 404)  # never the file without logging in

    WebState(folder / "web.sqlite3").renew("office", "基财股")  # `serve --new-link 基财股`
    status, _, _ = Browser(base).get(f"/o/{tokens['基财股']}")
    assert status == 404
    assert Browser(base).get(f"/o/{links(folder)['基财股']}")[0] == 200


@pytest.mark.parametrize(
    "name", ["../../../evil.xlsx", "..\\..\\evil.xlsx", "/tmp/evil.xlsx", "C:\\evil.xlsx"]
)
def test_a_path_in_the_file_name_is_only_shown(month_served, name):
    base, folder, month, c = month_served
    path = answered(c, month, "基财股", folder / "pc" / "x.xlsx")
    status, _, b = upload(base, links(folder)["基财股"], path, name)
    assert status == 303
    _, _, page = b.get(f"/o/{links(folder)['基财股']}")
    assert "已通过" in page
    assert not list(folder.parent.rglob("evil.xlsx")) and not Path("/tmp/evil.xlsx").exists()
    saved = list((c.config.folder("inbox", month) / "网页上传" / "基财股").iterdir())
    # the page's name, with the office's own name of the file at its end: never its path
    made = r"基财股_\d{8}-\d{6}_[0-9a-f]{8}_evil\.xlsx"
    assert len(saved) == 1 and re.fullmatch(made, saved[0].name), saved
    assert ledger_files(c, month) == [saved[0].name]


@pytest.mark.parametrize("size_mb", [3, 1.02])  # refused by its length / while it streams
def test_an_oversized_upload_is_refused_and_leaves_nothing(month_served, size_mb):
    base, folder, month, c = month_served
    big = folder / "big.xlsx"
    big.write_bytes(b"PK" + b"\0" * int(size_mb * 1024 * 1024))
    b = Browser(base)
    csrf = b.csrf(f"/o/{links(folder)['基财股']}")
    status, _, page = b.post(
        f"/o/{links(folder)['基财股']}/upload",
        {"csrf_token": csrf},
        {"file": ("big.xlsx", big.read_bytes())},
    )
    assert status == 413 and "文件超过1MB，未接收" in page
    assert ledger_files(c, month) == []
    assert not any((folder / "上传暂存").glob("*"))
    assert WebState(folder / "web.sqlite3").uploads(month, "基财股") == []


def test_a_post_without_its_csrf_token_changes_nothing(month_served):
    base, folder, month, c = month_served
    token = links(folder)["基财股"]
    path = answered(c, month, "基财股", folder / "pc" / "x.xlsx")
    b = Browser(base)
    b.get(f"/o/{token}")  # a session, but the form's token left out
    status, _, page = b.post(f"/o/{token}/upload", {}, {"file": ("x.xlsx", path.read_bytes())})
    assert status == 400 and "页面已过期" in page
    status, _, _ = b.post(
        f"/o/{token}/upload", {"csrf_token": "forged"}, {"file": ("x.xlsx", path.read_bytes())}
    )
    assert status == 400
    assert ledger_files(c, month) == []

    clerk = Browser(base)
    clerk.post("/login", {"csrf_token": clerk.csrf("/login"), "password": PASSWORD})
    assert clerk.get("/clerk")[0] == 200
    status, _, _ = clerk.post("/clerk/run/merge", {})
    assert status == 400
    assert not c.config.folder("summary", month).joinpath("反馈").exists()


def test_ten_wrong_passwords_lock_the_address_out(month_served):
    base, folder, month, c = month_served
    b = Browser(base)
    csrf = b.csrf("/login")
    codes = [b.post("/login", {"csrf_token": csrf, "password": f"guess{i}"})[0] for i in range(10)]
    assert codes == [401] * 5 + [429] * 5
    status, _, page = b.post("/login", {"csrf_token": csrf, "password": PASSWORD})
    assert status == 429 and "分钟后再试" in page  # even the right one, for now
    assert b.get("/clerk")[0] in (302, 303)  # still not logged in


def test_the_password_is_kept_only_as_a_scrypt_hash(tmp_path):
    state = WebState(tmp_path / "web.sqlite3")
    state.set_password(PASSWORD)
    assert state._get("password").startswith("scrypt:")
    assert PASSWORD.encode() not in (tmp_path / "web.sqlite3").read_bytes()
    assert state.check_password(PASSWORD) and not state.check_password(PASSWORD + "x")
