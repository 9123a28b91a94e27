"""The bundled sample: Taishan's 2022 task list and the June 2022 returns, set up in a folder.

`yuebao demo` copies the sample into a fresh working folder (config.yaml, inbox with the clerks'
returns stamped with the times they arrived) and then runs the ordinary cycle on it.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from datetime import date, datetime, timedelta
from pathlib import Path

import yaml

from . import cycle as steps
from .errors import YuebaoError
from .monthly import MonthRun, run_month

ROOT = Path(__file__).resolve().parent.parent
SAMPLE_CONFIG = ROOT / "config.yaml"
RETURNS = ROOT / "workbooks" / "returns"
DEMO_MONTHS = ("2022-06", "2022-07")
DEMO_AS_OF = {"2022-06": date(2022, 6, 25), "2022-07": date(2022, 7, 25)}
LATER = DEMO_AS_OF[DEMO_MONTHS[-1]] + timedelta(days=14)  # the day suggested to try after the demo


def prepare(out_dir: str | Path) -> Path:
    """Write out_dir/config.yaml (folders inside out_dir) and fill each month's inbox; return the
    config path."""
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
        config = out / "config.yaml"
        config.write_text(
            yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8"
        )
        for month in DEMO_MONTHS:
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


def run(config: Path, as_of: date | None = None) -> Iterator[tuple[steps.Cycle, MonthRun]]:
    """Each sample month's cycle, as of a few days after its deadline (or `as_of`)."""
    for month in DEMO_MONTHS:
        c = steps.Cycle.load(config, as_of or DEMO_AS_OF[month])
        yield c, run_month(c, month)
