"""The clerk's session ends when the clerk says so: logout and a new password end it on the server
(a copied cookie is worth nothing after), web.sqlite3 is for its owner only, the cookie can be
kept to https; and the login limit holds under parallel guessing without letting anyone on the
clerk's network lock the clerk out."""

from __future__ import annotations

import os
import re
import stat
import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
import yaml

from reporting.web.app import close, create_app
from reporting.web.store import WebState

from .webserver import PASSWORD, Browser, serving, set_up

NEW_PASSWORD = "a new password 2"


@pytest.fixture
def served(tmp_path):
    config, month, c = set_up(tmp_path)
    app = create_app(config, month)
    yield app, tmp_path
    close(app)


def csrf(client, path: str) -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def login(client, password: str = PASSWORD):
    return client.post("/login", data={"csrf_token": csrf(client, "/login"), "password": password})


def logged_in(client) -> bool:
    status = client.get("/clerk").status_code
    assert status in (200, 302, 303)
    return status == 200


def replayed(app, cookie: str):
    """A browser that was never logged in, sending a copy of the clerk's session cookie."""
    other = app.test_client()
    other.set_cookie("session", cookie)
    return other


def test_a_session_cookie_copied_before_logout_is_refused_after(served):
    app, _ = served
    clerk = app.test_client()
    assert login(clerk).status_code == 303 and logged_in(clerk)
    copied = clerk.get_cookie("session").value
    assert logged_in(replayed(app, copied))  # the same cookie, another browser: still in

    assert clerk.post("/logout", data={"csrf_token": csrf(clerk, "/clerk")}).status_code == 303
    assert not logged_in(clerk)
    assert not logged_in(replayed(app, copied))  # ended on the server, not only in the browser


def test_a_new_password_ends_every_session(served):
    app, folder = served
    first, second = app.test_client(), app.test_client()
    assert login(first).status_code == 303 and login(second).status_code == 303
    copied = first.get_cookie("session").value

    WebState(folder / "web.sqlite3").set_password(NEW_PASSWORD)  # `serve --set-password`
    assert not logged_in(first) and not logged_in(second)
    assert not logged_in(replayed(app, copied))
    assert login(first, PASSWORD).status_code == 401
    assert login(first, NEW_PASSWORD).status_code == 303 and logged_in(first)


@pytest.mark.skipif(os.name == "nt", reason="file modes are POSIX")
def test_web_sqlite3_is_readable_by_its_owner_only(tmp_path):
    path = tmp_path / "web.sqlite3"
    WebState(path).secret_key()
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    for side in tmp_path.glob("web.sqlite3-*"):  # WAL and shared memory: the same data
        assert stat.S_IMODE(side.stat().st_mode) == 0o600

    old = tmp_path / "old" / "web.sqlite3"  # made by an earlier version, readable by all
    WebState(old).secret_key()
    os.chmod(old, 0o644)
    WebState(old)
    assert stat.S_IMODE(old.stat().st_mode) == 0o600


@pytest.mark.parametrize("secure", [True, False])
def test_web_secure_cookie_keeps_the_cookies_to_https(tmp_path, secure):
    config, month, c = set_up(tmp_path)
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    if secure:
        data["web"]["secure_cookie"] = True
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    app = create_app(config, month)
    try:
        client = app.test_client()
        response = login(client)
        assert response.status_code == 303
        cookies = response.headers.get_all("Set-Cookie")
        assert cookies and all(("; Secure" in cookie) == secure for cookie in cookies)
    finally:
        close(app)


def test_a_known_browser_gets_in_while_the_address_is_locked(served):
    """The lockout stops guessing from an address; the clerk's browser, where the clerk has
    logged in before with this password, keeps a count of its own."""
    app, folder = served
    clerk, other = app.test_client(), app.test_client()
    for browser in (clerk, other):
        assert login(browser).status_code == 303
        browser.post("/logout", data={"csrf_token": csrf(browser, "/clerk")})

    guesser = app.test_client()  # the same address (a NAT, a proxy, a shared PC)
    codes = [login(guesser, f"guess{i}").status_code for i in range(8)]
    assert codes == [401] * 5 + [429] * 3
    assert login(guesser).status_code == 429  # an unknown browser: locked, even when right
    stranger = app.test_client()
    assert login(stranger).status_code == 429

    assert login(clerk).status_code == 303 and logged_in(clerk)

    # its own count: five wrong passwords from the clerk's browser lock that browser too
    clerk.post("/logout", data={"csrf_token": csrf(clerk, "/clerk")})
    codes = [login(clerk, f"typo{i}").status_code for i in range(6)]
    assert codes == [401] * 5 + [429]

    # a new password: browsers known under the old one are strangers again
    WebState(folder / "web.sqlite3").set_password(NEW_PASSWORD)
    assert login(other, NEW_PASSWORD).status_code == 429  # the address is still locked


def test_fifty_wrong_passwords_at_once_check_at_most_the_limit(tmp_path):
    config, month, c = set_up(tmp_path)
    attempts = c.config.web.login_attempts
    with serving(config, month) as base:
        clerk = Browser(base)
        assert clerk.post("/login", {"csrf_token": clerk.csrf("/login"), "password": PASSWORD})[0]
        assert clerk.get("/clerk")[0] == 200
        clerk.post("/logout", {"csrf_token": clerk.csrf("/clerk")})
        assert clerk.get("/clerk")[0] in (302, 303)

        guessers = [Browser(base) for _ in range(50)]
        tokens = [b.csrf("/login") for b in guessers]
        start = threading.Barrier(len(guessers))

        def guess(i: int) -> int:
            start.wait()
            return guessers[i].post("/login", {"csrf_token": tokens[i], "password": f"g{i}"})[0]

        with ThreadPoolExecutor(len(guessers)) as pool:
            codes = list(pool.map(guess, range(len(guessers))))
        assert codes.count(401) == attempts  # checked: exactly the limit, never more
        assert codes.count(429) == len(guessers) - attempts

        stranger = Browser(base)  # the right password from an unknown browser: still locked
        status, _, page = stranger.post(
            "/login", {"csrf_token": stranger.csrf("/login"), "password": PASSWORD}
        )
        assert status == 429 and "分钟后再试" in page
        # the clerk's browser, from the same address, right after: in
        status, _, _ = clerk.post(
            "/login", {"csrf_token": clerk.csrf("/login"), "password": PASSWORD}
        )
        assert status == 303
        assert clerk.get("/clerk")[0] == 200
