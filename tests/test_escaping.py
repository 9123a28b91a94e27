"""Every text a page shows that came from outside (the task list, config.yaml, a clerk's answers,
the name of an uploaded or mailed file, the findings quoting them) arrives escaped on the office's,
the clerk's and the chiefs' pages: a task list or a return is never a way to run script in the
browser of the clerk or a chief."""

from __future__ import annotations

import io
import re
import time
from datetime import date

import pytest
from markupsafe import escape

from reporting import clerks as simulate
from reporting.cycle import Cycle, collect_month, fill
from reporting.forms import layout as form
from reporting.forms.fill import form_file_name
from reporting.models import Task, TaskList
from reporting.tasks.tasklist import write_task_list
from reporting.web.app import close, create_app
from reporting.web.store import CHIEFS, WebState

from .conftest import write_config
from .webserver import PASSWORD, next_month

BUREAU = "<iframe src=javascript:alert(1)>教育局"
UPLOADING = "<img src=x onerror=alert(2)>股"  # an office that uploads on the page
MAILING = "\"'><script>alert(3)</script>室"  # an office whose return comes by mail
TASK = "<b onmouseover=alert(4)>重点工作"
MILESTONE = "<svg onload=alert(5)>完成方案"
UPLOAD_NAME = "<img src=x onerror=alert(6)>.xlsx"
MAIL_NAME = "\"'><svg onload=alert(7)>.xlsx"
STATUS = "<a href=javascript:alert(8)>完成"  # typed over the drop-down: quoted in a finding
PROGRESS = "<body onload=alert(9)>推进中"

# next month, so that an upload today is on time; its milestones fall due on the 10th and the
# month is judged on the 28th: overdue, on every page
MONTH = next_month()
YEAR, MONTH_NO = int(MONTH[:4]), int(MONTH[5:])
AS_OF = date(YEAR, MONTH_NO, 28)


def raw_tags(page: str) -> list[str]:
    """The hostile markup that reached the page as markup."""
    return re.findall(r"<(?:iframe|img|svg|script|b on|a href=javascript|body on|i>)", page)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("hostile")
    tasks = [
        Task(
            key=f"T{n}",
            no=str(n),
            name=f"{TASK}{n}",
            content=f"概述。\n关键节点：\n一是{MONTH_NO}月10日前{MILESTONE}{n}。",
            overview="",
            offices=(office,),
            lead=office,
        )
        for n, office in ((1, UPLOADING), (2, MAILING))
    ]
    write_task_list(
        TaskList(title=f"测试市教育系统{YEAR}年重点工作任务一览表", year=YEAR, tasks=tasks),
        folder / "tasks.xlsx",
    )
    config = write_config(
        folder,
        task_list=str(folder / "tasks.xlsx"),
        year=YEAR,
        bureau=BUREAU,
        web={"state": "web.sqlite3"},
        offices={},
    )
    c = Cycle.load(config)
    fill(c, MONTH)
    state = WebState(folder / "web.sqlite3")
    state.set_password(PASSWORD)
    state.ensure_links(c.tasks.lead_offices())
    tokens = {("领导" if x.role == CHIEFS else x.office): x.token for x in state.links()}

    def answered(office: str, key: str) -> bytes:
        wb, ws = simulate.open_form(
            c.config.folder("outbox", MONTH) / form_file_name(MONTH, office)
        )
        simulate.answer(ws, "<i>张三</i>", date.today(), {key: {"progress": PROGRESS}})
        ws.cell(simulate.rows_by_key(ws)[f"{key}-M1"], simulate.column(form.STATUS), STATUS)
        out = io.BytesIO()
        wb.save(out)
        return out.getvalue()

    # the mailing office's return lands in the inbox under the name it was mailed with
    inbox = c.config.folder("inbox", MONTH)
    inbox.mkdir(parents=True)
    (inbox / MAIL_NAME).write_bytes(answered(MAILING, "T2"))
    collect_month(Cycle.load(config, AS_OF), MONTH)

    app = create_app(config, MONTH, AS_OF)
    client = app.test_client()
    page = client.get(f"/o/{tokens[UPLOADING]}").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    data = {"csrf_token": csrf, "file": (io.BytesIO(answered(UPLOADING, "T1")), UPLOAD_NAME)}
    assert client.post(f"/o/{tokens[UPLOADING]}/upload", data=data).status_code == 303
    deadline = time.monotonic() + 120
    while "正在检查" in client.get(f"/o/{tokens[UPLOADING]}").get_data(as_text=True):
        assert time.monotonic() < deadline, "the upload was never checked"
        time.sleep(0.2)
    login = client.get("/login").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
    assert client.post("/login", data={"csrf_token": csrf, "password": PASSWORD}).status_code == 303

    def text(path: str) -> str:
        response = client.get(path)
        assert response.status_code == 200, path
        return response.get_data(as_text=True)

    pages = {
        "uploading office": text(f"/o/{tokens[UPLOADING]}"),
        "mailing office": text(f"/o/{tokens[MAILING]}"),
        "clerk": text("/clerk"),
        "chiefs": text(f"/c/{tokens['领导']}"),
        "chiefs (clerk's view)": text("/chiefs"),
    }

    yield pages
    close(app)


# page -> the hostile texts it must show (escaped): each is something a user reads there
SHOWN = {
    "uploading office": [UPLOADING, f"{TASK}1", f"{MILESTONE}1", UPLOAD_NAME, STATUS],
    "mailing office": [MAILING, f"{TASK}2", f"{MILESTONE}2"],
    "clerk": [BUREAU, UPLOADING, MAILING, UPLOAD_NAME, MAIL_NAME, STATUS],
    "chiefs": [BUREAU, UPLOADING, MAILING, f"{TASK}1", f"{TASK}2", f"{MILESTONE}1"],
    "chiefs (clerk's view)": [BUREAU, UPLOADING, MAILING, f"{TASK}2", f"{MILESTONE}2"],
}


@pytest.mark.parametrize("name", list(SHOWN))
def test_hostile_text_is_shown_escaped_never_as_markup(site, name):
    page = site[name]
    assert raw_tags(page) == [], name
    for text in SHOWN[name]:
        assert str(escape(text)) in page, (name, text)
