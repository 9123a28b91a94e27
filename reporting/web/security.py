"""What keeps the page safe on a shared intranet: a CSRF token on every form, a limit on wrong
passwords (per address, and per browser the clerk has logged in from), and response headers that
keep links and pages where they belong."""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import defaultdict, deque

from flask import abort, current_app, request, session
from itsdangerous import BadData, URLSafeTimedSerializer
from werkzeug.wrappers import Response  # flask's and redirect()'s

CSRF_FIELD = "csrf_token"


def csrf_token() -> str:
    """This browser's token (in its signed session cookie), put into every form."""
    if CSRF_FIELD not in session:
        session[CSRF_FIELD] = secrets.token_urlsafe(32)
    return session[CSRF_FIELD]


def check_csrf() -> None:
    """Before every POST: the form must carry this browser's token (400 otherwise)."""
    if request.method != "POST":
        return
    sent = request.form.get(CSRF_FIELD, "")
    kept = session.get(CSRF_FIELD, "")
    if not (sent and kept and hmac.compare_digest(sent, kept)):
        abort(400, description="csrf")


class LoginLimit:
    """At most `attempts` passwords checked and found wrong for one key (an address, or a browser
    the clerk has logged in from: see `known_browser`) within `minutes`; then that key is refused,
    whatever the password, until the oldest failure is `minutes` old.

    A check takes a slot before the password is looked at (`reserve`) and gives it back with the
    outcome (`release`): requests sent in parallel cannot all pass the count, as at most
    `attempts` minus the failures already counted are checked at once."""

    def __init__(self, attempts: int, minutes: int):
        self.attempts = attempts
        self.window = minutes * 60
        self._failures: dict[str, deque] = defaultdict(deque)
        self._checking: dict[str, int] = defaultdict(int)  # slots held by checks under way
        self._lock = threading.Lock()

    def reserve(self, key: str) -> int:
        """0: the password may be checked (a slot is held until `release`); else how many
        seconds to wait."""
        with self._lock:
            failures = self._recent(key)
            if len(failures) + self._checking[key] < self.attempts:
                self._checking[key] += 1
                return 0
            if not failures:  # every slot taken by checks under way
                return 1
            return max(1, int(failures[0] + self.window - time.monotonic()))

    def release(self, key: str, right: bool) -> None:
        """The reserved check is done: a wrong password counts, the right one clears the key."""
        with self._lock:
            self._checking[key] -= 1
            if self._checking[key] <= 0:
                del self._checking[key]
            if right:
                self._failures.pop(key, None)
            else:
                self._recent(key).append(time.monotonic())

    def _recent(self, key: str) -> deque:
        failures = self._failures[key]
        while failures and failures[0] < time.monotonic() - self.window:
            failures.popleft()
        return failures


# The browser the clerk logged in from: a signed cookie, sent only to /login, naming it and the
# password it logged in with (WebState.password_epoch). Its wrong passwords are counted for it,
# not for its address, so guessing from the same address (a NAT, a proxy) cannot lock it out.
KNOWN_BROWSER = "yuebao_browser"
KNOWN_DAYS = 180


def _browser_signer() -> URLSafeTimedSerializer:
    key = current_app.secret_key
    assert key is not None, "make_app sets the key"
    return URLSafeTimedSerializer(key, salt="yuebao-known-browser")


def known_browser(epoch: str) -> str | None:
    """This browser's id if the clerk logged in from it with the password now set, else None."""
    sent = request.cookies.get(KNOWN_BROWSER, "")
    if not (sent and epoch) or len(sent) > 500:
        return None
    try:
        data = _browser_signer().loads(sent, max_age=KNOWN_DAYS * 86400)
    except BadData:
        return None
    if not isinstance(data, dict) or not isinstance(data.get("id"), str):
        return None
    if not hmac.compare_digest(str(data.get("epoch", "")), epoch):
        return None
    return data["id"]


def remember_browser(response: Response, epoch: str, browser: str | None) -> None:
    """After the right password: mark this browser as the clerk's (for KNOWN_DAYS)."""
    value = _browser_signer().dumps({"id": browser or secrets.token_urlsafe(16), "epoch": epoch})
    response.set_cookie(
        KNOWN_BROWSER,
        value,
        max_age=KNOWN_DAYS * 86400,
        path="/login",
        httponly=True,
        samesite="Lax",
        secure=bool(current_app.config.get("SESSION_COOKIE_SECURE")),
    )


HEADERS = {
    # the office's token is in its address: never sent on to another site
    "Referrer-Policy": "no-referrer",
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; "
        "frame-ancestors 'none'; base-uri 'none'"
    ),
    "Cache-Control": "no-store",
}


def add_headers(response: Response) -> Response:
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response
