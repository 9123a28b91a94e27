"""config.yaml: reading, checking and defaults.

Every key is declared in SCHEMA with its type and default; an unknown key is an error that
names it, because a misspelt key silently ignored is a deadline silently missed.
Relative paths are taken from the folder that holds config.yaml.
"""

from __future__ import annotations

import re
import string
from dataclasses import dataclass, fields
from email.headerregistry import Address
from email.utils import parseaddr
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import yaml

from .codes import FINDING_CODES, SEVERITY_WORDS
from .errors import YuebaoError
from .models import Office
from .wording import check_templates
from .workdays import CalendarProblem, YearTable, read_tables, use_bureau_calendar

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

_Section = TypeVar("_Section", bound="DataclassInstance")

REQUIRED = object()
BESIDE_LEDGER = ""  # a file's default: in the ledger's folder (输出/ in a folder `init` made)
# key -> its file name when it goes beside the ledger
BESIDE_LEDGER_NAMES = {("schedule", "log"): "yuebao.log", ("web", "state"): "web.sqlite3"}

# key -> (type, default) for leaves; key -> dict for sections.
SCHEMA: dict[str, Any] = {
    "bureau": (str, REQUIRED),  # name used in titles, e.g. 台山市教育系统
    "signature": (str, ""),  # feedback texts are signed with it; blank: "<bureau>办公室"
    "task_list": (str, REQUIRED),  # path of the task list workbook
    "year": (int, None),  # task list year; default: read from its title
    "reporting": {
        "first_month": (int, 1),  # first month offices report (Taishan: 6) in first_month_year
        "first_month_year": (int, None),  # the year first_month is for; unset: any list's year
        "period_start_month": (int, 1),  # the "1" of "（1—6月）"
        "deadline_day": (int, 20),  # returns due on this day of the month
        "amber_days": (int, 7),  # milestones due within this many days are amber
        "prefill": (bool, True),  # next month's forms carry last month's answers (see fill)
    },
    "folders": {
        "outbox": (str, "output/{month}/待发送"),
        "inbox": (str, "inbox/{month}"),
        "archive": (str, "output/{month}/存档"),
        "summary": (str, "output/{month}"),
    },
    "colours": {  # fills of the summary's verdicts (#RRGGBB)
        "overdue": (str, "#FFC7CE"),
        "due_soon": (str, "#FFEB9C"),
        "done": (str, "#C6EFCE"),
        "undated": (str, "#D9D9D9"),
    },
    "ledger": (str, "output/ledger.sqlite3"),
    "ledger_backups": (int, 10),  # backups of the ledger kept beside it (the newest)
    "lock_wait_seconds": (int, 60),  # a command waits this long for another on its month
    "rules": (dict, {}),  # finding code -> 错误 | 警告 (see README)
    "supervision": {
        "red_share": (float, 0.2),  # overdue share of due milestones that makes an office red
        "missing_days": (int, 3),  # escalate an office still missing this many working days late
        "overdue_days": (int, 10),  # escalate milestones overdue by more working days than this
        "bureau_office_email": (str, ""),  # the bureau office, copied on every escalation
    },
    "rollup": {  # `yuebao rollup`: summaries of the level below
        "inbox": (str, "rollup/{month}"),  # where the counties' summary workbooks are dropped
        "units": (list, []),  # the units expected to report (names as in their config `bureau`)
    },
    "collect": {
        "max_file_mb": (int, 20),  # larger files are refused unopened (a form is < 1 MB)
    },
    "schedule": {  # the plan `yuebao schedule` follows
        "time": (str, "08:30"),  # when the daily check runs (HH:MM)
        "remind_day": (int, 15),  # remind missing offices on this day (next working day if off)
        "milestone_window_days": (
            int,
            14,
        ),  # Monday reminders: milestones due within this many days
        "chiefs": (list, []),  # e-mail addresses that receive the summary
        "log": (str, BESIDE_LEDGER),  # rotating log file; default: yuebao.log beside the ledger
        "reminder_files": (bool, True),  # also write each reminder as a text file in the outbox
        "webhook": (str, ""),  # optional URL: each reminder POSTed (see webhook_kind)
        "webhook_timeout": (int, 10),
        "webhook_kind": (str, "json"),  # json | wecom (企业微信群机器人) | dingtalk (钉钉群机器人)
        "webhook_secret_env": (str, "YUEBAO_WEBHOOK_SECRET"),  # dingtalk: the signing secret
        "webhook_retries": (int, 3),  # tries per run; a rejected message is retried next run too
    },
    "smtp": {
        "host": (str, ""),  # empty: no e-mail, reminders go to files/webhook only
        "port": (int, 25),
        "security": (str, "none"),  # none | starttls | ssl
        "user": (str, ""),
        "password_env": (
            str,
            "YUEBAO_SMTP_PASSWORD",
        ),  # the password is read from this environment variable
        "sender": (str, ""),
        "retries": (int, 3),
        "backoff_seconds": (int, 5),  # waits 5 s, 10 s, 20 s … between tries
        "timeout": (int, 30),
    },
    "mail": {  # `yuebao fetch`: the bureau's mailbox the returns are sent to (IMAP)
        "host": (str, ""),  # empty: no mailbox, attachments are saved into the inbox by hand
        "port": (int, 993),
        "security": (str, "ssl"),  # ssl | starttls | none
        "user": (str, ""),
        "password_env": (str, "YUEBAO_IMAP_PASSWORD"),  # the password is read from this variable
        "folder": (str, "INBOX"),  # where the returns arrive
        "move_to": (str, ""),  # e.g. 已收取: mails moved there once archived ("": left in place)
        "reply": (bool, False),  # answer each sender with the findings of the files (via smtp)
        "ca_file": (str, ""),  # a certificate to trust besides the system's (a self-signed server)
        "timeout": (int, 60),
    },
    "offices": (dict, {}),  # office name -> contact details (OFFICE_KEYS)
    # year -> {放假: [...], 上班: [...]}: the State Council's notice, for years chinese-calendar
    # lacks (it overrides the package for a year given); read by workdays.read_tables
    "calendar": (dict, {}),
    "web": {  # `yuebao serve`: the intranet page
        "host": (str, "127.0.0.1"),  # the address it listens on (0.0.0.0: every network card)
        "port": (int, 8080),
        "url": (str, ""),  # the address offices type, for the links; default http://host:port
        # office links, clerk password, upload history; default: web.sqlite3 beside the ledger
        "state": (str, BESIDE_LEDGER),
        "threads": (int, 16),  # requests served at once
        "connection_limit": (int, 500),  # connections open at once (kept below the PC's limit)
        "channel_timeout": (int, 30),  # seconds: an idle connection, or unfinished headers, closed
        "login_attempts": (int, 5),  # wrong passwords allowed from one address ...
        "lockout_minutes": (int, 15),  # ... within this many minutes, then refused this long
        "secure_cookie": (bool, False),  # served behind https: cookies sent over https only
    },
}
OFFICE_KEYS = {"contact": str, "email": str, "phone": str, "leader": str, "leader_email": str}
MANY_ADDRESSES = ("email",)  # an office may send from several (a list); notices go to the first
WEBHOOK_KINDS = ("json", "wecom", "dingtalk")


