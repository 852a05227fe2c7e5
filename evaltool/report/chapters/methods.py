"""Chapter 2, data and methods: instruments, the data's flow, imported files, missing data."""

from __future__ import annotations

import re

import pandas as pd

from evaltool.instruments import Instrument
from evaltool.report.chapters.common import Builder, lower_first, project_key, project_rows
from evaltool.report.collect import InstrumentData, ProjectInfo
from evaltool.report.document import Chapter, Paragraph, Section, Table
from evaltool.report.i18n import LANGS, fmt_int, label

#: A year of publication in a reference: ``(2006)``, ``2001.``, ``1998;``.
_CITATION_YEAR = re.compile(r"\b(1[89]|20)\d\d[a-z]?\b")


def methods_chapter(b: Builder, project: ProjectInfo | None) -> Chapter:
    """Data and methods of a project report (``project``) or of the programme report (None).

    Parameters
    ----------
    b : Builder
        The document being built.
    project : ProjectInfo or None
        The project; None for the programme.

    Returns
    -------
    Chapter
        Sections: instruments and scoring; the data's flow per wave; imported files; missing
        answers; the statistical methods. Empty when no instrument has data.
    """
    key = project_key(project)
    ch = Chapter("methods", b.t("ch_methods"))
    insts = [i for i in b.data.instruments if len(project_rows(i.flow, key))]
    if not insts:
        return ch
    s_inst = Section(b.t("sec_instruments"))
    s_flow = Section(b.t("sec_flow"))
    s_files = Section(b.t("sec_files"))
    s_missing = Section(b.t("sec_missing"))
    for inst in insts:
        s_inst.blocks += _instrument_paragraphs(b, inst)
        s_flow.blocks += _flow_blocks(b, inst, key)
        files = _files_table(b, inst, key)
        if files is not None:
            s_files.blocks.append(files)
        missing = _missing_table(b, inst, key)
        if missing is not None:
            s_missing.blocks.append(missing)
    s_missing.blocks.insert(0, Paragraph(b.t("s_missing")))
    tests = Section(b.t("sec_tests"), [Paragraph(b.t("s_tests", min_n=b.data.min_n))])
    if s_files.blocks:
        s_files.blocks.insert(0, Paragraph(b.t("s_files_workbook")))
    ch.sections += [s for s in (s_inst, s_flow, s_files, s_missing, tests) if s.blocks]
    return ch


def _instrument_paragraphs(b: Builder, inst: InstrumentData) -> list[Paragraph]:
    """The instrument, its version and missing-data rule, its description in the report's
    language and its bibliographic reference."""
    rule = inst.instrument.rules.get(inst.rule)
    rule_text = label(rule.description if rule else {}, b.lang, inst.rule)
    version = str(inst.instrument.version or inst.name)
    if version.replace(".", "").isdigit():
        version = b.t("version_n", n=version)
    out = [
        Paragraph(
            b.t(
                "s_instrument",
                title=inst.title(b.lang),
                version=version,
                rule=lower_first(rule_text.rstrip(".")),
            )
        )
    ]
    if "instrument_texts" not in inst.shared:  # the same for every report of a batch
        inst.shared["instrument_texts"] = instrument_texts(inst.instrument)
    descriptions, citation = inst.shared["instrument_texts"]
    if descriptions.get(b.lang):
        out.append(Paragraph(descriptions[b.lang]))
    if citation:
        out.append(Paragraph(citation, "reference"))
    return out


def instrument_texts(instrument: Instrument) -> tuple[dict[str, str], str]:
    """An instrument's description per language and its bibliographic reference.

    A report prints the description only in its own language (``[instrument.description]``
    with ``fi``, ``sv``, ``en``; a language without a text gets none, never another
    language's). ``reference`` is a citation, the same in every language, and is printed
    when it cites a source by its year (``Schmidt S … (2006). …``); other text in it is a
    description of unknown language and is left out.

    Parameters
    ----------
    instrument : Instrument
        The instrument (``description`` and ``reference`` as its TOML gives them).

    Returns
    -------
    (dict, str)
        Language → description, and the reference ("" when there is none to print).
    """
    descriptions = instrument.description
    texts = {k: str(v).strip() for k, v in descriptions.items() if k in LANGS and str(v).strip()}
    reference = str(instrument.reference or "").strip()
    return texts, reference if _CITATION_YEAR.search(reference) else ""


