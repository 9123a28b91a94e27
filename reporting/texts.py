"""Jinja2 texts from templates/: titles, notes, messages.  Clerks may edit the .j2 files."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import jinja2

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


@lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), undefined=jinja2.StrictUndefined,
                              keep_trailing_newline=False, trim_blocks=True, lstrip_blocks=True)


def render(name: str, **context) -> str:
    return environment().get_template(name).render(**context).strip()


def row_height(text: str, width: float, minimum: int = 1) -> float:
    """Points a row needs to show wrapped text in a column `width` characters wide.

    Excel does not grow rows on open, so we size them: a CJK character is two widths wide.
    """
    per_line = max(1, int((width - 2) / 2 * 1.05))
    lines = sum(max(1, -(-len(part) // per_line)) for part in (text or "").split("\n"))
    return 13.5 * max(lines, minimum) + 4
