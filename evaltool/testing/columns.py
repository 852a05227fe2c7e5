"""The columns of an export: metadata first, then one column per question (or per option of a
multi-select), and the rows they make."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import numpy as np

from evaltool.testing.survey import Question, Survey

#: Metadata columns of an export: header → one value per respondent, in file order.
Metadata = Mapping[str, Sequence[object]]


def meta_columns(meta: Metadata) -> list[np.ndarray]:
    """The values of metadata columns as object arrays (file order)."""
    return [np.asarray(values, dtype=object) for values in meta.values()]


def grid_header(template: str) -> Callable[[Question], str]:
    """Header of a question: ``template`` filled with ``stem`` and ``text`` for a matrix row
    (``"{stem} [{text}]"``), else the question's text."""
    return lambda q: template.format(stem=q.stem, text=q.text) if q.stem else q.text


def answer_columns(
    survey: Survey,
    header: Callable[[Question], str],
    *,
    option_header: Callable[[Question, str], str] | None = None,
    multi: str = "columns",
    checked: tuple[object, object] = ("1", "0"),
    joiner: str = ", ",
    cells: Callable[[Question], np.ndarray] = Question.labels,
) -> tuple[list[str], list[np.ndarray]]:
    """Headers and cell columns of a survey's questions.

    Parameters
    ----------
    survey
        The survey.
    header
        The header of a question.
    option_header
        The header of one option's column of a multi-select (default ``question:option``).
    multi
        How a multi-select is written: ``columns`` (one column per option holding
        ``checked[0]`` or ``checked[1]``), ``joined`` (the chosen labels joined with
        ``joiner`` in one cell) or ``terminated`` (each chosen label followed by ``joiner``).
    checked
        The cells of a chosen and an unchosen option in ``columns`` mode.
    joiner
        Text between the chosen options in ``joined`` and ``terminated`` mode.
    cells
        The cells of a question that is not a multi-select (default its labels).

    Returns
    -------
    tuple of (list of str, list of numpy.ndarray)
        The headers and, for each, one value per respondent.
    """
    if option_header is None:
        option_header = _colon_option
    on, off = checked
    headers: list[str] = []
    cols: list[np.ndarray] = []
    for q in survey.questions:
        if q.kind == "multi" and multi == "columns":
            for k, option in enumerate(q.options):
                headers.append(option_header(q, option))
                cols.append(np.where(q.chosen[:, k], on, off).astype(object))
        elif q.kind == "multi":
            headers.append(header(q))
            cols.append(q.selected(joiner, terminated=multi == "terminated"))
        else:
            headers.append(header(q))
            cols.append(cells(q))
    return headers, cols


def _colon_option(q: Question, option: str) -> str:
    return f"{q.text}:{option}"


def table_rows(cols: Sequence[np.ndarray]) -> list[list[object]]:
    """Rows of a table given as columns (one list per respondent)."""
    return np.column_stack(cols).tolist() if cols else []


def header_and_rows(
    meta: Metadata, headers: Sequence[str], cols: Sequence[np.ndarray]
) -> list[list[object]]:
    """One header row (metadata headers, then ``headers``) and a row per respondent."""
    return [[*meta, *headers], *table_rows([*meta_columns(meta), *cols])]
