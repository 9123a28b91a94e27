"""The task list: reading yuebao's layout, importing a bureau's own, milestone dates."""
