"""The offline kit (tools/offline_kit.py): built where the internet is, installed where it is not.

The kit is built for this PC's system and Python only (the other systems are resolved by .ci/run),
from the index pip is configured with; without it the test is skipped. The install then runs the
kit's own install.sh with every proxy pointing at a closed port and no index: only the kit's
wheels can be used.
"""

from __future__ import annotations

import hashlib
import os
import platform
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from .once import made_once

ROOT = Path(__file__).parent.parent
SYSTEM = {"x86_64": "Linux x86_64", "aarch64": "Linux aarch64"}.get(platform.machine())
PYTHON = f"{sys.version_info.major}.{sys.version_info.minor}"
CLOSED = "http://127.0.0.1:9"  # nothing listens there: a download would fail
NAME = "月报离线安装包"


def index_reachable() -> bool:
    try:
        socket.create_connection(("pypi.org", 443), timeout=5).close()
        return True
    except OSError:
        return False


pytestmark = pytest.mark.skipif(
    sys.platform != "linux" or SYSTEM is None, reason="install.sh: Linux x86_64 / aarch64"
)


@pytest.fixture(scope="module")
def kit(tmp_path_factory) -> Path:
    if not index_reachable():
        pytest.skip("no package index reachable to build the kit from")

    def build(folder: Path) -> None:
        done = subprocess.run(
            [sys.executable, str(ROOT / "tools" / "offline_kit.py"), "--out", str(folder / NAME)]
            + ["--system", SYSTEM, "--python", PYTHON],
            capture_output=True,
            text=True,
        )
        assert done.returncode == 0, done.stderr[-3000:]

    return made_once(tmp_path_factory, "kit", build) / NAME


def offline_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PIP_")}
    env["PIP_CONFIG_FILE"] = os.devnull  # no configured index or wheel folder either
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY"):
        env[name] = CLOSED
    return env


def install(kit: Path, venv: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        ["sh", str(kit / "install.sh"), str(venv)],
        env=offline_env() | {"PYTHON": sys.executable},
        capture_output=True,
        text=True,
    )


@pytest.mark.slow
def test_the_kit_holds_what_its_texts_say(kit):
    assert {p.name for p in kit.iterdir()} >= {"wheels", "安装.bat", "install.sh", "说明.txt"}
    wheels = {p.name for p in (kit / "wheels").iterdir()}
    assert any(n.startswith("yuebao-") for n in wheels)
    assert any(n.startswith("pandas-") for n in wheels)  # the bench extra rides along
    assert any(n.startswith("pip-") for n in wheels)
    assert (kit / "示例" / "config.yaml").is_file()
    listed = (kit / "清单.txt").read_text(encoding="utf-8-sig").splitlines()[2:]
    for line in listed:  # each wheel with the SHA-256 the index gave for it
        sha, name = line.split()[:2]
        assert hashlib.sha256((kit / "wheels" / name).read_bytes()).hexdigest() == sha, name
    assert len(listed) == len(wheels)

    bat = (kit / "安装.bat").read_bytes()
    assert b"\r\n" in bat and b"\n" not in bat.replace(b"\r\n", b"")
    text = bat.decode("gbk")  # what cmd.exe on a Chinese Windows reads
    assert "--no-index --find-links" in text and "安装完成" in text
    guide = (kit / "说明.txt").read_text(encoding="utf-8-sig")
    for said in ("安装.bat", "install.sh", "升级", "config.yaml", "台账", "归档", "calendar:"):
        assert said in guide, said


@pytest.mark.slow(12)  # with the kit, made for whichever test of the module runs first
def test_installed_with_no_network_and_run_on_a_python_without_venvs_pip(kit, tmp_path):
    """统信 and other Debian-like systems lack python3-venv: venv makes no pip there, and pip
    comes from the kit.  (A venv with its own pip, the usual case, is .ci/run's kit install.)"""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    done = install(kit, venv)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "安装完成" in done.stdout
    yuebao = venv / "bin" / "yuebao"
    bureau = tmp_path / "恩平"
    made = subprocess.run(
        [str(yuebao), "init", str(bureau), "--bureau", "恩平市教育局"],
        capture_output=True,
        text=True,
    )
    assert made.returncode == 0, made.stderr
    checked = subprocess.run(
        [str(yuebao), "check", "--config", str(bureau / "config.yaml")],
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0 and "检查通过" in checked.stdout, checked.stdout + checked.stderr
    pandas = subprocess.run([str(venv / "bin" / "python"), "-c", "import pandas"])
    assert pandas.returncode != 0  # a bureau does not install the benchmark's pandas
