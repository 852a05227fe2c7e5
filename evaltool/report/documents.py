"""Word and PDF versions of the reports: ``S20127.fi.docx`` and ``S20127.fi.pdf``.

**Word** (python-docx): the report's headings as Word's *Heading 1 … 3*, paragraphs in
*Normal*, every table numbered with its caption (*Caption*) in the *Table Grid* style,
figures as PNG images with their numbered captions. The styles are Word's own, so an
evaluator restyles the whole report by changing them (or by giving a template document
whose styles are used: ``template=``). Tables kept in the workbook only are not in it.

**PDF**: the self-contained HTML report printed by headless Chromium (A4, the report's
print stylesheet), so the PDF shows exactly the HTML report, charts included.

Charts become images in the same headless Chromium: plotly.js (shipped with the plotly
package) draws each figure and ``Plotly.toImage`` returns it as PNG, so no other image
renderer (kaleido and its own browser) is needed. Chromium is found at
``$EVALTOOL_CHROMIUM``, ``/usr/bin/chromium`` or on ``PATH``; it is driven with Playwright.
"""

from __future__ import annotations

import base64
import json
import os
import shutil
from collections.abc import Sequence
from contextlib import contextmanager
from pathlib import Path

from evaltool.errors import UserError
from evaltool.output.paths import replacing
from evaltool.report.collect import fixed_time
from evaltool.report.document import (
    AnswerList,
    Document,
    EvaluatorText,
    Facts,
    Figure,
    Paragraph,
    Table,
)
from evaltool.report.i18n import t

#: Formats :func:`write_documents` writes.
FORMATS = ("docx", "pdf")
#: Width (CSS pixels) of chart images; drawn at twice the resolution.
CHART_WIDTH = 900


def chromium_path() -> str:
    """The Chromium executable: ``$EVALTOOL_CHROMIUM``, ``/usr/bin/chromium`` or the first
    ``chromium`` / ``chromium-browser`` / ``google-chrome`` on ``PATH``."""
    for cand in (os.environ.get("EVALTOOL_CHROMIUM"), "/usr/bin/chromium"):
        if cand and Path(cand).is_file():
            return cand
    for name in ("chromium", "chromium-browser", "google-chrome"):
        found = shutil.which(name)
        if found:
            return found
    raise UserError(
        "Word and PDF reports need Chromium (for the charts and the PDF): install it "
        "(e.g. Debian's chromium package) or set EVALTOOL_CHROMIUM to its path"
    )


#: Chromium's flags for headless work on a machine without a screen or a network: no GPU,
#: no sandbox (containers run as root), and no background connections to Google's servers.
CHROMIUM_ARGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


@contextmanager
def browser():
    """A headless Chromium (Playwright), closed on exit."""
    try:
        from playwright.sync_api import sync_playwright
    except ImportError as exc:
        raise UserError(
            "Word and PDF reports need the Python package playwright: pip install playwright"
        ) from exc
    exe = chromium_path()
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=exe, args=list(CHROMIUM_ARGS))
        try:
            yield b
        finally:
            b.close()


def chart_images(figures: Sequence[Figure], page) -> dict[str, bytes]:
    """PNG bytes of each figure (by key), drawn by plotly.js in ``page``."""
    from evaltool.report.html import plotly_js

    if not figures:
        return {}
    page.set_content("<html><body><div id='c'></div></body></html>")
    page.add_script_tag(content=plotly_js())
    out = {}
    for fig in figures:
        spec = json.dumps(fig.figure)
        height = int(fig.figure.get("layout", {}).get("height") or 400)
        url = page.evaluate(
            "async ([spec, w, h]) => { const f = JSON.parse(spec);"
            " return await Plotly.toImage({data: f.data, layout: f.layout},"
            " {format: 'png', width: w, height: h, scale: 2}); }",
            [spec, CHART_WIDTH, height],
        )
        out[fig.key] = base64.b64decode(url.split(",", 1)[1])
    return out


