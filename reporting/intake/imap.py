"""The bureau's IMAP mailbox, connected to: over TLS (or STARTTLS), logged in with the password
from the environment, and every way that can fail said in one line for the clerk (MailboxError);
moving the mails taken into another folder.  mailbox.py reads the mails."""

from __future__ import annotations

import logging
import os
import socket
import ssl
from dataclasses import replace
from typing import TYPE_CHECKING

from imapclient import IMAPClient
from imapclient.exceptions import IMAPClientError, LoginError

from ..errors import YuebaoError

if TYPE_CHECKING:
    from imapclient.response_types import Envelope

    from ..config import Config
    from ..config import Mail as MailSettings

log = logging.getLogger("reporting.intake.mailbox")  # the fetch's log, as before the split


class MailboxError(YuebaoError):
    """The mailbox could not be read at all; `login` when a person must fix something (the
    password, the folder's name), not when the server is only down."""

    def __init__(self, zh: str, en: str, login: bool = False):
        super().__init__(zh, en)
        self.login = login


def password_of(settings: MailSettings) -> str:
    return os.environ.get(settings.password_env, "")


def settings_of(config: Config) -> MailSettings:
    """config.yaml's mail section, its certificate file taken from config.yaml's folder."""
    settings = config.mail
    if settings.ca_file:
        settings = replace(settings, ca_file=str(config.resolve(settings.ca_file)))
    return settings


def envelope_sender(envelope: Envelope) -> str:
    try:
        a = envelope.from_[0]
        return f"{a.mailbox.decode()}@{a.host.decode()}".lower()
    except (TypeError, IndexError, AttributeError):
        return ""


def move_taken(client: IMAPClient, uids: list[int], folder: str) -> str:
    """Move the mails taken to `folder` (made if missing); without MOVE they are copied there."""
    if not client.folder_exists(folder):
        client.create_folder(folder)
    if client.has_capability("MOVE"):
        client.move(uids, folder)
    else:
        client.copy(uids, folder)
        log.warning("服务器不支持MOVE，邮件已复制到“%s”，原邮件保留", folder)
    return folder


def _context(settings: MailSettings) -> ssl.SSLContext:
    context = ssl.create_default_context()
    if settings.ca_file:
        context.load_verify_locations(cafile=settings.ca_file)
    return context


def connect(settings: MailSettings) -> IMAPClient:
    where = f"{settings.host}:{settings.port}"
    try:
        client = IMAPClient(
            settings.host,
            port=settings.port,
            ssl=settings.security == "ssl",
            ssl_context=_context(settings),
            timeout=settings.timeout,
        )
        if settings.security == "starttls":
            client.starttls(_context(settings))
    except (IMAPClientError, OSError) as exc:
        raise unreachable(settings, exc) from exc
    password = password_of(settings)
    try:
        client.login(settings.user, password)
    except (LoginError, IMAPClientError) as exc:
        client.shutdown()
        unset = "" if password else f"（环境变量 {settings.password_env} 未设置）"
        raise MailboxError(
            f"邮箱 {where} 拒绝登录：用户名或密码不对{unset}。请核对 config.yaml 中的 mail.user "
            f"和环境变量 {settings.password_env} 中的密码（授权码）",
            f"IMAP login refused for {settings.user} at {where}: {exc}",
            login=True,
        ) from exc
    return client


def unreachable(settings: MailSettings, exc: Exception) -> MailboxError:
    where = f"{settings.host}:{settings.port}"
    if isinstance(exc, ssl.SSLCertVerificationError):
        zh = (
            f"邮箱服务器 {where} 的证书无法验证（{exc.verify_message}）。如服务器使用自签名证书，"
            "请在 config.yaml 的 mail.ca_file 中填写其证书文件"
        )
    elif isinstance(exc, (socket.timeout, TimeoutError)):
        zh = f"连接邮箱服务器 {where} 超时，本次未收取邮件，请稍后重试"
    else:
        zh = (
            f"无法连接邮箱服务器 {where}（{exc}），本次未收取邮件，"
            "请稍后重试或核对 mail.host、mail.port"
        )
    return MailboxError(zh, f"IMAP {where}: {type(exc).__name__}: {exc}")
