"""The evaluator's own chapters: the introduction near the start of a report; the
evaluation questions and answers, discussion, conclusions and development recommendations
before the appendix (:mod:`evaltool.report.texts`)."""

from __future__ import annotations

from evaltool.report.chapters.common import Builder, project_key
from evaltool.report.collect import ProjectInfo
from evaltool.report.document import Chapter, EvaluatorText
from evaltool.report.texts import TEXTS_DIR, text_stem


def evaluator_chapter(b: Builder, project: ProjectInfo | None, section: str) -> Chapter:
    """One section of the evaluator's text as a chapter.

    Parameters
    ----------
    b : Builder
        The document being built.
    project : ProjectInfo or None
        The project; None for the programme.
    section : str
        A name of :data:`evaltool.report.texts.TEXT_SECTIONS`.

    Returns
    -------
    Chapter
        The text, or the mark "Arvioijan teksti puuttuu" (naming the file) when the section
        is unfilled; an empty chapter (left out) when the workspace has no text file for
        the report.
    """
    key = project_key(project)
    ch = Chapter(f"text-{section}", b.t(f"text_{section}"))
    text = b.data.texts.get(key)
    if text is None:
        return ch
    part = text.sections[section]
    missing = b.t("text_missing", file=f"{TEXTS_DIR}/{text_stem(key)}.md")
    ch.intro.append(EvaluatorText(section, part.markdown, part.filled, missing))
    return ch
