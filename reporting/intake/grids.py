"""Open whatever a clerk sends as plain grids of values: {sheet name: rows}, row 1 first.

The kind of file is told by its content, never by its name: an .xls saved under a .xlsx name is
read as .xls.  xlsx, xlsm, xlsb, WPS-saved xlsx, xls and ods are read by python-calamine (fast,
values only); csv by the csv module.  Before opening, the file is sized up: an oversized file or a
zip that would inflate past the limit is refused, a zip or rar holding the form, or a file cut
short in transfer, is named as such, so the clerk knows what to send instead.

Given bounds (the form's rows and columns plus a margin), no more than that is ever read: calamine
holds a sheet as one dense block from A1 to its farthest cell, so one value in XFD1048576 would
ask for hundreds of GiB.  An xlsx sheet reaching past the bounds is read through openpyxl's
streaming reader instead, cut at the bounds; how far it reached is reported, for a finding.
Anything unreadable raises Unreadable with a Chinese message saying what to do.
"""

from __future__ import annotations

import csv
import html
import io
import itertools
import posixpath
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path, PurePosixPath
from typing import Callable, Sequence
from xml.etree import ElementTree

import python_calamine
from openpyxl.utils import column_index_from_string, get_column_letter

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, and encrypted xlsx (an OLE container)
ZIP_MAGIC = b"PK\x03\x04"
ZIP_END = b"PK\x05\x06"  # end of central directory: gone when cut short
ARCHIVES = {b"Rar!\x1a\x07": "rar", b"7z\xbc\xaf\x27\x1c": "7z"}
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".et", ".ods", ".xlsb", ".csv")
MAX_FILE_BYTES = 20 * 1024 * 1024  # a progress form is well under 1 MB
MAX_INFLATED_BYTES = 200 * 1024 * 1024
MAX_RATIO = 200  # real xlsx compress ~5-20x; bombs 1000x+
RESAVE = "请在Excel或WPS中打开该文件，另存为“Excel工作簿(*.xlsx)”后重新报送"
RESEND = "文件不完整（可能未下载完或发送时中断），请重新发送原文件"

# a cell as read: what calamine gives ("" when empty; openpyxl's None is made "", csv gives text)
Cell = int | float | str | bool | time | date | datetime | timedelta
Row = Sequence[Cell]  # read, never changed
Grid = Sequence[Row]  # a sheet's rows, row 1 first


