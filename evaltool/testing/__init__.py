"""Synthetic survey-tool exports for the demo and the tests.

A :class:`Survey` describes an answered questionnaire neutrally (questions in form order,
every respondent's answers as codes, labels or texts); the writers of :mod:`.exports` render
it as one survey tool's export file, and :mod:`.files` writes xlsx, CSV and SPSS files
byte-for-byte reproducibly (fixed timestamps). Shipped with the package; it needs nothing
beyond evaltool's own dependencies.
"""

from evaltool.testing.columns import Metadata, answer_columns, grid_header, table_rows
from evaltool.testing.exports import (
    CHECKBOX_LABELS,
    QUALTRICS_FIELDS,
    SURVEYMONKEY_META,
    compact_import_id,
    preview_response,
    typed_codes,
    webropol_meta,
    write_google_forms,
    write_handtyped,
    write_limesurvey,
    write_ms_forms,
    write_qualtrics,
    write_spss,
    write_surveymonkey,
    write_webropol_csv,
    write_webropol_xlsx,
    write_zef,
)
from evaltool.testing.files import FIXED_STAMP, save_xlsx, write_csv, write_sav, write_xlsx
from evaltool.testing.survey import DONT_KNOW, Question, Survey
from evaltool.testing.times import format_times, helsinki_offset

__all__ = [
    "CHECKBOX_LABELS",
    "DONT_KNOW",
    "FIXED_STAMP",
    "QUALTRICS_FIELDS",
    "SURVEYMONKEY_META",
    "Metadata",
    "Question",
    "Survey",
    "answer_columns",
    "compact_import_id",
    "format_times",
    "grid_header",
    "helsinki_offset",
    "preview_response",
    "save_xlsx",
    "table_rows",
    "typed_codes",
    "webropol_meta",
    "write_csv",
    "write_google_forms",
    "write_handtyped",
    "write_limesurvey",
    "write_ms_forms",
    "write_qualtrics",
    "write_sav",
    "write_spss",
    "write_surveymonkey",
    "write_webropol_csv",
    "write_webropol_xlsx",
    "write_xlsx",
    "write_zef",
]
