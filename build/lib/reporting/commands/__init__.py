"""The sub-commands that are not a step of the month (ledger, task list, extensions), each in
its own module; reporting.cli registers them on the `yuebao` group."""
