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


def convert(src: Path, fmt: str, out_dir: Path, timeout: int = 300, arial: str = "") -> Path:
    """`src` as `fmt` (pdf, xls, ods …) in out_dir; YuebaoError when that is impossible.
    `arial`: the font LibreOffice prints and measures Arial with (see convert_all)."""
    return convert_all([src], fmt, out_dir, timeout, arial)[0]


def convert_all(
    sources: list[Path], fmt: str, out_dir: Path, timeout: int = 300, arial: str = ""
) -> list[Path]:
    """Each of `sources` (distinct file names) as `fmt` in out_dir, by one LibreOffice run.
    `arial`: the font LibreOffice is told to use for Arial; by default STAND_IN where neither
    Arial nor a metric twin is installed (the tests name DejaVu Sans: a plain LibreOffice's)."""
    exe = soffice()
    if not exe:
        raise YuebaoError(
            f"未安装LibreOffice，无法生成{fmt.upper()}（Debian/Ubuntu："
            "apt-get install libreoffice-calc；"
            "Windows：安装LibreOffice并把其program文件夹加入PATH）",
            "LibreOffice (soffice) not found",
        )
    out_dir.mkdir(parents=True, exist_ok=True)
    arial = arial or (STAND_IN if _needs_stand_in() else "")
    # a private profile: runs beside a desktop LibreOffice, and beside other conversions
    with tempfile.TemporaryDirectory(prefix="yuebao-lo-") as profile:
        if arial:
            user = Path(profile) / "user"
            user.mkdir()
            (user / "registrymodifications.xcu").write_text(
                SUBSTITUTION.format(font=DEFAULT_FONT["font_name"], stand_in=arial),
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
                *map(str, sources),
            ],
            capture_output=True,
            text=True,
            timeout=timeout * len(sources),
        )
    outs = [out_dir / f"{src.stem}.{fmt}" for src in sources]
    for src, out in zip(sources, outs):
        if done.returncode != 0 or not out.is_file():
            raise YuebaoError(
                f"LibreOffice未能把“{src.name}”转换为{fmt.upper()}",
                f"soffice failed: {(done.stderr or done.stdout).strip()[:200]}",
            )
    return outs


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
