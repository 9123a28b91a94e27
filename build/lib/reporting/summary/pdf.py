"""The summary as PDF for the chiefs (`merge --pdf`), through LibreOffice when it is installed."""

from __future__ import annotations

from pathlib import Path

from ..libreoffice import convert, soffice


def to_pdf(xlsx: Path, out_dir: Path, timeout: int = 300) -> Path:
    """The workbook as PDF in out_dir; YuebaoError when that is impossible."""
    return convert(xlsx, "pdf", out_dir, timeout)


__all__ = ["soffice", "to_pdf"]
