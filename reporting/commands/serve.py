"""`yuebao serve`: the intranet page, and the office links and clerk password it goes by."""

from __future__ import annotations

import sys
from types import FrameType
from typing import TYPE_CHECKING

import click

from .. import console
from ..errors import YuebaoError
from .options import config_option
from .zh import ZhCommand

if TYPE_CHECKING:  # names for the signatures only: Flask and the rest load for serving
    from ..context import Cycle

CHIEFS_NAME = "领导"  # --new-link/--revoke-link name of the chiefs' link
MIN_PASSWORD = 8


@click.command(cls=ZhCommand)
@config_option
@click.option("--host", help="监听地址（默认config.yaml的web.host，即127.0.0.1，仅本机可访问）")
@click.option("--port", type=int, help="端口（默认web.port，即8080）")
@click.option("--month", type=console.Month(), help="显示哪个月（默认本月） month shown")
@click.option("--links", is_flag=True, help="列出各股室和领导的专用链接后退出 print links")
@click.option("--new-link", metavar="股室", help="作废该股室（或“领导”）的链接并生成新链接")
@click.option("--revoke-link", metavar="股室", help="作废该股室（或“领导”）的链接")
@click.option("--set-password", is_flag=True, help="设置局办公室登录密码后退出")
def serve(
    config_path: str,
    host: str | None,
    port: int | None,
    month: str | None,
    links: bool,
    new_link: str | None,
    revoke_link: str | None,
    set_password: bool,
) -> None:
    """启动内网网页：股室上传报表即时检查，局办公室按钮操作，领导查看进展。"""
    from ..context import Cycle
    from ..web.app import close, create_app, state_of  # Flask is loaded only for this command

    c = Cycle.load(config_path)
    state = state_of(c)
    web = c.config.web
    host, port = host or web.host, port or web.port
    url = (web.url or f"http://{host}:{port}").rstrip("/")
    if set_password:
        hide = sys.stdin.isatty()  # piped in: getpass would warn in English that it echoes
        password = click.prompt("新密码", hide_input=hide, confirmation_prompt="再输入一次")
        if len(password) < MIN_PASSWORD:
            raise YuebaoError(
                f"密码至少{MIN_PASSWORD}个字符，未修改", "password too short, not changed"
            )
        state.set_password(password)  # every logged-in browser is logged out with it
        console.print_password_set(state.path)
        console.echo("已登录的浏览器均已退出，请用新密码重新登录")
        return
    if name := new_link or revoke_link:
        role, office = _role(c, name)
        if new_link:
            console.print_links(url, [state.renew(role, office)], state.path, renewed=True)
        else:
            console.echo(f"已作废{name}的链接（{state.revoke(role, office)}个）：{state.path}")
        return
    everyone = state.ensure_links(c.tasks.lead_offices())
    if links:
        console.print_links(url, everyone, state.path)
        return
    app = create_app(c.config.path, month)
    try:
        import logging

        from ..web.server import make_server

        logging.basicConfig()  # waitress's warnings (connection limit reached) on stderr
        max_body = app.config["MAX_CONTENT_LENGTH"]
        server = make_server(app, host, port, web, max_body)  # a port in use: YuebaoError
        console.print_serving(url, host, port, state.has_password(), state.path)
        _stop_like_ctrl_c()
        try:
            server.run()  # returns on Ctrl+C (waitress takes the KeyboardInterrupt)
            console.echo("网页已停止。")
        finally:
            server.close()
    finally:
        close(app)  # the reading workers ended, their semaphores released


def _stop_like_ctrl_c() -> None:
    """systemd stops a service with SIGTERM (a closed terminal sends SIGHUP): Python's default
    ends the process at once, leaving the reading workers and their semaphores behind
    ("resource_tracker: There appear to be 2 leaked semaphore objects"). Each becomes the orderly
    stop Ctrl+C makes."""
    import signal

    def stop(signum: int, frame: FrameType | None) -> None:
        raise KeyboardInterrupt

    for name in ("SIGTERM", "SIGHUP"):
        if hasattr(signal, name):  # Windows has no SIGHUP
            signal.signal(getattr(signal, name), stop)


def _role(c: Cycle, name: str) -> tuple[str, str]:
    from ..web.store import CHIEFS, OFFICE

    if name == CHIEFS_NAME:
        return CHIEFS, ""
    if name not in c.tasks.lead_offices():
        raise YuebaoError(
            f"“{name}”不是任务清单中的牵头股室（领导的链接请写“{CHIEFS_NAME}”）",
            f"not a lead office: {name}",
        )
    return OFFICE, name
