"""Write docs/config.md, the config.yaml reference, from the config's one declaration.

Every key, its default and its type come from the declaration (reporting/config/declaration.py,
read through `reporting.config.SCHEMA`, which is derived from it, and `OFFICE_KEYS`); only the
meaning of each key is written here. A key without a meaning stops the script, so a new key
cannot reach a release undocumented; tests/test_docs.py checks that docs/config.md is exactly
what this script writes now.

    python tools/config_doc.py            # rewrite docs/config.md
    python tools/config_doc.py --check    # exit 1 when docs/config.md is not up to date
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reporting.config import (  # noqa: E402
    BESIDE_LEDGER_NAMES,
    OFFICE_KEYS,
    REQUIRED,
    SCHEMA,
)

TARGET = ROOT / "docs" / "config.md"

OPS = "operations.md"

# dotted key -> what it means (a default the declaration cannot say goes in DEFAULTS below)
MEANINGS = {
    "bureau": "name used in titles, e.g. 台山市教育系统",
    "signature": "the line feedback texts are signed with, e.g. 台山市教育局办公室; "
    "blank: “<bureau>办公室”",
    "task_list": "the task list workbook",
    "year": "the year milestone dates belong to",
    "reporting.first_month": "first month the offices report (Taishan: 6), in `first_month_year`",
    "reporting.first_month_year": "the year `first_month` is for (Taishan: 2022); a list of "
    "another year starts in January (see “A new year's task list” in "
    f"[operations.md]({OPS}#the-schedule-and-reminders))",
    "reporting.period_start_month": "the “1” of “（1—6月）”",
    "reporting.deadline_day": "returns due on this day; on a weekend or public holiday, the next "
    "working day",
    "reporting.amber_days": "milestones due within this many days are amber",
    "reporting.prefill": "next month's forms carry last month's answers (see "
    "[the office workbook](manual.md#the-office-workbook-fill))",
    "folders.outbox": "where fill writes the office workbooks",
    "folders.inbox": "where returned workbooks are dropped (sub-folders too)",
    "folders.archive": "untouched copies of everything collected",
    "folders.summary": "summary and 校验问题 workbooks",
    "colours.overdue": "fill of the summary's 逾期 verdict (#RRGGBB)",
    "colours.due_soon": "fill of the summary's 临期 verdict",
    "colours.done": "fill of the summary's 已完成 verdict",
    "colours.undated": "fill of the summary's 无法识别 (undated) verdict",
    "ledger": "the SQLite ledger: returns, findings, each month's merged state",
    "ledger_backups": "backups of the ledger kept in `ledger.sqlite3.backup/` (see "
    f"[the ledger]({OPS}#the-ledger-checked-backed-up-restored))",
    "lock_wait_seconds": "how long a command waits for another one working on the same month",
    "rules.CODE": "错误 or 警告 for a finding code (any code of "
    "[the findings table](manual.md#validate-what-is-checked), the roll-up's included, and no "
    "other), e.g. `rules: {late: 错误}`",
    "supervision.red_share": "overdue share of due milestones that makes an office's light red",
    "supervision.missing_days": "working days after the deadline before a missing return is "
    "escalated",
    "supervision.overdue_days": "working days a milestone may be overdue before it is escalated",
    "supervision.bureau_office_email": "copied on every escalation",
    "rollup.inbox": "where the lower level's summary workbooks are dropped",
    "rollup.units": "the units expected to report (their `bureau` names)",
    "collect.max_file_mb": "larger files are refused unopened (a form is under 1 MB)",
    "schedule.time": "when the daily run happens (HH:MM)",
    "schedule.remind_day": "day of the month for the first 催报 (the next working day if off)",
    "schedule.milestone_window_days": "weekly reminders cover milestones due within this many days",
    "schedule.chiefs": "e-mail addresses that receive the summary",
    "schedule.log": "the rotating log",
    "schedule.reminder_files": "also write each reminder as a text file (the outbox's `提醒/`)",
    "schedule.webhook": "the chat group robot's URL (see “Chat groups” in "
    f"[operations.md]({OPS}#the-schedule-and-reminders))",
    "schedule.webhook_timeout": "seconds per post to the robot",
    "schedule.webhook_kind": "`wecom` (企业微信群机器人), `dingtalk` (钉钉群机器人) or `json`",
    "schedule.webhook_secret_env": "the environment variable 钉钉's signing secret is read from",
    "schedule.webhook_retries": "tries per run; a rejected message is tried again next run too",
    "smtp.host": "the mail server; no host: no mail, files (and the chat group) only",
    "smtp.port": "its port",
    "smtp.security": "`none`, `starttls` or `ssl`",
    "smtp.user": "the login (with `security: none` the log warns: the password would cross the "
    "network readable)",
    "smtp.password_env": "the environment variable holding the password (never in config.yaml)",
    "smtp.sender": "the From address; may carry a name: `台山市教育局 <jyj@example.org>`",
    "smtp.retries": "tries per message",
    "smtp.backoff_seconds": "first wait between tries (doubles: 5 s, 10 s, 20 s …)",
    "smtp.timeout": "seconds per try",
    "mail.host": "the bureau's mailbox (IMAP); no host: no `fetch`, returns are saved into the "
    "inbox by hand",
    "mail.port": "its port",
    "mail.security": "`ssl`, `starttls` or `none`",
    "mail.user": "the mailbox's login",
    "mail.password_env": "the environment variable holding its password (授权码)",
    "mail.folder": "where returns arrive",
    "mail.move_to": 'where they are moved once taken, e.g. 已收取 ("": left in place)',
    "mail.reply": "answer each file's sender with its findings (needs `smtp`)",
    "mail.ca_file": "a certificate to trust besides the system's (a server with a self-signed one)",
    "mail.timeout": "seconds per step",
    "offices.NAME.contact": "the office's liaison",
    "offices.NAME.email": "the liaison's address; may be a list (every address the office sends "
    "from; notices go to the first)",
    "offices.NAME.phone": "the liaison's phone; a mobile is @-ed in chat groups",
    "offices.NAME.leader": "the office's supervising leader (分管领导)",
    "offices.NAME.leader_email": "where 督办 letters to that leader go",
    "calendar.YEAR.放假": "a year's holidays from the State Council's notice (dates, or ranges "
    "`起至止`), for years the installed chinese-calendar lacks; a year given here is taken wholly "
    f"from it (see [working days]({OPS}#working-days))",
    "calendar.YEAR.上班": "that year's 调休 working days",
    "web.host": "where `yuebao serve` listens (`0.0.0.0`: every network card)",
    "web.port": "its port",
    "web.url": "the address offices type, for the printed links (default `http://host:port`)",
    "web.state": "office links, the clerk's password hash and sessions, the upload history",
    "web.threads": "requests served at once (1–64)",
    "web.connection_limit": "connections open at once (kept below what the PC allows)",
    "web.channel_timeout": "seconds after which an idle connection, or one still sending its "
    "headers, is closed",
    "web.login_attempts": "wrong passwords checked from one address (or one browser the clerk "
    "logged in from) within `lockout_minutes`; then refused until the oldest has aged out",
    "web.lockout_minutes": "the window of `login_attempts`",
    "web.secure_cookie": "true when the page is served behind https: cookies carry the `Secure` "
    "flag",
}

# dotted key -> the default in words, where the declaration's value says nothing by itself
DEFAULTS = {
    "bureau": "(required)",
    "task_list": "(required)",
    "year": "from the task list title",
    "reporting.first_month_year": "(the ledger's first year)",
    "rules.CODE": "see the findings table",
    "calendar.YEAR.放假": "—",
    "calendar.YEAR.上班": "—",
}
for (_section, _key), _name in BESIDE_LEDGER_NAMES.items():
    DEFAULTS[f"{_section}.{_key}"] = (
        f"`{_name}` beside the ledger (`output/`; `输出/` in a folder `init` made)"
    )

# keys whose value is a mapping of names the bureau chooses: the rows stand for every entry
ENTRIES: dict[str, list[tuple[str, Any]]] = {
    "rules": [("rules.CODE", None)],
    "offices": [(f"offices.NAME.{key}", "") for key in OFFICE_KEYS],
    "calendar": [("calendar.YEAR.放假", None), ("calendar.YEAR.上班", None)],
}

HEAD = """# config.yaml

