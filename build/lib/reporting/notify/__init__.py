"""The schedule: the plan of days, reminders, escalation, mail and webhook senders."""
