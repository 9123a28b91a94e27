"""Safe file names from office names: the one place a name from the task list becomes a file name.

An office is named by whoever typed the task list, and every form, feedback text, reminder and
letter carries that name in its file name.  A name like "../x", "a/b" or "CON" would write outside
the configured folder or fail on Windows; the office keeps its real name everywhere it is shown.
"""

from __future__ import annotations

import functools
import re
from datetime import datetime
from pathlib import Path

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


OWN_STEM_CHARS = 40  # the office's own name kept in an upload's stored name, at most


def upload_name(
    office: str, received: datetime, sha256: str, suffix: str, name_on_pc: str = ""
) -> str:
    """The name an upload of the intranet page is kept under (`office_time_hash_own.xlsx`): made
    here, unique by time and hash; the name the file had on the office's PC (`name_on_pc`, safe and
    cut) rides at its end, so that everything that shows the return can name it as the office
    did (shown_name), whatever surface, archive or month's run it reaches."""
    last = re.sub(r"^[A-Za-z]:", "", name_on_pc.replace("\\", "/").split("/")[-1])  # C:x.xlsx
    stem = last[: -len(Path(last).suffix)] if Path(last).suffix else last
    own = _CONTROL.sub("_", stem).translate(_FULL_WIDTH).strip(" .")  # inside a name: no CON
    if len(own) > OWN_STEM_CHARS:
        own = own[:OWN_STEM_CHARS].rstrip(" .") + "…"
    made = f"{safe_name(office)}_{received:%Y%m%d-%H%M%S}_{sha256[:8]}"
    return f"{made}_{own}{suffix}" if own else f"{made}{suffix}"


_UPLOAD_NAME = re.compile(r".+?_\d{8}-\d{6}_[0-9a-f]{8}(?:_(?P<own>.+?))?(?P<suffix>\.[A-Za-z]+)")


@functools.lru_cache(maxsize=8192)  # asked for every return on every judgement of the month
def _upload_match(file_name: str) -> re.Match | None:
    return _UPLOAD_NAME.fullmatch(file_name.replace("\\", "/").split("/")[-1])


def is_upload_name(file_name: str) -> bool:
    """Whether a return's file (its last part) was named by upload_name: it came by the page."""
    return _upload_match(file_name) is not None


def own_name(file_name: str) -> str:
    """The name an upload had on the office's PC, as upload_name kept it ("" for any other file,
    and for an upload stored before its own name was kept)."""
    found = _upload_match(file_name)
    return found.group("own") + found.group("suffix") if found and found.group("own") else ""


ONLINE_NAME = "在线填报.xlsx"  # the own name an online return (在线填报's 提交) is stored under
ONLINE = "在线填报"  # how such a return is named wherever it is shown


def came_online(file_name: str) -> bool:
    """Whether a return's file is a 提交 of 在线填报 (the workbook the page wrote)."""
    return own_name(file_name) == ONLINE_NAME


def shown_name(file_name: str, received: datetime | None = None) -> str:
    """A return's file as its office knows it, decided here for every surface (the month's
    judgement carries it: OfficeRow.file_shown): 在线填报 for a 提交, an upload by its own
    name, or (stored before names were kept) by when it was uploaded; any other file by its name
    in the inbox."""
    if own := own_name(file_name):
        return ONLINE if own == ONLINE_NAME else own
    if not is_upload_name(file_name):
        return file_name
    when = f"{received.month}月{received.day}日{received:%H:%M}" if received else ""
    return f"{when}网页上传的文件"
