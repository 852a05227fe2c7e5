"""Webropol raw-data exports: the xlsx download and the CSV that Finnish Excel saves from it."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np

from evaltool.testing.columns import Metadata, answer_columns, grid_header, header_and_rows
from evaltool.testing.files import write_csv, write_xlsx
from evaltool.testing.survey import Question, Survey
from evaltool.testing.times import format_times


def webropol_meta(survey: Survey) -> dict[str, np.ndarray]:
    """The metadata columns of a Webropol export: ``Vastaajan numero`` (1, 2, …) and
    ``Vastausaika`` (``d.m.yyyy h:mm``)."""
    return {
        "Vastaajan numero": np.arange(1, survey.n + 1).astype(object),
        "Vastausaika": format_times(survey.when, "fi"),
    }


def write_webropol_xlsx(
    survey: Survey,
    path: Path,
    meta: Metadata,
    *,
    numbered: bool = False,
    checked: tuple[object, object] = (1, 0),
    empty_cells: bool = False,
    sheet: str = "Vastaukset",
    properties: Mapping[str, str] | None = None,
) -> None:
    """Webropol raw-data xlsx: the metadata columns, then one column per question; matrix
    rows and checkbox options as ``question:statement``; answers as option labels (don't
    know as its label).

    Parameters
    ----------
    survey
        The answers.
    path
        The file to write.
    meta
        The leading columns (see :func:`webropol_meta`).
    numbered
        Prefix every header with its question number (``8. Osallistuminen:…``).
    checked
        The cells of a chosen and an unchosen checkbox option.
    empty_cells
        Write skipped answers as empty text cells rather than no cell.
    sheet
        The sheet's name.
    properties
        Document properties of the workbook (see :func:`evaltool.testing.files.write_xlsx`).
    """
    colon = grid_header("{stem}:{text}")
    if numbered:
        headers, cols = answer_columns(
            survey,
            lambda q: f"{q.number}. {colon(q)}",
            checked=checked,
            option_header=lambda q, o: f"{q.number}. {q.text}:{o}",
        )
    else:
        headers, cols = answer_columns(survey, colon, checked=checked)
    write_xlsx(
        path,
        header_and_rows(meta, headers, cols),
        sheet=sheet,
        properties=properties,
        empty_cells=empty_cells,
    )


def _numbers_or_texts(q: Question) -> np.ndarray:
    return q.numbers(6) if q.kind in ("choice", "scale") else q.texts


def write_webropol_csv(survey: Survey, path: Path, meta: Metadata) -> None:
    """Webropol CSV opened and saved by Finnish Excel: cp1252 (characters it cannot hold,
    such as emoji, become ``?``), ``;``, CRLF; choices as option numbers, scale answers as
    numbers with don't know numbered 6 after the 1–5 scale; matrix rows and checkbox options
    (1/0) as ``question - statement``.

    Parameters
    ----------
    survey
        The answers.
    path
        The file to write.
    meta
        The leading columns (``Vastaaja``, ``Vastausaika``).
    """
    headers, cols = answer_columns(
        survey,
        grid_header("{stem} - {text}"),
        checked=(1, 0),
        option_header=lambda q, o: f"{q.text} - {o}",
        cells=_numbers_or_texts,
    )
    write_csv(
        path,
        header_and_rows(meta, headers, cols),
        delimiter=";",
        encoding="cp1252",
        errors="replace",
    )
