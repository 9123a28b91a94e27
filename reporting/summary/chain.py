"""Where a roll-up row came from: the units and tasks it passed through, top first.

A unit's own summary writes its task on each hidden 数据 row (任务编码, 任务名称, 上级任务 …) and
an empty 来源链.  A roll-up writes its own task there and, in 来源链, the links below it (as JSON,
so names with any character survive), so the province reads province task ← city task ← county
task and the unit of each, however many levels there are.
"""

from __future__ import annotations

import json
from dataclasses import astuple, dataclass

from ..intake import values as cells

ARROW = " ← "
UNMAPPED = "（未对应）"


@dataclass(frozen=True)
class Link:
    """One level of a row's origin: the unit and its task the row was reported under."""

    unit: str
    key: str  # the unit's task code ("" when the unit had no task for it: an unmapped row)
    no: str
    name: str
    office: str  # the task's lead office
    parent: str  # the 上级任务 that task names (a task code of the unit above)

    @property
    def label(self) -> str:
        return f"{self.key} {self.name}".strip() if self.key else UNMAPPED


def links_of(row: dict, sender: str) -> tuple[Link, ...]:
    """The sender's own task on this row, then the levels below it as the sender recorded them
    (none in a unit's own summary, or in one written before 来源链 existed)."""
    own = Link(
        sender,
        cells.text(row.get("任务编码")),
        cells.text(row.get("序号")),
        cells.text(row.get("任务名称")),
        cells.text(row.get("牵头股室")),
        cells.text(row.get("上级任务")),
    )
    return (own, *decode(row.get("来源链")))


def encode(links: tuple[Link, ...]) -> str:
    return json.dumps([list(astuple(link)) for link in links], ensure_ascii=False)


def decode(value: object) -> tuple[Link, ...]:
    """Links as encoded; anything else (empty, typed over) reads as no level below."""
    try:
        data = json.loads(cells.text(value) or "[]")
        return tuple(Link(*(cells.text(v) for v in item)) for item in data)
    except (ValueError, TypeError):
        return ()


def gap_below(links: tuple[Link, ...]) -> tuple[Link, Link] | None:
    """(upper, lower): the first level down whose unit had no task for the lower unit's task
    (already listed by that unit's roll-up), or None."""
    for upper, lower in zip(links, links[1:]):
        if not upper.key:
            return upper, lower
    return None


def unit_path(top: str, links: tuple[Link, ...]) -> str:
    return ARROW.join([top, *(link.unit for link in links)])


def task_path(top: str, links: tuple[Link, ...]) -> str:
    return ARROW.join([top or UNMAPPED, *(link.label for link in links)])
