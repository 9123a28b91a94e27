"""The intranet page in tests: a month set up for it (next month, so every upload today is on
time), returns answered like a clerk would, and the page served by waitress on loopback."""

from __future__ import annotations

import http.client
import re
import threading
import time
import urllib.parse
import uuid
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path

import yaml

from reporting import clerks as simulate
from reporting.context import Cycle
from reporting.cycle import fill
from reporting.forms import layout as form
from reporting.forms.fill import form_file_name
from reporting.web.store import CHIEFS, WebState

from .conftest import write_config

PASSWORD = "correct horse battery"


def next_month() -> str:
    first = date.today().replace(day=1) + timedelta(days=32)
    return f"{first:%Y-%m}"


def set_up(folder: Path, offices: int | None = None, **overrides) -> tuple[Path, str, Cycle]:
    """config.yaml for next month (the sample's task list taken as that year's), its forms
    filled, the clerk's password set and every link made."""
    month = next_month()
    config = write_config(folder, year=int(month[:4]), web={"state": "web.sqlite3"}, **overrides)
    c = Cycle.load(config)
    fill(c, month)
    state = WebState(folder / "web.sqlite3")
    state.set_password(PASSWORD)
    state.ensure_links(c.tasks.lead_offices())
    return config, month, c


def waiting_for_the_month(config: Path, seconds: int) -> Cycle:
    """config.yaml with `lock_wait_seconds` set (how long a wait for a held month lasts before
    it gives up and is tried again); the Cycle read from it."""
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["lock_wait_seconds"] = seconds
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return Cycle.load(config)


def links(folder: Path) -> dict[str, str]:
    """office -> token (the chiefs' under '领导')."""
    return {
        ("领导" if link.role == CHIEFS else link.office): link.token
        for link in WebState(folder / "web.sqlite3").links()
    }


def answered(c: Cycle, month: str, office: str, out: Path, status: str = "已完成") -> Path:
    """The office's form, every milestone reported `status` (done on the 1st of this month)."""
    src = c.config.folder("outbox", month) / form_file_name(month, office)
    wb, ws = simulate.open_form(src)
    done_on = date.today().replace(day=1)
    tasks = {
        t.key: {
            "progress": f"{t.name}：已按计划推进。",
            "problems": "无",
            "milestones": {
                m.seq: {"status": "已完成", "completed_on": done_on} for m in t.milestones
            },
        }
        for t in c.tasks.tasks_of(office)
    }
    simulate.answer(ws, "张三", date.today(), tasks)
    if status != "已完成":  # the first milestone's status typed wrong
        first = c.tasks.tasks_of(office)[0]
        ws.cell(
            simulate.rows_by_key(ws)[first.milestones[0].key], simulate.column(form.STATUS), status
        )
    out.parent.mkdir(parents=True, exist_ok=True)
    wb.save(out)
    return out


@contextmanager
def serving(config: Path, month: str, threads: int = 16):
    """The application served by waitress on a free loopback port, with `yuebao serve`'s limits
    (reporting.web.server): its base URL."""
    import dataclasses

    from reporting.web.app import close, create_app
    from reporting.web.server import make_server

    app = create_app(config, month)
    web = dataclasses.replace(Cycle.load(config).config.web, threads=threads)
    try:
        server = make_server(app, "127.0.0.1", 0, web, app.config["MAX_CONTENT_LENGTH"])
    except BaseException:
        close(app)
        raise

    def run():
        try:
            server.run()
        except OSError:  # the socket closed under the loop when the test is done
            pass

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.effective_port}"
    finally:
        # the request threads first: one still answering would wake the loop through a trigger
        # closed under it (waitress printed "Bad file descriptor" from pull_trigger)
        server.task_dispatcher.shutdown()
        server.close()
        thread.join(timeout=5)
        close(app)


class Browser:
    """A plain HTTP client with a cookie jar: what a browser sends, without the rendering."""

    def __init__(self, base: str):
        self.base = urllib.parse.urlsplit(base)
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes = b"", headers: dict | None = None):
        conn = http.client.HTTPConnection(self.base.hostname, self.base.port, timeout=60)
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        conn.request(method, path, body=body, headers=headers)
        response = conn.getresponse()
        data = response.read()
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            self.cookies[name] = rest.split(";", 1)[0]
        conn.close()
        return response.status, response.headers, data.decode("utf-8", "replace")

    def get(self, path: str):
        return self.request("GET", path)

    def csrf(self, path: str) -> str:
        _, _, page = self.get(path)
        return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    def post(self, path: str, fields: dict, files: dict | None = None):
        """As a browser sends a form: urlencoded, or multipart when it carries a file."""
        if not files:
            body = urllib.parse.urlencode(fields).encode()
            form = {"Content-Type": "application/x-www-form-urlencoded"}
            return self.request("POST", path, body, form)
        boundary = uuid.uuid4().hex
        parts = []
        for name, value in fields.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n'
                f"{value}\r\n".encode()
            )
        for name, (filename, content) in (files or {}).items():
            head = (
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
                f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
            )
            parts.append(head.encode() + content + b"\r\n")
        body = b"".join(parts) + f"--{boundary}--\r\n".encode()
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        return self.request("POST", path, body, headers)


def synthetic(folder: Path, offices: int) -> tuple[Path, str, Cycle, dict[str, Path]]:
    """A bureau of `offices` lead offices (two tasks each, two milestones a task) for next
    month, set up like set_up, with each office's correct return answered: office -> file."""
    from reporting.models import Task, TaskList
    from reporting.tasks.tasklist import write_task_list

    month = next_month()
    year = int(month[:4])
    tasks = []
    for o in range(offices):
        for t in range(2):
            n = len(tasks) + 1
            content = (
                f"第{n}项工作：按计划推进。\n关键节点：\n一是6月底前完成方案。\n"
                "二是11月底前完成验收。"
            )
            tasks.append(
                Task(
                    key=f"T{n:04d}",
                    no=str(n),
                    name=f"重点工作{n}",
                    content=content,
                    overview="",
                    offices=(f"第{o + 1:02d}股室",),
                    lead=f"第{o + 1:02d}股室",
                )
            )
    write_task_list(
        TaskList(title=f"测试市教育系统{year}年重点工作任务一览表", year=year, tasks=tasks),
        folder / "tasks.xlsx",
    )
    config = write_config(
        folder, task_list=str(folder / "tasks.xlsx"), web={"state": "web.sqlite3"}, offices={}
    )
    c = Cycle.load(config)
    fill(c, month)
    state = WebState(folder / "web.sqlite3")
    state.set_password(PASSWORD)
    state.ensure_links(c.tasks.lead_offices())
    returns = {
        office: answered(c, month, office, folder / "pcs" / office / "进展情况表.xlsx")
        for office in c.tasks.lead_offices()
    }
    return config, month, c, returns


def upload(base: str, token: str, path: Path, name: str = "进展情况表.xlsx"):
    """One office's upload as its browser sends it (page, then the form): (status, page)."""
    b = Browser(base)
    csrf = b.csrf(f"/o/{token}")
    status, headers, page = b.post(
        f"/o/{token}/upload", {"csrf_token": csrf}, {"file": (name, path.read_bytes())}
    )
    if status == 303:
        checked(b, f"/o/{token}")
    return status, headers, b


def checked(b: "Browser", path: str, seconds: float = 120) -> str:
    """The office's page once its uploads are checked (it says 正在检查 until then)."""
    deadline = time.monotonic() + seconds
    while True:
        page = b.get(path)[2]
        if "正在检查" not in page or time.monotonic() > deadline:
            return page
        time.sleep(0.2)
