"""evaltool: evaluation toolkit for intermediate labour market (välityömarkkinat) projects.

The library is a one-way pipeline; each stage is a subpackage::

    read        file → raw cells (xlsx/xls/ods, csv/tsv/txt, SPSS .sav)
    layouts     raw cells → survey table (one plug-in per survey tool)
    instruments what a questionnaire is (WHOQOL-BREF, EUROHIS-QOL 8, partner survey, TOML)
    mapping     columns → items and fields, cells → codes, respondent ids
    validate    named checks, each a function
    imports     one import skeleton for clients, partners and the register; inspect
    store       the workspace (SQLite): the only place with SQL
    scoring     scoring rules; scores of stored responses
    indicators  statistics, outcomes, cooperation, the min_n rule, and
                workspace_tables: the one path from a workspace to every table
    report      chapters, HTML, Excel workbook
    output      terminal, CSV, JSON and Excel writers; hand-entry templates

The names below are the public API; the command line and the reports use nothing else
from the stages::

    >>> import evaltool
    >>> ws = evaltool.Workspace.init("ws")                               # doctest: +SKIP
    >>> evaltool.import_clients(ws, ["wave1.xlsx"], evaltool.ClientImportOptions(
    ...     instrument="whoqol-bref", project="Polku", wave=1))           # doctest: +SKIP
    >>> tables = evaltool.workspace_outcomes(ws)                          # doctest: +SKIP
    >>> tables["paired"]                                                  # doctest: +SKIP

Names are loaded on first use, so ``import evaltool`` stays cheap for the command line.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

__version__ = "0.1.0"

#: Public name → module that defines it.
_API = {
    "Workspace": "evaltool.store",
    "UserError": "evaltool.errors",
    "ImportFailed": "evaltool.errors",
    "read_raw": "evaltool.read",
    "recognise": "evaltool.layouts",
    "load_instrument": "evaltool.instruments",
    "load_partner_survey": "evaltool.instruments.partner_survey",
    "ClientImportOptions": "evaltool.imports.clients",
    "import_clients": "evaltool.imports.clients",
    "import_partners": "evaltool.imports.partners",
    "import_projects": "evaltool.imports.register",
    "inspect_file": "evaltool.imports.inspection",
    "ImportDeletion": "evaltool.imports.deletion",
    "describe_import": "evaltool.imports.deletion",
    "delete_import": "evaltool.imports.deletion",
    "import_participants": "evaltool.imports.participants",
    "workspace_indicators": "evaltool.indicators.esf.tables",
    "score_table": "evaltool.scoring.stored",
    "outcome_tables": "evaltool.indicators.outcomes",
    "workspace_outcomes": "evaltool.indicators.workspace_tables",
    "workspace_cooperation": "evaltool.indicators.workspace_tables",
    "write_project_report": "evaltool.report",
    "write_programme_report": "evaltool.report",
    "write_all_reports": "evaltool.report",
    "build_demo": "evaltool.demo",
}

__all__ = [
    "__version__",
    "Workspace",
    "UserError",
    "ImportFailed",
    "read_raw",
    "recognise",
    "load_instrument",
    "load_partner_survey",
    "ClientImportOptions",
    "import_clients",
    "import_partners",
    "import_projects",
    "inspect_file",
    "ImportDeletion",
    "describe_import",
    "delete_import",
    "import_participants",
    "workspace_indicators",
    "score_table",
    "outcome_tables",
    "workspace_outcomes",
    "workspace_cooperation",
    "write_project_report",
    "write_programme_report",
    "write_all_reports",
    "build_demo",
]

if TYPE_CHECKING:  # pragma: no cover
    from evaltool.demo import build_demo
    from evaltool.errors import ImportFailed, UserError
    from evaltool.imports.clients import ClientImportOptions, import_clients
    from evaltool.imports.deletion import ImportDeletion, delete_import, describe_import
    from evaltool.imports.inspection import inspect_file
    from evaltool.imports.participants import import_participants
    from evaltool.imports.partners import import_partners
    from evaltool.imports.register import import_projects
    from evaltool.indicators.esf.tables import workspace_indicators
    from evaltool.indicators.outcomes import outcome_tables
    from evaltool.indicators.workspace_tables import workspace_cooperation, workspace_outcomes
    from evaltool.instruments import load_instrument
    from evaltool.instruments.partner_survey import load_partner_survey
    from evaltool.layouts import recognise
    from evaltool.read import read_raw
    from evaltool.report import write_all_reports, write_programme_report, write_project_report
    from evaltool.scoring.stored import score_table
    from evaltool.store import Workspace


def __getattr__(name: str):
    module = _API.get(name)
    if module is None:
        raise AttributeError(f"module 'evaltool' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
