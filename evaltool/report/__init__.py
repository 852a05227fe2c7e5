"""Evaluation reports: per-project evaluation reports, the programme report and an index.

The command line calls these in one line each::

    write_project_report(ws, project, out_dir, lang)   # → P.fi.html (+ P.fi.xlsx)
    write_programme_report(ws, out_dir, lang)          # → programme.fi.html (+ .xlsx)
    write_all_reports(ws, out_dir, lang, progress)     # → index.fi.html
    write_documents(ws, out_dir, lang, formats=("docx", "pdf"), projects=[P])  # Word, PDF
    write_text_skeletons(ws, lang)                     # → WORKSPACE/texts/P.md, programme.md

Pipeline: :mod:`.collect` (workspace → statistics, computed once) → :mod:`.build` (which
chapters of :mod:`.chapters`, one module each, make a :class:`~.document.Document`) →
:mod:`.html` (jinja2 templates in ``reports/``, plotly charts from :mod:`.charts`) and
:mod:`.workbook` (every table to Excel). The fi/sv/en strings are data
(``reports/strings.toml``), read by :mod:`.i18n`, which also formats numbers and dates.
The evaluator's own text (:mod:`.texts`, Markdown in ``WORKSPACE/texts/``) and population
norms (:mod:`.norms`, TOML in ``reports/norms/``) are read by :mod:`.collect` too.
"""

from evaltool.report.documents import write_documents
from evaltool.report.html import write_all_reports, write_programme_report, write_project_report
from evaltool.report.texts import write_text_skeletons

__all__ = [
    "write_all_reports",
    "write_documents",
    "write_programme_report",
    "write_project_report",
    "write_text_skeletons",
]
