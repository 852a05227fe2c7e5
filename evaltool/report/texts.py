"""The evaluator's own text: Markdown files in the workspace merged into the reports.

An evaluation report needs the evaluator's words: an introduction (the project's goals,
target group and logic of change), the evaluation questions with explicit answers, a
discussion, conclusions and development recommendations. They are kept as Markdown files in
the workspace, one per project and one for the programme::

    WORKSPACE/texts/S20127.md        the project S20127 (its file name as the report's)
    WORKSPACE/texts/programme.md     the programme report

Each file has one level-1 heading (``# Johdanto``) per section of :data:`TEXT_SECTIONS`,
written in any report language; a section's text is everything under its heading (own
subheadings ``##`` allowed). HTML comments (``<!-- … -->``) are notes to the evaluator and
never shown. :func:`write_text_skeletons` writes a skeleton with the headings, a note on what
each section should hold and the report's key figures to interpret, and never overwrites a
file. A section still holding only the skeleton's placeholder (or nothing) is *unfilled*:
the report says so ("Arvioijan teksti puuttuu"), it never writes the text itself.

Markdown is rendered with markdown-it-py (CommonMark) with raw HTML disabled, so whatever
the file holds is shown as text: ``<script>`` is escaped, not run. Images are not rendered
(a report travels as one file).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from evaltool.errors import UserError
from evaltool.report.i18n import LANGS, t
from evaltool.text import fold

#: The sections of an evaluator's text, in the order of the report.
TEXT_SECTIONS = ("introduction", "questions", "discussion", "conclusions", "recommendations")
#: The sections shown near the start of the report; the rest come before the appendix.
OPENING_SECTIONS = ("introduction",)
#: The workspace folder of the texts.
TEXTS_DIR = "texts"
#: The file name (without suffix) of the programme's text.
PROGRAMME_TEXT = "programme"

_COMMENT = re.compile(r"<!--.*?-->", re.S)
_HEADING = re.compile(r"^#(?!#)\s*(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^\s*(```|~~~)")


@dataclass
class TextSection:
    """One section of an evaluator's text: its name, its Markdown (comments removed) and
    whether the evaluator has written it."""

    name: str
    markdown: str = ""
    filled: bool = False


@dataclass
class EvaluatorText:
    """An evaluator's text file: its path and its sections by name (every name of
    :data:`TEXT_SECTIONS`, unfilled where the file has none)."""

    path: Path
    sections: dict[str, TextSection] = field(default_factory=dict)


def _headings() -> dict[str, str]:
    """Folded heading (any language) or section name → section name."""
    out = {}
    for name in TEXT_SECTIONS:
        out[fold(name)] = name
        for lang in LANGS:
            out[fold(t(f"text_{name}", lang))] = name
    return out


def _placeholders() -> set[str]:
    return {fold(t("text_placeholder", lang)) for lang in LANGS}


def parse_text(source: str, path: str | Path = "<text>") -> EvaluatorText:
    """Split an evaluator's Markdown into its sections.

    Parameters
    ----------
    source : str
        The file's text.
    path : str or Path
        The file (for error messages).

    Returns
    -------
    EvaluatorText
        Every section of :data:`TEXT_SECTIONS`; ``filled`` False where the file has no
        text under the heading besides comments and the skeleton's placeholder.

    Raises
    ------
    UserError
        A level-1 heading that names no section, a section given twice, or text before the
        first heading (file and line named).
    """
    path = Path(path)
    # comments are removed with their line breaks kept, so line numbers stay right
    text = _COMMENT.sub(lambda m: "\n" * m.group(0).count("\n"), source.replace("\r\n", "\n"))
    known = _headings()
    bodies: dict[str, list[str]] = {}
    current: str | None = None
    fenced = False
    for lineno, line in enumerate(text.split("\n"), start=1):
        if _FENCE.match(line):
            fenced = not fenced
        m = None if fenced else _HEADING.match(line)
        if m:
            name = known.get(fold(m.group(1)))
            if name is None:
                allowed = ", ".join(f"# {t(f'text_{n}', 'fi')}" for n in TEXT_SECTIONS)
                raise UserError(
                    f"{path}, line {lineno}: heading {m.group(1)!r} is not a section of the "
                    f"evaluator's text (sections: {allowed}; or in Swedish or English); use "
                    "## for headings of your own"
                )
            if name in bodies:
                raise UserError(f"{path}, line {lineno}: section {m.group(1)!r} given twice")
            current = name
            bodies[name] = []
        elif current is None:
            if line.strip():
                raise UserError(
                    f"{path}, line {lineno}: text before the first section heading "
                    f"(# {t('text_introduction', 'fi')} …)"
                )
        else:
            bodies[current].append(line)
    out = EvaluatorText(path)
    holders = _placeholders()
    for name in TEXT_SECTIONS:
        lines = [ln for ln in bodies.get(name, []) if fold(ln) not in holders]
        body = "\n".join(lines).strip("\n")
        out.sections[name] = TextSection(name, body, bool(body.strip()))
    return out


def text_path(root: str | Path, stem: str) -> Path:
    """``WORKSPACE/texts/<stem>.md``."""
    return Path(root) / TEXTS_DIR / f"{stem}.md"


def text_stem(key: str | None) -> str:
    """The file name (without suffix) of a project's text (as its report's), or of the
    programme's (key None)."""
    from evaltool.report.html import safe_name

    return PROGRAMME_TEXT if key is None else safe_name(key)


