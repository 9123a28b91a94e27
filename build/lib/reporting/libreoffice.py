"""LibreOffice headless: the one place it is started (PDF of the summary; the tests' renderings).

It is optional: without it `merge --pdf` says how to install it, and nothing else needs it.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from .errors import YuebaoError


def soffice() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert(src: Path, fmt: str, out_dir: Path, timeout: int = 300) -> Path:
    """`src` as `fmt` (pdf, xls, ods …) in out_dir; YuebaoError when that is impossible."""
    exe = soffice()
    if not exe:
        raise YuebaoError(
            f"未安装LibreOffice，无法生成{fmt.upper()}（Debian/Ubuntu："
            "apt-get install libreoffice-calc；"
            "Windows：安装LibreOffice并把其program文件夹加入PATH）",
            "LibreOffice (soffice) not found",
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    # a private profile: runs beside a desktop LibreOffice, and beside other conversions
    with tempfile.TemporaryDirectory(prefix="yuebao-lo-") as profile:
        done = subprocess.run(
            [
                exe,
                "--headless",
                "--norestore",
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--convert-to",
                fmt,
                "--outdir",
                str(out_dir),
                str(src),
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    out = out_dir / f"{src.stem}.{fmt}"
    if done.returncode != 0 or not out.is_file():
        raise YuebaoError(
            f"LibreOffice未能把“{src.name}”转换为{fmt.upper()}",
            f"soffice failed: {(done.stderr or done.stdout).strip()[:200]}",
        )
    return out
