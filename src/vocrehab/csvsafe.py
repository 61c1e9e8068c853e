"""Protect spreadsheet users from cells that would run as formulas."""

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def neutralise_cell(value) -> str:
    """Text safe to put in a CSV or XLSX cell: a leading ' stops formula evaluation.

    Numbers are written as numbers by the callers, so a negative number never reaches
    here as text; anything else starting with a formula character is prefixed.
    """
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_PREFIXES) else text
