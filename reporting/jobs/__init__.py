"""The schedule's jobs: each day's plan carried out over the pipeline (cycle.py) and notify's
parts: the day's notices (day), delivered exactly once (delivery), the daily timer (scheduler),
`remind` and `escalate` by hand (on_demand), answers to mailed returns (replies)."""
