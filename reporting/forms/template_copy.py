"""The month's forms written as copies of one openpyxl-written form: the same parts, new rows.

A form differs from every other form of the month only in its rows, its office's name and its
print area.  So openpyxl writes one form per process, for an office with no tasks (its name a
placeholder); every office's form is that form's parts (styles, protection, column widths,
drop-downs, print set-up, hidden sheet) with the rows added as XML and the name put in, zipped.
About 1 ms a form instead of 15.  The template is read at run time, so restyling it in Excel
still restyles every form; the rows come from content.py, as openpyxl's, and the style of each
cell is the one openpyxl gives it (learnt from the same cell written by fill.put_cell).  Tests
compare a copied form with an openpyxl-written one cell by cell.
"""

from __future__ import annotations

import re
import zipfile
from copy import copy
from datetime import date, datetime
from io import BytesIO
from pathlib import Path
from xml.sax.saxutils import escape

import openpyxl
from openpyxl.cell import Cell
from openpyxl.compat import safe_string
from openpyxl.utils.datetime import to_excel

from ..models import Office, TaskList
from ..period import Period
from ..xlsx import set_cell, stored_text
from . import layout as form
from . import openpyxl_form as reference  # the openpyxl writer
from .content import FormContent, FormRow, form_content
from .prefill import Carried

OFFICE = "YUEBAO-OFFICE-NAME"  # the placeholder office; no real office is called that
MADE_AT = "YUEBAO-GENERATED-AT"
SHEET_PART, META_PART, BOOK_PART = (
    "xl/worksheets/sheet1.xml",
    "xl/worksheets/sheet2.xml",
    ("xl/workbook.xml"),
)
_SAMPLES = (None, "text", date(2000, 1, 1), datetime(2000, 1, 1, 1, 1), 1, 1.5, True)
_LETTERS = [form.column_letter(h) for h in form.HEADERS]
CORE_PART = "docProps/core.xml"
_MODIFIED_STAMP = re.compile(rb"[0-9T:\-]+Z</dcterms:modified>")
SIGNED = (form.FILLED_BY_CELL, form.FILLED_ON_CELL)  # blank in the forms sent out
# drop-down placeholders, far from any cell a form uses
_DROPDOWN_MARK = {form.STATUS: "XFD1048575", form.DONE_ON: "XFD1048576"}


class CannotCopy(Exception):
    """This form (or the template) is not one a copy can write: openpyxl writes it instead."""