class Unreadable(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
        self.message = message


@dataclass(frozen=True)
class Bounds:
    """How much of a sheet is read at most."""

    rows: int
    cols: int


@dataclass
class Book:
    """A file opened as grids, with what was found about it on the way."""

    sheets: dict[str, Grid]
    hidden: list[str]
    kind: str  # by content: xlsx, xls, ods, xlsb, csv
    beyond: dict[str, str] = field(default_factory=dict)  # sheet -> farthest cell past bounds
    formulas: bool = False  # an xlsx sheet holds formulas


def load_sheets(path: Path, max_bytes: int = MAX_FILE_BYTES) -> tuple[dict[str, Grid], list[str]]:
    """(sheets, hidden sheet names), unbounded.  Raises Unreadable."""
    book = open_book(path, max_bytes)
    return book.sheets, book.hidden


def open_book(path: Path, max_bytes: int = MAX_FILE_BYTES, bounds: Bounds | None = None) -> Book:
    """The file read as grids, never past `bounds`.  Raises Unreadable."""
    data = _take(path, max_bytes)
    kind = _kind(data, path.suffix.lower())
    if kind == "csv":
        return _read_csv(data, path.stem, bounds)
    extents: dict[str, tuple[int, int]] = {}
    formulas = False
    if kind == "zip":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as zf:
                kind = _zip_kind(zf)
                if kind == "xlsx":
                    extents, formulas = _xlsx_extents(zf, bounds)
                elif kind == "ods" and bounds:
                    _refuse_far_ods(zf, bounds)
        except (
            zipfile.BadZipFile,
            zlib.error,
            OSError,
            EOFError,
            KeyError,
            ValueError,
            ElementTree.ParseError,
        ) as exc:
            if ZIP_END not in data[-65_557:]:  # the end record sits in the last 64 KiB
                raise Unreadable("truncated", RESEND) from exc
            raise _damaged(exc) from exc
    beyond = {
        name: _cell(rows, cols)
        for name, (rows, cols) in extents.items()
        if bounds and (rows > bounds.rows or cols > bounds.cols)
    }
    # beyond: only with bounds
    book = (
        _read_bounded_xlsx(data, bounds)
        if beyond and bounds
        else _read_calamine(data, kind, bounds)
    )
    book.beyond.update(beyond)
    book.formulas = formulas
    return book


def _take(path: Path, max_bytes: int) -> bytes:
    size = path.stat().st_size
    if size == 0:
        raise Unreadable("empty_file", "文件是空的（0字节），可能保存或发送时出错。" + RESAVE)
    if size > max_bytes:
        raise Unreadable(
            "too_large",
            f"文件过大（{size / 1048576:.0f} MB，"
            f"上限{max_bytes / 1048576:.0f} MB），未打开。"
            "进展情况表通常不足1 MB，请删除表中插入的图片等内容后重新报送",
        )
    return path.read_bytes()


def _kind(data: bytes, suffix: str) -> str:
    """What the file is by its first bytes: zip (to look inside), xls or csv; else Unreadable."""
    if data.startswith(ZIP_MAGIC):
        return "zip"
    if data.startswith(OLE_MAGIC):
        head = data[: 4 * 1024 * 1024]  # OLE holding an EncryptedPackage: a password-protected xlsx
        if any(s.encode("utf-16-le") in head for s in ("EncryptedPackage", "EncryptionInfo")):
            raise Unreadable(
                "encrypted",
                "文件设置了打开密码，无法读取。请在Excel中取消密码（文件→信息→保护工作簿→"
                "用密码进行加密，清空密码）后重新报送",
            )
        return "xls"
    for magic, name in ARCHIVES.items():
        if data.startswith(magic):
            raise Unreadable(
                "zipped", f"这是一个{name}压缩包，不是Excel工作簿：请解压后把其中的xlsx文件直接发来"
            )
    text = decode(data) if b"\x00" not in data[:4096] else None
    if text is not None:  # text under any name: a table exported by another system, or not a table
        opening = text.lstrip("\ufeff \r\n\t")[:200].lower()
        if opening.startswith(("<html", "<!doctype", "<table", "<?xml", "<meta")):
            raise Unreadable(
                "not_a_workbook",
                "该文件是网页或XML格式的表格（多为从网站或其他系统导出），"
                "不是Excel工作簿。" + RESAVE,
            )
        first = text.lstrip("\ufeff").split("\n", 1)[0]
        if suffix in (".csv", ".txt") or "," in first or "\t" in first:
            return "csv"
    raise Unreadable(
        "not_a_workbook", f"该文件不是Excel工作簿（扩展名{suffix or '无'}）。" + RESAVE
    )


def _zip_kind(zf: zipfile.ZipFile) -> str:
    """xlsx, xlsb or ods by the parts inside; a zip holding the form or anything else is refused."""
    infos = zf.infolist()
    inflated = sum(i.file_size for i in infos)
    packed = max(1, sum(i.compress_size for i in infos))
    if inflated > MAX_INFLATED_BYTES or inflated / packed > MAX_RATIO:
        raise Unreadable(
            "zip_bomb",
            f"文件解压后异常巨大（{inflated / 1048576:.0f} MB），为保护系统未打开。"
            "请确认文件来源，使用下发的表格重新填写后报送",
        )
    names = {i.filename for i in infos}
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "xl/workbook.bin" in names:
        return "xlsb"
    if "content.xml" in names and "mimetype" in names:
        return "ods"
    inside = [PurePosixPath(n).name for n in sorted(names) if n.lower().endswith(WORKBOOK_SUFFIXES)]
    if inside:
        shown = "、".join(f"“{n}”" for n in inside[:3]) + ("等" if len(inside) > 3 else "")
        raise Unreadable(
            "zipped", f"这是一个压缩包，其中有{shown}：请把其中的xlsx文件直接发来（不要压缩）"
        )
    raise Unreadable("not_a_workbook", "该文件是压缩包或其他文档，不是Excel工作簿。" + RESAVE)


# -- xlsx sheets: how far they reach, without building them -------------------------------------
# Fast: every common writer puts the address first (<c r="K7" ...>); one pass finds every cell tag
# with its address, or without one (then the fast scan cannot vouch for the sheet).  Exact (only
# for what the fast scan cannot vouch for): cells that hold something, wherever the address
# stands, and whether any cell has no address at all.
_CELL_TAG = re.compile(rb'<c(?:>| (?:r="([A-Z]{1,3})(\d{1,7})")?)')
_FILLED_CELL_AT = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3})(\d{1,7})"[^>]*(?<!/)>')
_ANY_CELL = re.compile(rb"<(?:\w+:)?c[\s>]")
_ANY_CELL_AT = re.compile(rb'<(?:\w+:)?c\s[^>]*?\br="')
_FORMULA = re.compile(rb"<(?:\w+:)?f[\s>/]")
_CHUNK = 4 << 20


