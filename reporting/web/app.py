"""The intranet page (`yuebao serve`): a Flask application over one config.yaml.

- /o/<token>   an office: its month's form, its milestones due, an upload box, its own uploads
               with what was found in each (only its own: the token is the office);
- /clerk       the bureau office (password): the month's 报送情况, the step buttons, the files;
- /c/<token>   the chiefs (read only): 概览, lights, overdue milestones, the latest summary.
"""

from __future__ import annotations

import logging
import threading
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from flask import (
    Flask,
    abort,
    jsonify,
    redirect,
    render_template,
    request,
    send_file,
    session,
    url_for,
)
from werkzeug.exceptions import HTTPException, RequestEntityTooLarge

from ..context import Cycle
from ..errors import YuebaoError
from ..intake.values import visible
from ..models import Light, OfficeState, Severity
from ..summary.month import findings_by_office
from . import actions, online_pages
from .live import LiveMonth, form_path, milestones_due, month_files, office_row
from .security import (
    LoginLimit,
    add_headers,
    check_csrf,
    csrf_token,
    known_browser,
    remember_browser,
)
from .served import Served
from .server import MULTIPART_ROOM, BodyLimit
from .store import CHIEFS, OFFICE, WebState
from .uploads import Intake, NotAWorkbook, TooLarge

if TYPE_CHECKING:
    from flask.typing import ResponseReturnValue
    from werkzeug.wrappers import Response

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
ACK_SECONDS = 1.0  # an upload alone waits this long for its check, never longer


def state_of(cycle: Cycle) -> WebState:
    return WebState(cycle.config.resolve(cycle.config.web.state))


