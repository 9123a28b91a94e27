"""What keeps the page safe on a shared intranet: a CSRF token on every form, a limit on wrong
passwords from one address, and response headers that keep links and pages where they belong."""

from __future__ import annotations

import hmac
import secrets
import threading
import time
from collections import defaultdict, deque

from flask import abort, request, session

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
    """At most `attempts` wrong passwords from one address within `minutes`; then that address
    is refused (even with the right password) until the oldest failure is `minutes` old."""

    def __init__(self, attempts: int, minutes: int):
        self.attempts = attempts
        self.window = minutes * 60
        self._failures: dict[str, deque] = defaultdict(deque)
        self._lock = threading.Lock()

    def wait_seconds(self, address: str) -> int:
        """0 if the address may try; else how long it must wait."""
        with self._lock:
            failures = self._recent(address)
            if len(failures) < self.attempts:
                return 0
            return max(1, int(failures[0] + self.window - time.monotonic()))

    def failed(self, address: str) -> None:
        with self._lock:
            self._recent(address).append(time.monotonic())

    def succeeded(self, address: str) -> None:
        with self._lock:
            self._failures.pop(address, None)

    def _recent(self, address: str) -> deque:
        failures = self._failures[address]
        while failures and failures[0] < time.monotonic() - self.window:
            failures.popleft()
        return failures


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


def add_headers(response):
    for name, value in HEADERS.items():
        response.headers.setdefault(name, value)
    return response
