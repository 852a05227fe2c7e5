"""Report assembly: which chapters, in which order, in a project report, the programme
report and the index of a batch of reports.

The chapters themselves are in :mod:`evaltool.report.chapters`, one module each; every
chapter is present only where data exist.
"""

from __future__ import annotations

from collections.abc import Callable

from evaltool.report.chapters import (
    Builder,
    appendix_chapter,
    background_chapter,
    comparison_chapter,
    cooperation_chapter,
    evaluator_chapter,
    experience_chapter,
    methods_chapter,
    quality_of_life_chapter,
    register_chapter,
    summary_chapter,
)
from evaltool.report.collect import ProjectInfo, ReportData
from evaltool.report.document import Chapter, Document, IndexPage
from evaltool.report.i18n import fmt_date, fmt_int, t
from evaltool.report.texts import OPENING_SECTIONS, TEXT_SECTIONS


def _texts(b: Builder, project: ProjectInfo | None, opening: bool) -> list:
    """The evaluator's chapters near the start (``opening``) or before the appendix."""
    names = [n for n in TEXT_SECTIONS if (n in OPENING_SECTIONS) == opening]
    return [lambda n=n: evaluator_chapter(b, project, n) for n in names]


def project_document(data: ReportData, project: ProjectInfo) -> Document:
    """The per-project impact report.

    Parameters
    ----------
    data : ReportData
        The statistics collected once per workspace.
    project : ProjectInfo
        The project reported on.

    Returns
    -------
    Document
        Chapters summary, the evaluator's introduction, data and methods, respondents,
        quality of life, service experience, cooperation, ESF indicators, the evaluator's
        questions and answers, discussion, conclusions and recommendations, and appendix,
        each only where data (or the evaluator's text file) exist.
    """
    b = Builder(data)
    title = project.name if project.name == project.key else f"{project.name} ({project.key})"
    parts = [
        lambda: summary_chapter(b, project),
        *_texts(b, project, opening=True),
        lambda: methods_chapter(b, project),
        lambda: background_chapter(b, project),
        lambda: quality_of_life_chapter(b, project),
        lambda: experience_chapter(b, project),
        lambda: cooperation_chapter(b, project),
        lambda: register_chapter(b, project),
        *_texts(b, project, opening=False),
        lambda: appendix_chapter(b, project),
    ]
    return _document(b, "project", title, b.t("report_project"), parts)


def programme_document(data: ReportData) -> Document:
    """The programme report: all projects side by side, cooperation, ESF totals.

    Parameters
    ----------
    data : ReportData
        The statistics collected once per workspace.

    Returns
    -------
    Document
        Chapters summary, data and methods, projects side by side, respondents, quality of
        life, service experience, cooperation, ESF indicators and appendix, each only where
        data exist.
    """
    b = Builder(data)
    parts = [
        lambda: summary_chapter(b, None),
        *_texts(b, None, opening=True),
        lambda: methods_chapter(b, None),
        lambda: comparison_chapter(b),
        lambda: background_chapter(b, None),
        lambda: quality_of_life_chapter(b, None),
        lambda: experience_chapter(b, None),
        lambda: cooperation_chapter(b, None),
        lambda: register_chapter(b, None),
        *_texts(b, None, opening=False),
        lambda: appendix_chapter(b, None),
    ]
    return _document(b, "programme", b.t("report_programme"), b.t("programme"), parts)


def index_page(data: ReportData, hrefs: dict[str, str]) -> IndexPage:
    """The index of a batch of reports: its words and one row per project report.

    Parameters
    ----------
    data : ReportData
        The statistics collected once per workspace.
    hrefs : dict
        Project key → file name of its report.

    Returns
    -------
    IndexPage
        ``projects`` rows hold key, name, href, organisation, instruments (the short titles
        of those with the project's data) and clients (their number, or "no client data").
    """
    lang = data.lang
    resp = data.respondents.set_index("project")["n"] if len(data.respondents) else {}
    rows = []
    for key, info in data.projects.items():
        reg = info.register or {}
        n = resp.get(key) if hasattr(resp, "get") else None
        used = [inst.short_title(lang) for inst in data.instruments if key in inst.n_respondents]
        rows.append(
            {
                "key": key,
                "name": info.name,
                "href": hrefs[key],
                "organisation": reg.get("organisation") or "",
                "instruments": ", ".join(used),
                "clients": fmt_int(n, lang) if n is not None else t("no_client_data", lang),
            }
        )
    words = {
        "title": t("report_index", lang),
        "intro": t("s_index_intro", lang, date=fmt_date(data.created, lang)),
        "programme": t("programme_link", lang),
        "projects": t("project_reports", lang),
        "code": t("col_code", lang),
        "name": t("col_name", lang),
        "organisation": t("col_organisation", lang),
        "clients": t("col_clients", lang),
        "instruments": t("col_instruments", lang),
    }
    return IndexPage(lang=lang, words=words, projects=rows)


def _document(
    b: Builder, kind: str, title: str, subtitle: str, parts: list[Callable[[], Chapter]]
) -> Document:
    """The document of the non-empty chapters, built in order (tables and figures are
    numbered as they are made)."""
    chapters = [c for c in (p() for p in parts) if not c.empty()]
    return Document(
        kind=kind,
        title=title,
        subtitle=subtitle,
        lang=b.lang,
        created=fmt_date(b.data.created, b.lang),
        min_n=b.data.min_n,
        chapters=chapters,
    )
