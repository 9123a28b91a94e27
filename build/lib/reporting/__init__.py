"""yuebao (月报): the monthly progress-report cycle of a bureau, from task list to summary.

fill -> collect -> validate -> merge, on one data model (reporting.models).
"""

__version__ = "0.1.0"