def create_app(config_path: Path, month: str | None = None, as_of: date | None = None) -> Flask:
    served = Served(Path(config_path), month, as_of)
    first = served.cycle()
    state = state_of(first)
    intake = Intake(state, state.path.parent / "上传暂存", served.cycle, served.own)
    intake.reader.start(first.tasks, first.config.collect.max_file_mb * 1024 * 1024)
    intake.collector.start(first)
    served.loaded = intake.collector.start  # each Cycle read again: its backup taken at once
    intake.resume()  # what a stopped server had received and not checked
    live = LiveMonth(cache=state.path.parent / "网页汇总", reader=intake.reader, own=served.own)
    limit = LoginLimit(first.config.web.login_attempts, first.config.web.lockout_minutes)
    last: dict[str, actions.Outcome] = {}  # the last button's outcome, shown on the clerk page
    running = threading.Lock()  # one button at a time

    app = Flask(
        __name__, template_folder=str(HERE / "templates"), static_folder=str(HERE / "static")
    )
    app.config.update(
        SECRET_KEY=state.secret_key(),
        MAX_CONTENT_LENGTH=first.config.collect.max_file_mb * 1024 * 1024 + MULTIPART_ROOM,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SECURE=first.config.web.secure_cookie,  # behind https
    )
    # refused unread (flask's documented middleware pattern; its stubs call wsgi_app a method)
    app.wsgi_app = BodyLimit(app, first.config.collect.max_file_mb)  # type: ignore[method-assign]
    app.jinja_env.globals.update(csrf_token=csrf_token, Light=Light, OfficeState=OfficeState)
    app.before_request(check_csrf)
    app.after_request(add_headers)

    def office_of(token: str) -> str:
        link = state.link(token)
        if link is None or link.role != OFFICE:
            abort(404)  # unknown, revoked or another kind of link: all look the same
        return link.office

    def chiefs_link(token: str) -> None:
        link = state.link(token)
        if link is None or link.role != CHIEFS:
            abort(404)

    def clerk() -> None:
        """The clerk's session: named in the signed cookie, and still on in web.sqlite3 (not
        logged out, no new password since)."""
        session_id = session.get("clerk")
        if not (isinstance(session_id, str) and state.session_alive(session_id)):
            abort(redirect(url_for("login")))

    @app.get("/")
    def home() -> ResponseReturnValue:
        return render_template("web/home.html", bureau=first.config.bureau)

    # -- an office ------------------------------------------------------------------------------
    @app.get("/o/<token>")
    def office_page(token: str) -> ResponseReturnValue:
        office = office_of(token)
        c, month = served.cycle(), served.month()
        uploads = state.uploads(month, office)
        # while its upload is checked the office's facts are about to change: the page shows
        # them once the check is done (a few moments), never the month judged without it
        checking = bool(uploads) and not uploads[0].checked
        summary = None if checking else live.summary(c, month, office)  # the month's one judgement
        mine = office_row(summary, office) if summary else None
        counted = mine.counted if mine else None
        return render_template(
            "web/office.html",
            token=token,
            office=office,
            month=month,
            period=c.period(month),
            bureau=c.config.bureau,
            form=form_path(c, month, office),
            checking=checking,
            due=milestones_due(summary, office, c.amber_days) if summary else [],
            uploads=uploads,
            mine=mine,
            counted=counted,
            counted_source=online_pages.how_it_came(counted, uploads),
            counted_upload=next(
                (u for u in uploads if counted and u.accepted and u.sha256 == counted.sha256),
                None,
            ),
        )

    @app.get("/o/<token>/checking")
    def office_checking(token: str) -> ResponseReturnValue:
        """Whether the office's uploads are still being checked: asked four times a second by the
        page's script while it says 正在检查 (cheap: no judgement of the month, no page)."""
        office = office_of(token)
        return jsonify(waiting=state.waiting(served.month(), office))

    @app.get("/o/<token>/form")
    def office_form(token: str) -> ResponseReturnValue:
        office = office_of(token)
        c, month = served.cycle(), served.month()
        path = form_path(c, month, office)
        if path is None:
            abort(404)
        return send_file(path, as_attachment=True, download_name=path.name)

    @app.post("/o/<token>/upload")
    def office_upload(token: str) -> ResponseReturnValue:
        office = office_of(token)
        c, month = served.cycle(), served.month()
        if form_path(c, month, office) is None:  # nothing to return before the forms are out
            return _message(
                "本月表格尚未下发，暂不能上传。请等候局办公室通知后，下载本月表格填写上传",
                back=url_for("office_page", token=token),
                status=409,
            )
        upload = request.files.get("file")
        if upload is None or not upload.filename:
            return _message("请先选择要上传的表格文件", back=url_for("office_page", token=token))
        try:
            _, checked = intake.receive(c, month, office, upload.stream, upload.filename)
            intake.acknowledge(checked, ACK_SECONDS)
        except NotAWorkbook:
            return _message(
                "只能上传Excel表格（.xlsx），请选择下载的表格填写后上传",
                back=url_for("office_page", token=token),
            )
        except TooLarge:
            return _too_large(c)
        except YuebaoError as exc:
            return _message(exc.zh, back=url_for("office_page", token=token), status=503)
        return redirect(url_for("office_page", token=token) + "#latest", code=303)

    # -- the clerk ------------------------------------------------------------------------------
    @app.route("/login", methods=["GET", "POST"])
    def login() -> ResponseReturnValue:
        error, status = "", 200
        if request.method == "POST":
            # wrong passwords are counted per browser the clerk has logged in from (with this
            # password), else per address: guessing from the clerk's address (a NAT, a proxy)
            # locks that address, never the clerk's browser
            epoch = state.password_epoch()
            browser = known_browser(epoch)
            key = f"browser:{browser}" if browser else f"address:{request.remote_addr or ''}"
            wait = limit.reserve(key)  # a slot taken before the check: parallel guesses wait
            if wait:
                error, status = f"密码错误次数过多，请{(wait + 59) // 60}分钟后再试", 429
            else:
                right = False
                try:
                    right = state.check_password(request.form.get("password", ""))
                finally:
                    limit.release(key, right)
                if right:
                    session.clear()
                    session["clerk"] = state.new_session()
                    response = redirect(url_for("clerk_page"), code=303)
                    remember_browser(response, epoch, browser)
                    return response
                error, status = "密码不正确", 401
        if not state.has_password():
            error = "尚未设置密码：请在办公室电脑上运行 yuebao serve --set-password"
        return render_template("web/login.html", error=error), status

    @app.post("/logout")
    def logout() -> ResponseReturnValue:
        session_id = session.get("clerk")
        if isinstance(session_id, str):
            state.end_session(session_id)  # a copy of the cookie logs nobody in either
        session.clear()
        return redirect(url_for("login"), code=303)

    @app.get("/clerk")
    def clerk_page() -> ResponseReturnValue:
        clerk()
        c, month = served.cycle(), served.month()
        summary = live.summary(c, month)
        file_shown = {}  # office -> its counted return as the office named it, not as stored
        for o in summary.offices:
            if not o.file:
                continue
            saved = Path(o.file).name
            up = next(
                (u for u in state.uploads(month, o.office.name) if u.saved_name == saved), None
            )
            file_shown[o.office.name] = (
                f"{online_pages.shown_as(up)}（{up.received_at:%m月%d日%H:%M}）" if up else o.file
            )
        return render_template(
            "web/clerk.html",
            file_shown=file_shown,
            month=month,
            summary=summary,
            findings_of=findings_by_office(summary.findings),
            files=month_files(c, month),
            steps=actions.STEPS,
            outcome=last.get("outcome"),
            bureau=c.config.bureau,
        )

    @app.post("/clerk/run/<step>")
    def clerk_run(step: str) -> ResponseReturnValue:
        clerk()
        if step not in actions.STEPS:
            abort(404)
        if not running.acquire(blocking=False):
            return _message(
                "另一个步骤正在运行，请稍后再试", back=url_for("clerk_page"), status=409
            )
        try:
            last["outcome"] = actions.run_step(served.cycle(), step, served.month())
        finally:
            running.release()
        return redirect(url_for("clerk_page") + "#outcome", code=303)

    @app.get("/clerk/file/<kind>")
    def clerk_file(kind: str) -> ResponseReturnValue:
        clerk()
        if kind == "summary":  # as the page shows the month now
            return _summary_file()
        path = month_files(served.cycle(), served.month()).get(kind)
        if path is None:
            abort(404)
        return send_file(path, as_attachment=True, download_name=path.name)

    @app.get("/chiefs")
    def clerk_chiefs() -> ResponseReturnValue:
        clerk()
        return _chiefs_page(None)

    # -- the chiefs -----------------------------------------------------------------------------
    @app.get("/c/<token>")
    def chiefs_page(token: str) -> ResponseReturnValue:
        chiefs_link(token)
        return _chiefs_page(token)

    @app.get("/c/<token>/summary")
    def chiefs_summary(token: str) -> ResponseReturnValue:
        chiefs_link(token)
        return _summary_file()

    def _summary_file() -> Response:
        """The summary workbook written from the judgement the page shows: never another one."""
        path = live.workbook(served.cycle(), served.month())
        return send_file(path, as_attachment=True, download_name=path.name)

    def _chiefs_page(token: str | None) -> str:
        c, month = served.cycle(), served.month()
        summary = live.summary(c, month)
        return render_template(
            "web/chiefs.html",
            month=month,
            summary=summary,
            token=token,
            bureau=c.config.bureau,
            returned=sum(not o.state.missing for o in summary.offices),
        )

    def _too_large(c: Cycle) -> tuple[str, int]:
        return _message(
            f"文件超过{c.config.collect.max_file_mb}MB，未接收。进展情况表通常不到1MB，"
            "请检查是否选错文件，或删除表中的图片后重新上传",
            back=request.path.rsplit("/", 1)[0],
            status=413,
        )

    @app.errorhandler(RequestEntityTooLarge)
    def too_large(exc: RequestEntityTooLarge) -> ResponseReturnValue:
        length, most = request.content_length, app.config["MAX_CONTENT_LENGTH"]
        if length is not None and most is not None and length <= most:
            # the body is within the upload limit: werkzeug refused one form field past its
            # max_form_memory_size (500 kB) or too many fields (max_form_parts), not the file
            return _message(
                "表单内容过长（某一栏的内容超过了网页能接收的长度），未接收。"
                "请返回刷新页面，只选择要上传的表格文件后重新提交",
                back=_page_of_form(),
                status=413,
            )
        return _too_large(served.cycle())

    def _form_unreadable(exc: HTTPException) -> bool:
        """The CSRF check found no token because werkzeug could not parse the form at all (it
        drops a form whose part headers are not UTF-8, e.g. a GBK file name, and gives none)."""
        return (
            exc.code == 400
            and exc.description == "csrf"  # the form was parsed: looking at it reads nothing
            and request.mimetype in ("multipart/form-data", "application/x-www-form-urlencoded")
            and bool(request.content_length)
            and not request.form
            and not request.files
        )

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> ResponseReturnValue:
        words: dict[int | None, str] = {
            400: "页面已过期或请求不完整，请返回刷新页面后重试",
            404: "找不到该页面：链接可能已失效或输错，请向局办公室索取新链接",
        }
        text = words.get(exc.code, f"请求未能完成（{exc.code}）")
        back = ""
        if _form_unreadable(exc):
            text = (
                "上传的内容无法读取：文件名无法识别（含有特殊字符，或不是UTF-8编码）。"
                "请把文件改名为简单的名称（如“进展情况表.xlsx”）后重新上传"
                if request.mimetype == "multipart/form-data"
                else "提交的表单内容无法识别，请返回刷新页面后重试"
            )
            back = _page_of_form()
        return _message(text, back=back, status=exc.code or 500)

    def _page_of_form() -> str:
        """An office's page, for its upload form's 返回 ('' elsewhere)."""
        return request.path.rsplit("/", 1)[0] if request.path.startswith("/o/") else ""

    online_pages.register(app, served, state, intake, office_of)  # 在线填报
    app.jinja_env.globals.update(ERROR=Severity.ERROR)
    app.jinja_env.filters["visible"] = visible  # a name's bidi controls named, not obeyed
    app.extensions["yuebao.intake"] = intake  # its reading workers: closed when serving ends
    return app


def close(app: Flask) -> None:
    app.extensions["yuebao.intake"].close()


def _message(text: str, back: str = "", status: int = 400) -> tuple[str, int]:
    return render_template("web/message.html", text=text, back=back), status
