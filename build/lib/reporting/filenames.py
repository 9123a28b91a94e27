"""Safe file names from office names: the one place a name from the task list becomes a file name.

An office is named by whoever typed the task list, and every form, feedback text, reminder and
letter carries that name in its file name.  A name like "../x", "a/b" or "CON" would write outside
the configured folder or fail on Windows; the office keeps its real name everywhere it is shown.
"""

from __future__ import annotations

import re

# characters Windows (or any OS) refuses in a file name -> their full-width forms, still readable
_FULL_WIDTH = str.maketrans(dict(zip('/\\:*?"<>|', "／＼：＊？＂＜＞｜")))
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_RESERVED = re.compile(r"(CON|PRN|AUX|NUL|COM[0-9¹²³]|LPT[0-9¹²³])(\..*)?", re.IGNORECASE)
MAX_CHARS = 80  # an office name longer than this is cut: Windows paths have limits


def safe_name(name: str) -> str:
    """`name` as one file-name component, the same on Linux and Windows (a safe name unchanged)."""
    text = _CONTROL.sub("_", str(name)).translate(_FULL_WIDTH)
    # Windows drops trailing dots and spaces; "." and ".." are folders; ".x" is hidden on Linux
    text = text.strip(" .")[:MAX_CHARS].rstrip(" .")
    if not text:
        return "_"
    if _RESERVED.fullmatch(text):
        text += "_"
    return text