<!-- Written by tools/config_doc.py from the keys declared in reporting/config/declaration.py:
edit the meanings in the script and run `python tools/config_doc.py`; tests/test_docs.py fails
when this file is out of date. -->

`yuebao init` writes one with Chinese comments; `yuebao check` reads it with the task list and lists
every problem with its line. A mistake made in Notepad is named with its line by every command: a
file saved as ANSI/GBK (save it as UTF-8), a full-width colon `：` or no space after `:` (inside
`{…}` too), a full-width comma `，` between the entries of `{…}`, a Windows path pasted with
“复制为路径” in double quotes (drop the quotes or use single ones), a Tab (as indentation or after a
colon), a line moved left out of line with its neighbours (the line moved is named, not the next
one), and a key written twice in one place (two `人事股:` under `offices:`: both lines are named;
the first one's details would otherwise be lost). Two addresses typed into one value
(`a@x.org，b@x.org`) are shown in the list form an office's `email` takes: `[a@x.org, b@x.org]`.

Relative paths are taken from the folder holding config.yaml; `{month}` becomes `YYYY-MM`.
Unknown keys are an error that names the key. So is, when config.yaml is read (exit 2, before
anything is done), a value that would only fail on the day it is used: a number out of its range
(`reporting.deadline_day` 1–31, capped at the month's end; `first_month` and `period_start_month`
1–12; `schedule.remind_day` 1–31; `smtp.timeout` and `webhook_timeout` 1–600 s; `smtp.port`
and `mail.port` 1–65535; `smtp.security`, `mail.security` and `schedule.webhook_kind` one of their
values; `smtp.retries` 1–20; day counts 0 or more; `red_share` 0–1), a `schedule.time` that is no
time of day (`25:99`), an e-mail address that is not exactly one valid address (in `offices`,
`supervision`, each entry of `schedule.chiefs` and of an office's `email` list; no spaces, line
breaks or lists; `smtp.sender` may carry a name: `台山市教育局 <jyj@example.org>`), a placeholder
other than `{month}` in a folder pattern (`folders.*`, `rollup.inbox`) or any `{…}` in `ledger`,
`task_list`, `schedule.log`, and a text template in `templates/` that does not parse or uses a
name the program does not give it.

Passwords are never written in config.yaml: `smtp.password_env`, `mail.password_env` and
`schedule.webhook_secret_env` name the environment variables they are read from.
"""


def dotted_keys(schema: dict[str, Any] = SCHEMA, prefix: str = "") -> list[tuple[str, Any]]:
    """Every key as `section.key` with its declared default, in the declaration's order; a
    mapping of the bureau's own names (offices, rules, calendar) as its rows of placeholders."""
    out: list[tuple[str, Any]] = []
    for name, spec in schema.items():
        key = prefix + name
        if isinstance(spec, dict):
            out += dotted_keys(spec, key + ".")
        elif key in ENTRIES:
            out += ENTRIES[key]
        else:
            out.append((key, spec[1]))
    return out


def shown_default(key: str, value: Any) -> str:
    if key in DEFAULTS:
        return DEFAULTS[key]
    if value is REQUIRED or value is None:
        raise SystemExit(f"tools/config_doc.py: say the default of {key} in DEFAULTS")
    if isinstance(value, bool):
        return f"`{str(value).lower()}`"
    if isinstance(value, int | float):
        return str(value)
    if value == "":
        return '""'
    if isinstance(value, list | dict):
        return f"`{value!r}`"
    return f"`{value}`"


def sections() -> dict[str, list[tuple[str, Any]]]:
    grouped: dict[str, list[tuple[str, Any]]] = {}
    for key, value in dotted_keys():
        section = key.split(".")[0] if "." in key else "(top level)"
        grouped.setdefault(section, []).append((key, value))
    return grouped


def document() -> str:
    missing = [key for key, _ in dotted_keys() if key not in MEANINGS]
    if missing:
        raise SystemExit(f"tools/config_doc.py: no meaning for {', '.join(missing)}")
    parts = [HEAD]
    for section, keys in sections().items():
        parts.append(f"\n## {section}\n\n| key | default | meaning |\n|---|---|---|\n")
        parts += [f"| `{k}` | {shown_default(k, v)} | {MEANINGS[k]} |\n" for k, v in keys]
    return "".join(parts)


def main(argv: list[str]) -> int:
    text = document()
    if "--check" in argv:
        if TARGET.read_text(encoding="utf-8") != text:
            print("docs/config.md is out of date: run python tools/config_doc.py", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    print(f"wrote {TARGET.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
