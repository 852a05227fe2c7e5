"""The chapters of the reports, one module each.

Every chapter function takes the :class:`~evaltool.report.chapters.common.Builder` of the
document and the project (None for the programme report) and returns a
:class:`~evaltool.report.document.Chapter`; a chapter or section is present only where data
exist. Chapters select rows of the tables :mod:`evaltool.report.collect` computed once; they
never touch respondent-level data, and every statistic comes from a table that already
applies the ``min_n`` suppression rule.

============================  ==========================================================
:mod:`.summary`               headline sentences, key figures, the project's facts
:mod:`.methods`               instruments, data flow, imported files, missing data
:mod:`.comparison`            projects side by side (programme report)
:mod:`.background`            the respondents' background and goals
:mod:`.quality_of_life`       means, paired and reliable change, subgroups, trajectories
:mod:`.experience`            service experience ratings and open answers
:mod:`.cooperation`           the partner network, cooperation indices, round changes
:mod:`.register`              ESF indicators: planned and realised
:mod:`.evaluator`             the evaluator's own text (introduction … recommendations)
:mod:`.appendix`              items, reliability, attrition, linking of waves
:mod:`.benchmark`             the project against the programme (used by two chapters)
:mod:`.population`            EUROHIS-QOL 8 against the Finnish population (norms)
:mod:`.common`                the document builder and helpers shared by the chapters
============================  ==========================================================
"""

from evaltool.report.chapters.appendix import appendix_chapter
from evaltool.report.chapters.background import background_chapter
from evaltool.report.chapters.common import Builder
from evaltool.report.chapters.comparison import comparison_chapter
from evaltool.report.chapters.cooperation import cooperation_chapter
from evaltool.report.chapters.evaluator import evaluator_chapter
from evaltool.report.chapters.experience import experience_chapter
from evaltool.report.chapters.methods import methods_chapter
from evaltool.report.chapters.quality_of_life import quality_of_life_chapter
from evaltool.report.chapters.register import register_chapter
from evaltool.report.chapters.summary import summary_chapter

__all__ = [
    "Builder",
    "appendix_chapter",
    "background_chapter",
    "comparison_chapter",
    "evaluator_chapter",
    "cooperation_chapter",
    "experience_chapter",
    "methods_chapter",
    "quality_of_life_chapter",
    "register_chapter",
    "summary_chapter",
]
