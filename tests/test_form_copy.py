"""fill writes forms as copies of one openpyxl-written form: each must be the form openpyxl writes.

Compared cell by cell (values, styles, locks), and sheet by sheet (row heights, merged blocks,
drop-downs, print set-up, protection, the hidden sheet); LibreOffice reads both alike.
"""

from __future__ import annotations

from datetime import date

import openpyxl
import pytest
from openpyxl.styles import PatternFill
from openpyxl.xml.functions import tostring

from reporting import libreoffice
from reporting.cycle import Cycle
from reporting.forms import layout as form
from reporting.forms import openpyxl_form
from reporting.forms.fill import fill_office, form_file_name, task_list_fingerprint
from reporting.forms.prefill import Carried
from reporting.forms.template_copy import TemplateCopy

from .conftest import soffice

TRICKY = " =SUM(A1:A3) & <b>#N/A</b> _x0041_ \x01 http://example.org "
# last month's answers as typed: a leading "=" is what a spreadsheet takes for a formula
FORMULAS = ["=1+1", '=HYPERLINK("http://example.org","点我")', "=SUM(A1:A3)"]


@pytest.fixture
def month(workdir):
    cycle = Cycle.load(workdir / "config.yaml", date(2022, 8, 1))
    tasks, period = cycle.tasks, cycle.period("2022-08")
    first = tasks.tasks[0]
    carried = Carried(  # last month's answers, some of them typed to hurt
        "2022-07",
        tasks={t.key: (f"{t.name}进展{TRICKY}", "无\n下月继续") for t in tasks.tasks[:6]}
        | {t.key: (typed, typed) for t, typed in zip(tasks.tasks[6:], FORMULAS)},
        done={m.key: date(2022, 7, 15) for m in first.milestones[:1]}
        | {m.key: None for m in first.milestones[1:2]},
    )
    return cycle, period, carried


def both(cycle, period, carried, office, folder):
    """(openpyxl's form, the copy) for one office."""
    fingerprint = task_list_fingerprint(cycle.tasks)
    name = form_file_name(period.label, office.name)
    reference = fill_office(
        cycle.tasks,
        office,
        period,
        "台山市教育系统",
        folder / "openpyxl" / name,
        fingerprint,
        carried,
    )
    copier = TemplateCopy(cycle.tasks, period, "台山市教育系统", fingerprint, carried)
    return reference, copier.write(office, folder / "copy" / name)


def test_every_copied_form_is_the_openpyxl_form(month, tmp_path):
    cycle, period, carried = month
    offices = [cycle.config.office(n) for n in cycle.tasks.lead_offices()]
    compared = 0
    for office in offices:
        reference, copied = both(cycle, period, carried, office, tmp_path)
        assert described(copied) == described(reference), office.name
        compared += 1
    assert compared == len(offices) > 5


def test_text_a_clerk_typed_stays_text(month, tmp_path):
    """Last month's answers carried into the copied forms, "=1+1" and "=HYPERLINK(…)" among them,
    are text in the form: never a formula, an error value or a link."""
    cycle, period, carried = month
    offices = {t.lead for t in cycle.tasks.tasks[:6] + cycle.tasks.tasks[6:9]}
    texts = {}
    for name in offices:
        _, copied = both(cycle, period, carried, cycle.config.office(name), tmp_path)
        ws = openpyxl.load_workbook(copied)[form.SHEET]
        for header in (form.PROGRESS, form.PROBLEMS):
            column = form.column_letter(header)
            for r in range(form.FIRST_DATA_ROW, ws.max_row + 1):
                cell = ws[f"{column}{r}"]
                if cell.value:
                    texts.setdefault(cell.value, set()).add(cell.data_type)
                    assert cell.hyperlink is None, cell.coordinate
    for typed in FORMULAS:
        assert texts.get(typed) == {"s"}, typed  # each one there, each one text
    tricky = [v for v in texts if "=SUM(A1:A3) & <b>#N/A</b>" in v]
    assert tricky and all(texts[v] == {"s"} for v in tricky)  # not a formula, not an error


