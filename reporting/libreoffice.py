"""LibreOffice headless: the one place it is started (PDF of the summary; the tests' renderings).

It is optional: without it `merge --pdf` says how to install it, and nothing else needs it.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from functools import cache
from pathlib import Path

from .errors import YuebaoError
from .xlsx import DEFAULT_FONT

# LibreOffice measures a column's width unit with the workbook's default font (xlsx.DEFAULT_FONT,
# Arial).  Without Arial or its metric twin Liberation Sans (Debian: fonts-liberation2, which
# libreoffice-common only recommends) it measures with DejaVu Sans, whose digits are 14% wider:
# every column prints that much wider, sheets spill onto extra pages and a sheet fitted to one page
# (概览) prints its text under 8 points.  Noto Sans CJK SC, which prints the Chinese text anyway,
# has Arial's digit widths: LibreOffice is then told to use it for Arial.
METRIC_TWINS = ("Arial", "Liberation Sans")
STAND_IN = "Noto Sans CJK SC"
SUBSTITUTION = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry">
<item oor:path="/org.openoffice.Office.Common/Font/Substitution">\
<prop oor:name="Replacement" oor:op="fuse"><value>true</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Font/Substitution/FontPairs">\
<node oor:name="_0" oor:op="replace">\
<prop oor:name="Always" oor:op="fuse"><value>true</value></prop>\
<prop oor:name="OnScreenOnly" oor:op="fuse"><value>false</value></prop>\
<prop oor:name="ReplaceFont" oor:op="fuse"><value>{font}</value></prop>\
<prop oor:name="SubstituteFont" oor:op="fuse"><value>{stand_in}</value></prop></node></item>
</oor:items>
"""


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
        if _needs_stand_in():
            user = Path(profile) / "user"
            user.mkdir()
            (user / "registrymodifications.xcu").write_text(
                SUBSTITUTION.format(font=DEFAULT_FONT["font_name"], stand_in=STAND_IN),
                encoding="utf-8",
            )
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


@cache
def _needs_stand_in() -> bool:
    """True when fontconfig has no metric twin of the default font but has the stand-in (no
    fontconfig, as on Windows: the font is the system's own)."""
    if not shutil.which("fc-match"):
        return False
    try:
        found = subprocess.run(
            ["fc-match", "-f", "%{family}", str(DEFAULT_FONT["font_name"])],
            capture_output=True, text=True, timeout=30,
        ).stdout  # fmt: skip
        stand_in = subprocess.run(
            ["fc-list", STAND_IN, "family"], capture_output=True, text=True, timeout=30
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return False
    families = {f.strip() for f in found.split(",")}
    return not families & set(METRIC_TWINS) and bool(stand_in.strip())
