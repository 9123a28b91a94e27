"""Safe file names from office names: the one place a name from the task list becomes a file name.

An office is named by whoever typed the task list, and every form, feedback text, reminder and
letter carries that name in its file name.  A name like "../x", "a/b" or "CON" would write outside
the configured folder or fail on Windows; the office keeps its real name everywhere it is shown.
"""

from __future__ import annotations

import re
from datetime import datetime

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


def upload_name(office: str, received: datetime, sha256: str, suffix: str) -> str:
    """The name an upload of the intranet page is kept under (`office_time_hash.xlsx`): made here,
    never the name on the office's PC."""
    return f"{safe_name(office)}_{received:%Y%m%d-%H%M%S}_{sha256[:8]}{suffix}"


_UPLOAD_NAME = re.compile(r".+_\d{8}-\d{6}_[0-9a-f]{8}\.[A-Za-z]+")


def is_upload_name(file_name: str) -> bool:
    """Whether a return's file (its last part) was named by upload_name: it came by the page."""
    return _UPLOAD_NAME.fullmatch(file_name.replace("\\", "/").split("/")[-1]) is not None
