"""PDF through LibreOffice headless, when it is installed (it is optional)."""
from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import YuebaoError


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(xlsx: Path, out_dir: Path, timeout: int = 300) -> Path:
    """Convert a workbook to PDF beside it (or in out_dir); YuebaoError when that is impossible."""
    exe = soffice()
    if not exe:
        raise YuebaoError("未安装LibreOffice，无法生成PDF（Debian/Ubuntu：apt-get install libreoffice-calc；"
                          "Windows：安装LibreOffice并把其program文件夹加入PATH）", "LibreOffice (soffice) not found")
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="yuebao-lo-") as profile:  # a private profile: runs beside a desktop one
        done = subprocess.run([exe, "--headless", "--norestore", f"-env:UserInstallation=file://{profile}",
                               "--convert-to", "pdf", "--outdir", str(out_dir), str(xlsx)],
                              capture_output=True, text=True, timeout=timeout)
    pdf = out_dir / (xlsx.stem + ".pdf")
    if done.returncode != 0 or not pdf.is_file():
        raise YuebaoError(f"LibreOffice未能把“{xlsx.name}”转换为PDF", f"soffice failed: {done.stderr.strip()[:200]}")
    return pdf
