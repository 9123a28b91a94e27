"""Open whatever a clerk sends as plain grids of values: {sheet name: rows}, row 1 first.

xlsx, xlsm, WPS-saved xlsx, xls and ods are read by python-calamine (fast, values only, no need
for styles here); csv by the csv module.  Before opening, the file is sized up: an oversized file
or a zip that would inflate past the limit is refused, so a bad file cannot exhaust memory.
Anything unreadable raises Unreadable with a Chinese message saying what to do.
"""
from __future__ import annotations

import csv
import io
import zipfile
from pathlib import Path

import python_calamine

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"   # .xls, and encrypted xlsx (an OLE container)
ZIP_MAGIC = b"PK\x03\x04"
MAX_FILE_BYTES = 20 * 1024 * 1024                  # a progress form is well under 1 MB
MAX_INFLATED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200                                    # real xlsx compress ~5-20x; bombs 1000x+
RESAVE = "请在Excel或WPS中打开该文件，另存为“Excel工作簿(*.xlsx)”后重新报送"


class Unreadable(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


def load_sheets(path: Path, max_bytes: int = MAX_FILE_BYTES) -> tuple[dict[str, list[list]], list[str]]:
    """(sheets, hidden sheet names).  Raises Unreadable."""
    size = path.stat().st_size
    if size == 0:
        raise Unreadable("empty_file", "文件是空的（0字节），可能保存或发送时出错。" + RESAVE)
    if size > max_bytes:
        raise Unreadable("too_large", f"文件过大（{size / 1048576:.0f} MB，上限{max_bytes / 1048576:.0f} MB），未打开。"
                         "进展情况表通常不足1 MB，请删除表中插入的图片等内容后重新报送")
    with path.open("rb") as fh:
        head = fh.read(8)
    suffix = path.suffix.lower()
    if head.startswith(ZIP_MAGIC):
        _check_zip(path)
    elif head == OLE_MAGIC:
        if _is_encrypted(path):
            raise Unreadable("encrypted", "文件设置了打开密码，无法读取。请在Excel中取消密码（文件→信息→保护工作簿→"
                             "用密码进行加密，清空密码）后重新报送")
    elif suffix in (".csv", ".txt"):
        return {path.stem: _read_csv(path)}, []
    else:
        raise Unreadable("not_a_workbook", f"该文件不是Excel工作簿（扩展名{suffix or '无'}）。" + RESAVE)
    try:
        wb = python_calamine.CalamineWorkbook.from_path(str(path))
        sheets = {name: wb.get_sheet_by_name(name).to_python(skip_empty_area=False) for name in wb.sheet_names}
        hidden = [m.name for m in wb.sheets_metadata if m.visible != python_calamine.SheetVisibleEnum.Visible]
    except python_calamine.PasswordError as exc:
        raise Unreadable("encrypted", "文件设置了密码，无法读取。请取消密码后重新报送") from exc
    except Exception as exc:  # calamine raises several kinds for damaged files
        raise Unreadable("unreadable", f"文件已损坏，无法作为Excel工作簿打开（{type(exc).__name__}）。" + RESAVE) from exc
    return sheets, hidden


def _check_zip(path: Path) -> None:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, OSError) as exc:
        raise Unreadable("unreadable", f"文件已损坏，无法作为Excel工作簿打开（{type(exc).__name__}）。" + RESAVE) from exc
    inflated = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if inflated > MAX_INFLATED_BYTES or inflated / packed > MAX_RATIO:
        raise Unreadable("zip_bomb", f"文件解压后异常巨大（{inflated / 1048576:.0f} MB），为保护系统未打开。"
                         "请确认文件来源，使用下发的表格重新填写后报送")


def _is_encrypted(path: Path) -> bool:
    """An OLE file holding an EncryptedPackage stream is a password-protected xlsx."""
    with path.open("rb") as fh:
        data = fh.read(min(path.stat().st_size, 4 * 1024 * 1024))
    return "EncryptedPackage".encode("utf-16-le") in data or "EncryptionInfo".encode("utf-16-le") in data


def decode(raw: bytes) -> str | None:
    """Text saved by Chinese Windows programs: UTF-8 (with or without BOM) or GBK; None if neither."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _read_csv(path: Path) -> list[list]:
    text = decode(path.read_bytes())
    if text is None:
        raise Unreadable("unreadable", "无法识别该CSV文件的文字编码。" + RESAVE)
    return [row for row in csv.reader(io.StringIO(text))]
