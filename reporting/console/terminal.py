"""Writing to the terminal: echo, progress lines on stderr, and columns that stay aligned when a
Chinese character takes two."""

from __future__ import annotations

import sys
import unicodedata
from collections.abc import Callable

import click

echo = click.echo


def never_crash_on_output() -> None:
    """A console that cannot show a character (a GBK console and an emoji in a file name) shows
    '?' instead: the work is done by then, and printing about it must not fail it."""
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.reconfigure(errors="replace")  # type: ignore[union-attr]  # a TextIOWrapper
        except (AttributeError, ValueError, OSError):
            pass  # no stream (pythonw), or not a text stream to reconfigure


def progress_printer(verb: str) -> Callable[[int, int, str], None]:
    """One line per file; with hundreds of files, about fifty lines in all (every 2%, and the
    last)."""

    def show(i: int, n: int, name: str) -> None:
        if i % max(1, n // 50) == 0 or i == n:
            echo(f"  [{i}/{n}] {verb} {name}", err=True)

    return show


def pad(text: object, width: int) -> str:
    """Left-align for a terminal, where a Chinese character takes two columns."""
    return f"{text}{' ' * max(0, width - text_width(text))}"


def text_width(text: object) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in str(text))