class TemplateCopy:
    """Writes forms of one month (task list, period, bureau, carried answers) by copying."""

    def __init__(
        self,
        tasks: TaskList,
        period: Period,
        bureau: str,
        fingerprint: str,
        carried: Carried | None,
        made: datetime | None = None,
    ):
        """`made`: the time every form says it was written (the workbook's 创建/修改时间 and its
        parts' dates), for forms whose bytes must not depend on the clock; else now."""
        self.shared = (tasks, period, bureau, fingerprint, carried)
        self.made = made
        wb = openpyxl.load_workbook(reference.TEMPLATE)
        if made is not None:
            wb.properties.created = wb.properties.modified = made
        ws = wb[form.SHEET]
        content = self.content(Office(OFFICE))
        content.meta = [(k, MADE_AT if k == "generated_at" else v) for k, v in content.meta]
        known = reference.write_form(wb, content)
        for header, dv in known["dropdowns"].items():
            dv.add(_DROPDOWN_MARK[header])
        # for each style class, its columns: (letter, header, the style id openpyxl writes for
        # each type of value)
        self.columns: dict[str, list[tuple[str, str, dict[type, int]]]] = {}
        probe = Cell(ws)
        for kind, styles in known["styles"].items():
            self.columns[kind] = []
            for letter, header, style in zip(_LETTERS, form.HEADERS, styles):
                ids = {}
                for sample in _SAMPLES:
                    reference.put_cell(probe, style, sample)
                    ids[type(sample)] = wb._cell_styles.add(probe._style)
                self.columns[kind].append((letter, header, ids))
        # the cells the office signs (填报人, 填报日期): blank in a form sent out, filled in one
        # written for an online return; each type of value has its style, as for the rows
        self.signed: dict[str, dict[type, int]] = {}
        for coordinate in SIGNED:
            base, ids = copy(ws[coordinate]._style), {}
            for sample in _SAMPLES:
                probe._style = copy(base)
                set_cell(probe, sample)
                ids[type(sample)] = wb._cell_styles.add(probe._style)
            self.signed[coordinate] = ids
        buffer = BytesIO()
        wb.save(buffer)
        with zipfile.ZipFile(buffer) as z:
            parts = {name: z.read(name) for name in z.namelist()}
        self._split(parts[SHEET_PART].decode(), parts[BOOK_PART].decode())
        self.meta = parts[META_PART].decode()
        # the parts no form changes (styles, theme …), zipped once: each form is this zip with
        # its own three parts added, instead of compressing the same bytes 3,000 times
        unchanging = BytesIO()
        with zipfile.ZipFile(unchanging, "w", zipfile.ZIP_DEFLATED) as z:
            for name, data in parts.items():
                if name == CORE_PART and made is not None:
                    data = modified_at(data, made)
                if name not in (SHEET_PART, META_PART, BOOK_PART):
                    z.writestr(self._dated(name), data)
        self.unchanging = unchanging.getvalue()

    def _dated(self, name: str) -> zipfile.ZipInfo | str:
        """A part's entry: dated `made` when given, else by the clock."""
        return name if self.made is None else dated_part(name, self.made)

    def content(self, office: Office) -> FormContent:
        tasks, period, bureau, fingerprint, carried = self.shared
        return form_content(tasks, office, period, bureau, fingerprint, carried)

    def _split(self, sheet: str, book: str) -> None:
        """The placeholder form cut where each form's own XML goes; CannotCopy if it is not the
        shape expected (openpyxl then writes every form)."""
        rows = [int(r) for r in re.findall(r'<row r="(\d+)"', sheet)]
        head, sep, tail = sheet.partition("</sheetData>")
        dimension = re.search(r'<dimension ref="([A-Z]+\d+):[A-Z]+\d+"/>', head)
        merges = re.search(r'<mergeCells count="(\d+)">', tail)
        area = re.search(r"(<definedName [^>]*_xlnm.Print_Area[^>]*>[^<]*\$)(\d+)(</)", book)
        marks = [tail.count(f'sqref="{m}"') for m in _DROPDOWN_MARK.values()]
        if not (sep and dimension and merges and area and marks == [1, 1]) or (
            rows and max(rows) >= form.FIRST_DATA_ROW
        ):
            raise CannotCopy("the template's form is not the shape a copy expects")
        self.head = head.replace(dimension.group(0), '<dimension ref="{dimension}"/>')
        for coordinate in SIGNED:
            found = re.findall(rf'<c r="{coordinate}"(?: [^>]*)?(?:/>|>.*?</c>)', self.head)
            if len(found) != 1:
                raise CannotCopy(f"the template's form has no cell {coordinate} to sign")
            self.head = self.head.replace(found[0], "{%s}" % coordinate)
        self.first_cell = dimension.group(1)
        self.merge_count = int(merges.group(1))
        self.tail = tail.replace(merges.group(0), '<mergeCells count="{merges}">{merge_cells}')
        for header, mark in _DROPDOWN_MARK.items():
            self.tail = self.tail.replace(f'sqref="{mark}"', 'sqref="{%s}"' % header)
        self.book = book[: area.start(2)] + "{last_row}" + book[area.end(2) :]
        self.head, self.tail, self.book = (
            _protect_braces(self.head, ("dimension", *SIGNED)),
            _protect_braces(self.tail, ("merges", "merge_cells", *_DROPDOWN_MARK)),
            _protect_braces(self.book, ("last_row",)),
        )

    def write(self, office: Office, path: Path) -> Path:
        data = self.bytes_of(self.content(office), office.name)
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        return path

    def bytes_of(self, content: FormContent, office_name: str) -> bytes:
        """The workbook of `content`, one office's form of this month (its rows, and 填报人 and
        填报日期 where it has them, as an online return does)."""
        name = escape(stored_text(office_name), {'"': "&quot;"})
        made_at = dict(content.meta)["generated_at"]
        merges = [
            f'<mergeCell ref="{_letter(h)}{first}:{_letter(h)}{last}"/>'
            for h, first, last in content.merges
        ]
        signed = {}
        for coordinate, ids in self.signed.items():
            value = content.cells.get(coordinate)
            style = ids.get(type(value))
            if style is None:
                raise CannotCopy(f"no style learnt for {type(value).__name__} in {coordinate}")
            signed[coordinate] = _cell(coordinate, style, value)
        sheet = (
            self.head.format(
                dimension=f"{self.first_cell}:{_LETTERS[-1]}{content.last_row}", **signed
            )
            + "".join(self._row(r, row) for r, row in content.numbered())
            + "</sheetData>"
            + self.tail.format(
                merges=self.merge_count + len(merges),
                merge_cells="".join(merges),
                **{h: " ".join(content.dropdown_cells(h)) for h in _DROPDOWN_MARK},
            )
        ).replace(OFFICE, name)
        breaks = content.row_breaks_xml()  # the form's own page breaks (content.page_breaks)
        sheet = sheet.replace("</headerFooter>", f"</headerFooter>{breaks}", 1)
        own = {
            SHEET_PART: sheet.encode(),
            META_PART: self.meta.replace(OFFICE, name).replace(MADE_AT, made_at).encode(),
            BOOK_PART: self.book.format(last_row=content.last_row).encode(),
        }
        package = BytesIO(self.unchanging)
        with zipfile.ZipFile(package, "a", zipfile.ZIP_DEFLATED) as z:
            for part, data in own.items():
                z.writestr(self._dated(part), data)
        return package.getvalue()

    def _row(self, r: int, row: FormRow) -> str:
        cells = []
        values = row.values
        for letter, header, ids in self.columns[row.kind]:
            value = values.get(header)
            style = ids.get(type(value))
            if style is None:
                raise CannotCopy(f"no style learnt for {type(value).__name__} in {header}")
            if value is None:  # most cells of a row: the answers not given yet
                cells.append(f'<c r="{letter}{r}" s="{style}" t="n"/>')
            else:
                cells.append(_cell(f"{letter}{r}", style, value))
        height = safe_string(row.height)
        return f'<row r="{r}" ht="{height}" customHeight="1">{"".join(cells)}</row>'