def _flow_blocks(b: Builder, inst: InstrumentData, key: str | None) -> list:
    """Responses stored, incomplete, discarded and scored per wave, and a sentence on the
    rows rejected at import and the clients linked across waves."""
    flow = project_rows(inst.flow, key).copy()
    flow["wave_label"] = flow["wave"].map(b.wave)
    table = b.table(
        f"{inst.short_title(b.lang)}: {b.t('sec_waves')}",
        flow,
        [
            b.col("wave_label", "col_wave", stat=False),
            b.col("stored", kind="int", stat=False),
            b.col("incomplete", kind="int", stat=False),
            b.col("discarded", kind="int", stat=False),
            b.col("scored", kind="int", stat=False),
            b.col("first_date", kind="date", stat=False),
            b.col("last_date", kind="date", stat=False),
        ],
    )
    files = project_rows(inst.files, key)
    rejected = int(files["rows_rejected"].sum()) if len(files) else 0
    link = project_rows(inst.outcomes.get("linkage", pd.DataFrame()), key)
    fu = link[link["kind"] == "follow_up"] if len(link) else link
    stored, scored = int(flow["stored"].sum()), int(flow["scored"].sum())
    text = [
        b.t(
            "s_flow_all" if stored == scored else "s_flow",
            stored=fmt_int(stored, b.lang),
            scored=fmt_int(scored, b.lang),
            discarded=fmt_int(flow["discarded"].sum(), b.lang),
        )
    ]
    per_domain = _scored_per_domain(b, inst, key)
    if per_domain and any(n != scored for _, n in per_domain):
        text[0] = b.t(
            "s_flow",
            stored=fmt_int(stored, b.lang),
            scored=fmt_int(scored, b.lang),
            discarded=fmt_int(flow["discarded"].sum(), b.lang),
        )
        text.append(
            b.t(
                "s_flow_domains",
                domains=", ".join(f"{lower_first(d)} {fmt_int(n, b.lang)}" for d, n in per_domain),
            )
        )
    if rejected:
        text.append(b.t("s_rejected", rejected=fmt_int(rejected, b.lang)))
    if len(fu):
        r = fu.iloc[0]
        text.append(
            b.t(
                "s_linked",
                a=int(r["from_wave"]),
                b=int(r["to_wave"]),
                linked=fmt_int(r["n"], b.lang),
            )
        )
    anon = link[link["kind"] == "anonymous"] if len(link) else link
    n_anon = int(anon["n"].sum()) if len(anon) else 0
    if n_anon:
        text.append(b.t("s_anonymous", n=fmt_int(n_anon, b.lang)))
    return [table, Paragraph(" ".join(text))]


def _scored_per_domain(b: Builder, inst: InstrumentData, key: str | None) -> list[tuple[str, int]]:
    """(domain name, responses with a score in it) over every wave: what was actually
    scored, which can be fewer than the responses kept (a domain with too many items
    missing has no score)."""
    if key is None:  # the programme's means leave out small cells: count every project's
        means = inst.means[inst.means["project"].notna()] if len(inst.means) else inst.means
    else:
        means = project_rows(inst.means, key)
    if not len(means) or "wave" not in means:
        return []
    n = means.groupby("domain", sort=False)["n"].sum()
    return [(inst.domain_label(d, b.lang), int(n[d])) for d in inst.domains if d in n.index]


def _files_table(b: Builder, inst: InstrumentData, key: str | None) -> Table | None:
    """The files imported for the instrument, with rows read, stored and rejected."""
    files = project_rows(inst.files, key)
    if not len(files):
        return None
    table = b.table(
        f"{inst.short_title(b.lang)}: {b.t('sec_files')}",
        files,
        [
            b.col("source_name", "col_file", stat=False),
            b.col("layout", stat=False),
            b.col("imported_at", "col_imported", "date", stat=False),
            b.col("rows_read", "col_read", "int", stat=False),
            b.col("stored_here", "col_stored", "int", stat=False),
            b.col("rows_rejected", "col_rejected", "int", stat=False),
        ],
    )
    table.excel_only = True  # a list of files: in the workbook, not in the funder's text
    return table


def _missing_table(b: Builder, inst: InstrumentData, key: str | None) -> Table | None:
    """Answers given, skipped, "don't know", missing codes and items not in the file."""
    miss = project_rows(inst.missing, key)
    if not len(miss):
        return None
    return b.table(
        f"{inst.short_title(b.lang)}: {b.t('sec_missing')}",
        miss,
        [
            b.col("answered", kind="int", stat=False),
            b.col("skipped", kind="int", stat=False),
            b.col("dont_know", kind="int", stat=False),
            b.col("missing_code", kind="int", stat=False),
            b.col("not_in_file", kind="int", stat=False),
        ],
    )
