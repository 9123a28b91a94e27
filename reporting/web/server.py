"""The page's waitress server with explicit limits, and the body limit applied before the app.

Waitress reads a request's whole body (spooling it to the temporary folder past
`inbuf_overflow`) before the application sees it, so the upload limit must be waitress's own
`max_request_body_size`: a longer declared body is answered 413 as soon as its headers are in,
and a chunked one once it passes the limit. Connections are many (`web.connection_limit`), idle
ones are closed after `web.channel_timeout`, and so is one whose request line and headers have not
arrived within that time (a client trickling them a byte at a time holds a connection, never a
thread, and not for long).
"""

from __future__ import annotations

import errno
import select
import socket
import time
from collections.abc import Iterable, Iterator
from html import escape
from typing import TYPE_CHECKING, Any

from waitress.channel import HTTPChannel
from waitress.server import BaseWSGIServer, MultiSocketServer, create_server
from waitress.task import ErrorTask
from waitress.utilities import RequestEntityTooLarge
from werkzeug.exceptions import MethodNotAllowed, NotFound

from ..errors import YuebaoError

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIEnvironment
    from flask import Flask

    from ..config import Web

MIB = 1024 * 1024
MULTIPART_ROOM = 1 << 20  # the form's own fields and boundaries around the file
FD_MARGIN = 64  # descriptors kept for the database, log, workbooks and the reading workers
SELECT_LIMIT = 480  # without poll() (Windows), select() takes at most 512 sockets
ADDRESS_IN_USE = {errno.EADDRINUSE, 10048}  # 10048: WSAEADDRINUSE (Windows)
NO_PERMISSION = {errno.EACCES, 10013}  # 10013: WSAEACCES (Windows: the port is reserved)


def too_large_text(max_file_mb: int) -> str:
    """What an office reads when its file is over the limit (the app's own words)."""
    return (
        f"文件超过{max_file_mb}MB，未接收。进展情况表通常不到1MB，"
        "请检查是否选错文件，或删除表中的图片后重新上传"
    )


def _page(text: str) -> bytes:
    return (
        '<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>未接收</title>'
        f"</head><body><p>{escape(text)}</p><p>请返回上一页。</p></body></html>"
    ).encode()


PAGE_HEADERS = [
    ("Content-Type", "text/html; charset=utf-8"),
    ("Cache-Control", "no-store"),
    ("X-Content-Type-Options", "nosniff"),
    ("Referrer-Policy", "no-referrer"),
]