# The sections as typed values (read config.yaml's settings through these, not through `data`);
# each holds exactly its SCHEMA section's keys (a test keeps them the same).
@dataclass(frozen=True)
class Reporting:
    first_month: int  # of the task list's year (see Config.first_month_in)
    first_month_year: int | None
    period_start_month: int
    deadline_day: int
    amber_days: int
    prefill: bool


@dataclass(frozen=True)
class Colours:
    overdue: str
    due_soon: str
    done: str
    undated: str


@dataclass(frozen=True)
class Supervision:
    red_share: float
    missing_days: int
    overdue_days: int
    bureau_office_email: str


@dataclass(frozen=True)
class Rollup:
    inbox: str
    units: tuple[str, ...]


@dataclass(frozen=True)
class Collect:
    max_file_mb: int


@dataclass(frozen=True)
class Schedule:
    time: str
    remind_day: int
    milestone_window_days: int
    chiefs: tuple[str, ...]
    log: str
    reminder_files: bool
    webhook: str
    webhook_timeout: int
    webhook_kind: str
    webhook_secret_env: str
    webhook_retries: int


@dataclass(frozen=True)
class Smtp:
    host: str
    port: int
    security: str
    user: str
    password_env: str
    sender: str
    retries: int
    backoff_seconds: int
    timeout: int


@dataclass(frozen=True)
class Web:
    host: str
    port: int
    url: str
    state: str
    threads: int
    connection_limit: int
    channel_timeout: int
    login_attempts: int
    lockout_minutes: int
    secure_cookie: bool


