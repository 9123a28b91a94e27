"""The terminal side of the `yuebao` command: dates and months as typed, and every summary line,
table and hint it prints, a module per subject (params, terminal, month, schedule, ledger, tasks,
runs, web); `console.print_x(...)` reaches each from here.

Each print function takes what a library step returned and echoes it; none of them decides anything.
Progress goes to stderr, so the summaries on stdout stay readable when redirected. Only click and
the standard library at import: `yuebao --help` and the menu's first screen load this package, so
each print function imports the rooms it names when it runs.
"""

from .ledger import LEDGER_TABLES_ZH, print_ledger, print_restored
from .month import (
    carried_note,
    print_collect,
    print_fetch,
    print_fill,
    print_fill_failures,
    print_findings,
    print_offices,
    print_outputs,
    print_replies,
    print_result,
    print_rollup,
    print_sent_forms,
    print_task_list_findings,
    print_validated,
    saved_as,
)
from .params import Day, Month
from .runs import print_demo_end, print_extension, print_month_run, print_monthly
from .schedule import print_day, print_escalations, print_reminders, print_unsent
from .tasks import print_import, print_task_list
from .terminal import echo, never_crash_on_output, pad, progress_printer, text_width
from .web import print_links, print_password_set, print_serving

__all__ = [
    "LEDGER_TABLES_ZH",
    "Day",
    "Month",
    "carried_note",
    "echo",
    "never_crash_on_output",
    "pad",
    "print_collect",
    "print_day",
    "print_demo_end",
    "print_escalations",
    "print_extension",
    "print_fetch",
    "print_fill",
    "print_fill_failures",
    "print_findings",
    "print_import",
    "print_ledger",
    "print_links",
    "print_month_run",
    "print_monthly",
    "print_offices",
    "print_outputs",
    "print_password_set",
    "print_reminders",
    "print_replies",
    "print_restored",
    "print_result",
    "print_rollup",
    "print_sent_forms",
    "print_serving",
    "print_task_list",
    "print_task_list_findings",
    "print_unsent",
    "print_validated",
    "progress_printer",
    "saved_as",
    "text_width",
]
