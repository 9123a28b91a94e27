"""Errors that stop a command: bad config, missing task list, unwritable folder.

Problems inside returned workbooks are never raised: they become findings (models.Finding).
"""


class YuebaoError(Exception):
    """A problem the clerk must fix before the command can run.

    Printed as one line, Chinese first (for the clerk) and English after (for the log).
    """

    def __init__(self, zh: str, en: str):
        super().__init__(f"{zh} ({en})")
        self.zh = zh
        self.en = en
