"""The services of a Linux PC (麒麟、统信 …): systemd units that keep the intranet page (`serve`)
and the schedule running, started at boot and again after a failure, and the password file they
read, private to its owner (0600: unit files are readable by every user, so a password never goes
in `Environment=`)."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

SERVE_UNIT = "yuebao-serve.service"
SCHEDULE_UNIT = "yuebao-schedule.service"
PASSWORD_FILE = "密码.env"

PASSWORDS = """\
# yuebao 的密码（只有本用户能读：权限 0600，不要改宽）。systemd 服务从这里读取。
# 用到哪个，就去掉那一行开头的“# ”，在“=”后写上密码，然后重启服务：
#   sudo systemctl restart yuebao-schedule yuebao-serve
# 发邮件的邮箱密码（config.yaml 的 smtp.password_env）
# YUEBAO_SMTP_PASSWORD=
# 收取报表的邮箱密码（mail.password_env）
# YUEBAO_IMAP_PASSWORD=
# 钉钉群机器人的加签密钥（schedule.webhook_secret_env，用钉钉时）
# YUEBAO_WEBHOOK_SECRET=
"""


def unit_text(python: Path, config: Path, command: str, description: str) -> str:
    folder = config.parent
    return f"""\
# yuebao 月报：{description}。安装（一次）：
#   sudo cp "{folder / f"yuebao-{command}.service"}" /etc/systemd/system/
#   sudo systemctl daemon-reload && sudo systemctl enable --now yuebao-{command}
# 查看运行情况：systemctl status yuebao-{command}；停止：sudo systemctl stop yuebao-{command}
[Unit]
Description=yuebao {description}
After=network-online.target
Wants=network-online.target

[Service]
Type=simple
User={_user()}
WorkingDirectory={folder}
# the passwords, readable by their owner only (0600); "-": the service starts without the file
EnvironmentFile=-{folder / PASSWORD_FILE}
ExecStart="{python}" -m reporting.cli {command} --config "{config}"
Restart=on-failure
RestartSec=30
UMask=0077

[Install]
WantedBy=multi-user.target
"""


def write_units(folder: Path, python: Path, config: Path) -> dict[str, Callable[[Path], object]]:
    """What `init` writes for Linux: file name -> writer (never over an existing file)."""
    return {
        SERVE_UNIT: lambda p: p.write_text(
            unit_text(python, config, "serve", "内网网页（yuebao serve）"), encoding="utf-8"
        ),
        SCHEDULE_UNIT: lambda p: p.write_text(
            unit_text(python, config, "schedule", "每天的计划（yuebao schedule）"),
            encoding="utf-8",
        ),
        PASSWORD_FILE: write_private,
    }


def write_private(path: Path) -> None:
    """Created 0600 from the start (not chmod after: never readable by others for a moment)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(PASSWORDS)


def _user() -> str:
    import getpass

    try:
        return getpass.getuser()
    except Exception:  # noqa: BLE001 - no login name (a container): root runs it
        return "root"
