"""在线填报's pages, on the office's own link (/o/<token>/online): the form, 保存草稿, 提交, the
check as one types (JSON, for online.js) and the workbook submitted.

Checking is honest: the answers are written into the office's workbook by the form writer
(online.py) and that file is read and validated exactly as an upload is (Intake's reader and
`validate_month`, with config.yaml's `rules:`), so the page shows what `yuebao validate` will say
of the file.  提交 hands the same bytes to the upload's intake (stored, archived with its SHA-256,
recorded in the ledger, checked in the queue; the one rule of which return counts decides), on
the page's record as 在线填报.  Errors block 提交; warnings do not.  CSRF and the token are checked
as for the upload (security.check_csrf before every POST; the token names the office).
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import threading
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING

from flask import (
    Flask,
    abort,
    jsonify,
    make_response,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)

from ..context import Cycle
from ..filenames import ONLINE, ONLINE_NAME, upload_name
from ..intake.values import visible
from ..ledger import stamp
from ..models import Finding, Return, Severity, Status
from .drafts import Drafts
from .kept import Kept
from .live import form_path, source_of
from .online import (
    GENERAL,
    OnlineForm,
    online_form,
    placed,
    too_long,
    workbook_bytes,
)
from .store import Upload, WebState
from .uploads import Intake, stage

if TYPE_CHECKING:  # app.py registers these pages: its names for the signatures only
    from flask.typing import ResponseReturnValue

    from .served import Served

SEEN_KEPT = 200  # checks remembered (one per office typing, a few each)
FORMS_KEPT = 200  # offices' forms kept made (a bureau has a few dozen offices)
ACK_SECONDS = 2.0  # 提交 alone waits this long for its check (in a crowd: 正在检查, then it)


def came_online(upload: Upload) -> bool:
    return upload.shown_name == ONLINE_NAME


def shown_as(upload: Upload) -> str:
    """How an upload is named on the clerk's 报送情况: 在线填报, or 网页上传 with its file."""
    return ONLINE if came_online(upload) else f"网页上传：{upload.shown_name}"


def how_it_came(counted: Return | None, uploads: list[Upload]) -> str:
    """How the counted return came, as the office page says it (在线填报, 网页上传, 邮件 …)."""
    if counted is None:
        return ""
    up = next((u for u in uploads if u.accepted and u.sha256 == counted.sha256), None)
    return ONLINE if up and came_online(up) else source_of(counted.file_name)