def write_docx(
    doc: Document, path: str | Path, images: dict[str, bytes], template: str | Path | None = None
) -> Path:
    """Write ``doc`` as a Word document.

    Parameters
    ----------
    doc : Document
        The report.
    path : str or Path
        The ``.docx`` written.
    images : dict
        Figure key → PNG bytes (:func:`chart_images`).
    template : str or Path, optional
        A Word document whose styles (Heading 1–3, Normal, Caption, Table Grid) are used.

    Returns
    -------
    pathlib.Path
        ``path``.
    """
    import docx

    word = docx.Document(str(template)) if template else docx.Document()
    lang = doc.lang
    word.core_properties.title = f"{doc.title} – {doc.subtitle}"
    word.core_properties.language = lang
    word.add_paragraph(doc.subtitle, style="Subtitle")
    word.add_heading(doc.title, level=0)
    word.add_paragraph(f"{t('created', lang)} {doc.created} {t('made_with', lang)}.")
    n_tab = n_fig = 0
    for chno, ch in enumerate(doc.chapters, start=1):
        word.add_heading(f"{chno} {ch.title}", level=1)
        sections = [(None, ch.intro)] + [(s, s.blocks) for s in ch.sections]
        for k, (sec, blocks) in enumerate(sections):
            if sec is not None:
                word.add_heading(f"{chno}.{k} {sec.title}", level=2)
            for bl in blocks:
                counts = _docx_block(word, bl, images, lang, doc.min_n, (n_tab, n_fig))
                n_tab, n_fig = counts
    word.add_paragraph(t("min_n_note", lang, min_n=doc.min_n))
    path = Path(path)
    when = fixed_time()
    if when is not None:  # SOURCE_DATE_EPOCH: the same bytes for the same workspace
        word.core_properties.created = word.core_properties.modified = when
        word.core_properties.last_printed = when
    with replacing(path) as tmp:
        word.save(str(tmp))
        if when is not None:
            _fix_zip_times(tmp, when)
    return path


def _fix_zip_times(path: Path, when) -> None:
    """Rewrite the zip file ``path`` with every member dated ``when`` (Word files are zip
    archives whose members carry the time they were written)."""
    import zipfile

    stamp = max(when, when.replace(year=1980, month=1, day=1)).timetuple()[:6]
    with zipfile.ZipFile(path) as src:
        members = [(info, src.read(info)) for info in src.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as out:
        for info, data in members:
            fixed = zipfile.ZipInfo(info.filename, date_time=stamp)
            fixed.compress_type = zipfile.ZIP_DEFLATED
            fixed.external_attr = info.external_attr
            out.writestr(fixed, data)


def _fix_pdf_dates(path: Path, when) -> None:
    """Replace the creation and modification dates Chromium writes into a PDF by ``when``
    (same length, so the file's cross-reference offsets stay valid)."""
    import re

    data = path.read_bytes()
    stamp = when.strftime("D:%Y%m%d%H%M%S").encode()

    def fixed(m: re.Match) -> bytes:
        value = m.group(2)
        new = (stamp + value[len(stamp) :])[: len(value)] if len(value) >= len(stamp) else value
        return m.group(1) + new + m.group(3)

    data = re.sub(rb"(/(?:CreationDate|ModDate) ?\()(D:[^)]*)(\))", fixed, data)
    path.write_bytes(data)


def _docx_block(word, bl, images, lang: str, min_n: int, numbers: tuple[int, int]):
    """One block of the report in Word; returns the running (table, figure) numbers."""
    import io

    from docx.shared import Cm

    n_tab, n_fig = numbers
    if isinstance(bl, Table):
        if not bl.excel_only:
            n_tab += 1
            _docx_table(word, bl, n_tab, lang, min_n)
    elif isinstance(bl, Figure):
        n_fig += 1
        png = images.get(bl.key)
        if png:
            word.add_picture(io.BytesIO(png), width=Cm(16))
        word.add_paragraph(f"{t('word_figure', lang)} {n_fig}. {bl.title}", "Caption")
        if bl.note:
            word.add_paragraph(bl.note)
    elif isinstance(bl, Paragraph):
        word.add_paragraph(bl.text)
    elif isinstance(bl, AnswerList):
        word.add_heading(bl.title, level=3)
        if bl.note:
            word.add_paragraph(bl.note)
        for text, count in bl.answers:
            word.add_paragraph(text + (f" ({count})" if count > 1 else ""), style="List Bullet")
    elif isinstance(bl, Facts):
        for label_, value in bl.items:
            word.add_paragraph(f"{label_}: {value}")
    elif isinstance(bl, EvaluatorText):
        if bl.filled:
            from evaltool.report.texts import markdown_to_docx

            markdown_to_docx(word, bl.markdown, shift=1)
        else:
            word.add_paragraph(bl.missing, style="Intense Quote")
    return n_tab, n_fig


def _docx_table(word, tb: Table, number: int, lang: str, min_n: int) -> None:
    """One numbered table: caption, header row, the report's formatted cells, notes."""
    word.add_paragraph(f"{t('word_table', lang)} {number}. {tb.title}", style="Caption")
    cols = tb.html_columns()
    rows = tb.html_rows(lang)
    table = word.add_table(rows=1 + len(rows), cols=len(cols))
    table.style = "Table Grid"
    for j, c in enumerate(cols):
        cell = table.rows[0].cells[j]
        cell.text = c.header
        for run in cell.paragraphs[0].runs:
            run.bold = True
    for i, row in enumerate(rows, start=1):
        for j, (text, _css) in enumerate(row):
            table.rows[i].cells[j].text = text
    for note in tb.notes:
        word.add_paragraph(note)
    if tb.has_suppressed:
        word.add_paragraph(t("min_n_note", lang, min_n=min_n))


def write_pdf(html_path: str | Path, pdf_path: str | Path, page) -> Path:
    """Print the HTML report ``html_path`` (self-contained) to ``pdf_path`` in ``page``."""
    page.goto(Path(html_path).resolve().as_uri(), wait_until="load")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.plotly-graph-div')]"
        ".every(d => d.querySelector('.main-svg'))",
        timeout=30_000,
    )
    page.emulate_media(media="print")
    when = fixed_time()
    with replacing(pdf_path) as tmp:
        page.pdf(
            path=str(tmp),
            format="A4",
            print_background=True,
            margin={"top": "18mm", "bottom": "18mm", "left": "16mm", "right": "16mm"},
        )
        if when is not None:
            _fix_pdf_dates(tmp, when)
    return Path(pdf_path)