def _xlsx_extents(
    zf: zipfile.ZipFile, bounds: Bounds | None
) -> tuple[dict[str, tuple[int, int]], bool]:
    """({sheet: (rows, columns) to its farthest cell}, any formula), by streaming each sheet's
    XML: nothing is built, so an absurd sheet costs only the time to scan it."""
    extents: dict[str, tuple[int, int]] = {}
    formulas = False
    for name, part in _sheet_parts(zf).items():
        rows, cols, odd, formulas = _stream(zf, part, _quick, formulas)
        if odd or (bounds and (rows > bounds.rows or cols > bounds.cols)):
            rows, cols, positional, _ = _stream(zf, part, _exact, formulas)
            if positional:  # cells without an address (rare writers): assume the worst
                rows, cols = max(rows, 1 << 20), max(cols, 1 << 14)
        extents[name] = (rows, cols)
    return extents, formulas


# a scan over a block of a sheet's XML: (rows, columns, its flag, formulas) carried to the next
Scan = Callable[[bytes, int, int, bool, bool], tuple[int, int, bool, bool]]


def _stream(
    zf: zipfile.ZipFile, part: str, scan: Scan, formulas: bool
) -> tuple[int, int, bool, bool]:
    rows = cols = 0
    flag = False
    with zf.open(part) as fh:
        carry = b""
        for block in iter(lambda: fh.read(_CHUNK), b""):
            data = carry + block
            cut = data.rfind(b"<")  # tags are whole up to the last "<"
            data, carry = data[:cut], data[cut:]
            rows, cols, flag, formulas = scan(data, rows, cols, flag, formulas)
        return scan(carry, rows, cols, flag, formulas)


def _quick(
    data: bytes, rows: int, cols: int, odd: bool, formulas: bool
) -> tuple[int, int, bool, bool]:
    tags = _CELL_TAG.findall(data)  # (column, row), or (b"", b"") for a tag without an address
    if tags:
        letters, numbers = map(set, zip(*tags))
        odd = odd or b"" in numbers
        rows, cols = _farthest(letters - {b""}, numbers - {b""}, rows, cols)
    # prefixed cells (x:c) and formulas are rare: one search for what they share rules most out
    odd = odd or (b":c" in data and (b":c " in data or b":c>" in data))
    if not formulas and (b"f>" in data or b"f " in data):
        formulas = any(tag in data for tag in (b"<f>", b"<f ", b":f>", b":f "))
    return rows, cols, odd, formulas


