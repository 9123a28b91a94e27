"""The demo's workbooks as LibreOffice prints them, read back with poppler: each workbook printed
once a test session (a LibreOffice start is seconds), shared by the paper tests (test_render,
test_print, test_paper_print) through the session fixture `prints` (registered in conftest).

A page is read word by word (`pdftotext -bbox`: every word's box on its page).
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
import xlsxwriter

from reporting.forms.fill import form_file_name
from reporting.libreoffice import convert_all, soffice
from reporting.summary.workbook import summary_file_name

from .once import made_once

UNIT = "台山市教育系统"  # the sample bureau: its name is in the summary's file name
MONTHS = ("2022-06", "2022-07")
FORMS = [("2022-06", "基财股"), ("2022-06", "人事股"), ("2022-07", "人事股")]
FORMS += [("2022-07", "基财股"), ("2022-07", "督导室")]
# what a LibreOffice without Arial or Liberation Sans prints Arial with (fc-match Arial on a
# plain Debian): the widest column unit (reporting/paper.py)
DEJAVU = "DejaVu Sans"
WORD = r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*?)</word>'


@dataclass
class Word:
    x0: float
    y0: float
    x1: float
    y1: float
    text: str


@dataclass
class Page:
    width: float
    height: float
    words: list[Word]

    @property
    def header(self) -> str:  # the running header: "<title> <sheet>"
        return "".join(w.text for w in self.words if w.y1 < 40)

    @property
    def body(self) -> list[Word]:
        return [w for w in self.words if 40 <= w.y0 and w.y1 <= self.height - 30]


def read_pages(pdf: Path) -> list[Page]:
    html = subprocess.run(
        ["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    pages = []
    for size, body in re.findall(
        r'<page width="([\d.]+" height="[\d.]+)">(.*?)</page>', html, re.S
    ):
        width, height = (float(v) for v in size.split('" height="'))
        words = [
            Word(float(a), float(b), float(c), float(d), t)
            for a, b, c, d, t in re.findall(WORD, body)
        ]
        pages.append(Page(width, height, words))
    return pages


def sheet_pages(pages: list[Page], sheet: str) -> list[Page]:
    return [p for p in pages if p.header.endswith(sheet)]


class Prints:
    """PDFs of the demo's workbooks, each rendered once: the summaries, the forms above and a
    calibration cell in one LibreOffice run, once a test run (the prints fixture)."""

    def __init__(self, demo_dir: Path, folder: Path) -> None:
        self.demo, self.folder = demo_dir, folder
        self.done: dict[tuple[Path, str], Path] = {}
        self.read: dict[Path, list[Page]] = {}
        self.calibration = folder / "ten.xlsx"
        wb = xlsxwriter.Workbook(str(self.calibration))
        wb.add_worksheet().write(
            0, 0, "汉字十点", wb.add_format({"font_name": "宋体", "font_size": 10})
        )
        wb.close()
        self.common = [self.summary(m) for m in MONTHS] + [self.form(m, o) for m, o in FORMS]
        self.common.append(self.calibration)

    def summary(self, month: str) -> Path:
        return self.demo / month / summary_file_name(month, UNIT)

    def form(self, month: str, office: str) -> Path:
        return self.demo / month / "待发送" / form_file_name(month, office)

    def print_common(self, folder: Path) -> None:
        """The summaries, the forms and the calibration cell printed in one LibreOffice run."""
        convert_all(self.common, "pdf", folder, 180)

    def printed(self, folder: Path) -> None:
        """Those prints, made (by print_common) in `folder`."""
        for xlsx in self.common:
            self.done[xlsx, ""] = folder / f"{xlsx.stem}.pdf"

    def pdf(self, xlsx: Path, arial: str = "") -> Path:
        """`xlsx` printed by LibreOffice (`arial`: the font it is told to print Arial with;
        by default as reporting.libreoffice decides)."""
        if (xlsx, arial) not in self.done:
            out = self.folder / (arial.replace(" ", "-") or "default")
            self.done[xlsx, arial] = convert_all([xlsx], "pdf", out, 180, arial)[0]
        return self.done[xlsx, arial]

    def pages(self, xlsx: Path, arial: str = "") -> list[Page]:
        pdf = self.pdf(xlsx, arial)
        if pdf not in self.read:
            self.read[pdf] = read_pages(pdf)
        return self.read[pdf]

    @property
    def box_per_point(self) -> float:
        """How tall LibreOffice's PDF makes a word's box per point of font size (10-point
        cell): a word's box is taller than its font (ascent and descent)."""
        (word,) = self.pages(self.calibration)[0].words
        return (word.y1 - word.y0) / 10


@pytest.fixture(scope="session")
def prints(demo_dir, tmp_path_factory) -> Prints:
    if not soffice():
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc)")
    prints = Prints(demo_dir, tmp_path_factory.mktemp("prints"))
    prints.printed(made_once(tmp_path_factory, "prints", prints.print_common))  # once a run
    return prints


def grey_page(pdf: Path, n: int, tmp_path: Path) -> tuple[int, bytes]:
    """Page n of `pdf` in grey at 100 dpi: (its width in pixels, a byte a pixel, 0 black)."""
    stem = tmp_path / f"grey{n}"
    subprocess.run(
        ["pdftoppm", "-gray", "-r", "100", "-f", str(n), "-l", str(n), str(pdf), str(stem)],
        check=True,
    )
    image = next(tmp_path.glob(f"grey{n}*.pgm"))
    _, width, _, _, data = image.read_bytes().split(maxsplit=4)
    image.unlink()
    return int(width), data