def read_texts(root: str | Path | None, keys) -> dict[str | None, EvaluatorText]:
    """The evaluator's texts of the projects ``keys`` and of the programme (None) that
    exist in workspace folder ``root``.

    Raises
    ------
    UserError
        A file that cannot be read as UTF-8, or :func:`parse_text`'s errors.
    """
    if root is None or not (Path(root) / TEXTS_DIR).is_dir():
        return {}
    out: dict[str | None, EvaluatorText] = {}
    for key in [None, *keys]:
        path = text_path(root, text_stem(key))
        if not path.is_file():
            continue
        try:
            source = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise UserError(f"{path}: not readable as UTF-8 text ({exc})") from exc
        out[key] = parse_text(source, path)
    return out


# --------------------------------------------------------------------------- rendering


def _markdown():
    from markdown_it import MarkdownIt

    return MarkdownIt("commonmark", {"html": False}).disable("image")


def _tokens(markdown: str, shift: int):
    """The Markdown's tokens with heading levels moved down by ``shift``."""
    md = _markdown()
    tokens = md.parse(markdown)
    for tok in tokens:
        if tok.type in ("heading_open", "heading_close"):
            tok.tag = f"h{min(6, int(tok.tag[1]) + shift)}"
    return md, tokens


def markdown_html(markdown: str, shift: int = 1) -> str:
    """The Markdown as an HTML fragment: raw HTML escaped, images left out, headings
    ``##`` as ``<h3>`` (``shift`` 1: the chapter is ``<h2>``)."""
    md, tokens = _tokens(markdown, shift)
    return md.renderer.render(tokens, md.options, {})


def markdown_to_docx(word, markdown: str, shift: int = 1) -> None:
    """Add the Markdown to a python-docx document: headings as Word's headings (``##`` as
    *Heading 2* with ``shift`` 1), paragraphs, bulleted and numbered lists, block quotes
    and code as paragraphs; bold, italic and code runs kept."""
    _, tokens = _tokens(markdown, shift - 1)
    styles: list[str | None] = []
    i = 0
    while i < len(tokens):
        tok = tokens[i]
        kind = tok.type
        if kind == "heading_open":
            word.add_heading(_plain(tokens[i + 1]), level=min(9, int(tok.tag[1])))
            i += 3
            continue
        if kind == "paragraph_open":
            para = word.add_paragraph(style=next((s for s in reversed(styles) if s), None))
            _runs(para, tokens[i + 1].children or [])
            i += 3
            continue
        if kind in ("bullet_list_open", "ordered_list_open"):
            styles.append("List Bullet" if kind == "bullet_list_open" else "List Number")
        elif kind == "blockquote_open":
            styles.append("Quote")
        elif kind in ("bullet_list_close", "ordered_list_close", "blockquote_close"):
            styles.pop()
        elif kind in ("fence", "code_block"):
            word.add_paragraph(tok.content.rstrip("\n"))
        i += 1


