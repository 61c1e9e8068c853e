"""Cell text for export and back: formula neutralisation that an import can undo exactly.

A spreadsheet runs a cell that starts with ``=``, ``+``, ``-``, ``@`` (or a tab or
carriage return) as a formula, so exports prefix such text with ``'``
(:func:`vocrehab.csvsafe.neutralise_cell`). For export → import → export to give the
same bytes, the import must remove exactly the ``'`` the export added and nothing else:

- a plain number (``-5``, ``-0.5``) is never neutralised; it runs as nothing worse
  than a number, and VRMDS numeric columns are never negative anyway;
- text that already starts with one or more ``'`` followed by a formula character gets
  one more ``'`` on export, so that the import's "drop one ``'``" gives it back intact.
"""

from __future__ import annotations

import re

from vocrehab.csvsafe import FORMULA_PREFIXES, neutralise_cell

_PLAIN_NUMBER = re.compile(r"-?\d+(\.\d+)?")


def neutralise(text: str) -> str:
    """``text`` made safe for a CSV or XLSX cell, reversibly (see :func:`restore_cell`)."""
    if not text or _PLAIN_NUMBER.fullmatch(text):
        return text
    if text[0] == "'" and text.lstrip("'").startswith(FORMULA_PREFIXES):
        return "'" + text
    return neutralise_cell(text)


def restore_cell(text: str) -> str:
    """Undo :func:`neutralise`: drop one leading ``'`` that guards a formula character."""
    if text and text[0] == "'" and text.lstrip("'").startswith(FORMULA_PREFIXES):
        return text[1:]
    return text
