"""The page's server limits, against a real waitress on loopback (issue 27, item 2): a huge body is
refused from its headers without filling the disk, slow sockets do not lock everyone out, and a
port already in use is one Chinese line.  The times asserted are the issue's own limits, with
margins; every loop is bounded."""

from __future__ import annotations

import http.client
import os
import select
import shutil
import socket
import tempfile
import threading
import time
import urllib.parse

import pytest
import yaml
from flask import Flask

from reporting.web.server import BodyLimit

from .conftest import write_config, yuebao
from .webserver import Browser, links, serving, set_up

GB = 1000 * 1000 * 1000
MB = 1000 * 1000
CHUNK = 1 << 20


def _port(base: str) -> int:
    return urllib.parse.urlsplit(base).port


class Spool:
    """The largest the temporary folder's files open in this process (waitress spools bodies
    with tempfile) grew while watched: read from /proc/self/fd where there is one, else the
    temporary folder's disk usage."""

    def __init__(self):
        self.folder = os.path.realpath(tempfile.gettempdir())
        self.proc = os.path.isdir("/proc/self/fd")
        self.start = self._now()
        self.peak = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._watch, daemon=True)

    def _now(self) -> int:
        if not self.proc:
            return shutil.disk_usage(self.folder).used
        total = 0
        for fd in os.listdir("/proc/self/fd"):
            try:
                if os.readlink(f"/proc/self/fd/{fd}").startswith(self.folder):
                    total += os.stat(f"/proc/self/fd/{fd}").st_size
            except OSError:  # closed meanwhile
                pass
        return total

    def _watch(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, self._now() - self.start)
            self._stop.wait(0.01)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join(timeout=5)
        self.peak = max(self.peak, self._now() - self.start)