def _exact(
    data: bytes, rows: int, cols: int, positional: bool, formulas: bool
) -> tuple[int, int, bool, bool]:
    refs = _FILLED_CELL_AT.findall(data)
    if refs:
        letters, numbers = map(set, zip(*refs))
        rows, cols = _farthest(letters, numbers, rows, cols)
    positional = positional or len(_ANY_CELL.findall(data)) > len(_ANY_CELL_AT.findall(data))
    return rows, cols, positional, formulas or _FORMULA.search(data) is not None


def _farthest(letters: set[bytes], numbers: set[bytes], rows: int, cols: int) -> tuple[int, int]:
    """The farthest row and column of the addresses seen (each distinct part converted once)."""
    if numbers:
        rows = max(rows, max(map(int, numbers)))
    if letters:
        widest = max(letters, key=lambda c: (len(c), c))
        cols = max(cols, column_index_from_string(widest.decode()))
    return rows, cols


def _sheet_parts(zf: zipfile.ZipFile) -> dict[str, str]:
    """Sheet name -> its part in the package, as the workbook and its relationships say."""
    workbook = zf.read("xl/workbook.xml").decode("utf-8", "replace")
    try:
        rels = zf.read("xl/_rels/workbook.xml.rels").decode("utf-8", "replace")
    except KeyError:
        rels = ""
    targets = {
        m.group("id"): m.group("target")
        for m in re.finditer(
            r'<Relationship\b(?=[^>]*\bId="(?P<id>[^"]+)")(?=[^>]*\bTarget="(?P<target>[^"]+)")',
            rels,
        )
    }
    parts = {}
    sheet = r'<(?:\w+:)?sheet\b(?=[^>]*\bname="(?P<name>[^"]*)")(?=[^>]*\br:id="(?P<id>[^"]+)")'
    for m in re.finditer(sheet, workbook):
        target = targets.get(m.group("id"), "")
        part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(f"xl/{target}")
        if part in zf.NameToInfo:
            parts[html.unescape(m.group("name"))] = part
    listed = set(parts.values())
    for name in zf.namelist():  # a sheet the workbook does not list is still counted
        if name.startswith("xl/worksheets/") and name.endswith(".xml") and name not in listed:
            parts[name] = name
    return parts


def _damaged(exc: Exception) -> Unreadable:
    return Unreadable(
        "unreadable", f"文件已损坏，无法作为Excel工作簿打开（{type(exc).__name__}）。" + RESAVE
    )


def _cell(rows: int, cols: int) -> str:
    return f"{get_column_letter(min(max(cols, 1), 16384))}{max(rows, 1)}"


_ODS_TABLE = "{urn:oasis:names:tc:opendocument:xmlns:table:1.0}"
_ODS_OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
_ODS_CELL, _ODS_COVERED = _ODS_TABLE + "table-cell", _ODS_TABLE + "covered-table-cell"


def _refuse_far_ods(zf: zipfile.ZipFile, bounds: Bounds) -> None:
    """An .ods sheet with content past the bounds is not opened: calamine would expand every
    repeated row and column up to it (gigabytes), and cannot be told to stop at the bounds."""
    with zf.open("content.xml") as fh:
        table, row, col, repeat_rows = "", 0, 0, 1
        for event, el in ElementTree.iterparse(fh, events=("start", "end")):
            if el.tag == _ODS_TABLE + "table" and event == "start":
                table, row = el.get(_ODS_TABLE + "name", ""), 0
            elif el.tag == _ODS_TABLE + "table-row":
                if event == "start":
                    col, repeat_rows = 0, int(el.get(_ODS_TABLE + "number-rows-repeated", "1"))
                else:
                    row += repeat_rows
                    el.clear()
            elif el.tag in (_ODS_CELL, _ODS_COVERED) and event == "start":
                repeat = int(el.get(_ODS_TABLE + "number-columns-repeated", "1"))
                if el.get(_ODS_OFFICE + "value-type") or el.get(_ODS_TABLE + "formula"):
                    last_row, last_col = row + repeat_rows, col + repeat
                    if last_row > bounds.rows or last_col > bounds.cols:
                        far = _cell(last_row, last_col)
                        raise Unreadable(
                            "sheet_too_large",
                            f"工作表“{table}”直到{far}单元格还有内容，"
                            "远超进展情况表的范围，为保护系统未打开。多为误在很远处输入了内容："
                            "请删除多余内容后另存为“Excel工作簿(*.xlsx)”重新报送",
                        )
                col += repeat


