"""Returned files in every state clerks send them, generated from a real filled form."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from datetime import date
from pathlib import Path

from reporting import clerks as simulate
from reporting.forms import layout as form
from reporting.intake.grids import load_sheets
from reporting.intake.values import text
from reporting.libreoffice import convert

OFFICE = "人事股"  # one task, six milestones: small and complete


# each office's plain good return, answered once per outbox (a module's forms): many tests and
# every fuzzed example start from it, and answering and saving it is most of their time
_ANSWERED: dict[tuple[Path, str], bytes] = {}


def good_return(outbox: Path, dest: Path, office: str = OFFICE, typed: dict | None = None) -> Path:
    """A complete, correct return from `office`; `typed` overrides cells by (key, header)."""
    made = _ANSWERED.get((outbox, office))
    if made is not None and not typed:  # the same file answered before: its bytes again
        dest.write_bytes(made)
        return dest
    wb, ws = simulate.open_form(outbox / f"进展情况表_2022-06_{office}.xlsx")
    rows = simulate.rows_by_key(ws)
    answers = {}
    for key in rows:
        if "-M" not in key and key.startswith("T"):
            answers[key] = {"progress": "已按计划推进。", "problems": "无。", "milestones": {}}
    for key in rows:
        if "-M" in key:
            task, seq = key.split("-M")
            answers[task]["milestones"][int(seq)] = {
                "status": "已完成",
                "completed_on": date(2022, 6, 1),
            }
    simulate.answer(ws, "张三", date(2022, 6, 15), answers)
    for (key, header), value in (typed or {}).items():
        ws.cell(simulate.rows_by_key(ws)[key], simulate.column(header), value)
    wb.save(dest)
    if not typed:
        _ANSWERED[outbox, office] = dest.read_bytes()
    return dest


def libreoffice(src: Path, fmt: str, out_dir: Path) -> Path:
    return convert(src, fmt, out_dir, timeout=180)


def as_csv(src: Path, dest: Path, encoding: str, delimiter: str = ",") -> Path:
    sheets, _ = load_sheets(src)
    buffer = io.StringIO()
    rows = [[text(v) for v in row] for row in sheets[form.SHEET]]
    csv.writer(buffer, delimiter=delimiter).writerows(rows)
    dest.write_bytes(buffer.getvalue().encode(encoding))
    return dest


def zip_bomb(dest: Path, megabytes: int = 60) -> Path:
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        with zf.open("xl/worksheets/sheet1.xml", "w") as fh:
            block = b"\0" * (1 << 20)
            for _ in range(megabytes):
                fh.write(block)
    return dest


def locked_cells_changed(
    outbox: Path, dest: Path, changes: dict, office: str = OFFICE, typed: dict | None = None
) -> Path:
    """A clerk unprotects the sheet and types over locked cells: `changes` by (key, header)."""
    good_return(outbox, dest, office, typed)
    wb, ws = simulate.open_form(dest)
    for (key, header), value in changes.items():
        simulate.overwrite_locked(ws, key, header, value)
    wb.save(dest)
    return dest


def copied_form(outbox: Path, dest: Path, shown: str, mark: str, drop: tuple = ()) -> Path:
    """`shown`'s clerk fills in `mark`'s form: types its own name over 填报股室, deletes task
    blocks."""
    good_return(outbox, dest, mark)
    wb, ws = simulate.open_form(dest)
    ws.protection.sheet = False
    ws[form.OFFICE_CELL] = shown
    for key in drop:
        simulate.delete_task_block(ws, key)
    wb.save(dest)
    return dest


def sort_visible_columns(path: Path, header: str, reverse: bool = False) -> Path:
    """Sort the table by `header` with only the visible columns selected: the hidden key column
    (A) stays where it was."""
    at = form.HEADERS.index(header) - 1
    return shuffle_visible_columns(
        path, lambda rows: rows.sort(key=lambda values: text(values[at]), reverse=reverse)
    )


def rows_pasted(outbox: Path, dest: Path, rows_of: str, into: str) -> Path:
    """`rows_of`'s clerk pastes its answered rows (the hidden keys with them) over the rows of
    `into`'s form, whose 填报股室 and hidden mark stay `into`."""
    source = good_return(outbox, dest, rows_of)
    _, src = simulate.open_form(source)
    width = len(form.HEADERS)
    rows = [
        [src.cell(r, c).value for c in range(1, width + 1)]
        for r in range(form.FIRST_DATA_ROW, src.max_row + 1)
    ]
    good_return(outbox, dest, into)
    wb, ws = simulate.open_form(dest)
    ws.protection.sheet = False
    for rng in list(ws.merged_cells.ranges):
        if rng.min_row >= form.FIRST_DATA_ROW:
            ws.unmerge_cells(str(rng))
    ws.delete_rows(form.FIRST_DATA_ROW, ws.max_row)
    for r, values in enumerate(rows, start=form.FIRST_DATA_ROW):
        for c, value in enumerate(values, start=1):
            ws.cell(r, c).value = value
    wb.save(dest)
    return dest


def shuffle_visible_columns(path: Path, shuffle) -> Path:
    """Unmerge, then put the rows' visible columns in the order `shuffle` gives (the hidden key
    column A stays): any sort done without selecting column A."""
    wb, ws = simulate.open_form(path)
    ws.protection.sheet = False
    for rng in list(ws.merged_cells.ranges):
        if rng.min_row >= form.FIRST_DATA_ROW:
            ws.unmerge_cells(str(rng))
    first, last, width = form.FIRST_DATA_ROW, ws.max_row, len(form.HEADERS)
    rows = [[ws.cell(r, c).value for c in range(2, width + 1)] for r in range(first, last + 1)]
    shuffle(rows)
    for r, values in enumerate(rows, start=first):
        for c, value in enumerate(values, start=2):
            ws.cell(r, c).value = value
    wb.save(path)
    return path


def far_cell(src: Path, dest: Path, cell: str, value="见附件") -> Path:
    """A return with one value typed far outside the form (Ctrl+End junk), e.g. XFD1048576."""
    wb, ws = simulate.open_form(src)
    ws[cell] = value
    wb.save(dest)
    return dest


def zipped(src: Path, dest: Path) -> Path:
    """The form sent inside a zip (as mail clients and chat apps do)."""
    with zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.write(src, f"报表/{src.name}")
    return dest


def cut_short(src: Path, dest: Path, keep: float = 0.6) -> Path:
    """A half-downloaded file: the first part of the bytes only."""
    data = src.read_bytes()
    dest.write_bytes(data[: int(len(data) * keep)])
    return dest


def ods_with_far_cell(src_ods: Path, dest: Path, rows: int = 1_000_000, cols: int = 1000) -> Path:
    """An .ods form with a value typed `rows` rows down and `cols` columns across, saved as
    LibreOffice does it (repeated empty rows and cells)."""
    far = (
        f'<table:table-row table:number-rows-repeated="{rows}"><table:table-cell/>'
        "</table:table-row><table:table-row>"
        f'<table:table-cell table:number-columns-repeated="{cols}"/>'
        '<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'
        "</table:table-row>"
    )
    filler = (
        rb'<table:table-row [^>]*number-rows-repeated="\d{4,}"[^>]*>'
        rb".*?</table:table-row>"
    )
    with zipfile.ZipFile(src_ods) as zin, zipfile.ZipFile(dest, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename == "content.xml":  # LibreOffice's own empty rows to the end go
                data = re.sub(filler, b"", data, count=1)
                data = data.replace(b"</table:table>", far.encode() + b"</table:table>", 1)
            packing = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            zout.writestr(info, data, compress_type=packing)
    return dest
