"""SPSS ``.sav`` files as web-survey tools export them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path

import numpy as np
import pandas as pd

from evaltool.testing.files import FIXED_STAMP, write_sav
from evaltool.testing.survey import Survey

#: Value labels of a checkbox option's 0/1 variable.
CHECKBOX_LABELS = {0: "Ei valittu", 1: "Valittu"}


def write_spss(
    survey: Survey,
    path: Path,
    meta: Mapping[str, tuple[str, Sequence[object]]],
    *,
    names: Mapping[str, str] | None = None,
    dont_know_code: int = 6,
    declared_missing: Mapping[int, str] | None = None,
    skipped_codes: Mapping[str, int] | None = None,
    file_label: str = "",
    stamp: datetime = FIXED_STAMP,
) -> None:
    """SPSS ``.sav``: numeric answers with value labels, don't know coded ``dont_know_code``
    and declared a user-missing value, question texts as variable labels (``question:
    statement`` for a matrix row), each checkbox option a 0/1 variable ``<name>_<k>``, open
    answers as strings; a fixed creation time.

    Parameters
    ----------
    survey
        The answers.
    path
        The file to write.
    meta
        The leading variables: name → (variable label, values), e.g. ``vastausaika`` as
        date-times.
    names
        Variable names by question code (default the code).
    dont_know_code
        The value of don't know on a scale.
    declared_missing
        Further user-missing values of every scale variable with their labels
        (``{9: "Ei vastausta"}``).
    skipped_codes
        The value written for a skipped answer by question code (default system-missing).
    file_label
        The file label of the header.
    stamp
        The creation time written into the header.
    """
    names = names or {}
    declared = dict(declared_missing or {})
    skipped = skipped_codes or {}
    data: dict[str, object] = {name: values for name, (_, values) in meta.items()}
    labels: dict[str, str] = {name: label for name, (label, _) in meta.items()}
    value_labels: dict[str, dict[int, str]] = {}
    missing: dict[str, list[int]] = {}
    for q in survey.questions:
        name = names.get(q.code, q.code)
        if q.kind == "multi":
            for k, opt in enumerate(q.options):
                var = f"{name}_{k + 1}"
                data[var] = (q.chosen[:, k] > 0).astype(float)
                labels[var] = f"{q.text}: {opt}"
                value_labels[var] = dict(CHECKBOX_LABELS)
            continue
        labels[name] = f"{q.stem}: {q.text}" if q.stem else q.text
        if q.kind in ("id", "text"):
            data[name] = q.texts
            continue
        value_labels[name] = {i + 1: o for i, o in enumerate(q.options)}
        if q.kind == "scale":
            value_labels[name] |= {dont_know_code: q.dont_know} | declared
            missing[name] = [dont_know_code, *declared]
        values = pd.to_numeric(pd.Series(q.numbers(dont_know_code)), errors="coerce").to_numpy()
        if q.code in skipped:
            values = np.where(np.isnan(values), float(skipped[q.code]), values)
        data[name] = values
    write_sav(
        pd.DataFrame(data),
        path,
        stamp,
        file_label=file_label,
        column_labels=labels,
        variable_value_labels=value_labels,
        missing_ranges=missing,
    )
