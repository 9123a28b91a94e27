"""The summary and the office form as they come out of a printer: rendered by LibreOffice to PDF
(once a session: tests/printing.py), read back word by word with poppler.

A word's box is taller than its font (ascent and descent): the ratio is measured once, from a
cell of known size rendered the same way, so the test reads sizes in printed points.
"""

from __future__ import annotations

import re
import subprocess
import zipfile
from collections import Counter
from datetime import date
from pathlib import Path

import openpyxl
import pytest

from reporting.codes import REGISTRY
from reporting.cycle import Cycle
from reporting.summary.rollup import rollup
from reporting.summary.workbook import CHART_COLOURS, summary_file_name

from .conftest import yuebao
from .printing import MONTHS, UNIT, Page, Word, grey_page, read_pages, sheet_pages
from .test_render import to_pdf
from .test_rollup import city_level, counties  # noqa: F401 (a fixture)

MIN_POINTS = 8


@pytest.fixture(scope="module")
def box_per_point(prints) -> float:
    """How tall LibreOffice's PDF makes a word's box per point of font size."""
    return prints.box_per_point


def points(word: Word, ratio: float) -> float:
    return (word.y1 - word.y0) / ratio


@pytest.fixture(scope="module")
def pdfs(prints) -> dict[str, Path]:
    """Both months' summaries, the whole workbook printed."""
    return {m: prints.pdf(prints.summary(m)) for m in MONTHS}


@pytest.fixture(scope="module")
def printed(prints) -> dict[str, list[Page]]:
    return {m: prints.pages(prints.summary(m)) for m in MONTHS}


@pytest.mark.parametrize("month", MONTHS)
def test_no_printed_text_under_8_points(printed, box_per_point, month):
    pages = printed[month]
    for sheet in ("概览", "逾期事项", "临期事项", "汇总", "报送情况", "校验问题"):
        mine = sheet_pages(pages, sheet)
        assert mine, f"{sheet} is printed"
        smallest = min(points(w, box_per_point) for p in mine for w in p.words)
        assert smallest >= MIN_POINTS, (sheet, round(smallest, 1))
    assert all(abs(p.width - 842) < 3 and abs(p.height - 595) < 3 for p in pages), "A4 landscape"


@pytest.mark.parametrize("month", MONTHS)
def test_no_near_empty_page(printed, month):
    for i, page in enumerate(printed[month], start=1):
        assert len(page.body) >= 15, (i, page.header, [w.text for w in page.words])


@pytest.mark.parametrize("month", MONTHS)
def test_every_page_starts_with_a_task_named_in_black(demo_dir, pdfs, printed, month, tmp_path):
    """汇总 repeats a task's 序号 on each of its rows, in grey after its first: every page starts
    with a row showing it in black (a task's first row, or a task continued from the page
    before).  The check reads the printed pixels: a page starting on a grey later row fails it
    (the grey rows each page holds are checked to read as grey)."""
    numbers = [i for i, p in enumerate(printed[month], start=1) if p.header.endswith("汇总")]
    assert len(numbers) > 1
    seen: set[str] = set()
    grey_rows = 0
    for n in numbers:
        page = printed[month][n - 1]
        rows = number_cells(page)
        shades = darkness(pdfs[month], n, rows, tmp_path)
        assert shades[0] < 80, (n, rows[0].text, shades[0])  # the page's first row: black
        grey_rows += sum(s > 90 for s in shades[1:])
        seen |= {w.text for w in rows}
    assert grey_rows  # later rows print grey: a page starting on one would fail
    tasks = openpyxl.load_workbook(demo_dir / month / summary_file_name(month, UNIT))["汇总"]
    numbers_in_sheet = {str(r[0].value) for r in tasks.iter_rows(min_row=5) if r[0].value}
    assert seen == numbers_in_sheet  # every task printed (its number read back)


def number_cells(page: Page) -> list[Word]:
    """The 序号 column's numbers on a page of 汇总, top to bottom (below its repeated header)."""
    head = next(w for w in page.words if w.text == "序号")
    column = [w for w in page.words if w.y0 > head.y1 and w.text.isdigit() and w.x1 < head.x1 + 8]
    return sorted(column, key=lambda w: w.y0)


