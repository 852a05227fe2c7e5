"""LimeSurvey responses CSV."""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np

from evaltool.testing.columns import Metadata, answer_columns, grid_header, header_and_rows
from evaltool.testing.files import write_csv
from evaltool.testing.survey import Question, Survey


def _answer_codes(q: Question) -> np.ndarray:
    """LimeSurvey answer codes: ``A1``… (options numbered from 1), ``EOS`` for don't know."""
    if q.kind in ("id", "text"):
        return q.texts
    idx = q.codes.astype(np.int64)
    if q.kind == "choice":
        idx = np.where(idx < 0, -1, idx + 1)
    out = np.char.add("A", idx.astype(str)).astype(object)
    out[idx == 0] = "EOS"
    out[idx < 0] = ""
    return out


def _masked(texts: np.ndarray) -> np.ndarray:
    """Open answers with ``'`` before a leading ``=`` (LimeSurvey's ``csvMaskEquations``)."""
    out = texts.copy()
    for k, text in enumerate(out):
        if isinstance(text, str) and text.startswith("="):
            out[k] = "'" + text
    return out


def write_limesurvey(
    survey: Survey,
    path: Path,
    meta: Metadata,
    *,
    coding: str = "labels",
    yes: str = "Kyllä",
    mask_equations: bool = False,
    blank_line: bool = True,
) -> None:
    """LimeSurvey CSV: every field quoted, ``;``, UTF-8 with BOM, CRLF; headings ``Question
    [Statement]`` for array rows and multi-select options (full question texts; a survey whose
    question texts are codes gives code headings such as ``P[SQ001]``).

    Parameters
    ----------
    survey
        The answers.
    path
        The file to write.
    meta
        The leading columns (``id``, ``token``, ``submitdate``, ``lastpage``,
        ``startlanguage``, ``seed``, ``startdate``, ``datestamp``, ``ipaddr`` as exported).
    coding
        ``labels`` (full answers; a chosen option is ``yes``) or ``codes`` (answer codes
        ``A1``…, ``EOS`` for don't know, a chosen option ``Y``).
    yes
        The cell of a chosen multi-select option with ``coding="labels"``.
    mask_equations
        Write ``'`` before an open answer starting with ``=`` (``csvMaskEquations``).
    blank_line
        End the file with a blank line, as LimeSurvey's export does.
    """
    codes = coding == "codes"
    answers = _answer_codes if codes else Question.labels

    def cells(q: Question) -> np.ndarray:
        return _masked(q.texts) if mask_equations and q.kind == "text" else answers(q)

    headers, cols = answer_columns(
        survey,
        grid_header("{stem} [{text}]"),
        option_header=lambda q, o: f"{q.text} [{o}]",
        checked=("Y" if codes else yes, ""),
        cells=cells,
    )
    write_csv(
        path,
        header_and_rows(meta, headers, cols),
        delimiter=";",
        encoding="utf-8-sig",
        quoting=csv.QUOTE_ALL,
        trailer="\r\n" if blank_line else "",
    )
