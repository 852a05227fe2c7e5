"""The list of imports as shown to the user (``evaltool imports``): file names with personal
data masked, and no respondent's source id unless asked for.

Warnings stored with an import may hold source ids: workspaces written before the
``id-normalised`` warning kept its examples out of the store quote them (``'004711' →
'4711'``), and a warning's ``value`` may be a cell of the id column. Without
``with_source_ids`` those are removed here, whatever the workspace's age.
"""

from __future__ import annotations

import json
import re

import pandas as pd

from evaltool.issues import IssueCode
from evaltool.text import mask_personal

__all__ = ["IMPORT_LIST_COLUMNS", "SOURCE_ID_CODES", "import_listing"]

#: The columns of the terminal table of imports.
IMPORT_LIST_COLUMNS = [
    "id",
    "kind",
    "source_name",
    "sha256",
    "size",
    "sheet",
    "layout",
    "instrument",
    "rule",
    "round",
    "rows_read",
    "rows_stored",
    "rows_rejected",
    "warnings",
    "imported_at",
]
#: Warning codes whose message or value may quote respondents' source ids.
SOURCE_ID_CODES = frozenset(
    {
        IssueCode.ID_NORMALISED.value,
        IssueCode.ID_ROUNDED.value,
        IssueCode.ID_MISSING.value,
        IssueCode.DUPLICATE_RESPONDENT.value,
    }
)
#: Quoted examples in a stored message: ``('004711' → '4711', …)`` or ``(e.g. '1.2E+11')``.
_QUOTED_EXAMPLES = re.compile(
    r"\s*\((?:e\.g\. )?'[^']*'(?: → '[^']*')?(?:, '[^']*'(?: → '[^']*')?)*\)"
)


def _safe_warning(record: dict, with_source_ids: bool) -> dict:
    out = dict(record)
    if "file" in out and out["file"] is not None:
        out["file"] = mask_personal(out["file"])
    if with_source_ids or out.get("code") not in SOURCE_ID_CODES:
        return out
    if isinstance(out.get("message"), str):
        out["message"] = _QUOTED_EXAMPLES.sub("", out["message"])
    out["value"] = None
    return out


def import_listing(table: pd.DataFrame, fmt: str, with_source_ids: bool = False) -> pd.DataFrame:
    """The imports table (:meth:`~evaltool.store.imports.ImportLog.imports`) ready to show.

    Parameters
    ----------
    table : pandas.DataFrame
        One row per import, ``warnings`` and ``options`` as stored (JSON text).
    fmt : str
        ``table``: the columns :data:`IMPORT_LIST_COLUMNS`, the SHA-256 cut to 12 digits and
        the number of warnings; ``json``: every column, warnings and options parsed; other
        formats: every column as stored, with the warnings made safe.
    with_source_ids : bool
        Keep source ids quoted in warnings.

    Returns
    -------
    pandas.DataFrame
        File names with e-mail addresses, phone numbers and personal identity codes masked
        (:func:`evaltool.text.mask_personal`); without ``with_source_ids`` no source id in
        the warnings of :data:`SOURCE_ID_CODES`.
    """
    warnings = table["warnings"].map(
        lambda text: [_safe_warning(w, with_source_ids) for w in json.loads(text)]
    )
    table = table.assign(source_name=table["source_name"].map(mask_personal))
    if fmt == "table":
        return table.assign(sha256=table["sha256"].str[:12], warnings=warnings.map(len))[
            IMPORT_LIST_COLUMNS
        ]
    if fmt == "json":
        return table.assign(warnings=warnings, options=table["options"].map(json.loads))
    return table.assign(warnings=warnings.map(lambda w: json.dumps(w, ensure_ascii=False)))
