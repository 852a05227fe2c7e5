"""Chapter "appendix": item-level results, reliability, attrition and the linking of waves."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltool.report.chapters.common import Builder, project_key, project_rows, wave_span
from evaltool.report.collect import InstrumentData, ProjectInfo
from evaltool.report.document import Chapter, Paragraph, Section, Table
from evaltool.report.i18n import label
from evaltool.report.privacy import small


def appendix_chapter(b: Builder, project: ProjectInfo | None) -> Chapter:
    """The appendix of a project report (``project``) or of the programme report (None).

    Parameters
    ----------
    b : Builder
        The document being built.
    project : ProjectInfo or None
        The project; None for the programme.

    Returns
    -------
    Chapter
        Sections, each with one table per instrument: item means by wave; Cronbach's α per
        domain and wave (a project's beside the programme's); baseline scores of clients
        followed up and lost; clients per wave, per pair of waves and per wave pattern.
    """
    key = project_key(project)
    ch = Chapter("appendix", b.t("ch_appendix"))
    items_sec = Section(b.t("sec_items"), [Paragraph(b.t("s_reversed"))])
    rel_sec = Section(b.t("sec_reliability"))
    att_sec = Section(b.t("sec_attrition"))
    link_sec = Section(b.t("sec_linkage"), [Paragraph(b.t("s_linkage"))])
    for inst in b.data.instruments:
        _append(items_sec, _items_table(b, inst, key))
        if not inst.outcomes:
            continue
        _append(rel_sec, _reliability_table(b, inst, key))
        _append(att_sec, _attrition_table(b, inst, key))
        _append(link_sec, _linkage_table(b, inst, key))
    ch.sections += [
        s
        for s in (items_sec, rel_sec, att_sec, link_sec)
        if any(isinstance(x, Table) for x in s.blocks)
    ]
    return ch


def _append(sec: Section, table: Table | None) -> None:
    if table is not None:
        sec.blocks.append(table)


def _items_table(b: Builder, inst: InstrumentData, key: str | None) -> Table | None:
    """Each item's n, mean and SD per wave, on the answer scale (not reversed)."""
    it = project_rows(inst.items, key)
    if not len(it):
        return None
    ins = inst.instrument
    item_text = {i.code: f"{i.code} {label(i.labels, b.lang, i.code)}" for i in ins.items}
    rev_text = {i.code: b.yes_no(i.reversed) for i in ins.items}
    it = it.assign(
        item_label=it["item"].map(item_text),
        reversed_label=it["item"].map(rev_text),
        wave_label=it["wave"].map(b.wave),
    )
    return b.table(
        f"{inst.short_title(b.lang)}: {b.t('sec_items')}",
        it,
        [
            b.col("item_label", "col_item", stat=False),
            b.col("reversed_label", "col_reversed", stat=False),
            b.col("wave_label", "col_wave", stat=False),
            b.col("n", kind="int", stat=False),
            b.col("mean", kind="num2"),
            b.col("sd", kind="num2"),
        ],
    )


def _reliability_table(b: Builder, inst: InstrumentData, key: str | None) -> Table | None:
    """Cronbach's α with its 95 % CI per domain and wave; a project's rows follow the
    programme's."""
    rel = inst.outcomes["reliability"]
    if key is None:
        rel = project_rows(rel, None)
    else:
        mine = project_rows(rel, key)
        rel = pd.concat([project_rows(rel, None), mine]) if len(mine) else mine
    if not len(rel):
        return None
    rel = b.with_ci(
        b.domain_col(rel, inst).assign(
            wave_label=lambda f: f["wave"].map(b.wave),
            project_label=lambda f: f["project"].map(
                lambda p: b.t("programme") if p is None or pd.isna(p) else b.t("this_project")
            ),
        ),
        digits=2,
    )
    return b.table(
        f"{inst.short_title(b.lang)}: {b.t('sec_reliability')}",
        rel,
        [
            b.col("project_label", "col_project", stat=False, repeat=False),
            b.col("domain_label", "col_domain", stat=False, repeat=False),
            b.col("wave_label", "col_wave", stat=False),
            b.col("n", kind="int", stat=False),
            b.col("k", kind="int", stat=False),
            b.col("alpha", kind="num2"),
            *b.ci_cols(digits=2),
        ],
    )


def _attrition_table(b: Builder, inst: InstrumentData, key: str | None) -> Table | None:
    """Baseline means of the clients followed up and of those lost, their difference and
    Welch's p; the number lost withheld when small."""
    att = project_rows(inst.outcomes["attrition"], key)
    if not len(att):
        return None
    att = b.with_ci(b.domain_col(att, inst))
    return b.table(
        f"{inst.short_title(b.lang)}: {b.t('sec_attrition')} {wave_span(b, att)}",
        att,
        [
            b.col("domain_label", "col_domain", stat=False),
            b.col("n_followed", kind="int", stat=False),
            b.col("n_lost", kind="int", stat=False),
            b.col("mean_followed", kind="num1"),
            b.col("mean_lost", kind="num1"),
            b.col("mean_diff", "col_diff", "signed1"),
            *b.ci_cols(),
            b.col("p", kind="p"),
        ],
        cells={"n_lost": small(att["n_lost"], b.data.min_n)},
    )


def _linkage_table(b: Builder, inst: InstrumentData, key: str | None) -> Table | None:
    """Clients per wave, per pair of waves and per wave pattern, with their shares."""
    link = project_rows(inst.outcomes["linkage"], key)
    if len(link):
        link = link[
            link["kind"].isin(["wave", "link"]) | ((link["kind"] == "pattern") & (link["n"] > 0))
        ].reset_index(drop=True)
    if not len(link):
        return None
    link = link.assign(what=[_link_label(b, r, inst.waves) for r in link.itertuples(index=False)])
    # the wave patterns split the clients, and with the counts per wave and per pair
    # of waves one shown pattern gives away the others: all are withheld together
    pattern = (link["kind"] == "pattern").to_numpy()
    hide = np.zeros(len(link), dtype=bool)
    if small(link.loc[pattern, "n"], b.data.min_n).any():
        hide[pattern] = True
    return b.table(
        f"{inst.short_title(b.lang)}: {b.t('sec_linkage')}",
        link,
        [
            b.col("what", "col_pattern", stat=False),
            b.col("n", kind="int"),
            b.col("base", kind="int", stat=False),
            b.col("share", kind="pct"),
        ],
        cells={"n": hide, "share": hide},
    )


def _link_label(b: Builder, r, all_waves: list[int]) -> str:
    """The row's description: answered wave a, answered waves a and b, or a wave pattern
    (``"1-2 only"`` → answered only the 1st and 2nd waves)."""
    if r.kind == "wave":
        return b.t("link_wave", a=int(r.wave))
    if r.kind == "link":
        return b.t("link_pair", a=int(r.from_wave), b=int(r.to_wave))
    text = str(r.pattern)
    waves = [int(w) for w in text.replace(" only", "").split("-") if w.strip().isdigit()]
    ordinals = [f"{w}{b.t('ord')}" for w in waves]
    if len(waves) > 1:
        listed = b.t("and_list", head=", ".join(ordinals[:-1]), last=ordinals[-1])
    else:
        listed = ordinals[0] if waves else text
    if len(waves) == len(all_waves) and len(waves) > 1:
        return b.t("pattern_all", waves=listed)
    return b.t("pattern_only" if len(waves) == 1 else "pattern_only_many", waves=listed)
