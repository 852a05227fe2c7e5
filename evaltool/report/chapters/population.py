"""The population reference of the good-quality-of-life section (EUROHIS-QOL 8): the
clients' share per wave beside the age- and sex-standardised share expected from the Finnish
population (:mod:`evaltool.report.norms`), and the population's shares by sex and age."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltool.report import charts
from evaltool.report.chapters.common import Builder, lower_first, project_rows
from evaltool.report.collect import InstrumentData
from evaltool.report.document import Column, Paragraph, Table
from evaltool.report.norms import ALL_AGES, SEXES, NormData, withheld

_COUNTS = ("n_no_sex", "n_no_age", "n_no_band")


def population_blocks(
    b: Builder, inst: InstrumentData, key: str | None, good: pd.DataFrame, hide: np.ndarray
) -> list:
    """The comparison with the population: an explanation, a chart and a table of the
    observed and expected shares per wave, the alignment of the age groups and the
    population's shares.

    Parameters
    ----------
    b : Builder
        The document being built.
    inst : InstrumentData
        The instrument (with :attr:`~evaltool.report.collect.InstrumentData.norms`).
    key : str or None
        The project; None for the programme.
    good : pandas.DataFrame
        The rows of the good-quality-of-life table (wave, share) of ``key``.
    hide : numpy.ndarray
        Its withheld shares.

    Returns
    -------
    list
        Blocks of the section; empty without a norm.
    """
    nd = inst.norms
    if nd is None:
        return []
    rows = project_rows(nd.table, key)
    if rows.empty:
        return []
    shown_share = dict(zip(good["wave"], np.where(hide, np.nan, good["share"]), strict=True))
    rows = rows.assign(
        share=rows["wave"].map(shown_share),
        wave_label=rows["wave"].map(b.wave),
        reference=rows["norm"].map({n.id: n.text("label", b.lang) for n in nd.norms}),
    )
    cells = withheld(rows, b.data.min_n)
    if key is None:
        cells["n_compared"] = cells["n_compared"] | _programme_gives_away(b, nd, rows)
    expected = np.where(cells["expected"], np.nan, rows["expected"])
    rows = rows.assign(diff=(rows["share"] - expected) * 100)
    cells["share"] = rows["share"].isna().to_numpy()
    cells["diff"] = rows["diff"].isna().to_numpy()
    blocks: list = [Paragraph(b.t("s_norm_intro", sources=_sources(b, nd)))]
    chart = _chart(b, rows, expected)
    if chart is not None:
        blocks.append(b.figure(b.t("fig_norm", instrument=inst.short_title(b.lang)), chart))
    table = b.table(
        f"{inst.short_title(b.lang)}: {b.t('sec_norm')}",
        rows,
        [
            b.col("reference", "col_reference", stat=False, repeat=False),
            b.col("wave_label", "col_wave", stat=False),
            b.col("n", kind="int", stat=False),
            b.col("share", "col_good_observed", "pct1"),
            b.col("n_compared", kind="int"),
            b.col("expected", "col_good_expected", "pct1"),
            b.col("diff", "col_good_diff", "signed1"),
            *[Column(c, b.t(f"col_{c}"), "int", True, "excel") for c in _COUNTS],
        ],
        notes=_notes(b, nd, rows),
        cells=cells,
    )
    table.ledger = {"n_compared": _compared_forms(b, nd, rows, key)}
    table.ledger_facts = _compared_facts(b, nd, rows, key)
    blocks.append(table)
    blocks.append(_reference_table(b, nd))
    return blocks


def _sources(b: Builder, nd: NormData) -> str:
    return ", ".join(n.text("label", b.lang) for n in nd.norms)


def _notes(b: Builder, nd: NormData, rows: pd.DataFrame) -> list[str]:
    """Who is compared, how the age groups meet the survey's bands, the sources."""
    notes = [b.t("norm_left_out")]
    for norm in nd.norms[:1]:  # the norms of one instrument share their bands here
        align = nd.alignment.get(norm.id)
        if align is None or align.empty:
            continue
        partial = align[align["status"] == "partial"]
        if len(partial):
            parts = [
                b.t(
                    "norm_group_bands",
                    group=b.data.value_label("age_group", r.age_group, b.lang),
                    bands=_band_list(b, r.bands, r.weights),
                )
                for r in partial.itertuples(index=False)
            ]
            notes.append(b.t("norm_partial", groups="; ".join(parts)))
        none = align[align["status"].isin(["none", "unknown"])]
        if len(none):
            groups = ", ".join(
                lower_first(b.data.value_label("age_group", g, b.lang)) for g in none["age_group"]
            )
            notes.append(b.t("norm_no_band", groups=groups))
    sources: dict[str, list[str]] = {}
    for norm in nd.norms:  # one note per source, naming the surveys it gives
        text = norm.text("source", b.lang)
        if norm.text("note", b.lang):
            text += ". " + norm.text("note", b.lang).rstrip(".")
        sources.setdefault(text, []).append(norm.text("label", b.lang))
    notes += [f"{', '.join(labels)}: {text}." for text, labels in sources.items()]
    return notes