@dataclass(frozen=True)
class Mail:
    host: str
    port: int
    security: str
    user: str
    password_env: str
    folder: str
    move_to: str
    reply: bool
    ca_file: str
    timeout: int


SECTIONS = {
    "reporting": Reporting,
    "colours": Colours,
    "supervision": Supervision,
    "rollup": Rollup,
    "collect": Collect,
    "schedule": Schedule,
    "smtp": Smtp,
    "web": Web,
    "mail": Mail,
}


def _section(cls: type[_Section], values: dict[str, Any]) -> _Section:
    """A section's checked values as its dataclass (lists become tuples: nothing changes them)."""
    return cls(
        **{f.name: tuple(v) if isinstance(v := values[f.name], list) else v for f in fields(cls)}
    )


@dataclass
class Config:
    data: dict[str, Any]
    path: Path
    list_year: int | None = None  # the task list's year, once read (Cycle sets it)
    first_year: int | None = None  # the first year the ledger has reported (Cycle sets it)

    @property
    def base(self) -> Path:
        return self.path.parent

    @property
    def calendar(self) -> dict[int, YearTable]:
        """The bureau's own holiday table (`calendar:`), checked on loading."""
        return read_tables(self.data["calendar"])

    def use_calendar(self) -> None:
        """Every deadline and working day of this process from now on counts with this config's
        `calendar:` (a process serves one bureau: see workdays)."""
        use_bureau_calendar(self.calendar)

    def resolve(self, value: str, month: str | None = None) -> Path:
        text = value.format(month=month) if month else value
        p = Path(text).expanduser()
        return p if p.is_absolute() else (self.base / p)

    @property
    def bureau(self) -> str:
        return self.data["bureau"]

    @property
    def signature(self) -> str:
        """What feedback texts are signed with: `signature`, else "<bureau>办公室"."""
        return self.data["signature"].strip() or f"{self.bureau}办公室"

    @property
    def task_list_path(self) -> Path:
        return self.resolve(self.data["task_list"])

    @property
    def year(self) -> int | None:
        return self.data["year"]

    def first_month_in(self, year: int | None) -> int:
        """The first reporting month of a task list of `year`: `reporting.first_month` in the year
        `reporting.first_month_year` names (unset: the first year the ledger has reported, else
        whatever the list's year), January in any other year: a month set for the first year of
        reporting never holds up the next year's list."""
        rep = self.data["reporting"]
        said = rep["first_month_year"] or self.first_year
        return rep["first_month"] if said is None or year is None or said == year else 1

    @cached_property
    def reporting(self) -> Reporting:
        year = self.list_year if self.list_year is not None else self.year
        values = dict(self.data["reporting"], first_month=self.first_month_in(year))
        return _section(Reporting, values)

    @property
    def lock_wait_seconds(self) -> int:
        return self.data["lock_wait_seconds"]

    @property
    def ledger_backups(self) -> int:
        return self.data["ledger_backups"]

    def folder(self, name: str, month: str) -> Path:
        return self.resolve(self.data["folders"][name], month)

    @property
    def ledger_path(self) -> Path:
        return self.resolve(self.data["ledger"])

    def office(self, name: str) -> Office:
        info = dict(self.data["offices"].get(name) or {})
        if isinstance(info.get("email"), list):  # several addresses: notices go to the first
            info["email"] = info["email"][0] if info["email"] else None
        return Office(name=name, **{k: str(v) for k, v in info.items() if v is not None})

    @cached_property
    def office_of_address(self) -> dict[str, str]:
        """Sender address (lower case) -> office: every address config.yaml gives an office."""
        found: dict[str, str] = {}
        for name, info in self.data["offices"].items():
            addresses = (info or {}).get("email") or []
            for address in [addresses] if isinstance(addresses, str) else addresses:
                found.setdefault(address.lower(), name)
        return found

    @property
    def office_names(self) -> list[str]:
        """The offices config.yaml lists (with contact details), in its order."""
        return list(self.data["offices"])

    @property
    def rules(self) -> dict[str, str]:
        """Finding code -> 错误 | 警告, as config.yaml changes it."""
        return dict(self.data["rules"])

    @cached_property
    def colours(self) -> Colours:
        return _section(Colours, self.data["colours"])

    @cached_property
    def supervision(self) -> Supervision:
        return _section(Supervision, self.data["supervision"])

    @cached_property
    def rollup(self) -> Rollup:
        return _section(Rollup, self.data["rollup"])

    @cached_property
    def collect(self) -> Collect:
        return _section(Collect, self.data["collect"])

    @cached_property
    def schedule(self) -> Schedule:
        return _section(Schedule, self.data["schedule"])

    @cached_property
    def smtp(self) -> Smtp:
        return _section(Smtp, self.data["smtp"])

    @cached_property
    def web(self) -> Web:
        return _section(Web, self.data["web"])

    @cached_property
    def mail(self) -> Mail:
        return _section(Mail, self.data["mail"])