def register(
    app: Flask,
    served: Served,
    state: WebState,
    intake: Intake,
    office_of: Callable[[str], str],
) -> None:
    drafts = Drafts(state.path.with_name("drafts.sqlite3"))
    # an upload as the office page lists it: 在线填报, or the file's name (bidi controls named)
    app.jinja_env.filters["came_as"] = lambda u: ONLINE if came_online(u) else visible(u.shown_name)
    submitting: dict[str, threading.Lock] = {}  # office -> one 提交 at a time
    guard = threading.Lock()

    def opened(token: str) -> tuple[str, Cycle, str, OnlineForm]:
        office = office_of(token)
        c, month = served.cycle(), served.month()
        if form_path(c, month, office) is None:  # as for the upload: nothing before the forms
            text = "本月表格尚未下发，暂不能填报。请等候局办公室通知后再填报"
            back = url_for("office_page", token=token)
            abort(make_response(render_template("web/message.html", text=text, back=back), 409))
        return office, c, month, form_of(c, month, office)

    forms: Kept[tuple[Cycle, tuple | None, OnlineForm]] = Kept(FORMS_KEPT)

    def form_of(c: Cycle, month: str, office: str) -> OnlineForm:
        """The office's form as online_form makes it, made again only when the ledger (last
        month's answers, the month's list) or the served config has changed: the offices'
        returns of this month taken in by this page (OwnCommits) change neither."""
        on_disk = stamp(c.config.ledger_path)
        key = (id(c), month, office)
        kept = forms.get(key)
        if kept is not None and kept[0] is c and intake.own.only_ours(kept[1], on_disk):
            return kept[2]
        return forms.put(key, (c, on_disk, online_form(c, month, office)))[2]

    made: Kept[tuple[OnlineForm, bytes]] = Kept(SEEN_KEPT)

    def workbook_of(month: str, office: str, online: OnlineForm, fields: dict[str, str]) -> bytes:
        """The workbook of these answers today.  The same answers on the same day are the same
        bytes (online.workbook_bytes), so 提交 takes the one made by the check run as the office
        typed its last change instead of writing it again."""
        day = datetime.now().date()
        key = (month, office, day, tuple(sorted(fields.items())))
        kept = made.get(key)
        if kept is not None and kept[0] is online:  # (a form made anew: written anew)
            return kept[1]
        return made.put(key, (online, workbook_bytes(online, fields, day)))[1]

    seen: Kept[list[Finding]] = Kept(SEEN_KEPT)  # the last checks: the same bytes read once

    def check(c: Cycle, month: str, office: str, data: bytes) -> list[Finding]:
        """What validate finds in the workbook `data`, read as an upload is read.  The same
        bytes on the same day under the same list and rules find the same: the check run as the
        office typed its last change is not run again for 提交."""
        key = (
            hashlib.sha256(data).hexdigest(),
            month,
            office,
            datetime.now().date(),
            id(c.tasks_for(month)),
            tuple(sorted(c.config.rules.items())),
        )
        findings = seen.get(key)
        if findings is None:
            findings = seen.put(key, _read_and_validate(c, month, office, data))
        return [dataclasses.replace(f) for f in findings]

    def _read_and_validate(c: Cycle, month: str, office: str, data: bytes) -> list[Finding]:
        max_bytes = c.config.collect.max_file_mb * 1024 * 1024
        staged = stage(io.BytesIO(data), intake.staging, ".xlsx", max_bytes)
        received = datetime.now().replace(microsecond=0)
        probe = Upload(
            0,
            month,
            office,
            ONLINE_NAME,
            upload_name(office, received, staged.sha256, ".xlsx"),
            staged.sha256,
            received,
            True,
            0,
            0,
            [],
        )
        try:
            _, findings = intake._check(c, probe, staged.path, max_bytes)
        finally:
            staged.path.unlink(missing_ok=True)
        return findings  # with config.yaml's rules: Intake._check applies them

    def checked(
        c: Cycle, month: str, office: str, online: OnlineForm, fields: dict[str, str], data: bytes
    ) -> dict[str, list[Finding]]:
        """field name -> what validate finds there in `data`, and the texts too long to keep."""
        found = placed(online, fields, check(c, month, office, data))
        for name, more in too_long(online, fields).items():
            found[name] = more + found.get(name, [])
        return found

    def page(
        token: str,
        office: str,
        c: Cycle,
        month: str,
        online: OnlineForm,
        fields: dict[str, str],
        found: dict[str, list[Finding]] | None = None,
        status: int = 200,
        **say: object,
    ) -> tuple[str, int]:
        uploads = state.uploads(month, office)
        latest = next((u for u in uploads if came_online(u)), None)
        result = latest.findings if latest and latest.checked else []
        draft = drafts.get(month, office)
        return (
            render_template(
                "web/online.html",
                token=token,
                office=office,
                month=month,
                period=online.period,
                bureau=c.config.bureau,
                online=online,
                fields=fields,
                found=found or {},
                statuses=Status.choices(),
                latest=latest,
                result=result,
                result_errors=sum(f.severity is Severity.ERROR for f in result),
                draft=draft,
                GENERAL=GENERAL,
                **say,
            ),
            status,
        )

    def fields_of(online: OnlineForm, month: str, office: str) -> dict[str, str]:
        fields = online.prefilled()
        draft = drafts.get(month, office)
        if draft:
            fields.update({k: v for k, v in draft.fields.items() if k in online.names()})
        return fields

    @app.get("/o/<token>/online")
    def online_page(token: str) -> ResponseReturnValue:
        office, c, month, online = opened(token)
        fields = fields_of(online, month, office)
        return page(token, office, c, month, online, fields, saved=request.args.get("saved"))

    @app.post("/o/<token>/online")
    def online_post(token: str) -> ResponseReturnValue:
        office, c, month, online = opened(token)
        fields = online.fields_from(request.form)
        if request.form.get("action") != "submit":
            drafts.save(month, office, fields)
            return redirect(url_for("online_page", token=token, saved=1) + "#top", code=303)
        with guard:
            lock = submitting.setdefault(office, threading.Lock())
        submitted = False
        with lock:  # two tabs: one after the other, the later one counts
            try:
                data = workbook_of(month, office, online, fields)
                found = checked(c, month, office, online, fields, data)
                errors = sum(f.severity is Severity.ERROR for fs in found.values() for f in fs)
                if errors:  # blocked: the findings beside their fields, nothing submitted
                    return page(token, office, c, month, online, fields, found, 422, blocked=errors)
                _, done = intake.receive(c, month, office, io.BytesIO(data), ONLINE_NAME)
                submitted = True
            finally:  # what was typed is kept whatever happened: one write, after the outcome
                drafts.save(month, office, fields, submitted=submitted)
        intake.acknowledge(done, ACK_SECONDS)
        return redirect(url_for("online_page", token=token) + "#result", code=303)

    @app.post("/o/<token>/online/check")
    def online_check(token: str) -> ResponseReturnValue:
        office, c, month, online = opened(token)
        fields = online.fields_from(request.form)
        draft = drafts.save(month, office, fields)  # typing is kept as it goes
        data = workbook_of(month, office, online, fields)
        found = checked(c, month, office, online, fields, data)
        findings = [f for fs in found.values() for f in fs]
        shown = {
            name: [
                {
                    "severity": f.severity.value,
                    "error": f.severity is Severity.ERROR,
                    "message": f.message,
                }
                for f in here
            ]
            for name, here in found.items()
        }
        errors = sum(f.severity is Severity.ERROR for f in findings)
        return jsonify(
            fields=shown,
            errors=errors,
            warnings=len(findings) - errors,
            saved_at=draft.saved_at.strftime("%H:%M:%S"),
        )

    @app.get("/o/<token>/online/<int:upload_id>.xlsx")
    def online_file(token: str, upload_id: int) -> ResponseReturnValue:
        office = office_of(token)
        c, month = served.cycle(), served.month()
        mine = [u for u in state.uploads(month, office) if came_online(u) and u.accepted]
        upload = next((u for u in mine if u.id == upload_id and u.checked), None)
        if upload is None:
            abort(404)
        with c.ledger() as ledger:
            path = next(
                (r.archived_path for r in ledger.returns(month) if r.sha256 == upload.sha256),
                None,
            )
        if path is None or not path.is_file():
            abort(404)
        name = f"进展情况表_{month}_{office}_在线填报_{upload.received_at:%m%d-%H%M}.xlsx"
        return send_file(path, as_attachment=True, download_name=name)
