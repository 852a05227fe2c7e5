"""Chapter "appendix": item-level results, reliability, attrition and the linking of waves."""

from __future__ import annotations

import itertools

import numpy as np
import pandas as pd

from evaltool.indicators.suppression import recoverable
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
    items_sec = Section(
        b.t("sec_items"), [Paragraph(b.t("s_reversed")), Paragraph(b.t("s_in_workbook"))]
    )
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
    table = b.table(
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
    table.excel_only = True  # one row per item and wave: the workbook's, not the text's
    return table


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
    """Clients per wave, per pair of waves and per wave pattern, with their shares.

    The wave patterns split the clients; with the counts per wave and the follow-up count
    (the analysis' bases, always shown) one shown pattern or pair of waves can give away
    another. When a pattern is small, every pattern (also those with no client, whose
    absence would tell a zero) and every pair of waves except the compared one is withheld;
    the programme counts the patterns of the projects whose patterns are shown
    (:mod:`evaltool.report.release`)."""
    link = project_rows(inst.outcomes["linkage"], key)
    if not len(link):
        return None
    full = inst.outcomes["linkage"]
    fu = link[link["kind"] == "follow_up"]
    pair = (int(fu["from_wave"].iloc[0]), int(fu["to_wave"].iloc[0])) if len(fu) else None
    patterns = _all_patterns(inst.waves)
    link = link[link["kind"].isin(["wave", "link", "pattern"])].reset_index(drop=True)
    hidden_projects = _projects_hiding_patterns(full, b.data.min_n)
    if key is None:
        link = _programme_patterns(link, full, hidden_projects)
    hide_all = key in hidden_projects if key is not None else False
    if hide_all:
        have = set(link.loc[link["kind"] == "pattern", "pattern"])
        extra = pd.DataFrame(
            {"kind": "pattern", "pattern": [p for p in patterns if p not in have], "n": 0.0}
        )
        link = pd.concat([link, extra], ignore_index=True)
        link["base"] = link["base"].fillna(_pattern_base(project_rows(full, key)))
    else:
        link = link[(link["kind"] != "pattern") | (link["n"] > 0)].reset_index(drop=True)
    link = link.assign(what=[_link_label(b, r, inst.waves) for r in link.itertuples(index=False)])
    kinds = link["kind"].to_numpy()
    hide = np.zeros(len(link), dtype=bool)
    if hide_all:
        is_pair = np.array(
            [
                k == "link" and (int(f), int(t)) == pair
                for k, f, t in zip(kinds, link["from_wave"], link["to_wave"], strict=True)
            ]
        )
        hide = (kinds == "pattern") | ((kinds == "link") & ~is_pair)
    table = b.table(
        f"{inst.short_title(b.lang)}: {b.t('sec_linkage')}",
        link,
        [
            b.col("what", "col_pattern", stat=False),
            b.col("n", kind="int"),
            b.col("base", kind="int", stat=False),
            b.col("share", kind="pct"),
        ],
        notes=[b.t("linkage_programme_note")] if key is None and hidden_projects else [],
        cells={"n": hide, "share": hide},
    )
    forms = [
        _pattern_form(inst, r, key, patterns, hidden_projects, full) for r in link.itertuples()
    ]
    table.ledger = {"n": forms, "share": forms}
    # the clients of the instrument (shown in the summary) are a base too
    everyone = {a: 1.0 for f in forms if f for a in f}
    table.ledger_facts = [everyone, *_anonymous_facts(inst, full, key)]
    if key is not None and not hide_all:  # a pattern not listed has no client: a known zero
        listed = set(link.loc[link["kind"] == "pattern", "pattern"])
        table.ledger_facts += [
            {("pat", inst.name, key, p): 1.0} for p in patterns if p not in listed
        ]
    if hide.any():
        # a pattern that the bases give by themselves (only the 2nd of three waves = all −
        # 1st − 3rd + both) is shown: withholding it protects nothing
        bases = [f for f, h in zip(forms, hide, strict=True) if not h] + table.ledger_facts
        given = recoverable(bases, [f if h else {} for f, h in zip(forms, hide, strict=True)])
        hide &= ~given
        table.cells = {"n": hide, "share": hide}
    return table


def _pattern_base(link: pd.DataFrame) -> float:
    """The base of the wave patterns: the linked clients (all clients when none answered
    anonymously)."""
    for kind in ("linked", "clients"):
        rows = link[link["kind"] == kind]
        if len(rows):
            return float(rows["n"].iloc[0])
    return float(link.loc[link["kind"] == "wave", "base"].max())


def _anonymous_facts(inst, full: pd.DataFrame, key: str | None) -> list[dict]:
    """What the reports tell of anonymous responses: none for a project without them (each
    wave's count is a known zero), else their total (the methods chapter states it)."""
    projects = [key] if key is not None else sorted(set(full["project"].dropna()))
    anon = full[full["kind"] == "anonymous"] if "kind" in full.columns else full.iloc[:0]
    facts = []
    for p in projects:
        mine = anon[anon["project"] == p]
        if len(mine) and mine["n"].sum() > 0:
            facts.append({("anon", inst.name, p, int(w)): 1.0 for w in mine["wave"]})
        else:
            facts += [{("anon", inst.name, p, int(w)): 1.0} for w in inst.waves]
    return facts


def _all_patterns(waves: list[int]) -> list[str]:
    """Every wave pattern of ``waves`` (``1-2-3``, ``1-3``, ``1 only`` …)."""
    out = []
    for k in range(len(waves), 0, -1):
        for combo in itertools.combinations(waves, k):
            out.append(f"{combo[0]} only" if k == 1 else "-".join(str(w) for w in combo))
    return out


def _pattern_waves(pattern: str) -> set[int]:
    return {int(w) for w in str(pattern).replace(" only", "").split("-") if w.strip().isdigit()}


def _projects_hiding_patterns(full: pd.DataFrame, min_n: int) -> set[str]:
    """The projects whose wave patterns are withheld (one of them is small)."""
    pat = full[(full["kind"] == "pattern") & full["project"].notna()]
    small_rows = pat[small(pat["n"], min_n)]
    return set(small_rows["project"])


def _programme_patterns(link: pd.DataFrame, full: pd.DataFrame, hidden: set[str]) -> pd.DataFrame:
    """Programme pattern rows counting only the projects whose patterns are shown."""
    if not hidden:
        return link
    pat = full[(full["kind"] == "pattern") & full["project"].notna()]
    pat = pat[~pat["project"].isin(hidden)]
    counts = pat.groupby("pattern", sort=False)["n"].sum()
    out = link.copy()
    is_pat = out["kind"] == "pattern"
    out.loc[is_pat, "n"] = out.loc[is_pat, "pattern"].map(counts).fillna(0).to_numpy()
    base = float(pat.drop_duplicates("project")["base"].sum()) if len(pat) else np.nan
    out.loc[is_pat, "base"] = base
    out.loc[is_pat, "share"] = out.loc[is_pat, "n"] / base if base else np.nan
    # pairs of waves other than the compared one: likewise
    lk = full[(full["kind"] == "link") & full["project"].notna() & ~full["project"].isin(hidden)]
    sums = lk.groupby(["from_wave", "to_wave"])[["n", "base"]].sum()
    is_link = (out["kind"] == "link").to_numpy()
    for i in np.flatnonzero(is_link):
        k = (out.loc[i, "from_wave"], out.loc[i, "to_wave"])
        if k in sums.index:
            out.loc[i, ["n", "base"]] = sums.loc[k].to_numpy()
            out.loc[i, "share"] = out.loc[i, "n"] / out.loc[i, "base"]
    return out


def _pattern_form(inst, r, key, patterns, hidden, full) -> dict:
    """The linear form of a linkage cell over the atoms (project, wave pattern)."""
    if key is not None:
        projects = [key]
    else:
        projects = sorted(set(full["project"].dropna()))
    if r.kind == "pattern":
        members = [str(r.pattern)]
    elif r.kind == "wave":
        # a wave's clients: the linked clients of every pattern holding the wave, and the
        # wave's anonymous responses (no respondent id, in no pattern)
        members = [p for p in patterns if int(r.wave) in _pattern_waves(p)]
        form = {("pat", inst.name, p, m): 1.0 for p in projects for m in members}
        form.update({("anon", inst.name, p, int(r.wave)): 1.0 for p in projects})
        return form
    else:
        want = {int(r.from_wave), int(r.to_wave)}
        members = [p for p in patterns if want <= _pattern_waves(p)]
    if key is None and r.kind in ("pattern", "link"):
        projects = [p for p in projects if p not in hidden]
    return {("pat", inst.name, p, m): 1.0 for p in projects for m in members}


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