def load_config(path: str | Path) -> Config:
    path = Path(path)
    data, problems = checked(read_config_text(path))
    if problems:
        raise problems[0]
    assert data is not None, "no problem found: the values were read"
    config = Config(data=data, path=path.resolve())
    config.use_calendar()
    return config


def checked(raw: dict) -> tuple[dict | None, list[YuebaoError]]:
    """config.yaml's values with defaults, and every problem found (each check reports its first;
    `yuebao check` lists them all, the other commands stop on the first)."""
    try:
        data = _check(raw, SCHEMA, "")
    except YuebaoError as exc:
        return None, [exc]
    _place_beside_ledger(data)
    problems = []
    for check in _VALUE_CHECKS:
        try:
            check(data)
        except YuebaoError as exc:
            problems.append(exc)
    return data, problems


# -- the text of config.yaml: the mistakes made in Notepad, named with their line ----------------
# a key followed by a full-width colon (no ASCII colon before it): `task_list：a.xlsx`
_FULL_WIDTH_COLON = re.compile(r"^\s*(?:-\s+)?[^\s:：#'\"{}\[\],]+\s*：")
_NO_SPACE_AFTER_COLON = re.compile(r"^\s*[A-Za-z_]+:(?![\s/])\S")


def read_config_text(path: Path) -> dict:
    """config.yaml as a mapping; a wrong encoding or a typing slip is named with its line."""
    if not path.is_file():
        raise YuebaoError(f"找不到配置文件：{path}", f"config file not found: {path}")
    data = path.read_bytes()
    try:
        text = data.decode("utf-8-sig")  # Notepad writes UTF-8 with a BOM
    except UnicodeDecodeError as exc:
        at = data[: exc.start].count(b"\n") + 1
        raise YuebaoError(
            f"配置文件第{at}行：文件不是UTF-8编码（可能是以ANSI/GBK保存的）。请用记事本打开"
            f"{path}，点“另存为”，在“编码”中选择“UTF-8”后保存",
            f"config line {at}: not UTF-8 (saved as ANSI/GBK?)",
        ) from exc
    for number, line in enumerate(text.splitlines(), start=1):
        if ":" not in line and (slip := _slip(number, line)):  # `task_list：a.xlsx`
            raise slip
        if slip := _flow_slip(number, line):  # `{contact: 张三， email：a@b.org}`
            raise slip
    try:
        raw = _load_once_each(text) or {}
    except yaml.YAMLError as exc:
        raise _yaml_problem(exc, text) from exc
    if not isinstance(raw, dict):
        raise YuebaoError(
            f"配置文件应为“键: 值”的形式：{path}", f"config must be a mapping: {path}"
        )
    return raw


class _DatesAsText(yaml.SafeLoader):
    """A date stays the text typed (no setting is a date; `calendar:` reads its own): PyYAML
    would stop with a Python error on 2027-02-30 instead of the line that holds it."""


_DatesAsText.add_constructor("tag:yaml.org,2002:timestamp", yaml.SafeLoader.construct_yaml_str)


