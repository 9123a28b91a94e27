"""The offline kit: everything a bureau's intranet PC needs to install yuebao with no internet.

Run where the internet is (the index pip is configured with is used, a mirror too):

    python tools/offline_kit.py --out 月报离线安装包

It writes into OUT:
    wheels/      the yuebao wheel and every dependency as wheels (the `bench` extra, pandas,
                 included) for Windows x64 and Linux x86_64 / aarch64 (manylinux, glibc 2.28
                 as on 麒麟 V10 and 统信 UOS 20), CPython 3.10 to 3.13
    安装.bat      Windows: installs from wheels/ only (`--no-index --find-links`), nothing fetched
    install.sh   Linux: the same into a venv (~/yuebao-venv by default)
    示例/         the bundled sample (config.yaml, the task list), to look at before one's own
    说明.txt      in Chinese: what to copy, how to install, how to upgrade keeping one's data
    清单.txt      each wheel with its SHA-256, and for which system and Python it was resolved

Each (system, Python) pair is resolved by pip itself (`pip install --dry-run --report`, the exact
files it would install there), so nothing is guessed from names. Downloaded wheels are kept in
--cache (default ~/.cache/yuebao-kit) and checked against the index's SHA-256: a second build
downloads only what changed.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import re
import shutil
import ssl
import subprocess
import sys
import tempfile
import urllib.parse
import urllib.request
import zipfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent.parent


def _manylinux(arch: str) -> tuple[str, ...]:
    """glibc 2.28 (麒麟 V10, 统信 UOS 20) and every older manylinux: pip given --platform does not
    widen a manylinux tag to the older ones itself."""
    return tuple(f"manylinux_2_{minor}_{arch}" for minor in range(28, 16, -1)) + (
        f"manylinux2014_{arch}",
    )


# pip's --platform tags for each system
PLATFORMS = {
    "Windows x64": ("win_amd64",),
    "Linux x86_64": _manylinux("x86_64"),
    "Linux aarch64": _manylinux("aarch64"),
}
PYTHONS = ("3.10", "3.11", "3.12", "3.13")
EXTRAS = "bench"  # carried so the benchmark can be installed offline too; not installed by default


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, type=Path, help="the kit's folder (made anew)")
    parser.add_argument(
        "--cache",
        type=Path,
        default=Path.home() / ".cache" / "yuebao-kit",
        help="downloaded wheels kept between builds",
    )
    parser.add_argument(
        "--python", action="append", choices=PYTHONS, help="only these Pythons (repeatable)"
    )
    parser.add_argument(
        "--system", action="append", choices=list(PLATFORMS), help="only these systems"
    )
    args = parser.parse_args(argv)
    build_kit(
        args.out,
        args.cache,
        systems=args.system or list(PLATFORMS),
        pythons=args.python or list(PYTHONS),
    )
    return 0


def build_kit(out: Path, cache: Path, systems: list[str], pythons: list[str]) -> None:
    if out.exists():
        shutil.rmtree(out)
    wheels = out / "wheels"
    wheels.mkdir(parents=True)
    cache.mkdir(parents=True, exist_ok=True)
    own = build_own_wheel(wheels)
    print(f"yuebao: {own.name}")

    pairs = [(system, py) for system in systems for py in pythons]
    with ThreadPoolExecutor(max_workers=4) as pool:
        resolved = list(pool.map(lambda pair: resolve(own, PLATFORMS[pair[0]], pair[1]), pairs))

    files: dict[str, dict] = {}  # file name -> {url, sha256, for: [...]}
    for (system, py), items in zip(pairs, resolved):
        for item in items:
            entry = files.setdefault(item["name"], {**item, "for": []})
            entry["for"].append(f"{system} Python {py}")
    with ThreadPoolExecutor(max_workers=4) as pool:
        list(pool.map(lambda e: fetch(e, cache), files.values()))
    for name in files:
        shutil.copy2(cache / name, wheels / name)

    write_texts(out, own, files, systems, pythons)
    copy_sample(out / "示例")
    size = sum(p.stat().st_size for p in wheels.iterdir()) / 1e6
    print(f"kit: {out} ({len(files) + 1} wheels, {size:.0f} MB)")


def build_own_wheel(wheels: Path) -> Path:
    """yuebao's own wheel, built from this checkout (setup.py bundles the sample into it)."""
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", tmp, str(HERE)],
            check=True,
        )
        (built,) = Path(tmp).glob("yuebao-*.whl")
        return Path(shutil.copy2(built, wheels / built.name))