def darkness(pdf: Path, n: int, words: list[Word], tmp_path: Path) -> list[int]:
    """The darkest grey (0 black … 255 white) inside each word's box on page n, at 100 dpi."""
    width, pixels = grey_page(pdf, n, tmp_path)
    k = 100 / 72
    return [
        min(
            pixels[y * width + x]
            for y in range(int(w.y0 * k) + 1, int(w.y1 * k))
            for x in range(int(w.x0 * k) + 1, int(w.x1 * k))
        )
        for w in words
    ]


def test_office_form_prints_readable_with_its_footer(prints, box_per_point):
    for month in MONTHS:
        pages = prints.pages(prints.form(month, "人事股"))
        smallest = min(points(w, box_per_point) for p in pages for w in p.words)
        assert smallest >= MIN_POINTS, (month, round(smallest, 1))
        for page in pages:
            footer = [w for w in page.words if w.text.startswith("第")][-1]
            assert footer.y1 < page.height - 15, "the footer whole, above the paper's edge"


def test_the_pdf_pack_has_overview_overdue_and_due_soon(demo_copy, box_per_point):
    result = yuebao(
        "merge", "--config", str(demo_copy / "config.yaml"), "--month", "2022-07",
        "--as-of", "2022-07-25", "--pdf",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr + result.stdout
    pages = read_pages(next((demo_copy / "2022-07").glob("*.pdf")))
    headers = [p.header for p in pages]
    assert any(h.endswith("概览") for h in headers)
    assert any(h.endswith("逾期事项") for h in headers)
    assert any(h.endswith("临期事项") for h in headers)
    assert min(points(w, box_per_point) for p in pages for w in p.words) >= MIN_POINTS
    assert all(len(p.body) >= 15 for p in pages)


# -- the workbook behind the pages --------------------------------------------------------------


def anchors(xlsx: Path, sheet_no: int = 1) -> list[tuple[tuple, tuple]]:
    """Each chart's (from, to) anchor on the `sheet_no`th drawing: ((col, off, row, off), …)."""
    with zipfile.ZipFile(xlsx) as z:
        xml = z.read(f"xl/drawings/drawing{sheet_no}.xml").decode()
    found = []
    for anchor in re.findall(r"<xdr:twoCellAnchor.*?</xdr:twoCellAnchor>", xml, re.S):
        ends = []
        for tag in ("from", "to"):
            part = re.search(rf"<xdr:{tag}>(.*?)</xdr:{tag}>", anchor, re.S).group(1)
            ends.append(tuple(int(v) for v in re.findall(r">(\d+)<", part)))
        found.append(tuple(ends))
    return found


@pytest.mark.parametrize("month", MONTHS)
def test_overview_charts_stand_apart_beside_the_table(demo_dir, month):
    (bar_from, bar_to), (line_from, line_to) = anchors(
        demo_dir / month / summary_file_name(month, UNIT)
    )
    # (col, col offset, row, row offset): the trend chart starts below the bar chart's end
    assert (line_from[2], line_from[3]) >= (bar_to[2], bar_to[3])
    # both right of the office table (its 11 columns), so no bar or office is covered
    assert bar_from[0] > 10 and line_from[0] > 10


@pytest.mark.parametrize("month", MONTHS)
def test_no_merged_cell_inside_a_filter(demo_dir, month):
    wb = openpyxl.load_workbook(demo_dir / month / summary_file_name(month, UNIT))
    filtered = [ws for ws in wb.worksheets if ws.auto_filter.ref]
    assert {"汇总", "逾期事项"} <= {ws.title for ws in filtered}
    for ws in filtered:
        first, last = ws.auto_filter.ref.split(":")
        top = int(re.sub(r"\D", "", first))
        bottom = int(re.sub(r"\D", "", last))
        inside = [
            str(m) for m in ws.merged_cells.ranges if m.max_row >= top and m.min_row <= bottom
        ]
        assert not inside, (ws.title, inside)


def test_every_milestone_row_names_its_task_and_office(demo_dir):
    ws = openpyxl.load_workbook(demo_dir / "2022-07" / summary_file_name("2022-07", UNIT))["汇总"]
    rows = list(ws.iter_rows(min_row=5, values_only=True))
    assert rows and all(r[0] and r[1] and r[2] for r in rows)  # filter 判定 = 逾期: still named
    assert all(isinstance(r[0], int) for r in rows), "序号 stored as a number"
    by_task = Counter(r[0] for r in rows)
    assert max(by_task.values()) > 1  # a task's milestones each carry its 序号


def test_numbers_are_numbers_where_a_chief_sorts(demo_dir):
    wb = openpyxl.load_workbook(demo_dir / "2022-07" / summary_file_name("2022-07", UNIT))
    for sheet in ("汇总", "逾期事项", "临期事项"):
        values = [r[0] for r in wb[sheet].iter_rows(min_row=4, values_only=True) if r[0]]
        values = [v for v in values if v != "序号"]
        assert values and all(isinstance(v, int) for v in values), sheet


def test_a_restored_edit_is_a_warning_and_the_return_accepted(demo_dir):
    """职终股 added "工作" to a task name in June: restored from the task list, so accepted."""
    wb = openpyxl.load_workbook(demo_dir / "2022-06" / summary_file_name("2022-06", UNIT))
    found = [r for r in wb["校验问题"].iter_rows(min_row=4, values_only=True) if r[0]]
    restored = [
        r for r in found if "已按原内容汇总" in (r[7] or "") or "已按原时间" in (r[7] or "")
    ]
    assert restored and all(r[0] == "警告" for r in restored)
    assert all(r[6] == REGISTRY[r[8]].name for r in found)  # the category in Chinese
    states = {r[0]: r[3] for r in wb["报送情况"].iter_rows(min_row=4, values_only=True) if r[0]}
    assert states["职终股"] == "按时报送"
    overview = {r[0]: r[10] for r in wb["概览"].iter_rows(min_row=8, values_only=True) if r[0]}
    assert overview["职终股"] != "红灯"


def test_charts_read_in_black_and_white(demo_dir, pdfs, tmp_path):
    """Printed in grey, the four statuses stay four clearly different greys, each present, and
    every bar segment carries its number."""
    xlsx = demo_dir / "2022-07" / summary_file_name("2022-07", UNIT)
    with zipfile.ZipFile(xlsx) as z:
        bars = next(
            z.read(n).decode()
            for n in z.namelist()
            if n.startswith("xl/charts/") and "<c:barChart>" in z.read(n).decode()
        )
    assert bars.count('<c:showVal val="1"/>') >= len(CHART_COLOURS)  # value labels on each series

    def grey(colour: str) -> int:
        r, g, b = (int(colour[i : i + 2], 16) for i in (1, 3, 5))
        return round(0.299 * r + 0.587 * g + 0.114 * b)

    levels = sorted(grey(c) for c in CHART_COLOURS.values())
    assert min(b - a for a, b in zip(levels, levels[1:])) >= 40
    subprocess.run(  # 概览, the first page, printed in grey
        [
            "pdftoppm",
            "-gray",
            "-r",
            "80",
            "-f",
            "1",
            "-l",
            "1",
            str(pdfs["2022-07"]),
            str(tmp_path / "g"),
        ],
        check=True,
    )
    data = next(tmp_path.glob("g*.pgm")).read_bytes()
    pixels = Counter(data.split(b"\n", 3)[3])
    for level in levels:
        assert sum(pixels[v] for v in range(level - 3, level + 4)) > 300, level


def test_a_roll_up_prints_readable(tmp_path, counties, box_per_point):  # noqa: F811
    """The city's roll-up, as its chiefs print it: A4 landscape, no text under 8 points."""
    result = rollup(Cycle.load(city_level(tmp_path, counties), date(2022, 6, 28)), "2022-06")
    pages = read_pages(to_pdf(result.path, tmp_path / "printed"))
    assert pages
    smallest = min(points(w, box_per_point) for p in pages for w in p.words)
    assert smallest >= MIN_POINTS, round(smallest, 1)
    assert all(abs(p.width - 842) < 3 and abs(p.height - 595) < 3 for p in pages), "A4 landscape"
    words = "".join(w.text for p in pages for w in p.words)
    assert "扩建台城" in words and "未对应本级任务" in words  # 汇总 (a narrow column) and 校验问题
