"""Plain sheets: anything no survey tool wrote.

Hand-typed sheets with title rows, merged group headers, a row of question labels under a
row of codes, and footer rows; read by :func:`~evaltool.layouts.generic.normalise_sheet`.
Every file but an SPSS one fits a little, so this is the layout when nothing else fits.
"""

from __future__ import annotations

from evaltool.layouts import spss
from evaltool.layouts.generic import normalise_sheet
from evaltool.layouts.table import SurveyTable
from evaltool.read import RawTable

NAME = "plain"


def detect(raw: RawTable) -> float:
    """0.1 for every file but an SPSS one (which :mod:`.spss` reads)."""
    return 0.1 if raw.file_format != "sav" else 0.0


def normalise(raw: RawTable) -> SurveyTable:
    """The generic header rules (an SPSS file is read as :mod:`.spss` reads it)."""
    if raw.file_format == "sav":
        return spss.normalise(raw)
    return normalise_sheet(raw, NAME)
