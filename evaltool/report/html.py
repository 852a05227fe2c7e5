"""HTML reports: render documents with jinja2 and write them with their Excel workbooks.

A single report is one self-contained file: the stylesheet and plotly.js are embedded, so it
opens offline and makes no request. :func:`write_all_reports` writes the programme report,
every project report and ``index.html`` into one folder with one shared ``plotly.min.js``
beside them. Templates and the stylesheet live in ``reports/`` (shipped in the wheel as
``evaltool/_data/reports``). Text from data is escaped by jinja2's autoescape; only the chart
fragments (whose data are JSON with ``<``, ``>`` and ``/`` escaped by plotly) and plotly.js
itself are inserted as markup. The output is deterministic: fixed chart div ids, fixed report
date (``SOURCE_DATE_EPOCH``), no random or clock-dependent content.
"""

from __future__ import annotations

import re
import sys
import time
from collections.abc import Callable
from functools import lru_cache
from pathlib import Path

from markupsafe import Markup

from evaltool import __version__
from evaltool.errors import UserError
from evaltool.output.paths import replacing
from evaltool.report import charts
from evaltool.report.build import index_page, programme_document, project_document
from evaltool.report.cache import report_data
from evaltool.report.collect import ProjectInfo, ReportData
from evaltool.report.document import Document, Figure, Table
from evaltool.report.i18n import check_lang, t
from evaltool.report.workbook import write_workbook
from evaltool.resources import data_dirs
from evaltool.store.workspace import Workspace

PLOTLY_FILE = "plotly.min.js"
PROGRAMME_NAME = "programme"
INDEX_NAME = "index"
_RESERVED = {PROGRAMME_NAME, INDEX_NAME, "plotly.min"}


def template_dirs() -> list[Path]:
    """Installed ``evaltool/_data/reports``, else the repository's ``reports/``."""
    return data_dirs("reports")


@lru_cache(maxsize=1)
def _environment():
    from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

    dirs = template_dirs()
    if not dirs:
        raise UserError(
            "report templates not found (evaltool/_data/reports or reports/); reinstall evaltool"
        )
    env = Environment(
        loader=FileSystemLoader([str(d) for d in dirs]),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=False,
        lstrip_blocks=False,
        keep_trailing_newline=True,
    )
    return env


@lru_cache(maxsize=1)
def _stylesheet() -> str:
    return (template_dirs()[0] / "report.css").read_text(encoding="utf-8")


