"""What a returned form says above its table: 填报股室, 填报人, 填报日期 beside their labels, and
the month in its title ("2022年…（1—6月）")."""

from __future__ import annotations

import re

from . import values as cells
from .grids import Cell, Grid

_TITLE_MONTH = re.compile(
    r"(20\d\d)\s*年.*?[（(]\s*\d{1,2}\s*[—\-－~～至到]+\s*(\d{1,2})\s*月\s*[）)]"
)
_LABELS = ("填报股室", "填报人", "填报日期")


_LABEL = re.compile(r"[\u4e00-\u9fff]{1,8}:")  # a few Chinese words and a colon: 联系电话：


def is_label(value: Cell | None) -> bool:
    """A cell that is a label itself ("填报日期：", "联系电话:"): never the value before it.  What a
    clerk typed as a value stays a value, even with a colon at its end ("mailto:")."""
    text = cells.squash(value)  # NFKC: "：" is ":"
    return text.rstrip(":") in _LABELS or _LABEL.fullmatch(text) is not None


def label_raw(head: Grid, label: str) -> Cell | None:
    for row in head:
        for i, v in enumerate(row):
            if cells.squash(v).rstrip(":：") == label:
                value = next((x for x in row[i + 1 :] if cells.text(x)), None)
                return None if is_label(value) else value  # left empty: the next label
            text = cells.text(v)
            if (
                text.startswith(label) and len(text) > len(label) + 1
            ):  # "填报股室：基财股" in one cell
                return text[len(label) :].lstrip(":： ")
    return None


def label_value(head: Grid, label: str) -> str:
    return cells.text(label_raw(head, label))


def month_from_title(head: Grid) -> str:
    for row in head:
        for v in row:
            m = _TITLE_MONTH.search(cells.text(v))
            if m:
                return f"{int(m.group(1)):04d}-{int(m.group(2)):02d}"
    return ""