def dated_part(name: str, made: datetime) -> zipfile.ZipInfo:
    """A workbook part's zip entry dated `made` (zipfile dates an entry by the clock)."""
    entry = zipfile.ZipInfo(name, made.timetuple()[:6])
    entry.compress_type = zipfile.ZIP_DEFLATED
    return entry


def modified_at(core: bytes, made: datetime) -> bytes:
    """docProps/core.xml saying the workbook was last modified at `made` (openpyxl's save writes
    the time of saving)."""
    return _MODIFIED_STAMP.sub(f"{made:%Y-%m-%dT%H:%M:%SZ}</dcterms:modified>".encode(), core)


def _cell(ref: str, style: int, value: object) -> str:
    """One <c> as openpyxl writes it (fill.put_cell, then openpyxl's cell writer)."""
    if value is None or value == "":
        return f'<c r="{ref}" s="{style}" t="{"n" if value is None else "inlineStr"}"/>'
    if isinstance(value, str):
        text = stored_text(value)[:32767]
        space = ' xml:space="preserve"' if text != text.strip() else ""
        return f'<c r="{ref}" s="{style}" t="inlineStr"><is><t{space}>{escape(text)}</t></is></c>'
    if isinstance(value, bool):
        return f'<c r="{ref}" s="{style}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, (date, datetime)):
        value = to_excel(value)
    return f'<c r="{ref}" s="{style}" t="n"><v>{safe_string(value)}</v></c>'


def _letter(header: str) -> str:
    return form.column_letter(header)


def _protect_braces(text: str, fields: tuple[str, ...]) -> str:
    """`text` made safe for str.format, but for its {field}s."""
    text = text.replace("{", "{{").replace("}", "}}")
    for name in fields:
        text = text.replace("{{%s}}" % name, "{%s}" % name)
    return text
