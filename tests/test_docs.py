"""README is the front door; docs/ holds the rest, and holds all of it: every command, every option
and every config key is described there, the config reference is exactly what tools/config_doc.py
writes from config.py's declaration, and no link leads nowhere. (As tests/test_registry.py keeps
the findings table and the registry the same.)"""

from __future__ import annotations

import importlib.util
import re
from pathlib import Path

import click

from reporting.cli import main
from reporting.config import OFFICE_KEYS, SCHEMA

ROOT = Path(__file__).parent.parent
README = ROOT / "README.md"
DOCS = sorted((ROOT / "docs").glob("*.md"))
DOCS_TEXT = "\n".join(p.read_text(encoding="utf-8") for p in DOCS)
LINK = re.compile(r"\[[^\]]*\]\(([^)\s]+)\)")


def commands() -> dict[str, list[str]]:
    """'tasks import' -> its options (each spelling), walking the click application itself."""
    out: dict[str, list[str]] = {}

    def walk(cmd: click.Command, path: list[str]) -> None:
        out[" ".join(path)] = [
            o for p in cmd.params for o in (*p.opts, *p.secondary_opts) if o.startswith("-")
        ]
        if isinstance(cmd, click.Group):
            for name, sub in cmd.commands.items():
                walk(sub, [*path, name])

    walk(main, [])
    return out


def config_keys(schema: dict = SCHEMA, prefix: str = "") -> list[str]:
    """Every key config.yaml may hold, dotted, from the declaration (an office's own keys under
    a placeholder for its name)."""
    keys = []
    for name, spec in schema.items():
        if isinstance(spec, dict):
            keys += config_keys(spec, f"{prefix}{name}.")
        else:
            keys.append(prefix + name)
    return keys + ([f"offices.NAME.{k}" for k in OFFICE_KEYS] if not prefix else [])


def mentioned(word: str, text: str) -> bool:
    return re.search(rf"(?<![\w.-]){re.escape(word)}(?![\w-])", text) is not None


def test_readme_is_a_front_door():
    lines = README.read_text(encoding="utf-8").splitlines()
    assert len(lines) <= 150, len(lines)
    text = "\n".join(lines)
    # the two commands of the start, and the map to the four parts
    assert ".venv/bin/yuebao demo --out demo-output" in text and "bash .ci/run" in text
    for part in ("manual", "operations", "config", "architecture"):
        assert f"(docs/{part}.md)" in text, part


def test_the_commands_found_are_the_applications():
    found = commands()
    assert {"fill", "run", "serve", "tasks import", "ledger restore", "demo"} <= set(found)
    assert "--set-password" in found["serve"] and "--mail-ca-file" in found["demo"]


def test_every_command_is_described_in_docs():
    missing = [name for name in commands() if name and f"yuebao {name}" not in DOCS_TEXT]
    assert missing == []


def test_every_option_of_every_command_is_described_in_docs():
    missing = [
        f"{name or 'yuebao'} {option}"
        for name, options in commands().items()
        for option in options
        if not mentioned(option, DOCS_TEXT)
    ]
    assert missing == []


def test_every_config_key_is_described_in_docs():
    keys = config_keys()
    assert {"bureau", "smtp.password_env", "web.secure_cookie", "offices.NAME.leader_email"} <= set(
        keys
    )
    # a mapping of the bureau's own names (rules, calendar) is shown by its entries: `rules.CODE`
    missing = [key for key in keys if not re.search(rf"`{re.escape(key)}[`.]", DOCS_TEXT)]
    assert missing == []


def tool(name: str):
    """A script of tools/, imported."""
    spec = importlib.util.spec_from_file_location(name, ROOT / "tools" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_config_reference_is_what_the_declaration_writes_now():
    config_doc = tool("config_doc")
    written = (ROOT / "docs" / "config.md").read_text(encoding="utf-8")
    assert written == config_doc.document(), "docs/config.md: run python tools/config_doc.py"


def test_the_clerks_table_of_findings_is_what_the_registry_writes_now():
    findings_doc = tool("findings_doc")
    written = (ROOT / "docs" / "manual.md").read_text(encoding="utf-8")
    assert written == findings_doc.rewritten(written), "docs/manual.md: run tools/findings_doc.py"
    # the words 校验问题 uses for a late return, as a clerk reads them
    assert "| 逾期报送 | 警告 | 按时报送 | `late` |" in written


def anchors(path: Path) -> set[str]:
    """The #anchors of a Markdown file's headings, as GitHub makes them."""
    out = set()
    for line in path.read_text(encoding="utf-8").splitlines():
        if m := re.match(r"#{1,6} (.+)", line):
            slug = re.sub(r"[^\w\- ]", "", m.group(1).strip().lower()).replace(" ", "-")
            out.add(slug)
    return out


def test_every_relative_link_leads_to_a_file_and_heading_that_exist():
    broken = []
    for page in [README, *DOCS]:
        text = re.sub(r"```.*?```", "", page.read_text(encoding="utf-8"), flags=re.S)
        for target in LINK.findall(text):
            if re.match(r"[a-z]+:", target):  # https:, mailto:
                continue
            file, _, anchor = target.partition("#")
            where = (page.parent / file).resolve() if file else page
            if not where.exists():
                broken.append(f"{page.name}: {target}")
            elif anchor and where.suffix == ".md" and anchor not in anchors(where):
                broken.append(f"{page.name}: {target} (no such heading)")
    assert broken == []
