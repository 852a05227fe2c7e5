"""ZEF answers workbook (the layout is assumed from ZEF's documentation)."""

from __future__ import annotations

from pathlib import Path

from evaltool.testing.columns import Metadata, answer_columns, grid_header, header_and_rows
from evaltool.testing.files import write_xlsx
from evaltool.testing.survey import Survey


def write_zef(survey: Survey, path: Path, meta: Metadata) -> None:
    """ZEF xlsx (sheet ``Answers``): the metadata columns (``Answer ID``, ``Answered``,
    ``Contact``), grids as ``question - statement``, multi-selects joined with ``"; "``.

    Parameters
    ----------
    survey
        The answers (as option labels).
    path
        The file to write.
    meta
        The leading columns.
    """
    headers, cols = answer_columns(
        survey, grid_header("{stem} - {text}"), multi="joined", joiner="; "
    )
    write_xlsx(path, header_and_rows(meta, headers, cols), sheet="Answers")
