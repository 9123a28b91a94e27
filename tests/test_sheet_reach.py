"""How far an xlsx sheet reaches is measured before it is opened, however its XML is written:
the address first or not, a namespace prefix, a cell with no address at all, a formula."""

import re
import zipfile
from pathlib import Path

import openpyxl
import pytest

from reporting.intake.grids import Bounds, open_book

BOUNDS = Bounds(rows=50, cols=12)
SHEET = "xl/worksheets/sheet1.xml"


def workbook(path: Path, rewrite=None, extra: str = "") -> Path:
    """A small sheet saved by openpyxl; `rewrite` edits its XML, `extra` is cells added in a row
    of their own at its end."""
    wb = openpyxl.Workbook()
    ws = wb.active
    for r in range(1, 6):
        for c in range(1, 5):
            ws.cell(r, c, f"{r}-{c}")
    wb.save(path)
    with zipfile.ZipFile(path) as zin:
        parts = {i.filename: zin.read(i) for i in zin.infolist()}
    xml = parts[SHEET].decode()
    if extra:
        xml = xml.replace("</sheetData>", f'<row r="6">{extra}</row></sheetData>')
    parts[SHEET] = (rewrite(xml) if rewrite else xml).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for name, data in parts.items():
            zout.writestr(name, data)
    return path


def test_a_sheet_inside_the_form_reads_whole_without_findings(tmp_path):
    book = open_book(workbook(tmp_path / "a.xlsx"), bounds=BOUNDS)
    assert book.beyond == {} and not book.formulas
    assert book.sheets["Sheet"][4][:4] == ["5-1", "5-2", "5-3", "5-4"]


@pytest.mark.parametrize(
    "cell, far",
    [
        ('<c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c>', "XFD1048576"),
        ('<c t="inlineStr" r="AA70"><is><t>x</t></is></c>', "AA70"),  # address not first
        ('<c r="B0000099" t="inlineStr"><is><t>x</t></is></c>', "D99"),  # zeros before the row
    ],
)
def test_a_far_cell_is_found_wherever_its_address_stands(tmp_path, cell, far):
    book = open_book(workbook(tmp_path / "far.xlsx", extra=cell), bounds=BOUNDS)
    assert book.beyond == {"Sheet": far}


def test_a_far_cell_under_a_namespace_prefix_is_found(tmp_path):
    def prefixed(xml: str) -> str:
        xml = re.sub(r"<(/?)(worksheet|sheetData|row|c|is|t|v|dimension)\b", r"<\1x:\2", xml)
        return xml.replace('xmlns="', 'xmlns:x="', 1)

    cell = '<c r="Z1000" t="inlineStr"><is><t>x</t></is></c>'
    book = open_book(workbook(tmp_path / "ns.xlsx", prefixed, extra=cell), bounds=BOUNDS)
    assert book.beyond == {"Sheet": "Z1000"}


def test_a_cell_without_an_address_counts_as_the_farthest_possible(tmp_path):
    """Its place depends on the cells before it: assume the worst rather than miss it."""
    cell = '<c t="inlineStr"><is><t>x</t></is></c>'
    book = open_book(workbook(tmp_path / "pos.xlsx", extra=cell), bounds=BOUNDS)
    assert book.beyond == {"Sheet": "XFD1048576"}


@pytest.mark.parametrize("formula", ["<f>1+1</f><v>2</v>", '<f t="shared" ref="A6" si="0"/>'])
def test_a_formula_is_noticed(tmp_path, formula):
    book = open_book(workbook(tmp_path / "f.xlsx", extra=f'<c r="A6">{formula}</c>'), bounds=BOUNDS)
    assert book.formulas and book.beyond == {}
