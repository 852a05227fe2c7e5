"""Qualtrics responses CSV: three header rows, or two in the legacy export (``V1`` … codes)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import numpy as np

from evaltool.testing.columns import Metadata, meta_columns, table_rows
from evaltool.testing.files import write_csv
from evaltool.testing.survey import Question, Survey

_TZ = '"timeZone":"Europe/Helsinki"'
#: Qualtrics' embedded fields: name → (label of header row 2, ImportId JSON of row 3).
QUALTRICS_FIELDS: dict[str, tuple[str, str]] = {
    "StartDate": ("Start Date", f'{{"ImportId":"startDate",{_TZ}}}'),
    "EndDate": ("End Date", f'{{"ImportId":"endDate",{_TZ}}}'),
    "Status": ("Response Type", '{"ImportId":"status"}'),
    "IPAddress": ("IP Address", '{"ImportId":"ipAddress"}'),
    "Progress": ("Progress", '{"ImportId":"progress"}'),
    "Duration (in seconds)": ("Duration (in seconds)", '{"ImportId":"duration"}'),
    "Finished": ("Finished", '{"ImportId":"finished"}'),
    "RecordedDate": ("Recorded Date", f'{{"ImportId":"recordedDate",{_TZ}}}'),
    "ResponseId": ("Response ID", '{"ImportId":"_recordId"}'),
    "RecipientLastName": ("Recipient Last Name", '{"ImportId":"recipientLastName"}'),
    "RecipientFirstName": ("Recipient First Name", '{"ImportId":"recipientFirstName"}'),
    "RecipientEmail": ("Recipient Email", '{"ImportId":"recipientEmail"}'),
    "ExternalReference": ("External Data Reference", '{"ImportId":"externalDataReference"}'),
    "LocationLatitude": ("Location Latitude", '{"ImportId":"locationLatitude"}'),
    "LocationLongitude": ("Location Longitude", '{"ImportId":"locationLongitude"}'),
    "DistributionChannel": ("Distribution Channel", '{"ImportId":"distributionChannel"}'),
    "UserLanguage": ("User Language", '{"ImportId":"userLanguage"}'),
}


#: The legacy export's leading fields: code of header row 1 → field name of header row 2.
QUALTRICS_LEGACY_FIELDS: dict[str, str] = {
    "V1": "ResponseID",
    "V2": "ResponseSet",
    "V3": "Name",
    "V4": "ExternalDataReference",
    "V5": "EmailAddress",
    "V6": "IPAddress",
    "V7": "Status",
    "V8": "StartDate",
    "V9": "EndDate",
    "V10": "Finished",
}
#: Columns the legacy export writes after the questions (code = field name).
QUALTRICS_LEGACY_TRAILER = ("LocationLatitude", "LocationLongitude", "LocationAccuracy")


def compact_import_id(key: str, question: Question) -> str:
    """The ImportId JSON of a question as Qualtrics writes it (``{"ImportId":"QID3"}``)."""
    return f'{{"ImportId":"{key}"}}'


def _question_columns(
    survey: Survey, numbers: bool, text_suffix: bool
) -> list[tuple[str, str, str, Question, np.ndarray]]:
    """(name, label, ImportId key, question, cells) of every question column."""
    out = []
    sub: dict[int, int] = {}
    for q in survey.questions:
        n = q.number
        if q.kind == "multi":
            out.append(
                (
                    f"Q{n}",
                    f"{q.text} - Selected Choice",
                    f"QID{n}",
                    q,
                    q.selected(",", numbers=numbers),
                )
            )
            continue
        if q.stem:
            sub[n] = sub.get(n, 0) + 1
            name, label, key = f"Q{n}_{sub[n]}", f"{q.stem} - {q.text}", f"QID{n}_{sub[n]}"
        else:
            suffix = "_TEXT" if q.kind == "text" and text_suffix else ""
            key = f"QID{n}" + ("_TEXT" if q.kind in ("id", "text") else "")
            name, label = f"Q{n}{suffix}", q.text
        cells = q.numbers(6) if numbers and q.kind in ("choice", "scale") else q.labels()
        out.append((name, label, key, q, cells))
    return out


def write_qualtrics(
    survey: Survey,
    path: Path,
    meta: Metadata,
    *,
    coding: str = "labels",
    text_suffix: bool = True,
    import_id: Callable[[str, Question], str] = compact_import_id,
) -> None:
    """Qualtrics CSV (UTF-8 with BOM, comma, CRLF): three header rows (field names, labels,
    ImportIds), then one row per response. Matrix rows are ``Q8_1`` labelled ``Question -
    Statement``, a multi-select ``Q6`` ``Question - Selected Choice``.

    Parameters
    ----------
    survey
        The answers, in file order: a survey-preview or spam response that an importer must
        drop is a respondent here (see :func:`preview_response`).
    path
        The file to write.
    meta
        The leading embedded fields by name (keys of :data:`QUALTRICS_FIELDS`).
    coding
        ``labels`` (choice text) or ``numbers`` (numeric values: options numbered from 1,
        don't know 6, a multi-select as ``1,4``).
    text_suffix
        Name an open answer's field ``Q9_TEXT`` (else ``Q9``).
    import_id
        The ImportId JSON of a question's column from its key (``QID8_1``) and the question.
    """
    columns = _question_columns(survey, coding == "numbers", text_suffix)
    names = [*meta, *(c[0] for c in columns)]
    labels = [*(QUALTRICS_FIELDS[m][0] for m in meta), *(c[1] for c in columns)]
    ids = [*(QUALTRICS_FIELDS[m][1] for m in meta), *(import_id(c[2], c[3]) for c in columns)]
    body = table_rows([*meta_columns(meta), *(c[4] for c in columns)])
    write_csv(path, [names, labels, ids, *body], encoding="utf-8-sig")


def preview_response(survey: Survey, when: datetime) -> Survey:
    """The test response a project worker submits from Qualtrics' survey preview: client code
    ``TESTI``, open answers ``testivastaus``, the first option of a multi-select and the middle
    option of every other question.

    Parameters
    ----------
    survey
        The survey whose questions are answered.
    when
        The time of the test response.

    Returns
    -------
    Survey
        One respondent.
    """
    questions = []
    for q in survey.questions:
        if q.kind == "multi":
            chosen = np.zeros((1, len(q.options)), dtype=bool)
            chosen[0, 0] = True
            questions.append(replace(q, chosen=chosen))
        elif q.kind in ("id", "text"):
            text = "TESTI" if q.kind == "id" else "testivastaus"
            questions.append(replace(q, texts=np.array([text], dtype=object)))
        else:
            middle = len(q.options) // 2 + (q.kind == "scale")
            questions.append(replace(q, codes=np.array([middle], dtype=q.codes.dtype), texts=None))
    return Survey(np.array([np.datetime64(when, "s")]), questions)


def write_qualtrics_legacy(
    survey: Survey, path: Path, meta: Metadata, *, coding: str = "numbers"
) -> None:
    """A Qualtrics legacy-exporter CSV (UTF-8 with BOM, comma, CRLF): two header rows — codes
    ``V1`` … ``V10`` over the field names ``ResponseID`` … ``Finished`` (see
    :data:`QUALTRICS_LEGACY_FIELDS`), question codes ``Q8_1`` over their labels — then one row
    per response, and the location columns last (empty here).

    Parameters
    ----------
    survey
        The answers, in file order (test and preview responses included).
    path
        The file to write.
    meta
        The leading fields by their ``V`` code (keys of :data:`QUALTRICS_LEGACY_FIELDS`).
    coding
        ``numbers`` or ``labels``, as :func:`write_qualtrics`.
    """
    columns = _question_columns(survey, coding == "numbers", text_suffix=False)
    names = [*meta, *(c[0] for c in columns), *QUALTRICS_LEGACY_TRAILER]
    labels = [
        *(QUALTRICS_LEGACY_FIELDS[m] for m in meta),
        *(c[1] for c in columns),
        *QUALTRICS_LEGACY_TRAILER,
    ]
    n = len(survey.when)
    trailer = [[""] * n for _ in QUALTRICS_LEGACY_TRAILER]
    body = table_rows([*meta_columns(meta), *(c[4] for c in columns), *trailer])
    write_csv(path, [names, labels, *body], encoding="utf-8-sig")