def _plain(inline) -> str:
    return "".join(c.content for c in (inline.children or []) if c.type in ("text", "code_inline"))


def _runs(para, children) -> None:
    """Inline tokens as runs of ``para``: bold, italic, code; a link's address after its
    text."""
    bold = italic = 0
    links: list[str] = []
    for c in children:
        kind = c.type
        if kind in ("strong_open", "strong_close"):
            bold += 1 if kind == "strong_open" else -1
        elif kind in ("em_open", "em_close"):
            italic += 1 if kind == "em_open" else -1
        elif kind in ("text", "code_inline"):
            run = para.add_run(c.content)
            run.bold = bold > 0 or None
            run.italic = italic > 0 or None
        elif kind == "softbreak":
            para.add_run(" ")
        elif kind == "hardbreak":
            para.add_run().add_break()
        elif kind == "link_open":
            links.append(str(c.attrGet("href") or ""))
        elif kind == "link_close" and links:
            href = links.pop()
            if href:
                para.add_run(f" ({href})")


# --------------------------------------------------------------------------- skeletons


def skeleton(lang: str, title: str, figures: list[str]) -> str:
    """The skeleton of an evaluator's text: a note, the key figures to interpret (as an
    HTML comment: never shown in the report), and per section its heading, a note on what
    it holds and the placeholder.

    Parameters
    ----------
    lang : str
        The language of the headings and notes.
    title : str
        The project's name and code, or the programme's title.
    figures : list of str
        Sentences with the report's key figures (its summary).

    Returns
    -------
    str
        Markdown.
    """

    def comment(text: str) -> str:
        return "<!--\n" + text.replace("--", "‐‐").strip() + "\n-->"

    head = t("text_skeleton_note", lang, title=title)
    if figures:
        head += "\n\n" + t("text_key_figures", lang) + "\n" + "\n".join(f"- {f}" for f in figures)
    parts = [comment(head)]
    for name in TEXT_SECTIONS:
        parts.append(f"# {t(f'text_{name}', lang)}")
        parts.append(comment(t(f"text_{name}_hint", lang)))
        parts.append(t("text_placeholder", lang))
    return "\n\n".join(parts) + "\n"


def write_text_skeletons(
    ws, lang: str | None = None, projects: list[str] | None = None, programme: bool = True
) -> list[tuple[Path, bool]]:
    """Write the skeleton of each evaluator's text that does not exist yet.

    Parameters
    ----------
    ws : Workspace
        The workspace (files go to its ``texts/`` folder).
    lang : str, optional
        Language of the headings and notes (default: the workspace's ``lang`` setting).
    projects : list of str, optional
        The projects (keys, codes, names or labels); default every project.
    programme : bool, default True
        Also the programme's text.

    Returns
    -------
    list of (pathlib.Path, bool)
        Each file and whether it was written now (False: it existed and was kept).
    """
    from evaltool.report.build import programme_document, project_document
    from evaltool.report.cache import report_data
    from evaltool.report.html import _project
    from evaltool.report.i18n import check_lang

    lang = check_lang(lang or ws.get_setting("lang"))
    data = report_data(ws, lang)
    infos = (
        list(data.projects.values()) if projects is None else [_project(data, p) for p in projects]
    )
    jobs = [(None, t("report_programme", lang))] if programme else []
    jobs += [(i, i.name if i.name == i.key else f"{i.name} ({i.key})") for i in infos]
    folder = Path(ws.root) / TEXTS_DIR
    folder.mkdir(parents=True, exist_ok=True)
    out = []
    for info, title in jobs:
        path = text_path(ws.root, text_stem(None if info is None else info.key))
        if path.exists():
            out.append((path, False))
            continue
        doc = programme_document(data) if info is None else project_document(data, info)
        path.write_text(skeleton(lang, title, summary_sentences(doc)), encoding="utf-8")
        out.append((path, True))
    return out


def summary_sentences(doc) -> list[str]:
    """The sentences of the report's summary (its headline figures, already withheld
    where ``min_n`` requires)."""
    from evaltool.report.document import Paragraph

    if not doc.chapters or doc.chapters[0].anchor != "summary":
        return []
    return [bl.text for bl in doc.chapters[0].intro if isinstance(bl, Paragraph)]