@lru_cache(maxsize=1)
def plotly_js() -> str:
    """The plotly.js bundle shipped with the plotly package (no CDN)."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()


def _words(doc: Document, excel_name: str | None) -> dict[str, str]:
    lang = doc.lang
    return {
        "table": t("word_table", lang),
        "figure": t("word_figure", lang),
        "min_n_note": t("min_n_note", lang, min_n=doc.min_n),
        "created": t("created", lang),
        "made_with": t("made_with", lang),
        "excel": t("excel_note", lang, file=excel_name or ""),
        "contents": t("contents", lang),
        "index": t("back_to_index", lang),
        "no_charts": t("charts_not_loaded", lang, file=PLOTLY_FILE),
    }


def render_document(
    doc: Document,
    *,
    plotly: str = "inline",
    excel_name: str | None = None,
    index_href: str | None = None,
) -> str:
    """The document as HTML. ``plotly``: ``inline`` embeds plotly.js, ``file`` refers to
    ``plotly.min.js`` beside the report, ``none`` leaves it out."""
    numbers: dict[str, int] = {}
    rendered: dict[str, Markup] = {}
    n_tab = n_fig = 0
    for ch in doc.chapters:
        for block in ch.intro + [b for s in ch.sections for b in s.blocks]:
            if isinstance(block, Table) and not block.excel_only:
                n_tab += 1
                numbers[block.key] = n_tab
            elif isinstance(block, Figure):
                n_fig += 1
                numbers[block.key] = n_fig
                rendered[block.key] = Markup(charts.render(block.figure, block.key))
    js = Markup(plotly_js()) if plotly == "inline" and rendered else None
    src = PLOTLY_FILE if plotly == "file" and rendered else None
    return (
        _environment()
        .get_template("report.html.j2")
        .render(
            doc=doc,
            words=_words(doc, excel_name),
            numbers=numbers,
            charts=rendered,
            css=Markup(_stylesheet()),
            plotly_js=js,
            plotly_src=src,
            excel_name=excel_name,
            index_href=index_href,
            version=__version__,
        )
    )


#: The longest file name stem written (with the language and suffix well under the 255
#: bytes of common file systems, also for names of many-byte letters).
MAX_STEM = 60


def safe_name(key: str) -> str:
    """A file name (without suffix) for a project key: letters, digits, ``.``, ``-`` and
    ``_`` only, at most :data:`MAX_STEM` characters (a longer key is cut and given 8 hex
    digits of its SHA-1, so two long keys never share a name)."""
    import hashlib

    name = re.sub(r"[^\w.-]+", "_", key, flags=re.UNICODE).strip("._") or "project"
    if len(name) > MAX_STEM:
        digest = hashlib.sha1(key.encode("utf-8"), usedforsecurity=False).hexdigest()[:8]
        name = f"{name[: MAX_STEM - 9].rstrip('._')}-{digest}"
    if name.casefold() in _RESERVED:
        name += "_project"
    return name


def file_name(stem: str, lang: str, suffix: str) -> str:
    """``S20127.fi.html``: the report's file name, by language so that the reports of
    another language do not overwrite it."""
    return f"{stem}.{lang}.{suffix}"


def _out_dir(ws: Workspace, out_dir: str | Path | None) -> Path:
    path = Path(out_dir) if out_dir is not None else ws.root / "reports"
    if path.exists() and not path.is_dir():
        raise UserError(f"{path} exists and is not a folder")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _write(
    doc: Document, html_path: Path, data: ReportData, plotly: str, index_href: str | None = None
) -> Path:
    xlsx = html_path.with_name(html_path.name.removesuffix(".html") + ".xlsx")
    text = render_document(doc, plotly=plotly, excel_name=xlsx.name, index_href=index_href)
    with replacing(html_path) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")
    write_workbook(doc, xlsx, data.created)
    return html_path


def _project(data: ReportData, project: str) -> ProjectInfo:
    info = data.resolve(project)
    if info is None:
        known = ", ".join(list(data.projects)[:20]) or "none"
        raise UserError(
            f"no project {project!r} in the workspace (neither client data nor "
            f"register); projects: {known}"
        )
    return info


def _resolve_key(ws: Workspace, project: str) -> tuple[str | None, tuple]:
    """The key of ``project`` (a client-data label, register code or name; case ignored)
    and the register and project keys read to find it (handed on to :func:`collect`)."""
    from evaltool.imports.register import project_register
    from evaltool.report.collect import _project_keys

    register = project_register(ws)
    infos, label_to_key = _project_keys(ws, register)
    want = project.strip().casefold()
    for lab, key in label_to_key.items():
        if want in (lab.casefold(), key.casefold()):
            return key, (register, infos, label_to_key)
    for code, name in zip(register["code"], register["name"], strict=True):
        if want in (code.casefold(), str(name).casefold()):
            return code, (register, infos, label_to_key)
    return None, (register, infos, label_to_key)


def write_project_report(
    ws: Workspace, project: str, out_dir: str | Path | None = None, lang: str | None = None
) -> Path:
    """Write ``<project>.html`` (self-contained) and ``<project>.xlsx`` into ``out_dir``
    (default: the workspace's ``reports/``); returns the HTML path. ``project`` is a
    register code or name or a client-data project label."""
    lang = check_lang(lang or ws.get_setting("lang"))
    key, keys = _resolve_key(ws, project)
    data = report_data(ws, lang, projects=[key] if key is not None else [], keys=keys)
    info = _project(data, key or project)
    out = _out_dir(ws, out_dir)
    path = out / file_name(safe_name(info.key), data.lang, "html")
    return _write(project_document(data, info), path, data, "inline")


def write_programme_report(
    ws: Workspace, out_dir: str | Path | None = None, lang: str | None = None
) -> Path:
    """Write ``programme.html`` (self-contained) and ``programme.xlsx``; returns the path."""
    lang = check_lang(lang or ws.get_setting("lang"))
    data = report_data(ws, lang)
    out = _out_dir(ws, out_dir)
    path = out / file_name(PROGRAMME_NAME, data.lang, "html")
    return _write(programme_document(data), path, data, "inline")


class _Progress:
    """A one-line progress bar on stderr (only when stderr is a terminal), or the caller's
    ``callback(done, total, label)``."""

    def __init__(self, total: int, enabled: bool | Callable[[int, int, str], None]):
        self.total = max(total, 1)
        self.callback = enabled if callable(enabled) else None
        self.enabled = self.callback is None and bool(enabled) and sys.stderr.isatty()
        self.start = time.perf_counter()

    def update(self, done: int, label: str = "") -> None:
        if self.callback is not None:
            self.callback(done, self.total, label)
            return
        if not self.enabled:
            return
        width = 30
        filled = int(width * done / self.total)
        elapsed = time.perf_counter() - self.start
        sys.stderr.write(
            f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{self.total} "
            f"{elapsed:5.1f} s {label[:30]:<30}"
        )
        sys.stderr.flush()

    def close(self) -> None:
        if self.enabled:
            sys.stderr.write("\n")
            sys.stderr.flush()


#: State shared with forked workers of :func:`write_all_reports` (set before the fork).
_BATCH: dict = {}


def _write_project_file(job: tuple[str, str]) -> str:
    """Worker: write one project report of the batch (data inherited from the parent)."""
    key, name = job
    data, out = _BATCH["data"], _BATCH["out"]
    _write(
        project_document(data, data.projects[key]),
        out / file_name(name, data.lang, "html"),
        data,
        "file",
        file_name(INDEX_NAME, data.lang, "html"),
    )
    return key


def _auto_workers(n_jobs: int) -> int:
    """Worker processes for a batch: the CPUs available (at most 4); 1 for small batches or
    where processes cannot be forked."""
    import multiprocessing as mp
    import os

    if n_jobs < 16 or "fork" not in mp.get_all_start_methods():
        return 1
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return max(1, min(4, cpus or 1))


def write_all_reports(
    ws: Workspace,
    out_dir: str | Path | None = None,
    lang: str | None = None,
    progress: bool | Callable[[int, int, str], None] = True,
    workers: int | None = None,
) -> Path:
    """Write the programme report, every project report (each with its workbook), one shared
    ``plotly.min.js`` and ``index.html`` linking them; returns the index path.

    Parameters
    ----------
    ws : Workspace
        The workspace.
    out_dir : str or Path, optional
        The reports' folder (default: the workspace's ``reports/``).
    lang : str, optional
        Report language (default: the workspace's ``lang`` setting).
    progress : bool or callable, default True
        True: a progress bar on stderr when it is a terminal; False: none; a callable:
        called as ``progress(done, total, label)`` after each written report (``total`` =
        the project reports + 1 for the programme report; ``label`` names the report
        written: the programme report's title, then each project's key).
    workers : int, optional
        Processes writing the project reports.

    Returns
    -------
    pathlib.Path
        The index's path.

    Notes
    -----
    Statistics are computed once for all reports; project reports are then written by
    ``workers`` forked processes (default: the available CPUs, at most 4, for 16 projects or
    more), which share the computed data copy-on-write; the progress callback is called in
    the calling process."""
    lang = check_lang(lang or ws.get_setting("lang"))
    data = report_data(ws, lang)
    out = _out_dir(ws, out_dir)
    with replacing(out / PLOTLY_FILE) as tmp:
        tmp.write_text(plotly_js(), encoding="utf-8", newline="\n")
    projects = list(data.projects.values())
    bar = _Progress(len(projects) + 1, progress)
    _write(
        programme_document(data),
        out / file_name(PROGRAMME_NAME, lang, "html"),
        data,
        "file",
        file_name(INDEX_NAME, lang, "html"),
    )
    bar.update(1, t("report_programme", lang))
    names: dict[str, str] = {}
    used: set[str] = {PROGRAMME_NAME, INDEX_NAME}
    for info in projects:
        name = safe_name(info.key)
        while name.casefold() in used:
            name += "_"
        used.add(name.casefold())
        names[info.key] = name
    jobs = list(names.items())
    workers = _auto_workers(len(jobs)) if workers is None else max(1, int(workers))
    _BATCH.update(data=data, out=out)
    try:
        if workers > 1:
            import multiprocessing as mp

            with mp.get_context("fork").Pool(workers) as pool:
                for k, key in enumerate(
                    pool.imap_unordered(_write_project_file, jobs, chunksize=4), start=2
                ):
                    bar.update(k, key)
        else:
            for k, job in enumerate(jobs, start=2):
                bar.update(k, _write_project_file(job))
    finally:
        _BATCH.clear()
        bar.close()
    return write_index(data, out, names)


def write_index(data: ReportData, out: Path, names: dict[str, str]) -> Path:
    """Write ``index.html`` linking the programme report and the project reports.

    Parameters
    ----------
    data : ReportData
        The statistics the reports were written from.
    out : pathlib.Path
        The reports' folder.
    names : dict
        Project key → file name (without suffix) of its report.

    Returns
    -------
    pathlib.Path
        The index's path.
    """
    lang = data.lang
    page = index_page(data, {key: file_name(name, lang, "html") for key, name in names.items()})
    text = (
        _environment()
        .get_template("index.html.j2")
        .render(
            lang=page.lang,
            words=page.words,
            projects=page.projects,
            programme_href=file_name(PROGRAMME_NAME, lang, "html"),
            css=Markup(_stylesheet()),
            version=__version__,
        )
    )
    path = out / file_name(INDEX_NAME, lang, "html")
    with replacing(path) as tmp:
        tmp.write_text(text, encoding="utf-8", newline="\n")
    return path
