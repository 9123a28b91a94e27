"""Build the starting templates/progress_form.xlsx.

The xlsx in templates/ is the source of truth afterwards: a clerk may restyle it in Excel
(fonts, colours, widths, print set-up) and fill keeps those styles.  Run this only to start over:

    python tools/build_templates.py
"""

from pathlib import Path

import openpyxl
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

from reporting.forms import layout as form

OUT = Path(__file__).resolve().parent.parent / "templates" / "progress_form.xlsx"
FONT = "宋体"
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")  # pale yellow: type here
LOCKED_FILL = PatternFill("solid", fgColor="F2F2F2")  # pale grey: from the task list, not typed
DUE_FILL = PatternFill("solid", fgColor="FCE4D6")  # pale orange: due by this report
HEAD_FILL = PatternFill("solid", fgColor="D9E1F2")
thin = Side(style="thin", color="808080")
BORDER = Border(left=thin, right=thin, top=thin, bottom=thin)


def build() -> Path:
    wb = openpyxl.Workbook()
    # the default font sets the column unit: Arial's, as in Excel, where LibreOffice has no Calibri
    wb._named_styles["Normal"].font = Font(name="Arial", size=10)
    wb._fonts[0] = Font(name="Arial", size=10)
    ws = wb.active
    ws.title = form.SHEET
    for i, h in enumerate(form.HEADERS):
        ws.column_dimensions["ABCDEFGHIJK"[i]].width = form.WIDTHS[h]
    ws.column_dimensions["A"].hidden = True

    ws.merge_cells("B1:K1")
    ws[form.TITLE_CELL] = "{{ title }}"
    ws[form.TITLE_CELL].font = Font(name=FONT, size=16, bold=True)
    ws[form.TITLE_CELL].alignment = Alignment(horizontal="center", vertical="center")
    ws.row_dimensions[1].height = 32

    labels = {
        form.OFFICE_LABEL: "填报股室：",
        form.FILLED_BY_LABEL: "填报人：",
        form.FILLED_ON_LABEL: "填报日期：",
        form.DEADLINE_LABEL: "报送截止：",
    }
    for ref, text in labels.items():
        ws[ref] = text
        ws[ref].font = Font(name=FONT, size=11, bold=True)
        ws[ref].alignment = Alignment(horizontal="right", vertical="center")
    for ref in (form.OFFICE_CELL, form.DEADLINE_CELL):
        ws[ref].font = Font(name=FONT, size=11, bold=True)
        ws[ref].alignment = Alignment(horizontal="left", vertical="center")
    for ref in (form.FILLED_BY_CELL, form.FILLED_ON_CELL):
        ws[ref].font = Font(name=FONT, size=11)
        ws[ref].fill = INPUT_FILL
        ws[ref].border = BORDER
        ws[ref].protection = Protection(locked=False)
    ws[form.FILLED_ON_CELL].number_format = "yyyy-mm-dd"
    ws[form.DEADLINE_CELL].number_format = "yyyy-mm-dd"
    ws.row_dimensions[2].height = 22

    ws.merge_cells("B3:K3")
    ws[form.NOTE_CELL] = "{{ note }}"
    ws[form.NOTE_CELL].font = Font(name=FONT, size=form.FONT_SIZE, color="404040")
    ws[form.NOTE_CELL].alignment = Alignment(wrap_text=True, vertical="top")
    ws.row_dimensions[3].height = 56

    for i, h in enumerate(form.HEADERS, start=1):
        c = ws.cell(form.HEADER_ROW, i, h)
        c.font = Font(name=FONT, size=11, bold=True)
        c.fill = HEAD_FILL
        c.border = BORDER
        c.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    ws.row_dimensions[form.HEADER_ROW].height = 30

    # Prototype rows: fill copies these styles per column.
    for row, kind in (
        (form.PROTO_TASK, "task"),
        (form.PROTO_MILESTONE, "milestone"),
        (form.PROTO_MILESTONE_DUE, "due"),
    ):
        for i, h in enumerate(form.HEADERS, start=1):
            c = ws.cell(row, i)
            c.border = BORDER
            c.font = Font(
                name=FONT,
                size=form.FONT_SIZE,
                bold=(kind == "task" and h in (form.NO, form.NAME)),
            )
            c.alignment = Alignment(
                wrap_text=True,
                vertical="top",
                horizontal="center"
                if h in (form.NO, form.DUE, form.STATUS, form.DONE_ON)
                else None,
            )
            open_cell = (kind == "task" and h in form.TASK_INPUTS) or (
                kind != "task" and h in form.MILESTONE_INPUTS
            )
            if open_cell:
                c.fill = INPUT_FILL
                c.protection = Protection(locked=False)
            elif kind == "due" and h in (form.CONTENT, form.DUE):
                c.fill = DUE_FILL
            else:
                c.fill = LOCKED_FILL
            if h in (form.DUE, form.DONE_ON):
                c.number_format = "yyyy-mm-dd"
        ws.cell(row, 1, f"prototype:{kind}")

    ws.freeze_panes = "B5"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.print_options.horizontalCentered = True
    ws.page_margins.left = ws.page_margins.right = 0.4
    ws.page_margins.top, ws.page_margins.bottom = 0.6, 0.8  # the footer whole above the edge
    ws.page_margins.header = ws.page_margins.footer = 0.3
    ws.oddFooter.center.text = "第 &P 页，共 &N 页"
    ws.oddFooter.center.size = 11
    OUT.parent.mkdir(exist_ok=True)
    wb.save(OUT)
    return OUT


if __name__ == "__main__":
    print(build())
