"""The intranet page (`yuebao serve`): offices upload and see findings at once, the clerk runs the
month with buttons, the chiefs read the month.  It imports the pipeline (cycle, context) and what
lies below; only the `serve` command imports it."""
