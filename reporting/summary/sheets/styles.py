"""The summary's look in one place: font and size, the lights' fills and font colours, and the
cell formats built from named parts (cached: Excel allows 64,000 formats in a workbook)."""

from __future__ import annotations

from typing import Any

from xlsxwriter.format import Format
from xlsxwriter.workbook import Workbook

from ...models import Light

FONT = "宋体"
SIZE = 11  # every sheet prints at 74% or more: no text under 8 points on paper
CELL = {"font_name": FONT, "font_size": SIZE, "valign": "top", "text_wrap": True, "border": 1}
HEAD = {**CELL, "bold": True, "bg_color": "#D9E1F2", "align": "center", "valign": "vcenter"}
BAND = "#EEF2F8"  # every other task's own columns in 汇总: one task, one block
REPEAT_GREY = "#7F7F7F"  # a task's values repeated on its later milestone rows
DEFAULT_FILLS = {
    Light.OVERDUE: "#FFC7CE",
    Light.DUE_SOON: "#FFEB9C",
    Light.DONE: "#C6EFCE",
    Light.UNDATED: "#D9D9D9",
}
FONT_COLOURS = {
    Light.OVERDUE: "#9C0006",
    Light.DUE_SOON: "#9C5700",
    Light.DONE: "#006100",
    Light.UNDATED: "#404040",
}
CHART_COLOURS = {  # grey levels 57, 143, 189, 242: apart on a black-and-white printer too
    Light.DONE: "#70AD47",
    Light.OVERDUE: "#C00000",
    Light.DUE_SOON: "#FFC000",
    Light.NOT_DUE: "#F2F2F2",
}
LEGEND = [
    (Light.OVERDUE, "已过计划完成时间，未报已完成"),
    (Light.DUE_SOON, "{amber}天内到期，尚未完成"),
    (Light.DONE, "已报完成"),
    (Light.UNDATED, "完成时间不明"),
]

Part = str | Light  # a named part of a format ("cell", "head", …) or a light's fill


class Formats:
    """The workbook's cell formats, each built once from named parts."""

    def __init__(self, wb: Workbook, fills: dict[Light, str] | None = None) -> None:
        self.wb = wb
        self.fills = {**DEFAULT_FILLS, **(fills or {})}
        self._formats: dict[tuple[Any, ...], Format] = {}

    def fmt(self, *kinds: Part, **extra: Any) -> Format:
        """A cell format built from named parts (cached: Excel allows 64,000 formats)."""
        key = (kinds, *sorted(extra.items())) if extra else kinds
        if key not in self._formats:
            props: dict[str, Any] = {}
            for kind in kinds:
                props.update(self._part(kind))
            props.update(extra)
            self._formats[key] = self.wb.add_format(props)
        return self._formats[key]

    def _part(self, kind: Part) -> dict[str, Any]:
        if isinstance(kind, Light):
            return {"bg_color": self.fills[kind]} if kind in self.fills else {}
        parts: dict[str, dict[str, Any]] = {
            "cell": CELL,
            "head": HEAD,
            "center": {"align": "center"},
            "bold": {"bold": True},
            "date": {"align": "center", "num_format": "yyyy-mm-dd"},
            "datetime": {"align": "center", "num_format": "yyyy-mm-dd hh:mm"},
            "title": {"font_name": FONT, "font_size": 16, "bold": True, "align": "center"},
            "sub": {"font_name": FONT, "font_size": SIZE, "font_color": "#404040"},
            "para": {"font_name": FONT, "font_size": SIZE, "text_wrap": True, "valign": "top"},
            "missing": {"bg_color": self.fills[Light.OVERDUE], "align": "center", "bold": True},
            "late": {"bg_color": self.fills[Light.DUE_SOON], "align": "center", "bold": True},
            "good": {"bg_color": self.fills[Light.DONE], "align": "center"},
            "band": {"bg_color": BAND},
            "repeat": {"font_color": REPEAT_GREY},
        }
        return parts[kind]

    def verdict_format(self, lt: Light | None, late_done: bool = False) -> Format:
        """判定: the word, on the light's fill, bold; a milestone done late framed as such."""
        if lt is None:
            return self.fmt("cell", "center")
        if late_done:
            return self.fmt("cell", lt, "center", "bold", font_color=FONT_COLOURS[Light.OVERDUE])
        return self.fmt("cell", lt, "center", "bold")
