"""Open what we write in a real spreadsheet program (LibreOffice headless) and render it to
pages (the demo's workbooks once a session: tests/printing.py)."""

import subprocess
from pathlib import Path

from reporting.libreoffice import convert

from .conftest import soffice


def to_pdf(xlsx: Path, out: Path, arial: str = "") -> Path:
    """`arial`: the font LibreOffice is told to print Arial with (reporting.libreoffice)."""
    soffice()  # skips without LibreOffice
    return convert(xlsx, "pdf", out, timeout=180, arial=arial)


def pdf_pages(pdf: Path) -> list[tuple[float, float]]:
    """(width, height) in points of every page, read by poppler."""
    info = subprocess.run(
        ["pdfinfo", "-f", "1", "-l", "999", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    sizes = []
    for line in info.splitlines():
        if line.startswith("Page") and "size:" in line:
            parts = line.split("size:")[1].split()
            sizes.append((float(parts[0]), float(parts[2])))
    return sizes


def pdf_text(pdf: Path) -> str:
    return subprocess.run(
        ["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout


def test_summary_opens_and_prints_landscape_a4(prints):
    pdf = prints.pdf(prints.summary("2022-06"))
    sizes = pdf_pages(pdf)
    assert sizes and all(w > h for w, h in sizes), "A4 landscape pages"
    assert all(abs(w - 842) < 3 and abs(h - 595) < 3 for w, h in sizes)
    text = pdf_text(pdf)
    assert "逾期" in text and "台山市教育系统" in text  # Chinese text renders, not boxes
    assert len(sizes) < 40, "fit to one page wide keeps the summary short"


def test_office_workbook_opens_and_prints(prints):
    pdf = prints.pdf(prints.form("2022-06", "人事股"))
    sizes = pdf_pages(pdf)
    assert sizes and all(w > h for w, h in sizes)
    text = pdf_text(pdf)
    assert "进展情况表" in text and "人事股" in text and "加强教师培训" in text
