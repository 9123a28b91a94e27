"""The month's summary: verdicts, the workbook for the chiefs, PDF, roll-ups."""
