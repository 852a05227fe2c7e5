"""Evaluation reports: per-project impact reports, the programme report and an index.

The command line calls these in one line each::

    write_project_report(ws, project, out_dir, lang)   # → P.html (+ P.xlsx)
    write_programme_report(ws, out_dir, lang)          # → programme.html (+ .xlsx)
    write_all_reports(ws, out_dir, lang, progress)     # → index.html

Pipeline: :mod:`.collect` (workspace → statistics, computed once) → :mod:`.build` (which
chapters of :mod:`.chapters`, one module each, make a :class:`~.document.Document`) →
:mod:`.html` (jinja2 templates in ``reports/``, plotly charts from :mod:`.charts`) and
:mod:`.workbook` (every table to Excel). The fi/sv/en strings are data
(``reports/strings.toml``), read by :mod:`.i18n`, which also formats numbers and dates.
"""

from evaltool.report.html import write_all_reports, write_programme_report, write_project_report

__all__ = ["write_all_reports", "write_programme_report", "write_project_report"]
