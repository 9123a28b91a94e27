"""The summary workbook's sheets, a module each (as XlsxWriter has a module per part).

styles (fonts, fills, the format cache), layout (a sheet's printed scale and the page-break
engine), frame (a sheet's title, as-of line, legend and print set-up: `Book`), blocks (汇总's
packed task blocks), then one module per sheet (overview, pending, milestones, changes,
extensions, submissions, findings, data) and rollup (the roll-up's sheets in the same frame);
summary/workbook.py calls the summary's in order.
"""
