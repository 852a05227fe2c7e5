"""The report data of a workspace computed once per state of its data.

Writing a report reads every stored response and computes the programme's statistics
(:func:`evaltool.report.collect.collect`); the same figures serve the HTML page, its Word
and PDF versions, the release check and the evaluator's text templates. :func:`report_data`
keeps the last few results in this process, keyed by the workspace
(:meth:`Workspace.data_state`: its imports, settings and instruments, so any import,
deletion or change of a setting by any process gives a new key), the language and the
projects. A result is shared, never copied: the document builders only read it. What is
not stored data is read anew on every call: the report's date and the evaluator's texts in
the workspace folder.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

from evaltool.report.collect import ReportData, collect, report_date
from evaltool.report.texts import read_texts

if TYPE_CHECKING:
    from evaltool.store import Workspace

__all__ = ["MAX_ENTRIES", "clear", "report_data"]

#: Results kept (the programme's data of a large workspace is some tens of megabytes).
MAX_ENTRIES = 4

_CACHE: OrderedDict[tuple, ReportData] = OrderedDict()
_LOCK = threading.Lock()


def report_data(
    ws: Workspace,
    lang: str | None,
    projects: list[str] | None = None,
    keys: tuple | None = None,
) -> ReportData:
    """:func:`~evaltool.report.collect.collect` of ``ws``, computed once per state of its
    data.

    Parameters
    ----------
    ws : Workspace
    lang : str or None
        The report language (None: the workspace's setting).
    projects : list of str, optional
        As for :func:`~evaltool.report.collect.collect`: the projects whose rows are
        computed (None: every project).
    keys : tuple, optional
        The register, project infos and label → key mapping when already read.

    Returns
    -------
    ReportData
        The figures of the workspace as it is now, with today's date (or
        ``SOURCE_DATE_EPOCH``'s) and the evaluator's texts as they are in its folder.
    """
    from evaltool.report.i18n import check_lang

    lang = check_lang(lang or ws.get_setting("lang") or "fi")
    # the state is read before the data: a write in between makes the entry newer than
    # its key, and that key never comes again (import ids are never reused)
    key = (ws.data_state(), lang, None if projects is None else tuple(projects))
    with _LOCK:
        hit = _CACHE.get(key)
        if hit is not None:
            _CACHE.move_to_end(key)
    if hit is None:
        data = collect(ws, lang, projects, keys)
        with _LOCK:
            _CACHE[key] = data
            while len(_CACHE) > MAX_ENTRIES:
                _CACHE.popitem(last=False)
        return data
    root = getattr(ws, "root", None)
    wanted = list(hit.projects) if projects is None else projects
    return dataclasses.replace(hit, created=report_date(), texts=read_texts(root, wanted))


def clear() -> None:
    """Forget every kept result."""
    with _LOCK:
        _CACHE.clear()