class BodyLimit:
    """WSGI middleware (wraps app.wsgi_app): judges a request by its headers before anything of
    its body is read. A declared length over the limit: 413 (the Chinese page); a POST with no
    length (chunked): 411; a body sent to a path that takes no POST: dropped unread (the app
    answers as to an empty request)."""

    def __init__(self, app: Flask, max_file_mb: int):
        self.wsgi_app = app.wsgi_app
        self.url_map = app.url_map
        self.max_body = app.config["MAX_CONTENT_LENGTH"]
        self.too_large = _page(too_large_text(max_file_mb))

    def __call__(self, environ: WSGIEnvironment, start_response: StartResponse) -> Iterable[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        declared = environ.get("CONTENT_LENGTH", "")
        try:
            length = int(declared) if declared else None
        except ValueError:
            length = None  # waitress refuses it first; werkzeug reads nothing of it
        if length is not None and length > self.max_body:
            return self._answer(start_response, "413 Request Entity Too Large", self.too_large)
        if method == "POST" and length is None and environ.get("HTTP_TRANSFER_ENCODING"):
            text = "请求缺少长度（Content-Length），未接收。请用浏览器的上传按钮重新上传"
            return self._answer(start_response, "411 Length Required", _page(text))
        if length and not self._takes(environ, method):
            environ["CONTENT_LENGTH"] = "0"
            environ["wsgi.input"] = _Empty()
        return self.wsgi_app(environ, start_response)

    def _takes(self, environ: WSGIEnvironment, method: str) -> bool:
        """The path is a route that accepts this method (and so may read a body)."""
        try:
            self.url_map.bind_to_environ(environ).match(method=method)
        except (NotFound, MethodNotAllowed):
            return False
        except Exception:  # a redirect or the like: the app decides, on its own
            return True
        return True

    @staticmethod
    def _answer(start_response: StartResponse, status: str, body: bytes) -> list[bytes]:
        start_response(status, PAGE_HEADERS + [("Content-Length", str(len(body)))])
        return [body]


class _Empty:
    def read(self, *args: object) -> bytes:
        return b""

    def readline(self, *args: object) -> bytes:
        return b""

    def __iter__(self) -> Iterator[bytes]:
        return iter(())


class _ErrorTask(ErrorTask):
    """Waitress's own refusals; a body over the limit gets the Chinese page."""

    too_large = b""

    def execute(self) -> None:
        if not (isinstance(self.request.error, RequestEntityTooLarge) and self.too_large):
            return super().execute()
        self.channel.refused_body = True  # its body is read and dropped, then it is closed
        self.status = "413 Request Entity Too Large"
        self.response_headers.extend(PAGE_HEADERS)
        self.set_close_on_finish()
        self.content_length = len(self.too_large)
        self.write(self.too_large)


class _Channel(HTTPChannel):
    """A connection that must send its request line and headers within `header_seconds`.

    One refused 413 is not closed at once (a browser still sending its file would show "connection
    reset" instead of the page): the answer sent, what follows is read and dropped, never stored,
    for at most `drain_seconds` and `drain_bytes`, then it is closed."""

    header_seconds = 60.0
    drain_seconds = 10.0
    drain_bytes = 0
    refused_body = False
    _began = 0.0
    _draining_until: float | None = None
    _drained = 0

    def received(self, data: bytes) -> bool:
        """Checked as bytes arrive (a client that sends nothing meets channel_timeout), not on
        each turn of waitress's loop over every connection, which is where the time went."""
        before = self.request
        done = super().received(data)
        request = self.request
        if request is not None and request is not before:
            self._began = time.monotonic()  # a new request's first bytes
        elif (
            request is not None
            and not request.headers_finished
            and time.monotonic() - self._began > self.header_seconds
        ):
            self.will_close = True  # closed by the next loop (writable() is now true)
        return done

    def handle_close(self) -> None:
        if self.refused_body and self._draining_until is None and self.connected:
            try:
                self.socket.shutdown(socket.SHUT_WR)  # the answer is out; the rest is dropped
            except OSError:
                return super().handle_close()
            self._draining_until = time.monotonic() + self.drain_seconds
            self.readable = self._draining
            self.will_close = self.close_when_flushed = False
            return None
        return super().handle_close()

    def handle_read(self) -> None:
        if self._draining_until is None:
            return super().handle_read()
        try:
            data = self.recv(self.adj.recv_bytes)  # the client closing: handle_close
        except OSError:
            data = b""
            super().handle_close()
        self._drained += len(data)

    def _draining(self) -> bool:
        """readable() while a refused body is read and dropped (set on the connection then, so
        every other connection keeps waitress's own, on each turn of its loop)."""
        if time.monotonic() > (self._draining_until or 0) or self._drained > self.drain_bytes:
            self.will_close = True  # closed by the next loop (writable() is now true)
            return False
        return True


def connection_limit(wanted: int) -> int:
    """web.connection_limit, kept below what this PC allows: a connection may take two file
    descriptors (its socket and a spooled body); select() without poll() takes 512 at most."""
    limit = wanted
    try:
        import resource

        soft, _ = resource.getrlimit(resource.RLIMIT_NOFILE)
        if soft != resource.RLIM_INFINITY:
            limit = min(limit, (soft - FD_MARGIN) // 2)
    except (ImportError, OSError, ValueError):  # Windows: no resource module
        pass
    if not hasattr(select, "poll"):
        limit = min(limit, SELECT_LIMIT)
    return max(limit, 10)


def server_settings(web: Web, max_body: int) -> dict[str, Any]:
    """waitress's adjustments for the page (all explicit: its defaults are made for elsewhere)."""
    timeout = web.channel_timeout
    return {
        "threads": web.threads,
        "ident": "yuebao",
        # refused when the declared length reaches it (waitress: >=), so a body of exactly the
        # app's MAX_CONTENT_LENGTH is still taken
        "max_request_body_size": max_body + 1,
        "max_request_header_size": 64 * 1024,
        "inbuf_overflow": 256 * 1024,  # a body past this is spooled to the temporary folder
        "outbuf_overflow": MIB,  # a response past this is spooled too (downloads)
        "outbuf_high_watermark": 16 * MIB,
        "connection_limit": connection_limit(web.connection_limit),
        "channel_timeout": timeout,
        "cleanup_interval": max(1, min(10, timeout // 3)),
        "asyncore_use_poll": True,  # poll() where there is one: select() stops at 1024 sockets
        "backlog": 1024,
    }


def make_server(
    app: Flask, host: str, port: int, web: Web, max_body: int
) -> BaseWSGIServer | MultiSocketServer:
    """The page's waitress server, bound (not yet running): call .run(), later .close().
    `web` is config.web; `max_body` the upload limit in bytes (the app's MAX_CONTENT_LENGTH).
    A port already taken or not allowed stops with a YuebaoError."""
    listening: dict[int, Any] = {}  # socket map: file descriptor -> dispatcher
    try:
        server = create_server(
            app, map=listening, host=host, port=port, **server_settings(web, max_body)
        )
    except OSError as exc:
        raise _listen_error(exc, host, port) from exc
    max_file_mb = max(1, (max_body - MULTIPART_ROOM) // MIB)  # max_body = MB + MULTIPART_ROOM
    task = type("ErrorTask", (_ErrorTask,), {"too_large": _page(too_large_text(max_file_mb))})
    channel = type(
        "Channel",
        (_Channel,),
        {
            "error_task_class": task,
            "header_seconds": float(web.channel_timeout),
            "drain_seconds": float(min(web.channel_timeout, 10)),
            "drain_bytes": 4 * max_body,
        },
    )
    for dispatcher in listening.values():
        if isinstance(dispatcher, BaseWSGIServer):
            dispatcher.channel_class = channel
    return server


def _listen_error(exc: OSError, host: str, port: int) -> YuebaoError:
    code = getattr(exc, "winerror", None) or exc.errno
    if code in ADDRESS_IN_USE:
        return YuebaoError(
            f"端口{port}已被占用（可能网页已经在运行，或别的程序在用这个端口）："
            f"请先停止它，或用 --port 换一个端口",
            f"port {port} already in use on {host}",
        )
    if code in NO_PERMISSION:
        return YuebaoError(
            f"无权使用端口{port}：请换一个1024以上的端口（--port 8080）",
            f"no permission to listen on {host}:{port}",
        )
    return YuebaoError(
        f"无法在{host}:{port}上启动网页（{exc.strerror or exc}）：请检查--host是否为本机的地址",
        f"cannot listen on {host}:{port}: {exc}",
    )
