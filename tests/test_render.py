"""Open what we write in a real spreadsheet program (LibreOffice headless) and render it to
pages."""

import subprocess
from pathlib import Path

from reporting.forms.fill import form_file_name
from reporting.libreoffice import convert

from .conftest import soffice


def to_pdf(xlsx: Path, out: Path) -> Path:
    soffice()  # skips without LibreOffice
    return convert(xlsx, "pdf", out, timeout=180)


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


def test_summary_opens_and_prints_landscape_a4(demo_dir, tmp_path):
    pdf = to_pdf(demo_dir / "2022-06" / "重点工作进展汇总_2022-06_台山市教育系统.xlsx", tmp_path)
    sizes = pdf_pages(pdf)
    assert sizes and all(w > h for w, h in sizes), "A4 landscape pages"
    assert all(abs(w - 842) < 3 and abs(h - 595) < 3 for w, h in sizes)
    text = pdf_text(pdf)
    assert "逾期" in text and "台山市教育系统" in text  # Chinese text renders, not boxes
    assert len(sizes) < 40, "fit to one page wide keeps the summary short"


def test_office_workbook_opens_and_prints(demo_dir, tmp_path):
    xlsx = demo_dir / "2022-06" / "待发送" / form_file_name("2022-06", "人事股")
    pdf = to_pdf(xlsx, tmp_path)
    sizes = pdf_pages(pdf)
    assert sizes and all(w > h for w, h in sizes)
    text = pdf_text(pdf)
    assert "进展情况表" in text and "人事股" in text and "加强教师培训" in text
