"""概览's two charts, side by side on the right of the office table: status by office (stacked
bars) above overdue milestones month by month (a line).

Both must read on a black-and-white printer: the series' fills are far apart in grey, outlined,
and every bar segment and point carries its number.
"""

from __future__ import annotations

from xlsxwriter.workbook import Workbook
from xlsxwriter.worksheet import Worksheet

from .. import xlsx
from ..models import Light

FONT = "宋体"
SERIES = (  # (column of the office table, light), in the bars' order
    (3, Light.DONE),
    (4, Light.OVERDUE),
    (5, Light.DUE_SOON),
    (6, Light.NOT_DUE),
)
GAP = 8  # points between the two charts


def overview_charts(
    wb: Workbook,
    ws: Worksheet,
    sheet: str,
    first: int,
    last: int,
    trend: tuple[int, int],
    top: int,
    left: int,
    width: float,
    height: float,
    title: str,
    colours: dict[Light, str],
) -> None:
    """The bar chart from row `top`, column `left`; the trend chart below it.  `width` is in
    character units (the columns the charts span), `height` in points (the rows beside them)."""
    px = xlsx.column_points(width) / 0.75
    # LibreOffice leaves out category labels that would overlap (it ignores tickLblSkip=1): the
    # bars get the height for a 10-point name per office, the trend what is left (it needs little)
    line_h = min(max(80.0, height * 0.22), 140.0)
    bars_h = max(160.0, height - line_h - GAP) / 0.75
    line_h /= 0.75
    bars = wb.add_chart({"type": "bar", "subtype": "stacked"})
    for col, lt in SERIES:
        bars.add_series(
            {
                "name": lt.value,
                "categories": [sheet, first, 0, last, 0],
                "values": [sheet, first, col, last, col],
                "fill": {"color": colours[lt]},
                "border": {"color": "#000000", "width": 0.5},
                "gap": 50,
                "data_labels": {
                    "value": True,
                    "num_format": "0;;;",  # no "0" on an empty segment
                    "font": {
                        "name": FONT,
                        "size": 10,  # 8 points or more on paper, the page fitted
                        "bold": True,
                        "color": "#FFFFFF" if lt is Light.OVERDUE else "#000000",
                    },
                },
            }
        )
    bars.set_title({"name": title, "name_font": {"name": FONT, "size": 12}})
    bars.set_y_axis({"reverse": True, "interval_unit": 1, "num_font": {"name": FONT, "size": 10}})
    bars.set_x_axis(
        {
            "num_font": {"name": FONT, "size": 10},
            "major_gridlines": {"visible": True},
            "min": 0,
            "major_unit": 2,
        }
    )
    bars.set_legend({"position": "bottom", "font": {"name": FONT, "size": 10}})
    bars.set_size({"width": px, "height": bars_h})
    ws.insert_chart(top, left, bars, {"object_position": 3})

    trend_row, months = trend
    line = wb.add_chart({"type": "line"})
    line.add_series(
        {
            "name": "逾期节点数",
            "categories": [sheet, trend_row + 1, 0, trend_row + max(months, 1), 0],
            "values": [sheet, trend_row + 1, 1, trend_row + max(months, 1), 1],
            "marker": {"type": "circle", "size": 7, "fill": {"color": "#000000"}},
            "line": {"color": "#000000", "width": 2},
            "data_labels": {
                "value": True,
                "position": "above",
                "font": {"name": FONT, "size": 10, "bold": True},
            },
        }
    )
    line.show_hidden_data()  # its data sits in hidden rows: the labels say the numbers
    line.set_title({"name": "逾期节点走势", "name_font": {"name": FONT, "size": 12}})
    line.set_legend({"none": True})
    line.set_y_axis(
        {"min": 0, "major_unit": 1, "num_format": "0", "num_font": {"name": FONT, "size": 10}}
    )
    line.set_x_axis({"num_font": {"name": FONT, "size": 10}})
    line.set_size({"width": px, "height": line_h})
    ws.insert_chart(top, left, line, {"y_offset": bars_h + GAP / 0.75, "object_position": 3})
