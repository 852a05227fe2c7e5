"""Layouts: raw cells → a survey table (one row per respondent, metadata separated).

A layout knows where the header is, how many header rows there are, which columns are
survey-tool metadata (timestamps, response ids, e-mail, names, IP addresses) and which rows are
not respondents (preview rows, footers such as ``Keskiarvo``). The result,
:class:`SurveyTable`, keeps for every data row the spreadsheet row number the user sees, so
validation can point at it.

Each survey tool is a module with a ``detect(raw) -> float`` (confidence 0–1) and a
``normalise(raw) -> SurveyTable``, registered here in :data:`BUILT_IN_LAYOUTS` order (a tie
between two scores goes to the layout registered first). Layouts (``--layout`` names) and how
each is recognised from the cells, never the file name:

================  ==================================================================  =======
layout            signature                                                           headers
================  ==================================================================  =======
``qualtrics``     row 1 field names (``StartDate``, ``Status``, ``ResponseId`` …),    3 (2)
                  row 3 ``{"ImportId": …}`` JSON (legacy exports: 2 rows)
``surveymonkey``  ``Respondent ID`` + ``Collector ID``; question text only above the  2
                  first column of a block, sub-labels (``Response``, statements,
                  options) in row 2
``limesurvey``    ``id``, ``submitdate``, ``lastpage``, ``startlanguage``, ``seed``   1
                  (or their full headings ``Response ID``, ``Date submitted`` …)
``ms_forms``      ``ID``, ``Start time``, ``Completion time``, ``Email``, ``Name``    1
                  (also Finnish and Swedish)
``google_forms``  first column ``Timestamp`` / ``Aikaleima`` / ``Tidsstämpel``        1
``webropol``      ``Vastausaika`` / ``Svarstid`` / ``Response time`` columns,         1–2
                  numbered questions, ``stem:statement`` grids (assumed; see the
                  research note)
``zef``           ``Answer ID`` / ``Vastauksen tunnus`` with ``Answered`` /           1–2
                  ``Vastattu`` (assumed until a real export is seen)
``spss``          an SPSS ``.sav`` file (variable names, labels and value labels)     1
``plain``         anything else: hand-typed sheets with title rows, merged group      1–3
                  headers, a row of question labels under a row of codes, footer
                  rows
================  ==================================================================  =======

Every layout yields per column a :class:`ColumnInfo`: the header as the user sees it, and for
grids / multi-selects the *stem* (question) and *sub* (statement or option) — split from
``stem [item]``, ``stem - item``, ``stem:item`` or from two header rows
(:mod:`.headers`). The next stage, :mod:`evaltool.mapping`, maps columns to an instrument's
items and fields (:func:`evaltool.mapping.columns.map_columns`) and decodes background
answers, multi-selects and open answers (:func:`evaltool.mapping.fields.decode_fields`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from evaltool.layouts import (
    google_forms,
    limesurvey,
    ms_forms,
    plain,
    qualtrics,
    spss,
    surveymonkey,
    webropol,
    zef,
)
from evaltool.layouts.headers import find_header_row, looks_numeric, split_grid_headers
from evaltool.layouts.metadata import (
    DIRECT_IDENTIFIERS,
    FOOTER_SCAN,
    FOOTER_WORDS,
    METADATA_PATTERNS,
    TOOL_ROLES,
    metadata_role,
    split_body,
)
from evaltool.layouts.qualtrics import QUALTRICS_DROP
from evaltool.layouts.table import (
    ColumnInfo,
    LayoutError,
    SurveyTable,
    strip_number,
    template_code,
)
from evaltool.read import RawTable

__all__ = [
    "AMBIGUOUS_FLOOR",
    "AMBIGUOUS_MARGIN",
    "BUILT_IN_LAYOUTS",
    "DIRECT_IDENTIFIERS",
    "FOOTER_SCAN",
    "FOOTER_WORDS",
    "LAYOUTS",
    "METADATA_PATTERNS",
    "QUALTRICS_DROP",
    "TOOL_ROLES",
    "ColumnInfo",
    "Layout",
    "LayoutError",
    "SurveyTable",
    "detect_layouts",
    "find_header_row",
    "looks_numeric",
    "metadata_role",
    "recognise",
    "register",
    "split_body",
    "split_grid_headers",
    "strip_number",
    "template_code",
]


@dataclass(frozen=True)
class Layout:
    """A registered layout: its ``--layout`` name, its detector and its normaliser."""

    name: str
    detect: Callable[[RawTable], float]
    normalise: Callable[[RawTable], SurveyTable]


#: The registered layouts by name, in registration order.
LAYOUTS: dict[str, Layout] = {}


def register(
    name: str,
    detect: Callable[[RawTable], float],
    normalise: Callable[[RawTable], SurveyTable],
) -> None:
    """Register a layout: ``detect`` returns a confidence 0–1, ``normalise`` a
    :class:`SurveyTable`."""
    LAYOUTS[name] = Layout(name, detect, normalise)


#: The survey-tool modules, in registration order: a tie between two scores goes to the
#: first (``plain``, which fits every sheet a little, comes last).
BUILT_IN_LAYOUTS = (
    qualtrics,
    surveymonkey,
    limesurvey,
    ms_forms,
    google_forms,
    webropol,
    zef,
    spss,
    plain,
)
for _tool in BUILT_IN_LAYOUTS:
    register(_tool.NAME, _tool.detect, _tool.normalise)

#: Two layouts within this confidence of each other (both above AMBIGUOUS_FLOOR) are
#: ambiguous: the user chooses with ``--layout``.
AMBIGUOUS_MARGIN = 0.2
AMBIGUOUS_FLOOR = 0.7

#: Aliases accepted for ``--layout`` names.
_LAYOUT_ALIASES = {"google": "google_forms", "forms": "google_forms"}


def detect_layouts(raw: RawTable) -> dict[str, float]:
    """Confidence 0–1 of every registered layout for ``raw``, best first."""
    scores = {name: float(lay.detect(raw)) for name, lay in LAYOUTS.items()}
    return dict(sorted(scores.items(), key=lambda kv: -kv[1]))


def recognise(raw: RawTable, layout: str | None = None) -> SurveyTable:
    """Recognise the layout of ``raw`` (or apply the forced ``layout``) and normalise it.

    Parameters
    ----------
    raw
        The raw cells of one sheet (:func:`evaltool.read.read_raw`).
    layout
        A ``--layout`` name (``google`` and ``forms`` mean ``google_forms``; case and ``-``
        for ``_`` ignored) that forces the layout; by default the best-scoring one.

    Returns
    -------
    SurveyTable
        With ``layout_scores`` (every layout's confidence, best first).

    Raises
    ------
    LayoutError
        Code ``layout-ambiguous`` when two layouts fit equally well (naming the
        ``--layout`` values that resolve it) or the forced layout is unknown.
    """
    scores = detect_layouts(raw)
    if layout is not None:
        name = layout.strip().lower().replace("-", "_")
        name = _LAYOUT_ALIASES.get(name, name)
        if name not in LAYOUTS:
            raise LayoutError(
                f"{raw.name}: unknown layout {layout!r}; known layouts: " + ", ".join(LAYOUTS),
                "layout-ambiguous",
            )
        table = LAYOUTS[name].normalise(raw)
        table.notes.append(f"layout {name} forced")
    else:
        ranked = list(scores.items())
        best, best_score = ranked[0]
        second, second_score = ranked[1]
        if second_score >= AMBIGUOUS_FLOOR and best_score - second_score < AMBIGUOUS_MARGIN:
            sheet = f" (sheet {raw.sheet!r})" if raw.sheet else ""
            raise LayoutError(
                f"{raw.name}{sheet}: the layout is ambiguous: it looks like both {best} "
                f"({best_score:.2f}) and {second} ({second_score:.2f}); choose one with "
                f"--layout {best} or --layout {second}",
                "layout-ambiguous",
            )
        table = LAYOUTS[best].normalise(raw)
    table.layout_scores = scores
    return table
