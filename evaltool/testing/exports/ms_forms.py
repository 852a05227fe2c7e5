"""Microsoft Forms responses workbook."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

from evaltool.testing.columns import Metadata, answer_columns, header_and_rows
from evaltool.testing.files import write_xlsx
from evaltool.testing.survey import Survey


def write_ms_forms(
    survey: Survey, path: Path, meta: Metadata, *, properties: Mapping[str, str] | None = None
) -> None:
    """Microsoft Forms xlsx (sheet ``Sheet1``): the metadata columns (``ID``, ``Start time``,
    ``Completion time``, ``Email``, ``Name``), then one column per question headed by its text
    alone (the statement, for a Likert row); multi-selects as ``A;B;``.

    Parameters
    ----------
    survey
        The answers (as option labels).
    path
        The file to write.
    meta
        The leading columns.
    properties
        Document properties of the workbook (see :func:`evaltool.testing.files.write_xlsx`).
    """
    headers, cols = answer_columns(survey, lambda q: q.text, multi="terminated", joiner=";")
    write_xlsx(path, header_and_rows(meta, headers, cols), properties=properties)
