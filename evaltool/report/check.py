"""The release check of a workspace's reports: can any withheld cell be recovered?

:func:`check_workspace_release` builds the programme report and every project report of a
workspace (as ``evaltool report --all`` writes them, workbooks included: they hold the same
tables) and returns the withheld cells that a linear combination of everything shown in
them gives (:func:`evaltool.report.release.release_check`).
"""

from __future__ import annotations

from evaltool.report.build import programme_document, project_document
from evaltool.report.cache import report_data
from evaltool.report.release import release_check
from evaltool.store.workspace import Workspace


def check_workspace_release(ws: Workspace, lang: str | None = None) -> list[str]:
    """Withheld cells of the workspace's reports that the shown figures give away.

    Parameters
    ----------
    ws : Workspace
        The workspace.
    lang : str, optional
        Report language (the figures do not depend on it).

    Returns
    -------
    list of str
        Document, table, row and column of each recoverable withheld cell; empty when the
        release is safe against subtraction.
    """
    data = report_data(ws, lang)
    docs = [programme_document(data)]
    docs += [project_document(data, info) for info in data.projects.values()]
    return release_check(docs)
