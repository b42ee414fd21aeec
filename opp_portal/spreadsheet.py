"""CSV files are opened in spreadsheets: a cell that starts like a formula must stay text.

A value typed by a user (an inschrijvingvolgnummer such as `=HYPERLINK("https://…")`) would otherwise run as a
formula on the computer of whoever opens the export. Such a cell gets a leading apostrophe, the spreadsheet's
own mark for "this is text" (OWASP, CSV injection).
"""

from collections.abc import Iterable

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def safe_row(values: Iterable) -> list[str]:
    return [safe_cell(value) for value in values]
