"""The bundled sample: Taishan's 2022 task list and the June 2022 returns, set up in a folder.

`yuebao demo` copies the sample into a fresh working folder (config.yaml, inbox with the clerks'
returns stamped with the times they arrived) and then runs the ordinary cycle on it.
"""
from __future__ import annotations

import os
import shutil
from datetime import date, datetime
from pathlib import Path

import yaml

from .errors import YuebaoError

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CONFIG = ROOT / "config.yaml"
RETURNS = ROOT / "workbooks" / "returns"
DEMO_MONTHS = ("2022-06", "2022-07")
DEMO_AS_OF = {"2022-06": date(2022, 6, 25), "2022-07": date(2022, 7, 25)}


def prepare(out_dir: str | Path) -> Path:
    """Write out_dir/config.yaml (folders inside out_dir) and fill each month's inbox; return the config path."""
    out = Path(out_dir).resolve()
    try:
        out.mkdir(parents=True, exist_ok=True)
        data = yaml.safe_load(SAMPLE_CONFIG.read_text(encoding="utf-8"))
        data["task_list"] = str((ROOT / data["task_list"]).resolve())
        data["folders"] = {"outbox": "{month}/待发送", "inbox": "收件箱/{month}", "archive": "{month}/存档",
                           "summary": "{month}"}
        data["ledger"] = "台账.sqlite3"
        config = out / "config.yaml"
        config.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
        for month in DEMO_MONTHS:
            stage_returns(month, out / "收件箱" / month)
    except OSError as exc:
        raise YuebaoError(f"无法写入演示文件夹：{out}", f"cannot write demo folder {out}: {exc}") from exc
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
        stamp = (when if isinstance(when, datetime) else datetime.fromisoformat(str(when))).timestamp()
        os.utime(target, (stamp, stamp))
        staged.append(target)
    return staged
