"""The summary's long sheets (汇总, 数据) are written row by row as XML (reporting/xlsx_rows.py):
the workbook a chief opens must be the very file xlsxwriter writes cell by cell, part for part."""

import zipfile
from datetime import date, datetime

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reporting import cycle as steps
from reporting.summary import workbook as merge
from reporting.xlsx import new_workbook
from reporting.xlsx_rows import RowWriter


class CellByCell:
    """The reference: every cell through xlsxwriter's own calls, the height with set_row.  Each
    row is handed to the file when done, as xlsxwriter does when the next row begins (else a
    sheet's last row would wait for the workbook's end and its formats be numbered last)."""

    def __init__(self, ws):
        self.ws = ws

    def row(self, r, cells, height=None):
        for col, value, fmt in cells:
            if isinstance(value, (date, datetime)):
                self.ws.write_datetime(r, col, value, fmt)
            elif value is None or value == "":
                self.ws.write_blank(r, col, None, fmt)
            else:
                self.ws.write(r, col, value, fmt)
        if height is not None:
            self.ws.set_row(r, height)
        self.ws._write_single_row(r + 1)


def parts(path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as z:  # core.xml holds the time written, nothing else differs
        return {n: z.read(n) for n in z.namelist() if n != "docProps/core.xml"}


def test_the_summary_is_the_file_xlsxwriter_writes_cell_by_cell(demo_copy, tmp_path, monkeypatch):
    c = steps.Cycle.load(demo_copy / "config.yaml", date(2022, 7, 25))
    period, check = steps.check_month(c, "2022-07")
    with c.ledger() as ledger:
        summary = steps.summarise(c, period, check, ledger)
    fast = merge.write_summary(summary, tmp_path / "fast.xlsx", c.amber_days)
    monkeypatch.setattr(merge, "RowWriter", CellByCell)
    slow = merge.write_summary(summary, tmp_path / "slow.xlsx", c.amber_days)
    written, expected = parts(fast), parts(slow)
    assert written.keys() == expected.keys()
    for name in expected:
        assert written[name] == expected[name], name
    rows = sum(xml.count(b"<row ") for n, xml in written.items() if n.startswith("xl/worksheets/"))
    assert rows > 2 * len(summary.rows)  # 汇总 and 数据 were there to compare


PIECE = st.one_of(
    st.characters(blacklist_categories=("Cs",)),
    st.sampled_from(["\n", "\t", "\r", " ", "&", "<", ">", "_x0041_", "_", "\ufffe", "😀", "进展"]),
)
TEXT = st.lists(PIECE, max_size=12).map("".join)
TEXT = TEXT.filter(lambda t: not (t.startswith("<r>") and t.endswith("</r>")))  # text on purpose
VALUE = st.one_of(
    st.none(),
    TEXT,
    st.integers(-(10**15), 10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.booleans(),
    st.dates(date(1900, 3, 1), date(2200, 1, 1)),
    st.datetimes(datetime(1900, 3, 1), datetime(2200, 1, 1)),
    st.builds(
        lambda ch, n: ch * n, st.sampled_from(["长", "😀", "a"]), st.integers(16_000, 33_000)
    ),
)
CELLS = st.dictionaries(  # column -> (value, format)
    st.integers(0, 30), st.tuples(VALUE, st.integers(0, 3)), min_size=1, max_size=8
)
ROW = st.tuples(  # a row of cells (a blank without a format is no cell)
    CELLS.filter(lambda cells: any(v not in (None, "") or f for v, f in cells.values())),
    st.one_of(st.none(), st.floats(0.5, 409), st.sampled_from([15.0, 14.9, 15.2])),
)


def written(path, rows, writer) -> dict[str, bytes]:
    wb = new_workbook(path)
    formats = [None, wb.add_format({"bold": True}), wb.add_format({"num_format": "0.0"})]
    formats.append(wb.add_format({"num_format": "yyyy-mm-dd", "bg_color": "#FFC7CE"}))
    ws = wb.add_worksheet("数据")
    ws.set_column(3, 3, 12, formats[1])  # a column's format, for cells written without one
    ws.write(0, 0, "表头")
    out = writer(ws)
    for r, (cells, height) in enumerate(rows, start=1):
        out.row(r, [(col, v, formats[f]) for col, (v, f) in sorted(cells.items())], height)
    wb.close()
    return parts(path)


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ROW, max_size=6))
@example([({0: (" 前后有空格 ", 0), 1: ("_x0001_\x01&<>", 1), 2: (3.25, 2)}, 20.0)])
@example([({3: ("按列格式", 0), 4: (date(2022, 6, 30), 0), 5: ("", 3), 6: (None, 0)}, None)])
def test_any_row_is_written_as_xlsxwriter_writes_it(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("rows")
    assert written(folder / "fast.xlsx", rows, RowWriter) == written(
        folder / "slow.xlsx", rows, CellByCell
    )


def test_rows_go_top_to_bottom(tmp_path):
    wb = new_workbook(tmp_path / "a.xlsx")
    ws = wb.add_worksheet()
    rows = RowWriter(ws)
    rows.row(5, [(0, "第六行", None)])
    with pytest.raises(ValueError, match="row 5 comes after"):
        rows.row(4, [(0, "第五行", None)])
    with pytest.raises(ValueError, match="not a row's height"):
        rows.row(6, [(0, "高度为零", None)], 0)
    with pytest.raises(ValueError, match="beyond Excel's sheet"):
        rows.row(1_048_576, [(0, "太远", None)])
    wb.close()


@pytest.mark.filterwarnings("ignore:Cell .* is marked as a date")  # numbers under a date format
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(ROW, min_size=1, max_size=5))
@example([({0: ("=1+1", 0), 1: ("+SUM(A1)", 1), 2: ("@x", 0)}, 30.0)])
def test_an_untested_xlsxwriter_gets_the_same_cells_through_its_public_calls(
    tmp_path_factory, rows
):
    """A bureau on an xlsxwriter the row writer was never checked against: the same cells,
    formats and heights (texts still text), written by xlsxwriter's own public calls."""
    folder = tmp_path_factory.mktemp("plain")
    written(folder / "fast.xlsx", rows, RowWriter)
    written(folder / "plain.xlsx", rows, lambda ws: RowWriter(ws, fast=False))
    fast, plain = folder / "fast.xlsx", folder / "plain.xlsx"
    assert read_back(plain) == read_back(fast)
    assert b"<f>" not in b"".join(parts(plain).values())  # no formula, whatever was typed


def read_back(path) -> tuple[dict, dict]:
    """Every cell's value, type, number format and boldness; every row's height."""
    import openpyxl

    wb = openpyxl.load_workbook(path)
    cells = {
        (ws.title, c.coordinate): (c.value, c.data_type, c.number_format, bool(c.font.b))
        for ws in wb.worksheets
        for row in ws.iter_rows()
        for c in row
        if c.value is not None or c.has_style
    }
    heights = {
        (ws.title, n): d.height for ws in wb.worksheets for n, d in ws.row_dimensions.items()
    }
    return cells, heights


def test_only_the_versions_checked_byte_for_byte_take_the_fast_path(monkeypatch, tmp_path):
    import xlsxwriter

    from reporting import xlsx_rows

    assert xlsx_rows.tested_xlsxwriter(xlsxwriter.__version__)  # the one these tests ran on
    assert not xlsx_rows.tested_xlsxwriter("3.4.0")
    assert not xlsx_rows.tested_xlsxwriter("4.0")
    monkeypatch.setattr(xlsx_rows, "TESTED_XLSXWRITER", ())
    wb = new_workbook(tmp_path / "a.xlsx")
    assert not RowWriter(wb.add_worksheet()).fast
    wb.close()
