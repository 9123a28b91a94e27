"""The office workbook: its layout, filling it, carrying last month's answers."""