def resolve(own: Path, platforms: tuple[str, ...], python: str) -> list[dict]:
    """The wheels pip would install for yuebao[bench] on that system and Python."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        subprocess.run(
            [
                sys.executable, "-m", "pip", "install", "-q", "--dry-run", "--ignore-installed",
                "--only-binary=:all:", "--implementation", "cp",
                *(arg for tag in platforms for arg in ("--platform", tag)),
                "--python-version", python, "--target", str(Path(tmp) / "t"),
                "--report", str(report), f"{own}[{EXTRAS}]",
                "pip",  # its wheel too: a venv made without pip (no python3-venv) gets it here
            ],
            check=True,
        )  # fmt: skip
        installs = json.loads(report.read_text(encoding="utf-8"))["install"]
    items = []
    for item in installs:
        info = item["download_info"]
        url = info["url"]
        if url.endswith("/" + own.name):
            continue  # yuebao itself
        sha = info.get("archive_info", {}).get("hashes", {}).get("sha256")
        if url.startswith("file:"):  # a local wheel folder or index pip is configured with
            sha = sha or sha256(Path(urllib.request.url2pathname(urllib.parse.urlparse(url).path)))
        if not sha:
            raise SystemExit(f"no SHA-256 from the index for {url}")
        name = urllib.parse.unquote(url.rsplit("/", 1)[1])  # a local version's "+" is %2B
        items.append({"name": name, "url": url, "sha256": sha})
    return items


def fetch(entry: dict, cache: Path) -> None:
    """Into the cache unless a file with the index's SHA-256 is already there."""
    target = cache / entry["name"]
    if target.exists() and sha256(target) == entry["sha256"]:
        return
    part = target.with_name(f"{target.name}.{os.getpid()}.part")  # two builds may share a cache
    # file: URLs too (a local wheel folder pip is configured with); a proxy from the environment
    # as pip takes it, and pip's own certificate setting (a mirror behind an inspecting proxy)
    tls = ssl.create_default_context(cafile=os.environ.get("PIP_CERT") or None)
    with (
        urllib.request.urlopen(entry["url"], timeout=180, context=tls) as response,
        open(part, "wb") as f,
    ):
        shutil.copyfileobj(response, f)
    if sha256(part) != entry["sha256"]:
        part.unlink()
        raise SystemExit(f"SHA-256 mismatch: {entry['url']}")
    os.replace(part, target)


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def copy_sample(target: Path) -> None:
    target.mkdir()
    shutil.copy2(HERE / "config.yaml", target / "config.yaml")
    shutil.copytree(HERE / "workbooks", target / "workbooks")


INSTALL_BAT = r"""@echo off
rem 从本文件夹的 wheels 安装 yuebao（不联网）；再次运行即升级到本安装包的版本
cd /d "%~dp0"
set PY=py
where py >nul 2>nul || set PY=python
%PY% -m pip install --upgrade --no-index --find-links "%~dp0wheels" yuebao
if errorlevel 1 (
  echo.
  echo 安装没有成功：请确认已安装 Python 3.10—3.13（64位），安装时勾选了“Add python.exe to PATH”。
  pause
  exit /b 1
)
echo.
echo 安装完成。下一步：在命令提示符中运行
echo   py -m reporting.cli init D:\月报 --bureau 本局名称
echo 已有月报文件夹的（升级），不用再运行 init，原来的 config.yaml、台账和归档都不变。
pause
"""

INSTALL_SH = """#!/bin/sh
# 从本文件夹的 wheels 安装 yuebao（不联网）到一个虚拟环境；再次运行即升级到本安装包的版本。
# 用法：sh install.sh [虚拟环境目录，默认 ~/yuebao-venv]
set -e
KIT=$(cd "$(dirname "$0")" && pwd)
VENV=${1:-$HOME/yuebao-venv}
PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(not (3, 10) <= sys.version_info[:2] <= (3, 13))'; then
  echo "需要 Python 3.10—3.13，本机的 $PY 是：$("$PY" --version 2>&1)。"
  echo "装有其他版本的，如 python3.11，可这样运行：PYTHON=python3.11 sh install.sh"
  exit 1
fi
if [ ! -x "$VENV/bin/python" ]; then
  # without the python3-venv package (统信 and other Debian-like systems) venv cannot add pip:
  # the venv is made without it and pip comes from the kit's own wheel
  "$PY" -m venv "$VENV" 2>/dev/null || { rm -rf "$VENV"; "$PY" -m venv --without-pip "$VENV"; }
fi
if ! "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
  PIP_WHEEL=$(ls "$KIT"/wheels/pip-*.whl | head -n 1)
  "$VENV/bin/python" "$PIP_WHEEL/pip" install -q --no-index --find-links "$KIT/wheels" pip
fi
"$VENV/bin/python" -m pip install --upgrade --no-index --find-links "$KIT/wheels" yuebao
echo
echo "安装完成：$VENV/bin/yuebao"
echo "新单位：$VENV/bin/yuebao init ~/月报 --bureau 本局名称"
echo "已有月报文件夹的（升级），不用再运行 init，原来的 config.yaml、台账和归档都不变。"
"""

