"""Issue 30, done means: every line a clerk sees in a demo run is Chinese, apart from file names,
paths, addresses, codes, numbers and the commands to type.

The demo, then the commands a clerk runs in its folder over the next weeks (check, the task list,
validate, merge, reminders with no mail server, 督办, a day of the schedule, the ledger, a month
run, next month's forms, an extension); both streams of each.  An English word left in any line
is the failure, with the line shown.
"""

from __future__ import annotations

import re

import yaml

from .conftest import ROOT
from .inprocess import run as yuebao

COMMANDS = [
    ("check",),
    ("tasks", "check"),
    ("validate", "--month", "2022-07", "--as-of", "2022-07-25"),
    ("merge", "--month", "2022-07", "--as-of", "2022-08-08"),
    ("remind", "--month", "2022-07", "--as-of", "2022-07-18", "--dry-run"),
    ("remind", "--month", "2022-07", "--as-of", "2022-07-18"),
    ("escalate", "--month", "2022-07", "--as-of", "2022-08-08", "--dry-run"),
    ("escalate", "--month", "2022-07", "--as-of", "2022-08-08"),
    ("schedule", "--once", "--as-of", "2022-07-21"),
    ("ledger", "check"),
    ("run", "--month", "2022-07", "--as-of", "2022-07-26"),
    ("monthly", "--as-of", "2022-07-27"),
    ("fill", "--month", "2022-08", "--as-of", "2022-08-01"),
    ("collect", "--month", "2022-08", "--as-of", "2022-08-05"),
    ("extend", "T01", "3", "2022/12/31", "--reason", "施工延误", "--as-of", "2022-07-26"),
]

# what may stay ASCII in a Chinese line, removed before looking for words
ALLOWED = [
    re.compile(r"\S+@\S+\.\w+"),  # an e-mail address
    re.compile(  # a file name (the ledger's backups: 台账.sqlite3.backup)
        r"[^\s：:，,；“”（）()]*(?:\.(?:xlsx|xlsm|xls|txt|yaml|log|sqlite3|pdf|bat|csv|docx"
        r"|backup|locks)\b)+"
    ),
    re.compile(r"(?<![A-Za-z])yuebao(?: [a-z]+){0,2}"),  # the program, and a command to type
    re.compile(r"(?<!\w)--?[a-z][a-z-]*"),  # an option to type
    re.compile(r"(?<![A-Za-z])[A-Z]{1,3}\d+(?:-\d+)?"),  # a task code (T01), a cell (I8)
    re.compile(r"\bchinese-calendar\b"),  # the holiday package, named with its version
    re.compile(r"\b(?:Excel|WPS|Word|PDF|LibreOffice|KB|MB)\b"),  # names clerks use as they are
]
ASCII_WORD = re.compile(r"[A-Za-z]{2,}")


def config_keys(data) -> set[str]:
    """The keys of config.yaml ("offices"): what a line tells the clerk to look for there."""
    if isinstance(data, dict):
        return {k for k in data if isinstance(k, str)} | {
            key for value in data.values() for key in config_keys(value)
        }
    return set()


KEYS = config_keys(yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8")))
KEYS |= {"calendar"}  # the holiday notice's section, shown to be pasted in (not in the sample)


def english_left(line: str, folder: str) -> list[str]:
    text = line.replace(folder, "")  # the demo folder's path
    for allowed in ALLOWED:
        text = allowed.sub(" ", text)
    return [word for word in ASCII_WORD.findall(text) if word not in KEYS]


def test_every_console_line_of_a_demo_run_is_chinese(tmp_path):
    folder = tmp_path / "演示"
    runs = [("demo", "--out", str(folder))]
    demo = yuebao(*runs[0])
    assert demo.returncode == 0, demo.stderr
    outputs = [(runs[0], demo)]
    for args in COMMANDS:
        outputs.append((args, yuebao(*args, cwd=folder)))
    english = []
    for args, result in outputs:
        assert result.returncode == 0, (args, result.stdout, result.stderr)
        for line in (result.stdout + result.stderr).splitlines():
            if words := english_left(line, str(folder)):
                english.append(f"yuebao {' '.join(args)}: {words}: {line}")
    assert not english, "\n".join(english)
