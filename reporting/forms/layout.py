"""The progress form (进展情况表) layout shared by fill (writes it) and returns (reads it back),
and what decides each row's height (every writer of the form sizes rows here).

One block per task: a task row (key "T01") holding the task-level answers, then one row per
milestone (key "T01-M1") holding its status and completion date.  Column A carries the key and
is hidden, so a return can be matched row by row even after a clerk re-sorts or deletes rows.
Columns are found by their header text when reading, so moved columns are still understood.
"""

from ..wording import row_height

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
WIDTHS = dict(zip(HEADERS, (9, 5, 12, 34, 9, 12, 10, 12, 32, 28, 10)))
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


def task_row_height(content: str, name: str, progress: str = "", problems: str = "") -> float:
    """A task row: its text and the answers shown whole, with room to write an answer."""
    return max(
        row_height(content, WIDTHS[CONTENT], size=FONT_SIZE),
        row_height(name, WIDTHS[NAME], size=FONT_SIZE),
        row_height(progress, WIDTHS[PROGRESS], size=FONT_SIZE),
        row_height(problems, WIDTHS[PROBLEMS], size=FONT_SIZE),
        row_height("", WIDTHS[PROGRESS], minimum=ANSWER_LINES, size=FONT_SIZE),
    )


def milestone_row_height(text: str) -> float:
    return row_height(text, WIDTHS[CONTENT], size=FONT_SIZE)