def test_restyling_the_template_restyles_every_copied_form(month, tmp_path, monkeypatch):
    cycle, period, carried = month
    restyled = tmp_path / "progress_form.xlsx"
    wb = openpyxl.load_workbook(openpyxl_form.TEMPLATE)
    ws = wb[form.SHEET]
    for cell in ws[form.PROTO_TASK]:  # as a clerk would in Excel: task rows pale blue, wider
        cell.fill = PatternFill("solid", fgColor="FFDDEBF7")
    ws.column_dimensions[form.column_letter(form.PROGRESS)].width = 50
    wb.save(restyled)
    monkeypatch.setattr(openpyxl_form, "TEMPLATE", restyled)
    office = cycle.config.office(cycle.tasks.tasks[0].lead)
    reference, copied = both(cycle, period, carried, office, tmp_path)
    assert described(copied) == described(reference)
    ws = openpyxl.load_workbook(copied)[form.SHEET]
    task_row = next(
        r for r in range(form.FIRST_DATA_ROW, ws.max_row + 1) if "-M" not in ws[f"A{r}"].value
    )
    assert ws[f"B{task_row}"].fill.fgColor.rgb == "FFDDEBF7"
    assert ws.column_dimensions[form.column_letter(form.PROGRESS)].width == 50


def test_libreoffice_reads_the_copy_as_it_reads_the_openpyxl_form(month, tmp_path):
    soffice()
    cycle, period, carried = month
    office = cycle.config.office(cycle.tasks.tasks[0].lead)
    reference, copied = both(cycle, period, carried, office, tmp_path)
    # what LibreOffice read from each, as it saves it again
    seen = [
        described(libreoffice.convert(f, "xlsx", tmp_path / "libreoffice" / kind))
        for kind, f in (("openpyxl", reference), ("copy", copied))
    ]
    assert seen[0] == seen[1]
    assert seen[1][form.SHEET]["cells"][form.OFFICE_CELL][0] == office.name


def described(path) -> dict:
    """Everything a clerk sees or meets in a form, sheet by sheet (generated_at left out)."""
    wb = openpyxl.load_workbook(path)
    book = {
        "sheets": wb.sheetnames,
        "defined": sorted(wb.defined_names),
        "calculation": repr(wb.calculation),  # Excel neither recalculates nor asks to save
    }
    for ws in wb.worksheets:
        cells = {
            c.coordinate: (
                c.value,
                c.data_type,
                c.number_format,
                repr(c.font),
                repr(c.fill),
                repr(c.border),
                repr(c.alignment),
                repr(c.protection),
            )
            for row in ws.iter_rows()
            for c in row
        }
        if ws.title == form.META_SHEET:  # when each was written: seconds apart
            made_at = next(
                r for r in range(1, ws.max_row + 1) if ws[f"A{r}"].value == "generated_at"
            )
            cells.pop(f"B{made_at}")
        book[ws.title] = {
            "cells": cells,
            "state": ws.sheet_state,
            "rows": {r: (d.height, d.hidden) for r, d in ws.row_dimensions.items()},
            "columns": {k: (d.width, d.hidden) for k, d in ws.column_dimensions.items()},
            "merged": sorted(str(r) for r in ws.merged_cells.ranges),
            "dropdowns": sorted(
                (
                    dv.type,
                    dv.formula1,
                    dv.formula2,
                    dv.operator,
                    dv.allow_blank,
                    dv.showErrorMessage,
                    dv.showInputMessage,
                    dv.errorTitle,
                    dv.error,
                    dv.promptTitle,
                    dv.prompt,
                    tuple(sorted(c for r in dv.sqref.ranges for c in _cells(r))),
                )
                for dv in ws.data_validations.dataValidation
            ),
            "print": (
                ws.print_area,
                ws.print_title_rows,
                repr(ws.page_setup),
                repr(ws.page_margins),
                repr(ws.print_options),
                repr(ws.sheet_properties),
                tostring(ws.HeaderFooter.to_tree()),  # header and footer texts
                ws.freeze_panes,
            ),
            "protection": repr(ws.protection),
        }
    return book


def _cells(rng):
    return [
        (r, c)
        for r in range(rng.min_row, rng.max_row + 1)
        for c in range(rng.min_col, rng.max_col + 1)
    ]
