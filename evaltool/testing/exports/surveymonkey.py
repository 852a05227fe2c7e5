"""SurveyMonkey "all responses" CSV (expanded, answer text)."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from evaltool.testing.columns import Metadata, meta_columns, table_rows
from evaltool.testing.files import write_csv
from evaltool.testing.survey import Survey

#: The metadata columns SurveyMonkey writes before the questions.
SURVEYMONKEY_META = (
    "Respondent ID",
    "Collector ID",
    "Start Date",
    "End Date",
    "IP Address",
    "Email Address",
    "First Name",
    "Last Name",
    "Custom Data 1",
)


def write_surveymonkey(survey: Survey, path: Path, meta: Metadata) -> None:
    """SurveyMonkey CSV (UTF-8, comma, CRLF) with two header rows: a question's text stands
    above the first column of its block, row 2 names the sub-column (a statement, an option,
    ``Response`` or ``Open-Ended Response``); a chosen option's cell holds its label.

    Parameters
    ----------
    survey
        The answers (as option labels).
    path
        The file to write.
    meta
        The leading columns (see :data:`SURVEYMONKEY_META`), headed in row 1 only.
    """
    row1, row2 = list(meta), [""] * len(meta)
    cols = meta_columns(meta)
    last_stem = None
    for q in survey.questions:
        if q.kind == "multi":
            for k, opt in enumerate(q.options):
                row1.append(q.text if k == 0 else "")
                row2.append(opt)
                cols.append(np.where(q.chosen[:, k], opt, "").astype(object))
            last_stem = None
            continue
        if q.stem:
            row1.append(q.stem if (q.stem, q.number) != last_stem else "")
            row2.append(q.text)
            last_stem = (q.stem, q.number)
        else:
            row1.append(q.text)
            row2.append("Response" if q.kind == "choice" else "Open-Ended Response")
            last_stem = None
        cols.append(q.labels())
    write_csv(path, [row1, row2, *table_rows(cols)])