def _send_huge(port: int, path: str, headers: dict, chunked: bool, seconds: float = 30):
    """A client sending 1 GB of zeros as fast as loopback takes them, stopping as soon as the
    server answers or closes: (seconds to that moment, the answer's start, bytes sent)."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=5)
    lines = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    lines.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {GB}")
    zeros = bytes(CHUNK)
    piece = (b"%x\r\n" % CHUNK + zeros + b"\r\n") if chunked else zeros
    began = time.monotonic()
    sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
    sock.setblocking(False)
    sent, offset, answer, refused = 0, 0, b"", None
    try:
        while time.monotonic() - began < seconds:
            writing = [sock] if sent < GB else []  # all sent: only the answer is awaited
            readable, writable, _ = select.select([sock], writing, [], 1)
            if readable:
                refused = time.monotonic() - began
                try:
                    answer = sock.recv(65536)
                except OSError:  # reset: refused all the same
                    pass
                break
            if writable:
                try:
                    n = sock.send(memoryview(piece)[offset:])
                except OSError:  # the server closed: refused
                    refused = time.monotonic() - began
                    break
                sent += n
                offset = (offset + n) % len(piece)
        sock.settimeout(2)
        while answer and b"\r\n\r\n" not in answer:  # the rest of the answer's head, if any
            more = sock.recv(65536)
            if not more:
                break
            answer += more
    except OSError:
        pass
    finally:
        sock.close()
    return refused, answer, sent


@pytest.mark.parametrize(
    "who, chunked",
    [("nobody", False), ("office", False), ("nobody", True)],
    ids=["unauthenticated", "office-with-session", "chunked"],
)
def test_a_1gb_post_is_refused_at_once_and_never_spooled(tmp_path, who, chunked):
    config, month, c = set_up(tmp_path)
    with serving(config, month) as base:
        headers = {"Content-Type": "multipart/form-data; boundary=x"}
        path = "/o/bogus-token/upload"
        if who == "office":
            token = links(tmp_path)["基财股"]
            b = Browser(base)
            b.csrf(f"/o/{token}")  # a real office's page, its session cookie
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in b.cookies.items())
            path = f"/o/{token}/upload"
        with Spool() as spool:
            refused, answer, sent = _send_huge(_port(base), path, headers, chunked)
        seen = f"refused after {refused} s, {spool.peak / MB:.0f} MB spooled, {sent} bytes sent"
        assert refused is not None and refused < 1.0, seen
        assert spool.peak < 25 * MB, seen
        if answer:  # a reset may beat the answer to the client; when it arrives, it says 413
            assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
        assert Browser(base).get("/")[0] == 200  # and the page goes on


def test_a_declared_body_over_the_limit_gets_the_chinese_page(tmp_path):
    config, month, c = set_up(tmp_path)
    with serving(config, month) as base:
        conn = http.client.HTTPConnection("127.0.0.1", _port(base), timeout=10)
        conn.putrequest("POST", "/o/bogus-token/upload")
        conn.putheader("Content-Length", str(21 * 1024 * 1024 + 1))  # 20 MB + room + 1
        conn.putheader("Content-Type", "multipart/form-data; boundary=x")
        conn.endheaders()
        response = conn.getresponse()
        page = response.read().decode("utf-8")
        conn.close()
    assert response.status == 413
    assert response.getheader("Content-Type") == "text/html; charset=utf-8"
    assert "文件超过20MB，未接收" in page


def test_101_slow_sockets_leave_the_page_answering(tmp_path):
    config, month, c = set_up(tmp_path)
    slow: list[socket.socket] = []
    with serving(config, month) as base:
        port = _port(base)
        try:
            for _ in range(120):  # more than waitress's default limit of 100
                s = socket.create_connection(("127.0.0.1", port), timeout=5)
                s.sendall(b"GET / HTTP/1.1\r\n")  # a request line, the headers to follow slowly
                slow.append(s)
            time.sleep(1.0)  # all accepted by now (or refused by the limit)
            for s in slow:
                s.sendall(b"X-Slow: 1\r\n")  # one more header line each: still busy
            began = time.monotonic()
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            try:
                conn.request("GET", "/")
                status = conn.getresponse().status
            except OSError as exc:  # timed out behind the connection limit
                status = repr(exc)
            finally:
                conn.close()
            took = time.monotonic() - began
        finally:
            for s in slow:
                s.close()
    assert status == 200
    assert took < 1.0, f"page took {took:.2f} s with {len(slow)} slow sockets open"


def test_a_client_trickling_its_headers_is_closed_after_the_channel_timeout(tmp_path):
    config, month, c = set_up(tmp_path)
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["web"]["channel_timeout"] = 5
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    with serving(config, month) as base:
        s = socket.create_connection(("127.0.0.1", _port(base)), timeout=2)
        try:
            s.sendall(b"GET / HTTP/1.1\r\n")
            began = time.monotonic()
            closed = None
            while time.monotonic() - began < 15:
                try:
                    s.sendall(b"X-Slow: 1\r\n")  # a line a second: never idle, never finished
                    readable, _, _ = select.select([s], [], [], 1)
                    if readable and not s.recv(1024):
                        closed = time.monotonic() - began
                        break
                except OSError:
                    closed = time.monotonic() - began
                    break
        finally:
            s.close()
    assert closed is not None and 4 < closed < 10, closed


def test_a_port_already_in_use_is_one_chinese_line(tmp_path):
    config = write_config(tmp_path, web={"state": "web.sqlite3"})
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        port = taken.getsockname()[1]
        out = yuebao("serve", "--config", str(config), "--port", str(port))
    assert out.returncode == 2, out.stderr
    assert f"端口{port}已被占用" in out.stderr
    assert "Traceback" not in out.stderr and len(out.stderr.strip().splitlines()) == 1


def _tiny(max_file_mb: int = 1):
    """A Flask app with one POST route, wrapped as create_app wraps the page."""
    app = Flask(__name__)
    app.config["MAX_CONTENT_LENGTH"] = max_file_mb * 1024 * 1024 + (1 << 20)
    seen = []

    @app.post("/upload")
    def upload():
        from flask import request

        seen.append(request.get_data())
        return "ok"

    @app.route("/", methods=["GET", "POST"])
    def home():
        from flask import request

        seen.append(request.get_data())
        return "home"

    @app.get("/page")
    def page():
        return "page"

    app.wsgi_app = BodyLimit(app, max_file_mb)
    return app, seen


def test_the_body_limit_judges_by_the_headers_before_reading():
    app, seen = _tiny()
    client = app.test_client()
    over = client.post("/upload", data=b"x", environ_overrides={"CONTENT_LENGTH": str(3 << 20)})
    assert over.status_code == 413 and "文件超过1MB" in over.get_data(as_text=True)
    chunked = client.post(
        "/upload",
        data=b"x",
        headers={"Transfer-Encoding": "chunked"},
        environ_overrides={"CONTENT_LENGTH": ""},
    )
    assert chunked.status_code == 411
    assert client.post("/upload", data=b"abc").get_data() == b"ok" and seen == [b"abc"]
    assert client.post("/page", data=b"unread").status_code == 405  # no POST route: body unread
    assert client.post("/nowhere", data=b"unread").status_code == 404
    assert seen == [b"abc"]
