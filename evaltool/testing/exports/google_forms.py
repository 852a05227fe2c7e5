"""Google Forms responses CSV."""

from __future__ import annotations

from pathlib import Path

from evaltool.testing.columns import Metadata, answer_columns, grid_header, header_and_rows
from evaltool.testing.files import write_csv
from evaltool.testing.survey import Survey


def write_google_forms(survey: Survey, path: Path, meta: Metadata) -> None:
    """Google Forms responses CSV (UTF-8, comma, LF): the metadata columns (``Timestamp`` in
    :func:`evaltool.testing.times.format_times` style ``google``, the e-mail address if
    collected), grids as ``Question [Row]``, checkboxes joined with ``", "`` in one cell.

    Parameters
    ----------
    survey
        The answers (as option labels).
    path
        The file to write.
    meta
        The leading columns (``Timestamp`` or, in a Finnish form, ``Aikaleima``).
    """
    headers, cols = answer_columns(
        survey, grid_header("{stem} [{text}]"), multi="joined", joiner=", "
    )
    write_csv(path, header_and_rows(meta, headers, cols), lineterminator="\n")
