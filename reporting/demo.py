"""The bundled sample: Taishan's 2022 task list and the June 2022 returns, set up in a folder.

`yuebao demo` copies the sample into a fresh working folder (config.yaml, inbox with the clerks'
returns stamped with the times they arrived) and then runs the ordinary cycle on it.  With
`--mail`, the returns are mailed into an IMAP mailbox instead, and each month fetches them.
"""

from __future__ import annotations

import os
import shutil
import urllib.parse
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from pathlib import Path

import yaml

from . import cycle as steps
from .config import Config
from .errors import YuebaoError
from .intake.mailbox import connect, settings_of
from .monthly import MonthRun, run_month
from .wording import BUNDLED as ROOT

SAMPLE_CONFIG = ROOT / "config.yaml"
RETURNS = ROOT / "workbooks" / "returns"
DEMO_MONTHS = ("2022-06", "2022-07")
DEMO_AS_OF = {"2022-06": date(2022, 6, 25), "2022-07": date(2022, 7, 25)}
LATER = DEMO_AS_OF[DEMO_MONTHS[-1]] + timedelta(days=14)  # the day suggested to try after the demo


def prepare(out_dir: str | Path, mail: dict | None = None) -> Path:
    """Write out_dir/config.yaml (folders inside out_dir) and fill each month's inbox (with `mail`,
    the mailbox's settings: none, the returns will come as mails); return the config path."""
    out = Path(out_dir).resolve()
    try:
        out.mkdir(parents=True, exist_ok=True)
        data = yaml.safe_load(SAMPLE_CONFIG.read_text(encoding="utf-8"))
        data["task_list"] = str((ROOT / data["task_list"]).resolve())
        data["folders"] = {
            "outbox": "{month}/待发送",
            "inbox": "收件箱/{month}",
            "archive": "{month}/存档",
            "summary": "{month}",
        }
        data["ledger"] = "台账.sqlite3"
        if mail:
            data["mail"] = mail
        config = out / "config.yaml"
        config.write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        for month in DEMO_MONTHS if not mail else ():
            stage_returns(month, out / "收件箱" / month)
    except OSError as exc:
        raise YuebaoError(
            f"无法写入演示文件夹：{out}", f"cannot write demo folder {out}: {exc}"
        ) from exc
    return config


def stage_returns(month: str, inbox: Path) -> list[Path]:
    """Copy the sample returns into an inbox, stamped with the time each one arrived."""
    source = RETURNS / month
    received = yaml.safe_load((source / "received.yaml").read_text(encoding="utf-8"))
    inbox.mkdir(parents=True, exist_ok=True)
    staged = []
    for name, when in received.items():
        target = inbox / name
        shutil.copyfile(source / name, target)
        stamp = (
            when if isinstance(when, datetime) else datetime.fromisoformat(str(when))
        ).timestamp()
        os.utime(target, (stamp, stamp))
        staged.append(target)
    return staged


def run(
    config: Path, as_of: date | None = None, by_mail: bool = False
) -> Iterator[tuple[steps.Cycle, MonthRun]]:
    """Each sample month's cycle, as of a few days after its deadline (or `as_of`); `by_mail`: the
    month's returns are first mailed into the configured mailbox, and fetched from there."""
    for month in DEMO_MONTHS:
        c = steps.Cycle.load(config, as_of or DEMO_AS_OF[month])
        if by_mail:
            mail_returns(c.config, month)
        yield c, run_month(c, month)


def mail_settings(url: str, ca_file: str = "") -> dict:
    """`imaps://USER@HOST:PORT[/FOLDER]` (or imap:// for no TLS) as config.yaml's mail section."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("imap", "imaps") or not parts.hostname or not parts.username:
        raise YuebaoError(
            f"邮箱地址应写成如 imaps://用户名@服务器:端口，而不是“{url}”",
            f"--mail must look like imaps://USER@HOST:PORT, not {url}",
        )
    settings = {
        "host": parts.hostname,
        "port": parts.port or (993 if parts.scheme == "imaps" else 143),
        "security": "ssl" if parts.scheme == "imaps" else "none",
        "user": urllib.parse.unquote(parts.username),
        "folder": urllib.parse.unquote(parts.path.strip("/")) or "INBOX",
    }
    if ca_file:
        settings["ca_file"] = str(Path(ca_file).resolve())
    return settings


def mail_returns(config: Config, month: str) -> int:
    """Mail the month's sample returns into the mailbox, each from its office's address and
    received (INTERNALDATE) when it arrived in Taishan: what the offices' clerks would have sent."""
    source = RETURNS / month
    received = yaml.safe_load((source / "received.yaml").read_text(encoding="utf-8"))
    settings = settings_of(config)
    offices = sorted(config.office_names, key=len, reverse=True)
    client = connect(settings)
    try:
        for name, when in received.items():
            office = next((o for o in offices if o in name), "")
            msg = EmailMessage()
            msg["From"] = f"{office} <{config.office(office).email or 'clerk@example.org'}>"
            msg["To"] = settings.user
            msg["Subject"] = f"{office}{int(month[5:])}月重点工作进展"
            msg["Message-ID"] = make_msgid(domain="yuebao-demo.example.org")
            msg.set_content("附件是本月的进展情况表，请查收。")
            msg.add_attachment(
                (source / name).read_bytes(),
                maintype="application",
                subtype="vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                filename=name,
            )
            stamp = when if isinstance(when, datetime) else datetime.fromisoformat(str(when))
            client.append(settings.folder, msg.as_bytes(), msg_time=stamp)
    finally:
        client.logout()
    return len(received)
