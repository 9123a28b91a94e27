"""The progress form (进展情况表) layout shared by fill (writes it) and returns (reads it back),
and what decides each row's height (every writer of the form sizes rows here).

One block per task: a task row (key "T01") holding the task-level answers, then one row per
milestone (key "T01-M1") holding its status and completion date.  Column A carries the key and
is hidden, so a return can be matched row by row even after a clerk re-sorts or deletes rows.
Columns are found by their header text when reading, so moved columns are still understood.
"""

from ..paper import text_height
from ..xlsx import A4_LANDSCAPE, column_points

SHEET = "进展情况表"
META_SHEET = "yuebao"  # hidden sheet: office, month, task list fingerprint
HEADER_ROW = 4  # in the template; readers search for it instead
FIRST_DATA_ROW = 5

KEY = "任务键"
NO = "编号"
NAME = "项目名称"
CONTENT = "主要内容和关键时间节点计划"
OFFICES = "责任股室"
DUE = "计划完成时间"
STATUS = "节点状态"
DONE_ON = "完成日期"
PROGRESS = "进展情况"
PROBLEMS = "存在问题和下一步工作计划"
REMARKS = "备注"

HEADERS = [KEY, NO, NAME, CONTENT, OFFICES, DUE, STATUS, DONE_ON, PROGRESS, PROBLEMS, REMARKS]
# printed one page wide at about 80%: 10-point text prints at 8 points or more
# 节点状态 at 12: the header block's "填报日期：" above it fits its cell, clear of 填报人's box
WIDTHS = dict(zip(HEADERS, (9, 5, 12, 34, 9, 12, 12, 12, 32, 28, 10)))
FONT_SIZE = 10
ANSWER_LINES = 5  # a task row leaves room for this many lines of 进展情况 however short
DEFINITION = (NO, NAME, CONTENT, OFFICES, DUE)  # locked: copied from the task list
TASK_INPUTS = (PROGRESS, PROBLEMS, REMARKS)  # open on task rows
MILESTONE_INPUTS = (STATUS, DONE_ON)  # open on milestone rows
UNDATED = "未识别"  # 计划完成时间 of a milestone whose date could not be read
# every other column of a row is locked: the task list's text, or blank
TASK_LOCKED = tuple(h for h in HEADERS[1:] if h not in TASK_INPUTS)
MILESTONE_LOCKED = tuple(h for h in HEADERS[1:] if h not in MILESTONE_INPUTS)

# Header block cells (row 2): labels and the cells a clerk fills in.
OFFICE_LABEL, OFFICE_CELL = "C2", "D2"
FILLED_BY_LABEL, FILLED_BY_CELL = "E2", "F2"
FILLED_ON_LABEL, FILLED_ON_CELL = "G2", "H2"
DEADLINE_LABEL, DEADLINE_CELL = "I2", "J2"
TITLE_CELL, NOTE_CELL = "B1", "B3"

# Prototype rows in templates/progress_form.xlsx whose styles fill copies.
PROTO_TASK, PROTO_MILESTONE, PROTO_MILESTONE_DUE = 5, 6, 7


def column_letter(header: str) -> str:
    return "ABCDEFGHIJK"[HEADERS.index(header)]


# the page as the template sets it up (A4 landscape, one page wide; margins in inches)
MARGINS = {"left": 0.4, "right": 0.4, "top": 0.6, "bottom": 0.8}
HEADER_POINTS = 30  # row 4, the column headers, printed again atop every page


def printed_scale() -> float:
    """The fraction Excel prints the form at to fit its width (LibreOffice's wider columns print
    a little smaller still: more fits on its pages, never less)."""
    printable = A4_LANDSCAPE[0] - 72 * (MARGINS["left"] + MARGINS["right"])
    wide = sum(column_points(w) for h, w in WIDTHS.items() if h != KEY)  # A is hidden
    return min(1.0, printable / wide)


def page_rows() -> float:
    """Points of rows a page holds at the printed scale, a little spare."""
    body = A4_LANDSCAPE[1] - 72 * (MARGINS["top"] + MARGINS["bottom"])
    return body * 0.95 / printed_scale()


def task_row_height(content: str, name: str, progress: str = "", problems: str = "") -> float:
    """A task row: its text and the answers shown whole, with room to write an answer."""
    return max(
        text_height(content, WIDTHS[CONTENT], FONT_SIZE),
        text_height(name, WIDTHS[NAME], FONT_SIZE),
        text_height(progress, WIDTHS[PROGRESS], FONT_SIZE),
        text_height(problems, WIDTHS[PROBLEMS], FONT_SIZE),
        text_height("", WIDTHS[PROGRESS], FONT_SIZE, minimum=ANSWER_LINES),
    )


def milestone_row_height(text: str) -> float:
    return text_height(text, WIDTHS[CONTENT], FONT_SIZE)


def note_height(note: str) -> float:
    """The 填报说明 row (B3, merged across the printed columns): every line of it printed."""
    return text_height(note, sum(w for h, w in WIDTHS.items() if h != KEY), FONT_SIZE)


def page_breaks(rows: list[tuple[int, float, bool]], above: float) -> list[int]:
    """Rows that start a printed page.  `rows`: (row, height, starts a task) from the first data
    row down; `above`: points of the rows above them.  A task's block goes to a new page when it
    would not fit on this one but fits on a page of its own, so a milestone is never printed
    apart from its task's 编号 and 项目名称 (merged cells print on their first row only)."""
    page, repeat = page_rows(), HEADER_POINTS
    blocks: list[list[tuple[int, float]]] = []
    for row, height, starts in rows:
        if starts or not blocks:
            blocks.append([])
        blocks[-1].append((row, height))
    used, breaks = above, []
    for block in blocks:
        need = sum(h for _, h in block)
        if used + need > page and used > repeat and need <= page - repeat:
            breaks.append(block[0][0])
            used = repeat
        for row, h in block:
            if used + h > page and used > repeat:  # a block longer than a page
                breaks.append(row)
                used = repeat
            used += h
    return breaks