# -- reading -----------------------------------------------------------------------------------
def _read_calamine(data: bytes, kind: str, bounds: Bounds | None) -> Book:
    try:  # from the bytes, so by content: calamine tries each format on what it is given
        wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
        sheets: dict[str, Grid] = {}
        beyond: dict[str, str] = {}
        for name in wb.sheet_names:
            sheet = wb.get_sheet_by_name(name)
            end = sheet.end
            rows, cols = (end[0] + 1, end[1] + 1) if end else (0, 0)
            if bounds is None:
                sheets[name] = sheet.to_python(skip_empty_area=False)
                continue
            if rows > bounds.rows or cols > bounds.cols:
                beyond[name] = _cell(rows, cols)
            grid = sheet.to_python(skip_empty_area=False, nrows=bounds.rows)
            sheets[name] = [r[: bounds.cols] for r in grid]
        visible = python_calamine.SheetVisibleEnum.Visible
        hidden = [m.name for m in wb.sheets_metadata if m.visible != visible]
    except python_calamine.PasswordError as exc:
        raise Unreadable("encrypted", "文件设置了密码，无法读取。请取消密码后重新报送") from exc
    except Exception as exc:  # calamine raises several kinds for damaged files
        if kind == "xls" and len(data) % 512:  # an OLE file is whole sectors of 512 bytes
            raise Unreadable("truncated", RESEND) from exc
        raise _damaged(exc) from exc
    return Book(sheets, hidden, kind, beyond)


def _read_bounded_xlsx(data: bytes, bounds: Bounds) -> Book:
    """openpyxl's streaming reader, stopped at the bounds: constant memory however far sheets go."""
    import openpyxl

    try:  # bytes, not a name: openpyxl would refuse a name ending in .xls
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many kinds for damaged packages
        raise _damaged(exc) from exc
    try:
        area = dict(max_row=bounds.rows, max_col=bounds.cols, values_only=True)
        sheets: dict[str, Grid] = {
            ws.title: [["" if v is None else v for v in row] for row in ws.iter_rows(**area)]
            for ws in wb.worksheets
        }
        hidden = [ws.title for ws in wb.worksheets if ws.sheet_state != "visible"]
    finally:
        wb.close()
    return Book(sheets, hidden, "xlsx")


def decode(raw: bytes) -> str | None:
    """Text saved by Chinese Windows programs: UTF-8 (with or without BOM) or GBK; else None."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    return None


def _read_csv(data: bytes, name: str, bounds: Bounds | None) -> Book:
    text = decode(data)
    if text is None:
        raise Unreadable("unreadable", "无法识别该CSV文件的文字编码。" + RESAVE)
    first = text.split("\n", 1)[0]  # commas, or tabs as many systems export "xls"
    dialect = csv.excel_tab if "\t" in first and "," not in first else csv.excel
    reader = csv.reader(io.StringIO(text), dialect)
    if bounds is None:
        grid: Grid = list(reader)
        return Book({name: grid}, [], "csv")
    raw = list(itertools.islice(reader, bounds.rows))
    width = max((len(r) for r in raw if any(r[bounds.cols :])), default=0)
    rows: Grid = [r[: bounds.cols] for r in raw]
    last = 0
    for n, row in enumerate(reader, start=bounds.rows + 1):  # past the bounds: only measured
        if any(row):
            last, width = n, max(width, len(row))
    beyond = {name: _cell(max(last, len(rows)), width)} if last or width > bounds.cols else {}
    return Book({name: rows}, [], "csv", beyond)
