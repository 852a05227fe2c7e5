"""One writer per survey tool: each renders a :class:`~evaltool.testing.survey.Survey` the way
the tool exports it (header rows, metadata columns, grid headers, value coding, multi-select
coding, don't-know coding, dates, encoding and delimiter)."""

from evaltool.testing.exports.google_forms import write_google_forms
from evaltool.testing.exports.handtyped import typed_codes, write_handtyped
from evaltool.testing.exports.limesurvey import write_limesurvey
from evaltool.testing.exports.ms_forms import write_ms_forms
from evaltool.testing.exports.qualtrics import (
    QUALTRICS_FIELDS,
    QUALTRICS_LEGACY_FIELDS,
    compact_import_id,
    preview_response,
    write_qualtrics,
    write_qualtrics_legacy,
)
from evaltool.testing.exports.spss import CHECKBOX_LABELS, write_spss
from evaltool.testing.exports.surveymonkey import SURVEYMONKEY_META, write_surveymonkey
from evaltool.testing.exports.webropol import webropol_meta, write_webropol_csv, write_webropol_xlsx
from evaltool.testing.exports.zef import write_zef

__all__ = [
    "CHECKBOX_LABELS",
    "QUALTRICS_FIELDS",
    "QUALTRICS_LEGACY_FIELDS",
    "SURVEYMONKEY_META",
    "compact_import_id",
    "preview_response",
    "typed_codes",
    "webropol_meta",
    "write_google_forms",
    "write_handtyped",
    "write_limesurvey",
    "write_ms_forms",
    "write_qualtrics",
    "write_qualtrics_legacy",
    "write_spss",
    "write_surveymonkey",
    "write_webropol_csv",
    "write_webropol_xlsx",
    "write_zef",
]