def _load_once_each(text: str) -> Any:
    """yaml.safe_load, but a key written twice in one mapping is an error naming both lines
    (PyYAML keeps the last silently: an office written twice lost the first one's details)."""
    loader = _DatesAsText(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return None
        _no_key_twice(node, "", set())
        return loader.construct_document(node)
    finally:
        loader.dispose()


def _no_key_twice(node: yaml.Node, where: str, seen_nodes: set[int]) -> None:
    if id(node) in seen_nodes:  # an alias: already looked at
        return
    seen_nodes.add(id(node))
    if isinstance(node, yaml.SequenceNode):
        for index, item in enumerate(node.value, start=1):
            _no_key_twice(item, f"{where}[{index}]", seen_nodes)
    if not isinstance(node, yaml.MappingNode):
        return
    lines: dict[str, int] = {}
    for key, value in node.value:
        if not isinstance(key, yaml.ScalarNode) or key.tag == "tag:yaml.org,2002:merge":
            continue
        line = key.start_mark.line + 1
        if key.value in lines:
            first = lines[key.value]
            said = f"第{first}行和第{line}行都写了" if first != line else f"第{line}行写了两次"
            under = f" {where} 下的" if where else ""
            raise YuebaoError(
                f"配置文件{said}{under}“{key.value}”，请合并为一项"
                "（同一项写两次时只有后一项有效，前一项的内容会丢失）",
                f"config line {line}: {where + '.' if where else ''}{key.value} given twice "
                f"(lines {first} and {line})",
            )
        lines[key.value] = line
        _no_key_twice(value, f"{where}.{key.value}" if where else key.value, seen_nodes)


# inside `{…}` (quotes and comments taken out): a key with a full-width colon, and a full-width
# comma before the next key
_FLOW_FULL_WIDTH_COLON = re.compile(r"(?:^|[{,，])\s*(?:-\s+)?([^\s:：,，{}\[\]#'\"]+)\s*：")
_FLOW_FULL_WIDTH_COMMA = re.compile(r"，\s*([^\s:：,，{}\[\]#'\"]+)\s*[:：]")
_QUOTED = re.compile(r"\"(?:[^\"\\]|\\.)*\"|'[^']*'")
_COMMENT = re.compile(r"(?:^|\s)#.*")


def _flow_slip(number: int, line: str) -> YuebaoError | None:
    """A full-width colon or comma typed inside `{…}` on this line, if there is one."""
    bare = _COMMENT.sub("", _QUOTED.sub('""', line))
    if "{" not in bare:
        return None
    if found := _FLOW_FULL_WIDTH_COMMA.search(bare):
        return YuebaoError(
            f"配置文件第{number}行“{line.strip()}”：“{found.group(1)}”前面用了中文全角逗号“，”，"
            "花括号中各项之间请用英文半角逗号“,”分隔（逗号后加一个空格）",
            f"config line {number}: full-width comma between entries",
        )
    if found := _FLOW_FULL_WIDTH_COLON.search(bare):
        return YuebaoError(
            f"配置文件第{number}行“{line.strip()}”：“{found.group(1)}”后面的冒号是中文全角冒号“：”，"
            "请改为英文半角冒号“:”，并在冒号后加一个空格",
            f"config line {number}: full-width colon",
        )
    return None


def _slip(number: int, line: str) -> YuebaoError | None:
    """A colon typed wrong on this line, if that is what it is."""
    if _FULL_WIDTH_COLON.match(line) and "：" in line.split(":", 1)[0]:
        return YuebaoError(
            f"配置文件第{number}行“{line.strip()}”：冒号是中文全角冒号“：”，"
            "请改为英文半角冒号“:”，并在冒号后加一个空格",
            f"config line {number}: full-width colon",
        )
    if _NO_SPACE_AFTER_COLON.match(line):
        return YuebaoError(
            f"配置文件第{number}行“{line.strip()}”：冒号后缺少空格，请在“:”后加一个空格",
            f"config line {number}: no space after the colon",
        )
    return None


def _yaml_problem(exc: yaml.YAMLError, text: str) -> YuebaoError:
    mark = getattr(exc, "problem_mark", None)
    lines = text.splitlines()
    problem = str(getattr(exc, "problem", "") or exc)
    # a colon typed wrong is noticed on its line or the next
    upto = min(mark.line, len(lines) - 1) if mark else -1
    for number in range(upto, max(upto - 2, -1), -1):
        slip = _slip(number + 1, lines[number])
        if slip and "escape" not in problem and "\t" not in lines[upto]:
            return slip
    moved = _misaligned(lines, mark.line) if mark and "\t" not in text else None
    if moved:
        number, wanted = moved
        line, has = lines[number], len(lines[number]) - len(lines[number].lstrip(" "))
        return YuebaoError(
            f"配置文件第{number + 1}行“{line.strip()}”：这一行没有与上下行对齐（行首应有{wanted}个"
            f"空格，现在有{has}个），请在行首补足空格，与上下行对齐",
            f"config line {number + 1}: indented {has} spaces, not {wanted} as its neighbours",
        )
    where = f"第{mark.line + 1}行" if mark else ""
    line = text.splitlines()[mark.line] if mark and mark.line < len(text.splitlines()) else ""
    if "escape" in problem:
        zh = (
            "双引号中的反斜杠“\\”被当作转义符（Windows“复制为路径”得到的路径带双引号）："
            "请去掉路径两边的双引号，或改用单引号，如 task_list: 'D:\\月报\\任务清单.xlsx'"
        )
    elif re.search(r"[:：] *\t", line) and "\t" not in line[: len(line) - len(line.lstrip())]:
        zh = "冒号后用了Tab键：请把冒号后的Tab删掉，改为一个空格"
    elif "\t" in line or "\\t" in problem:
        zh = "用了Tab键缩进，请删除Tab，改用空格对齐"
    else:
        zh = "格式有误：请检查缩进是否与上下行对齐（用空格）、冒号后是否有空格、引号和括号是否成对"
    return YuebaoError(
        f"配置文件{where}{f'“{line.strip()}”' if line.strip() else ''}：{zh}",
        f"config is not valid YAML: {problem} (line {mark.line + 1 if mark else '?'})",
    )


_OPENS_BLOCK = re.compile(r"^\s*[^#\s][^#]*:\s*(?:#.*)?$")  # `offices:` (its entries below)


def _misaligned(lines: list[str], at: int) -> tuple[int, int] | None:
    """(line index, spaces it should have) when YAML stumbled on line `at` because the line before
    was moved left (`人事股:` typed at column 0 among offices indented by two): the line the clerk
    changed, not the next one YAML reports."""

    def indent(i: int) -> int:
        return len(lines[i]) - len(lines[i].lstrip(" "))

    if not 0 <= at < len(lines):
        return None
    content = [i for i in range(at - 1, -1, -1) if lines[i].strip() and lines[i].lstrip()[0] != "#"]
    if len(content) < 2 or not lines[at].strip() or indent(content[0]) >= indent(at):
        return None
    moved, before = content[0], content[1]
    if indent(before) == indent(at) or (
        indent(before) == indent(moved) and _OPENS_BLOCK.match(lines[before])
    ):
        return moved, indent(at)
    return None


def _check(raw: dict, schema: dict, prefix: str) -> dict:
    for key in raw:
        if key not in schema:
            name = prefix + str(key)
            raise YuebaoError(
                f"配置文件中有未知的项“{name}”，请检查拼写或删除该项", f"unknown config key: {name}"
            )
    out: dict[str, Any] = {}
    for key, spec in schema.items():
        name = prefix + key
        if isinstance(spec, dict):
            section = raw.get(key) or {}
            if not isinstance(section, dict):
                raise YuebaoError(
                    f"配置项“{name}”应包含下级设置", f"config key {name} must be a mapping"
                )
            out[key] = _check(section, spec, name + ".")
            continue
        kind, default = spec
        if key not in raw or raw[key] is None:
            if default is REQUIRED:
                raise YuebaoError(f"配置文件缺少必填项“{name}”", f"missing config key: {name}")
            out[key] = default
            continue
        value = raw[key]
        if kind is float and isinstance(value, int) and not isinstance(value, bool):
            value = float(value)
        if kind is int and isinstance(value, bool) or not isinstance(value, kind):
            raise YuebaoError(
                f"配置项“{name}”的值“{value}”类型不对，应为{_KIND_ZH[kind]}",
                f"config key {name} must be {kind.__name__}",
            )
        out[key] = value
    return out


_KIND_ZH = {
    float: "小数",
    str: "文字",
    int: "整数",
    dict: "下级设置",
    bool: "是/否(true/false)",
    list: "列表",
}


# key -> the values it may take
CHOICES = {
    "smtp.security": ("none", "starttls", "ssl"),
    "mail.security": ("none", "starttls", "ssl"),
    "schedule.webhook_kind": WEBHOOK_KINDS,
}


def _check_choices(data: dict) -> None:
    for key, allowed in CHOICES.items():
        if _value(data, key) not in allowed:
            raise YuebaoError(
                f"配置项“{key}”只能是 {'、'.join(allowed[:-1])} 或 {allowed[-1]}",
                f"{key} must be {', '.join(allowed[:-1])} or {allowed[-1]}",
            )


def _place_beside_ledger(data: dict) -> None:
    """A file left to its default goes in the ledger's folder: 输出/ for a folder `init` made, as
    使用说明.txt says, output/ for a config that keeps the ledger there."""
    ledger_folder = Path(data["ledger"]).parent
    for (section, key), name in BESIDE_LEDGER_NAMES.items():
        if data[section][key] == BESIDE_LEDGER:
            data[section][key] = (ledger_folder / name).as_posix()


def _check_calendar(section: dict) -> None:
    try:
        read_tables(section)
    except CalendarProblem as exc:
        raise YuebaoError(f"配置项“calendar”：{exc}", "config key calendar: not readable") from None


def _check_rules(rules: dict) -> None:
    for code, word in rules.items():
        if code not in FINDING_CODES:
            raise YuebaoError(
                f"配置文件中有未知的项“rules.{code}”（不是已知的问题类别，见README）",
                f"unknown config key: rules.{code}",
            )
        if word not in SEVERITY_WORDS:
            raise YuebaoError(
                f"配置项“rules.{code}”只能是“错误”或“警告”", f"rules.{code} must be 错误 or 警告"
            )


def _check_colours(colours: dict) -> None:
    for key, value in colours.items():
        if not re.fullmatch(r"#[0-9A-Fa-f]{6}", value):
            raise YuebaoError(
                f"配置项“colours.{key}”的颜色“{value}”格式不对，应写成如 #FFC7CE",
                f"colours.{key} must look like #RRGGBB",
            )


def _check_offices(offices: dict) -> None:
    for name, info in offices.items():
        if info is None:
            continue
        if not isinstance(info, dict):
            raise YuebaoError(
                f"股室“{name}”的联系方式应为“键: 值”的形式", f"offices.{name} must be a mapping"
            )
        for key in info:
            if key not in OFFICE_KEYS:
                raise YuebaoError(
                    f"配置文件中有未知的项“offices.{name}.{key}”，可用的项：{'、'.join(OFFICE_KEYS)}",
                    f"unknown config key: offices.{name}.{key}",
                )
            if isinstance(info[key], list) and key not in MANY_ADDRESSES:
                raise YuebaoError(
                    f"配置项“offices.{name}.{key}”只能填一项，不能是列表",
                    f"offices.{name}.{key} must be one value, not a list",
                )


# key -> (lowest, highest): values outside pass the type check but break a later day
RANGES = {
    "reporting.first_month": (1, 12),
    "reporting.first_month_year": (2000, 2100),
    "reporting.period_start_month": (1, 12),
    "reporting.deadline_day": (1, 31),
    "reporting.amber_days": (0, 366),
    "supervision.red_share": (0, 1),
    "supervision.missing_days": (0, 250),
    "supervision.overdue_days": (0, 250),
    "collect.max_file_mb": (1, 2000),
    "schedule.remind_day": (1, 31),
    "schedule.milestone_window_days": (0, 366),
    "schedule.webhook_timeout": (1, 600),
    "smtp.port": (1, 65535),
    "smtp.retries": (1, 20),
    "smtp.backoff_seconds": (0, 3600),
    "smtp.timeout": (1, 600),
    "schedule.webhook_retries": (1, 20),
    "mail.port": (1, 65535),
    "mail.timeout": (1, 600),
    "ledger_backups": (1, 1000),
    "lock_wait_seconds": (0, 86400),
    "web.port": (1, 65535),
    "web.threads": (1, 64),
    "web.connection_limit": (10, 10000),
    "web.channel_timeout": (5, 3600),
    "web.login_attempts": (1, 100),
    "web.lockout_minutes": (1, 1440),
}


def _value(data: dict[str, Any], key: str) -> Any:
    for part in key.split("."):
        data = data[part]
    return data


def _check_ranges(data: dict) -> None:
    for key, (low, high) in RANGES.items():
        value = _value(data, key)
        if value is not None and not low <= value <= high:
            raise YuebaoError(
                f"配置项“{key}”的值{value}超出范围，应在{low}到{high}之间",
                f"config key {key} must be between {low} and {high}, not {value}",
            )


def _check_time(value: str) -> None:
    found = re.fullmatch(r"(\d{1,2}):(\d\d)", value)
    if not found or int(found.group(1)) > 23 or int(found.group(2)) > 59:
        raise YuebaoError(
            f"配置项“schedule.time”的值“{value}”不是有效的时间，应写成如 08:30（00:00到23:59）",
            "schedule.time must look like HH:MM, 00:00 to 23:59",
        )


def valid_address(value: object) -> bool:
    """One plain e-mail address (no name, no list, no line break: it goes into a mail header)."""
    if not isinstance(value, str) or not value:
        return False
    try:
        address = Address(addr_spec=value)
    except Exception:  # noqa: BLE001 - the e-mail parser raises several kinds for a bad address
        return False
    return address.addr_spec == value and bool(address.username and address.domain)


def _check_addresses(data: dict) -> None:
    named = [
        ("supervision.bureau_office_email", data["supervision"]["bureau_office_email"]),
        ("smtp.sender", data["smtp"]["sender"]),
    ]
    named += [(f"schedule.chiefs[{i + 1}]", v) for i, v in enumerate(data["schedule"]["chiefs"])]
    for office, info in data["offices"].items():
        for key in ("email", "leader_email"):
            value = (info or {}).get(key)
            if isinstance(value, list) and value:
                named += [(f"offices.{office}.{key}[{i + 1}]", v) for i, v in enumerate(value)]
            else:
                named.append((f"offices.{office}.{key}", value))
    for key, value in named:
        if value in (None, "") and not key.startswith("schedule.chiefs"):
            continue  # not configured: reported as "no address" when a notice is due
        if key == "smtp.sender" and isinstance(value, str) and not {"\r", "\n"} & set(value):
            value = parseaddr(value)[1] or value  # "台山市教育局 <jyj@example.org>" is fine here
        if several := _several_addresses(value):
            raise _several_problem(key, value, several)
        if not valid_address(value):
            raise YuebaoError(
                f"配置项“{key}”的邮箱地址“{_shown(value)}”格式不对，应为一个邮箱，"
                "如 name@example.org（不能含空格、换行或多个地址）",
                f"config key {key} is not one valid e-mail address",
            )


def _several_addresses(value: object) -> list[str] | None:
    """The addresses of `a@x.org，b@x.org` (joined by a comma, 、, ; or a space), if that is it."""
    if not isinstance(value, str):
        return None
    parts = [part for part in re.split(r"[\s,，;；、]+", value) if part]
    return parts if len(parts) > 1 and all(valid_address(part) for part in parts) else None


def _several_problem(key: str, value: str, parts: list[str]) -> YuebaoError:
    listed = f"[{', '.join(parts)}]"
    field_name = re.sub(r"\[\d+\]$", "", key).rsplit(".", 1)[-1]
    if field_name in MANY_ADDRESSES or key.startswith("schedule.chiefs"):
        zh = (
            f"配置项“{key}”的“{_shown(value)}”是{len(parts)}个邮箱地址写在了一起：多个邮箱请写成"
            f"方括号中的列表，用英文半角逗号分隔，如 {field_name}: {listed}"
        )
        if field_name in MANY_ADDRESSES:
            zh += "（通知发往第一个）"
    else:
        zh = f"配置项“{key}”只能填一个邮箱地址，“{_shown(value)}”是{len(parts)}个，请只留一个"
    return YuebaoError(zh, f"config key {key}: several addresses in one value")


def _shown(value: object) -> str:
    return str(value).replace("\r", "\\r").replace("\n", "\\n")


PATTERN_KEYS = (
    "folders.outbox",
    "folders.inbox",
    "folders.archive",
    "folders.summary",
    "rollup.inbox",
)
PLAIN_PATH_KEYS = ("task_list", "ledger", "schedule.log", "web.state", "mail.ca_file")


def _check_patterns(data: dict) -> None:
    """Folder patterns know only {month}; other paths know none (a typo names a folder '{mnth}')."""
    for key in PATTERN_KEYS + PLAIN_PATH_KEYS:
        value = _value(data, key)
        allowed = {"month"} if key in PATTERN_KEYS else set()
        try:
            names = {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}
        except ValueError:
            names = {"{"}
        unknown = sorted(names - allowed)
        if unknown:
            known = "只能用{month}（表示月份，如2022-06）" if allowed else "不能使用{…}占位符"
            raise YuebaoError(
                f"配置项“{key}”中的“{{{unknown[0]}}}”无法识别：{known}，请检查拼写"
                "（花括号须成对出现）",
                f"config key {key}: unknown placeholder {{{unknown[0]}}}",
            )


_VALUE_CHECKS = (
    lambda data: _check_offices(data["offices"]),
    lambda data: _check_colours(data["colours"]),
    lambda data: _check_rules(data["rules"]),
    lambda data: _check_calendar(data["calendar"]),
    _check_choices,
    _check_ranges,
    lambda data: _check_time(data["schedule"]["time"]),
    _check_addresses,
    _check_patterns,
    lambda data: check_templates(),
)