README_ZH = """yuebao 月报 离线安装包（{version}）
====================================

本安装包用于不能上网的电脑（政务内网/外网）。里面有 yuebao 和它用到的全部组件，
安装时不联网，不从任何网站下载。

一、要拷到内网电脑上的
  把整个文件夹（含 wheels 子文件夹）用U盘拷到内网电脑，如 D:\\月报离线安装包。
  适用于：
    Windows 10/11（64位）
    麒麟（Kylin）、统信（UOS）等 Linux：x86_64（海光、兆芯、Intel、AMD）
      和 aarch64（飞腾、鲲鹏）
  Python 版本：3.10、3.11、3.12、3.13（64位）。

二、安装
  Windows：
    1. 先安装 Python（3.10—3.13 的 64 位 Windows installer，安装时勾选
       “Add python.exe to PATH”）。内网电脑上没有的，在能上网的电脑上下载安装程序后一起拷过去。
    2. 双击本文件夹中的 安装.bat。看到“安装完成”即可。
  Linux（麒麟、统信）：
    1. 在终端中确认 python3 --version 为 3.10 到 3.13。系统自带的 Python 较旧（如 3.8）的，
       请信息中心从系统的软件源装上 python3.11 等较新版本，再用 PYTHON=python3.11 sh install.sh。
    2. 运行：sh install.sh
       （装到 ~/yuebao-venv；要装到别处：sh install.sh /opt/yuebao-venv）
  装好后建立本单位的文件夹：
    Windows：py -m reporting.cli init D:\\月报 --bureau 本局名称
    Linux：  ~/yuebao-venv/bin/yuebao init ~/月报 --bureau 本局名称
  之后按 D:\\月报\\使用说明.txt 操作。
  想先看看示例（台山市2022年的任务清单和各股室报回的表格，完整走一遍每月的流程）：
    Windows：py -m reporting.cli demo --out 示例输出
    Linux：  ~/yuebao-venv/bin/yuebao demo --out 示例输出
  本文件夹的 示例 里是示例的 config.yaml 和任务清单，可对照填写本单位的。

三、升级（换新版本）
  拿到新的离线安装包后，同样拷到内网电脑，再双击新包里的 安装.bat（Linux：sh install.sh）。
  只替换程序本身。本单位文件夹（如 D:\\月报）里的 config.yaml、任务清单、台账
  （输出\\台账.sqlite3 及其备份）、归档和输出都不动，不要再运行 init。
  升级后运行一次“检查配置”（月报.bat 的 5，或 yuebao check），看新版本有没有要补的配置。

四、节假日
  yuebao 按国务院公布的放假和调休安排计算截止日。安装包带的节假日数据覆盖到
  {calendar_years}。每年11—12月国务院公布下一年的安排后，把放假和调休日期写进
  config.yaml 的 calendar: 一节即可（写法见 config.yaml 中的说明，yuebao check 也会提示），
  不用升级。

本包内容见 清单.txt（每个文件的 SHA-256 及适用的系统和 Python 版本）。
"""


def write_texts(out: Path, own: Path, files: dict, systems: list[str], pythons: list[str]):
    version = own.name.split("-")[1]
    # cmd.exe reads a .bat in the ANSI code page: GBK on a Chinese Windows (as 月报.bat is written)
    (out / "安装.bat").write_bytes(INSTALL_BAT.replace("\n", "\r\n").encode("gbk"))
    (out / "install.sh").write_text(INSTALL_SH, encoding="utf-8", newline="\n")
    (out / "install.sh").chmod(0o755)
    text = README_ZH.format(version=version, calendar_years=calendar_years(out / "wheels"))
    (out / "说明.txt").write_bytes(("\ufeff" + text).replace("\n", "\r\n").encode("utf-8"))
    lines = [f"yuebao {version}：{', '.join(systems)}；Python {', '.join(pythons)}", ""]
    lines.append(f"{sha256(own)}  {own.name}  (所有系统)")
    for name, entry in sorted(files.items()):
        where = "所有系统" if len(entry["for"]) == len(systems) * len(pythons) else None
        lines.append(f"{entry['sha256']}  {name}  ({where or '; '.join(entry['for'])})")
    (out / "清单.txt").write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))


def calendar_years(wheels: Path) -> str:
    """The last year the kit's own chinese-calendar wheel has holidays for (read from the wheel,
    not from what is installed here)."""
    for wheel in wheels.glob("chinese_calendar-*.whl"):
        with zipfile.ZipFile(wheel) as z:
            text = z.read("chinese_calendar/constants.py").decode("utf-8")
        years = [int(y) for y in re.findall(r"date\(year=(\d{4})", text)]
        if years:
            return f"{max(years)}年（chinese-calendar {wheel.name.split('-')[1]}）"
    return "安装包制作时已公布的年份"


if __name__ == "__main__":
    sys.exit(main())
