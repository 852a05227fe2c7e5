"""Checks of a participant file: one function per rule, run in the order of :data:`CHECKS`.

Every check reads the decoded records (:class:`Records`) and adds issues with file, sheet,
row and column to the report. The data-validation rules of the Commission's ESF guidance
are here: a long-term unemployed participant is unemployed (long-term unemployed ⊆
unemployed), every leaver has a status on leaving, the end comes after the start, the age is
possible.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from evaltool.issues import IssueCode, ValidationReport

#: Issue codes of the participant checks (the general codes where a specific one is not
#: defined).
STATUS_INCONSISTENT = IssueCode.STATUS_INCONSISTENT
STATUS_MISSING = IssueCode.STATUS_MISSING
PARTICIPANT_DUPLICATE = IssueCode.PARTICIPANT_DUPLICATE
#: Oldest possible age at entry, years.
MAX_AGE = 110


@dataclass
class Records:
    """A participant file's records as decoded, with the positions of their cells.

    ``frame`` has one row per record (columns of
    :data:`evaltool.store.participants.PARTICIPANT_COLUMNS`, ``source_id``, ``id_key``,
    the sensitive fields and ``source_row``); ``text`` the cells as read (field → text);
    ``columns`` / ``headers`` field → column letter / header.
    """

    name: str
    sheet: str | None
    frame: pd.DataFrame
    text: pd.DataFrame
    columns: dict[str, str]
    headers: dict[str, str]
    option_project: bool = False
    extra: dict = field(default_factory=dict)

    def at(self, idx: int, fname: str) -> dict:
        """Where the cell of record ``idx`` and field ``fname`` is."""
        return {
            "file": self.name,
            "sheet": self.sheet,
            "row": int(self.frame["source_row"].iloc[idx]),
            "column": self.columns.get(fname),
            "header": self.headers.get(fname),
        }

    def value(self, idx: int, fname: str) -> str | None:
        """The cell as written (None when the file has no such column)."""
        return str(self.text[fname].iloc[idx]) if fname in self.text else None


def _each(mask: np.ndarray) -> np.ndarray:
    return np.flatnonzero(np.asarray(mask, dtype=bool))


def check_ids(rec: Records, report: ValidationReport) -> None:
    """``id-missing``: a record without a participant id; ``project-missing``: without a
    project."""
    f = rec.frame
    for idx in _each(f["source_id"] == ""):
        report.error(
            IssueCode.ID_MISSING, "the participant has no id", **rec.at(idx, "participant")
        )
    if not rec.option_project:
        for idx in _each(f["project"] == ""):
            report.error(
                IssueCode.PROJECT_MISSING,
                "the participant has no project",
                **rec.at(idx, "project"),
            )


def check_duplicates(rec: Records, report: ValidationReport) -> None:
    """``participant-duplicate``: one participant twice in one project of the file."""
    f = rec.frame
    key = f["project"] + "\x1f" + f["id_key"]
    dup = key.duplicated(keep="first") & (f["source_id"] != "")
    first = {k: i for i, k in reversed(list(enumerate(key)))}
    for idx in _each(dup):
        row0 = int(f["source_row"].iloc[first[key.iloc[idx]]])
        report.error(
            PARTICIPANT_DUPLICATE,
            f"participant {f['source_id'].iloc[idx]!r} of project {f['project'].iloc[idx]!r} "
            f"occurs twice (also row {row0})",
            value=f["source_id"].iloc[idx],
            **rec.at(idx, "participant"),
        )


def check_dates(rec: Records, report: ValidationReport) -> None:
    """``value-missing``: no start date; ``date-invalid``: a cell that is not a date, or an
    end date before the start date."""
    f = rec.frame
    for fname in ("start_date", "end_date"):
        for idx in _each(rec.extra.get(f"{fname}_bad", np.zeros(len(f), bool))):
            report.error(
                IssueCode.DATE_INVALID,
                "not a date (expected e.g. 16.3.2024 or 2024-03-16)",
                value=rec.value(idx, fname),
                **rec.at(idx, fname),
            )
    bad_start = rec.extra.get("start_date_bad", np.zeros(len(f), bool))
    for idx in _each(f["start_date"].isna().to_numpy() & ~bad_start):
        report.error(
            IssueCode.VALUE_MISSING,
            "the participant has no start date",
            **rec.at(idx, "start_date"),
        )
    both = f["start_date"].notna() & f["end_date"].notna()
    late = both & (f["end_date"].astype(str) < f["start_date"].astype(str))
    for idx in _each(late):
        report.error(
            IssueCode.DATE_INVALID,
            f"the end date is before the start date ({f['start_date'].iloc[idx]})",
            value=rec.value(idx, "end_date"),
            **rec.at(idx, "end_date"),
        )


def check_age(rec: Records, report: ValidationReport) -> None:
    """``value-out-of-range``: an impossible age at entry (below 0 or above
    :data:`MAX_AGE`, from the age or the birth year), a birth year after the start; a
    warning where age and birth year disagree by more than a year."""
    f = rec.frame
    age = pd.to_numeric(f["age_given"], errors="coerce").to_numpy(dtype=float)
    year = pd.to_numeric(f["birth_year"], errors="coerce").to_numpy(dtype=float)
    start = pd.to_numeric(f["start_date"].astype(str).str[:4], errors="coerce").to_numpy(float)
    for fname, bad in (
        ("age", rec.extra.get("age_bad")),
        ("birth_year", rec.extra.get("birth_year_bad")),
    ):
        for idx in _each(bad if bad is not None else np.zeros(len(f), bool)):
            report.error(
                IssueCode.NUMBER_INVALID,
                "not a whole number",
                value=rec.value(idx, fname),
                **rec.at(idx, fname),
            )
    for idx in _each((age < 0) | (age > MAX_AGE)):
        report.error(
            IssueCode.VALUE_OUT_OF_RANGE,
            f"an age at entry of {age[idx]:g} is impossible (0–{MAX_AGE})",
            value=rec.value(idx, "age"),
            **rec.at(idx, "age"),
        )
    by_year = start - year
    for idx in _each((by_year < 0) | (by_year > MAX_AGE)):
        report.error(
            IssueCode.VALUE_OUT_OF_RANGE,
            f"birth year {year[idx]:g} gives an impossible age at entry ({by_year[idx]:g})",
            value=rec.value(idx, "birth_year"),
            **rec.at(idx, "birth_year"),
        )
    for idx in _each(np.abs(by_year - age) > 1):
        report.warning(
            IssueCode.VALUE_OUT_OF_RANGE,
            f"the age ({age[idx]:g}) and the birth year ({year[idx]:g}) disagree; the age is used",
            value=rec.value(idx, "age"),
            **rec.at(idx, "age"),
        )


def check_labels(rec: Records, report: ValidationReport) -> None:
    """``unknown-label``: an answer that is not a known gender, status, ISCED level or
    yes / no; ``value-out-of-range``: an ISCED level outside 0–8."""
    for fname, mask in rec.extra.get("unknown", {}).items():
        for idx in _each(mask):
            report.error(
                IssueCode.UNKNOWN_LABEL,
                f"not a known {fname.replace('_', ' ')} answer",
                value=rec.value(idx, fname),
                **rec.at(idx, fname),
            )
    isced = pd.to_numeric(rec.frame["isced"], errors="coerce").to_numpy(dtype=float)
    for idx in _each((isced < 0) | (isced > 8)):
        report.error(
            IssueCode.VALUE_OUT_OF_RANGE,
            "an ISCED level is 0–8",
            value=rec.value(idx, "isced"),
            **rec.at(idx, "isced"),
        )


def check_entry_status(rec: Records, report: ValidationReport) -> None:
    """``value-missing``: no status at entry; ``status-inconsistent``: long-term unemployed
    but not unemployed (an error: long-term unemployed ⊆ unemployed), in education or
    training but not inactive (a warning: EECO04's "of whom in education or training")."""
    f = rec.frame
    unknown = rec.extra.get("unknown", {}).get("status_entry", np.zeros(len(f), bool))
    for idx in _each(f["status_entry"].isna().to_numpy() & ~unknown):
        report.error(
            IssueCode.VALUE_MISSING,
            "the participant has no labour-market status at entry",
            **rec.at(idx, "status_entry"),
        )
    known = f["status_entry"].notna().to_numpy()
    ltu = f["long_term_unemployed"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    for idx in _each(known & ltu & (f["status_entry"] != "unemployed").to_numpy()):
        report.error(
            STATUS_INCONSISTENT,
            f"long-term unemployed, but the status at entry is {f['status_entry'].iloc[idx]!r}, "
            "not unemployed",
            value=rec.value(idx, "long_term_unemployed"),
            **rec.at(idx, "long_term_unemployed"),
        )
    edu = f["in_education"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    for idx in _each(known & edu & (f["status_entry"] != "inactive").to_numpy()):
        report.warning(
            STATUS_INCONSISTENT,
            f"in education or training, but the status at entry is "
            f"{f['status_entry'].iloc[idx]!r}, not inactive; counted as "
            f"{f['status_entry'].iloc[idx]}",
            value=rec.value(idx, "in_education"),
            **rec.at(idx, "in_education"),
        )


def check_leaving(rec: Records, report: ValidationReport) -> None:
    """``status-missing``: a leaver (an end date) without a status on leaving (an error:
    every leaver has a status); ``status-inconsistent`` (warnings): a status on leaving or
    six months after without an end date, an improved situation of a participant not
    employed at entry."""
    f = rec.frame
    left = f["end_date"].notna().to_numpy()
    unknown = rec.extra.get("unknown", {}).get("status_leaving", np.zeros(len(f), bool))
    for idx in _each(left & f["status_leaving"].isna().to_numpy() & ~unknown):
        report.error(
            STATUS_MISSING,
            f"the participant left on {f['end_date'].iloc[idx]} but has no status on leaving",
            **rec.at(idx, "status_leaving"),
        )
    for fname in ("status_leaving", "status_6m"):
        for idx in _each(~left & f[fname].notna().to_numpy()):
            report.warning(
                STATUS_INCONSISTENT,
                f"a {fname.replace('_', ' ')} is given but the participant has no end date; "
                "it is not counted",
                value=rec.value(idx, fname),
                **rec.at(idx, fname),
            )
    improved = f["improved_6m"].astype("boolean").fillna(False).to_numpy(dtype=bool)
    for idx in _each(improved & (f["status_entry"] != "employed").to_numpy()):
        report.warning(
            STATUS_INCONSISTENT,
            "an improved labour-market situation counts only for participants employed at "
            "entry; it is not counted",
            value=rec.value(idx, "improved_6m"),
            **rec.at(idx, "improved_6m"),
        )


#: The checks of a decoded participant file, in order.
CHECKS: tuple[Callable[[Records, ValidationReport], None], ...] = (
    check_ids,
    check_duplicates,
    check_dates,
    check_age,
    check_labels,
    check_entry_status,
    check_leaving,
)


def run_checks(rec: Records, report: ValidationReport) -> None:
    """Run :data:`CHECKS` on ``rec``."""
    for check in CHECKS:
        check(rec, report)


def check_already_stored(rec: Records, stored: pd.DataFrame, report: ValidationReport) -> None:
    """``participant-duplicate``: a participant stored from another import (``stored``:
    :meth:`Workspace.existing_participants` of the file's records)."""
    if stored.empty:
        return
    f = rec.frame.reset_index(drop=True)
    pos = {(p, q): i for i, (p, q) in enumerate(zip(f["project"], f["participant"], strict=True))}
    for r in stored.itertuples(index=False):
        idx = pos.get((r.project, r.participant))
        if idx is None:
            continue
        report.error(
            PARTICIPANT_DUPLICATE,
            f"participant {f['source_id'].iloc[idx]!r} of project {r.project!r} is already "
            f"stored from {r.source_name} (import {r.import_id}); import the corrected file "
            "under the same name with --replace",
            value=f["source_id"].iloc[idx],
            **rec.at(idx, "participant"),
        )