def write_documents(
    ws,
    out_dir: str | Path | None = None,
    lang: str | None = None,
    *,
    formats: Sequence[str] = FORMATS,
    projects: Sequence[str] | None = None,
    programme: bool = True,
    template: str | Path | None = None,
) -> list[Path]:
    """Write Word and/or PDF versions of project reports and the programme report.

    Parameters
    ----------
    ws : Workspace
        The workspace.
    out_dir : str or Path, optional
        The folder (default: the workspace's ``reports/``).
    lang : str, optional
        ``fi``, ``sv`` or ``en`` (default: the workspace's language).
    formats : sequence of str
        ``docx`` and/or ``pdf``.
    projects : sequence of str, optional
        The projects (codes, names or labels); default none.
    programme : bool, default True
        Also the programme report.
    template : str or Path, optional
        A Word document whose styles the ``.docx`` files use.

    Returns
    -------
    list of pathlib.Path
        The files written (``<name>.<lang>.docx`` / ``.pdf``).
    """
    from evaltool.report.build import programme_document, project_document
    from evaltool.report.cache import report_data
    from evaltool.report.html import (
        PROGRAMME_NAME,
        _out_dir,
        _project,
        file_name,
        render_document,
        safe_name,
    )
    from evaltool.report.i18n import check_lang

    bad = [f for f in formats if f not in FORMATS]
    if bad:
        raise UserError(f"unknown report format {bad[0]!r}; formats: html, docx, pdf")
    lang = check_lang(lang or ws.get_setting("lang"))
    data = report_data(ws, lang)
    out = _out_dir(ws, out_dir)
    docs = [(PROGRAMME_NAME, programme_document(data))] if programme else []
    for p in projects or []:
        info = _project(data, p)
        docs.append((safe_name(info.key), project_document(data, info)))
    written: list[Path] = []
    with browser() as b:
        page = b.new_page(viewport={"width": 1100, "height": 900})
        for stem, doc in docs:
            if "docx" in formats:
                images = chart_images(doc.figures(), page)
                path = out / file_name(stem, lang, "docx")
                written.append(write_docx(doc, path, images, template))
            if "pdf" in formats:
                html_path = out / file_name(stem, lang, "print.html")
                html_path.write_text(render_document(doc, plotly="inline"), encoding="utf-8")
                try:
                    written.append(write_pdf(html_path, out / file_name(stem, lang, "pdf"), page))
                finally:
                    html_path.unlink(missing_ok=True)
        page.close()
    return written