def _band_label(name: str) -> str:
    return name.replace("-", "–")


def _band_list(b: Builder, bands: list, weights: list) -> str:
    if len(bands) == 1:
        return _band_label(bands[0])
    return b.t(
        "norm_weighted",
        bands=" + ".join(
            f"{_band_label(n)} ({round(w * 100):d} %)" for n, w in zip(bands, weights, strict=True)
        ),
    )


def _chart(b: Builder, rows: pd.DataFrame, expected: np.ndarray) -> dict | None:
    """Bars per wave: the clients' share and each norm's expected share (percent)."""
    first = rows[rows["norm"] == rows["norm"].iloc[0]]
    if not first["share"].notna().any():
        return None
    waves = list(first["wave_label"])
    series = [
        {
            "name": b.t("this_project") if first["project"].notna().any() else b.t("programme"),
            "values": list(first["share"] * 100),
            "color": charts.PALETTE[0],
        }
    ]
    for k, (ref, part) in enumerate(rows.groupby("reference", sort=False)):
        exp = expected[part.index.to_numpy()]
        series.append(
            {
                "name": b.t("norm_expected_series", reference=ref),
                "values": list(exp * 100),
                "color": charts.PALETTE[(k + 1) % len(charts.PALETTE)],
            }
        )
    return charts.grouped_bars(waves, series, b.t("axis_pct_good"), b.lang)


def _compared_forms(b: Builder, nd: NormData, rows: pd.DataFrame, key: str | None) -> list:
    """Linear forms of the number of clients compared: the project's atom, or the sum of
    the atoms of the projects in the programme row."""
    members = _programme_members(b, nd)
    forms = []
    for r in rows.itertuples(index=False):
        projects = [key] if key is not None else members.get((r.norm, r.wave), [])
        forms.append({("norm", r.norm, r.wave, p, "compared"): 1.0 for p in projects})
    return forms


def _compared_facts(b: Builder, nd: NormData, rows: pd.DataFrame, key: str | None) -> list:
    """The n of a row is shown: the clients compared plus those left out, of the project or
    of the projects in the programme row."""
    members = _programme_members(b, nd)
    facts = []
    for r in rows.itertuples(index=False):
        projects = [key] if key is not None else members.get((r.norm, r.wave), [])
        facts.append(
            {("norm", r.norm, r.wave, p, w): 1.0 for p in projects for w in ("compared", "left")}
        )
    return facts


def _programme_members(b: Builder, nd: NormData) -> dict:
    """(norm, wave) → the projects in the programme row (as the good-quality-of-life
    table's: the projects whose yes / no counts are shown)."""
    t = nd.table[nd.table["project"].notna()]
    min_n = b.data.min_n
    k, n = t["n_good"], t["n"]
    ok = (n >= min_n) & ((k == 0) | (k >= min_n)) & ((n - k == 0) | (n - k >= min_n))
    return t[ok.to_numpy()].groupby(["norm", "wave"])["project"].agg(list).to_dict()


def _programme_gives_away(b: Builder, nd: NormData, rows: pd.DataFrame) -> np.ndarray:
    """Programme rows whose number compared, minus the projects' shown numbers, would give
    one project's withheld number."""
    t = nd.table[nd.table["project"].notna()].reset_index(drop=True)
    hidden = withheld(t, b.data.min_n)["n_compared"]
    members = _programme_members(b, nd)
    hidden_at = t[hidden].groupby(["norm", "wave"])["project"].agg(set).to_dict()
    out = []
    for r in rows.itertuples(index=False):
        inside = set(members.get((r.norm, r.wave), [])) & hidden_at.get((r.norm, r.wave), set())
        out.append(len(inside) == 1)
    return np.array(out, dtype=bool)


def _reference_table(b: Builder, nd: NormData) -> Table:
    """The population's share with good quality of life by sex and age band, per norm."""
    first = nd.norms[0]
    bands = [name for name, _, _ in first.bands] + [ALL_AGES]
    recs = []
    for sex in SEXES:
        for band in bands:
            rec = {
                "sex": b.data.value_label("gender", sex, b.lang),
                "band": b.t("norm_all_ages") if band == ALL_AGES else _band_label(band),
            }
            for norm in nd.norms:
                rec[norm.id] = norm.shares.get((sex, band), np.nan)
            recs.append(rec)
    frame = pd.DataFrame(recs)
    return b.table(
        b.t("sec_norm_reference"),
        frame,
        [
            b.col("sex", "col_gender", stat=False, repeat=False),
            b.col("band", "col_age_band", stat=False),
            *[
                b.col(n.id, kind="pct1", stat=False, header=n.text("label", b.lang))
                for n in nd.norms
            ],
        ],
        notes=[b.t("norm_population", population=first.text("population", b.lang))],
    )
