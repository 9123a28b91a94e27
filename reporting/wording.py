"""Jinja2 texts from templates/: titles, notes, messages.  Clerks may edit the .j2 files."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2
from jinja2 import meta

from .errors import YuebaoError


def _bundled() -> Path:
    """Where templates/ and the sample (config.yaml, workbooks/) are: inside the package when
    installed from a wheel (the build copies them there, see setup.py), else the checkout's top
    folder, where people edit them (an editable install, tests)."""
    package = Path(__file__).resolve().parent
    inside = package / "bundled"
    return inside if (inside / "templates").is_dir() else package.parent


BUNDLED = _bundled()
TEMPLATES = BUNDLED / "templates"
_NOTICE = {"bureau", "month", "year", "deadline", "day", "office", "info"}
# what the program hands each template: a name outside these would stop a run on the day it is used
VARIABLES = {
    "escalation.j2": _NOTICE | {"reason_zh", "detail", "fix_by"},
    "feedback.j2": {
        "office",
        "title",
        "returned",
        "file",
        "file_shown",
        "findings",
        "info_only",
        "as_of",
        "deadline",
        "fix_by",
        "errors",
        "sender",
    },
    "mail_reply.j2": {"subject", "file", "office", "received", "findings", "errors", "bureau"},
    "form_note.j2": {"month", "statuses", "deadline", "carried_from", "period_start"},
    "form_title.j2": {"bureau", "year", "period_start", "month"},
    "remind_form.j2": _NOTICE | {"tasks", "file", "outbox", "carried"},
    "remind_milestones.j2": _NOTICE | {"due", "window"},
    "remind_missing.j2": _NOTICE | {"tasks", "rejected", "file", "errors"},
    "report_summary.j2": _NOTICE | {"overview"},
    "summary_text.j2": {
        "as_of",
        "tasks",
        "milestones",
        "month",
        "due_by_month",
        "done",
        "overdue",
        "due_soon",
        "undated",
        "amber_days",
        "offices",
        "on_time",
        "late",
        "late_names",
        "missing",
        "missing_names",
        "rejected",
        "rejected_names",
        "errors",
        "warnings",
    },
    "summary_title.j2": {"bureau", "year"},
}


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(TEMPLATES),
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=False,
        trim_blocks=True,
        lstrip_blocks=True,
    )


_found_good: set[tuple[Path, tuple[bytes, ...]]] = set()  # (folder, contents) checked before


def check_templates(folder: Path = TEMPLATES) -> None:
    """Every text template parses and uses only the names it is given: a bad edit stops at once.
    Templates found good are not parsed again while their contents stay the same (each command
    and each day of the schedule loads the config: parsing them was most of that)."""
    try:
        contents = tuple((folder / name).read_bytes() for name in VARIABLES)
    except OSError:
        contents = ()  # said below, file by file
    if contents and (folder, contents) in _found_good:
        return
    env = environment()
    for name, known in VARIABLES.items():
        path = folder / name
        try:
            used = meta.find_undeclared_variables(env.parse(path.read_text(encoding="utf-8")))
        except (OSError, UnicodeDecodeError) as exc:
            raise YuebaoError(
                f"无法读取文字模板：{path}", f"template unreadable: {path}: {exc}"
            ) from exc
        except jinja2.TemplateSyntaxError as exc:
            raise YuebaoError(
                f"文字模板“{name}”第{exc.lineno}行格式有误（{exc.message}），请检查花括号是否成对",
                f"template {name} line {exc.lineno}: {exc.message}",
            ) from exc
        unknown = sorted(used - known)
        if unknown:
            raise YuebaoError(
                f"文字模板“{name}”中的{{{{ {unknown[0]} }}}}无法识别，可用的有："
                + "、".join(sorted(known))
                + "，请检查拼写",
                f"template {name}: unknown name {unknown[0]}",
            )
    if contents:
        _found_good.add((folder, contents))


def render(name: str, **context: object) -> str:
    return environment().get_template(name).render(**context).strip()


MAX_ROW_POINTS = 409  # Excel's tallest row: a longer text scrolls inside its cell


@lru_cache(maxsize=1 << 16)  # the summary repeats a task's texts on each of its rows
def row_height(text: str, width: float, minimum: int = 1, size: float = 10) -> float:
    """Points a row needs to show wrapped text of `size` points in a column `width` characters wide.

    Excel does not grow rows on open, so we size them: a CJK character is as wide as the font is
    high, a Latin one about half; a line holds 8% less than its width (words and 。 are not split).
    """
    usable = ((int(width * 7 + 0.5) + 5) * 0.75 - 4) / 1.08  # points: Excel's 7 pixels a unit
    lines = 0
    for part in (text or "").split("\n"):
        points = sum(size if ord(ch) > 0x2E7F else size * 0.55 for ch in part)
        lines += max(1, -(-int(points) // max(1, int(usable))))
    return min(MAX_ROW_POINTS, round(size * 1.35 * max(lines, minimum) + 4, 1))
