"""What `yuebao serve` prints: the links, the password set, where the page listens."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .terminal import echo

if TYPE_CHECKING:  # names for the signatures only: each print function imports what it runs
    from pathlib import Path

    from ..web.store import Link


def print_links(url: str, links: list[Link], state_path: Path, renewed: bool = False) -> None:
    """Each link; one withdrawn (`--revoke-link`) and not made anew is listed as 已作废."""
    for link in links:
        name = "领导" if link.role == "chiefs" else link.office
        if getattr(link, "revoked", False):
            echo(f"{name}：已作废（重新生成：yuebao serve --new-link {name}）")
        elif link.role == "chiefs":
            echo(f"领导（只读）：{url}/c/{link.token}")
        else:
            echo(f"{link.office}：{url}/o/{link.token}")
    withdrawn = sum(bool(getattr(link, "revoked", False)) for link in links)
    what = (
        "新链接已生成，旧链接已作废"
        if renewed
        else f"共{len(links) - withdrawn}个链接" + (f"，{withdrawn}个已作废" if withdrawn else "")
    )
    echo(
        f"{what}（保存在 {state_path}）。链接即凭证，请只发给本人；"
        "作废并重发：yuebao serve --new-link 股室名"
    )


def print_password_set(state_path: Path) -> None:
    echo(f"局办公室登录密码已设置（只保存加密后的摘要）：{state_path}")


def print_serving(url: str, host: str, port: int, has_password: bool, state_path: Path) -> None:
    echo(f"网页已启动：{url}/ （监听 {host}:{port}，按 Ctrl+C 停止）")
    echo(f"局办公室：{url}/login；各股室和领导的链接：yuebao serve --links；记录：{state_path}")
    if not has_password:
        echo("注意：尚未设置局办公室密码，请先运行 yuebao serve --set-password", err=True)
    if host in ("127.0.0.1", "localhost"):
        echo("只有本机可以打开；要让局内其他电脑访问，请用 --host 0.0.0.0 启动")
