"""Checking returns against the task list; severities of findings."""
