"""Chapter "cooperation": the partner network per round, cooperation indices, and their
change between rounds (from the partner survey)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltool.report import charts
from evaltool.report.chapters.common import Builder, lower_first, project_org
from evaltool.report.collect import ProjectInfo
from evaltool.report.document import Chapter, Figure, Paragraph, Section, Table
from evaltool.report.i18n import fmt_int, fmt_num, fmt_range, t
from evaltool.report.network_chart import Node, network_map
from evaltool.report.privacy import small

#: The network measures shown per round, in this order.
NETWORK_ROWS = [
    "n_orgs",
    "n_respondents",
    "n_ties",
    "density",
    "reciprocity",
    "degree_centralization",
    "n_isolates",
    "mean_level",
    "mean_frequency",
    "mean_trust",
    "mean_value",
]
#: Networks of at most this many organisations label every node.
_LABEL_ALL_UP_TO = 30
#: Season words of round labels in the form a sentence needs: Finnish genitive ("syksyn 2013
#: kierroksella"), Swedish definite ("i omgången hösten 2013"); English keeps the label.
_SEASON_FORMS = {
    "fi": {"syksy": "syksyn", "kevät": "kevään", "kesä": "kesän", "talvi": "talven"},
    "sv": {"höst": "hösten", "vår": "våren", "sommar": "sommaren", "vinter": "vintern"},
    "en": {w: w for w in ("autumn", "fall", "spring", "summer", "winter")},
}
#: A partner-survey comparison of one organisation (a row of ``org_change``).
Fact = tuple[str, str]


def _season_form(label, lang: str) -> str | None:
    """The round label with its season word inflected for ``lang``; None when the label
    does not start with a season word of that language."""
    words = str(label).split()
    forms = _SEASON_FORMS[lang]
    if len(words) < 2 or words[0].casefold() not in forms:
        return None
    return " ".join([forms[words[0].casefold()], *words[1:]])


def round_at(b: Builder, label) -> str:
    """ "in round …": ``syksyn 2013 kierroksella``, ``i omgången hösten 2013``, ``in the
    autumn 2013 round``; ``kierroksella 3`` for a label without a season word."""
    form = _season_form(label, b.lang)
    if form is None:
        return b.t("coop_at_label", round=label)
    return b.t("coop_at_season", round=form)


def rounds_between(b: Builder, r1, r2) -> str:
    """ "between rounds …": ``syksyn 2012 ja syksyn 2013 kierrosten välillä``."""
    f1, f2 = _season_form(r1, b.lang), _season_form(r2, b.lang)
    if f1 is None or f2 is None:
        return b.t("coop_between_label", r1=r1, r2=r2)
    return b.t("coop_between_season", r1=f1, r2=f2)


def org_degree_paragraphs(b: Builder, project: ProjectInfo) -> list[Paragraph]:
    """The project organisation's collaborative ties in the last two rounds (time order),
    saying plainly when it did not answer a round and counting, for the change, only the
    ties observable in both rounds (reported by organisations that answered both).

    Parameters
    ----------
    b : Builder
    project : ProjectInfo

    Returns
    -------
    list of Paragraph
        Empty when the organisation is not among the partner survey's.
    """
    coop = b.data.cooperation
    org = project_org(b, project) if coop is not None else None
    if org is None:
        return []
    change = None
    for comp in reversed(coop.comparisons):
        rows = comp["org_change"][comp["org_change"]["org"] == org]
        if len(rows) and bool(rows["present1"].iloc[0]) and bool(rows["present2"].iloc[0]):
            change = (comp, rows.iloc[0])
            break
    if change is None:
        return _org_degree_one(b, org)
    comp, row = change
    r1, r2 = comp["indices"]["round1"].iloc[0], comp["indices"]["round2"].iloc[0]
    at1, at2 = round_at(b, r1), round_at(b, r2)
    text = [
        b.t(
            "coop_s_org_degree",
            org=org,
            at1=at1,
            d1=fmt_int(row["degree1"], b.lang),
            at2=at2,
            d2=fmt_int(row["degree2"], b.lang),
        )
    ]
    for k, at in ((1, at1), (2, at2)):
        if not bool(row[f"responded{k}"]):
            text.append(b.t("coop_s_org_no_answer", org=org, at=at))
    seen = [row[f"observed_degree{k}"] for k in (1, 2)]
    if seen != [row["degree1"], row["degree2"]]:
        text.append(
            b.t(
                "coop_s_org_observed",
                at1=at1,
                o1=fmt_int(seen[0], b.lang),
                at2=at2,
                o2=fmt_int(seen[1], b.lang),
                change=fmt_num(seen[1] - seen[0], b.lang, 0, sign=True),
            )
        )
    return [Paragraph(" ".join(text))]


def _org_degree_one(b: Builder, org: str) -> list[Paragraph]:
    """The organisation's ties in the last round it is in (no comparison possible)."""
    coop = b.data.cooperation
    mine = coop.organisations[coop.organisations["org"] == org]
    for rnd in reversed(coop.rounds):
        row = mine[mine["round"] == rnd]
        if len(row):
            at = round_at(b, rnd)
            text = b.t(
                "coop_s_org_degree_one", org=org, at=at, d=fmt_int(row["degree"].iloc[0], b.lang)
            )
            if not bool(row["responded"].iloc[0]):
                text += " " + b.t("coop_s_org_no_answer", org=org, at=at)
            return [Paragraph(text)]
    return []


def index_change_paragraphs(
    b: Builder, project: ProjectInfo | None
) -> tuple[list[Paragraph], list[Fact]]:
    """The change of each cooperation index between the last two rounds (time order), as a
    sentence and as key figures.

    Parameters
    ----------
    b : Builder
    project : ProjectInfo or None
        The project (its figures are the whole network's), None for the programme.

    Returns
    -------
    (list of Paragraph, list of (str, str))
        The sentence (none when every change is withheld) and (label, value) key figures.
    """
    coop = b.data.cooperation
    if coop is None or not coop.comparisons:
        return [], []
    comp = coop.comparisons[-1]["indices"]
    parts, facts = [], []
    scope = "" if project is None else f" ({b.t('network_wide')})"
    for r in comp.itertuples(index=False):
        if r.suppressed or pd.isna(r.diff):
            continue
        name = coop.index_label(r.index, b.lang)
        rng = fmt_range(r.ci_low, r.ci_high, b.lang)
        diff = fmt_num(r.diff, b.lang, 1, sign=True)
        parts.append(f"{lower_first(name)} {diff}" + (f" ({rng})" if rng else ""))
        change = lower_first(b.t("col_change"))
        facts.append((f"{name}{scope}: {change} {r.round1} → {r.round2}", diff))
    if not parts:
        return [], facts
    r = comp.iloc[0]
    between = rounds_between(b, r["round1"], r["round2"])
    text = b.t("coop_s_index_change", between=between, changes=", ".join(parts))
    return [Paragraph(text)], facts


def cooperation_chapter(b: Builder, project: ProjectInfo | None) -> Chapter:
    """The cooperation chapter of a project report (``project``) or of the programme report
    (None).

    Parameters
    ----------
    b : Builder
        The document being built.
    project : ProjectInfo or None
        The project; None for the programme.

    Returns
    -------
    Chapter
        The network of each round (the project's organisation highlighted where it is found,
        with its position; else the network's measures and, in the programme report, every
        organisation), the cooperation indices by round, and the changes between rounds.
        Empty without partner survey data.
    """
    coop = b.data.cooperation
    ch = Chapter("cooperation", b.t("ch_cooperation"))
    if coop is None:
        return ch
    org = None
    if project is not None:
        org = project_org(b, project)
        ch.intro += _org_sentences(b, project, org)
    rater_cells = _rater_cells(coop.organisations, b.data.min_n)
    ch.sections.append(_network_section(b, project, org, rater_cells))
    if len(coop.indices):
        ch.sections.append(_indices_section(b))
    if coop.comparisons:
        ch.sections.append(_round_change_section(b, project, org))
    return ch


def _org_sentences(b: Builder, project: ProjectInfo, org: str | None) -> list[Paragraph]:
    """Whether the project's organisation was found among the partner survey's."""
    if org is not None:
        return [Paragraph(b.t("s_org_found", org=org)), *org_degree_paragraphs(b, project)]
    reg = project.register or {}
    if reg.get("organisation"):
        return [Paragraph(b.t("s_org_not_found", org=reg["organisation"]))]
    return []


def _rater_cells(orgs: pd.DataFrame, min_n: int) -> dict[str, np.ndarray]:
    """Mean trust and value received are withheld where fewer than ``min_n`` rated them."""
    cells = {}
    if "n_trust_raters" in orgs:
        cells["mean_trust_received"] = small(orgs["n_trust_raters"], min_n)
    if "n_value_raters" in orgs:
        cells["mean_value_received"] = small(orgs["n_value_raters"], min_n)
    return cells


def _raters_note(b: Builder) -> list[str]:
    return [b.t("s_raters", min_n=b.data.min_n)]


def _network_section(
    b: Builder, project: ProjectInfo | None, org: str | None, rater_cells: dict
) -> Section:
    """The network of every round, then the organisation's position or the network."""
    sec = Section(b.t("sec_position") if org else b.t("sec_network"))
    sec.blocks += _network_figures(b, org)
    if org is not None:
        sec.blocks.append(_position_table(b, org, rater_cells))
        return sec
    sec.blocks.append(_network_table(b))
    if project is None:
        sec.blocks.append(_organisations_table(b, rater_cells))
    return sec


def round_network_map(
    coop, rnd, lang: str, highlight: str | None = None, labels: bool | None = None
) -> tuple[dict, str]:
    """The network map of round ``rnd`` and its legend note (shared by the report and the
    web workspace).

    Parameters
    ----------
    coop : CooperationData
        :func:`evaltool.report.cooperation_data.cooperation_data`.
    rnd
        The round.
    lang : str
        Language of the legend.
    highlight : str, optional
        An organisation drawn larger and circled in the highlight colour.
    labels : bool, optional
        Name every node; default: when the networks hold at most 30 organisations.

    Returns
    -------
    (dict, str)
        The plotly figure dict (:func:`evaltool.report.network_chart.network_map`: sectors
        coloured, size by ties, rings for organisations that did not answer the round) and
        the note explaining colour, size, rings and the smallest and largest number of ties.
    """
    orgs = coop.organisations
    if labels is None:
        labels = len(orgs["org"].unique()) <= _LABEL_ALL_UP_TO
    part = orgs[orgs["round"] == rnd]
    nodes = [
        Node(str(o), coop.sector_label(sec, lang), bool(resp), int(deg))
        for o, sec, resp, deg in zip(
            part["org"], part["sector"], part["responded"], part["degree"].fillna(0), strict=True
        )
    ]
    dy = coop.dyads[coop.dyads["round"] == rnd]
    edges = list(zip(dy["respondent_org"].astype(str), dy["partner_org"].astype(str), strict=True))
    texts = {
        "no_sector": t("coop_no_sector", lang),
        "no_answer": t("coop_no_answer", lang),
        "highlight": t("coop_highlight_legend", lang),
    }
    chart = network_map(
        coop.positions, nodes, edges, lang, texts=texts, highlight=highlight, labels=labels
    )
    degrees = [n.degree for n in nodes] or [0]
    note = t(
        "coop_network_legend",
        lang,
        low=fmt_int(min(degrees), lang),
        high=fmt_int(max(degrees), lang),
    )
    if highlight:
        note += " " + t("coop_network_highlight", lang)
    return chart, note


def _network_figures(b: Builder, org: str | None) -> list[Figure]:
    """One network map per round (:func:`round_network_map`), ``org`` highlighted."""
    coop = b.data.cooperation
    out = []
    for rnd in coop.rounds:
        chart, note = round_network_map(coop, rnd, b.lang, highlight=org)
        out.append(b.figure(b.t("coop_fig_network", at=round_at(b, rnd)), chart, note=note))
    return out


def _answered(b: Builder, values: pd.Series) -> list[str]:
    """``kyllä`` / ``ei`` (blank where the organisation is not in the round)."""
    return ["" if pd.isna(v) else b.t("coop_yes") if bool(v) else b.t("coop_no") for v in values]


def _brokerage_note(b: Builder) -> str:
    """What betweenness measures and its largest possible value in the largest round."""
    n = int(b.data.cooperation.organisations.groupby("round")["org"].nunique().max() or 0)
    top = (n - 1) * (n - 2) if n > 2 else 0
    return b.t("coop_brokerage_note", max=fmt_int(top, b.lang), n=fmt_int(n, b.lang))


def _position_table(b: Builder, org: str, rater_cells: dict) -> Table:
    """The organisation's answer, degree, betweenness and mean trust and value received per
    round."""
    orgs = b.data.cooperation.organisations
    pick = (orgs["org"] == org).to_numpy()
    rows = orgs[pick].assign(responded_label=_answered(b, orgs.loc[pick, "responded"]))
    return b.table(
        f"{org}: {b.t('sec_position')}",
        rows,
        [
            b.col("round", stat=False),
            b.col("responded_label", "coop_col_responded", stat=False),
            b.col("in_degree", "coop_col_in_degree", kind="int"),
            b.col("out_degree", "coop_col_out_degree", kind="int"),
            b.col("degree", "coop_col_degree", kind="int"),
            b.col("betweenness", "coop_col_brokerage", kind="num1"),
            b.col("mean_trust_received", "col_trust_received", "num2"),
            b.col("mean_value_received", "col_value_received", "num2"),
        ],
        notes=[_brokerage_note(b), *_raters_note(b)],
        cells={k: v[pick] for k, v in rater_cells.items()},
    )


def _measure_label(b: Builder, measure: str) -> str:
    """The name of a network measure (ties: "yhteistyösuhteita", "samarbetsrelationer")."""
    return b.t("coop_m_n_ties") if measure == "n_ties" else b.t(f"m_{measure}")


def _network_table(b: Builder) -> Table:
    """The network's measures (:data:`NETWORK_ROWS`), one column per round."""
    coop = b.data.cooperation
    net = coop.networks.set_index("round")
    rows = [
        {
            "measure": _measure_label(b, m),
            **{str(r): net.at[r, m] if r in net.index else None for r in coop.rounds},
        }
        for m in NETWORK_ROWS
        if m in net.columns
    ]
    return b.table(
        b.t("sec_network"),
        pd.DataFrame(rows),
        [b.col("measure", "col_measure", stat=False)]
        + [b.col(str(r), header=str(r), kind="num2i", stat=False) for r in coop.rounds],
    )


def _organisations_table(b: Builder, rater_cells: dict) -> Table:
    """Every organisation per round, by degree: sector, answered or not, degrees,
    betweenness, ratings."""
    coop = b.data.cooperation
    orgs = coop.organisations
    order = orgs.sort_values(
        ["round", "degree", "org"], ascending=[True, False, True]
    ).index.to_numpy()
    table = orgs.loc[order]
    table = table.assign(
        sector_label=[coop.sector_label(x, b.lang) for x in table["sector"]],
        responded_label=_answered(b, table["responded"]),
    )
    pos = orgs.index.get_indexer(order)
    return b.table(
        b.t("sec_orgs"),
        table,
        [
            b.col("round", stat=False, repeat=False),
            b.col("org", "col_org", stat=False),
            b.col("sector_label", "col_sector", stat=False),
            b.col("responded_label", "coop_col_responded", stat=False),
            b.col("in_degree", "coop_col_in_degree", kind="int", stat=False),
            b.col("out_degree", "coop_col_out_degree", kind="int", stat=False),
            b.col("degree", "coop_col_degree", kind="int", stat=False),
            b.col("betweenness", "coop_col_brokerage", kind="num1", stat=False),
            b.col("mean_trust_received", "col_trust_received", "num2", stat=False),
            b.col("mean_value_received", "col_value_received", "num2", stat=False),
        ],
        notes=[_brokerage_note(b), *_raters_note(b)],
        cells={k: v[pos] for k, v in rater_cells.items()},
    )


def _indices_section(b: Builder) -> Section:
    """Cooperation indices (0–100) by round: lines with 95 % CI and a table."""
    coop = b.data.cooperation
    ind = coop.indices
    ind = ind.assign(index_label=ind["index"].map(lambda c: coop.index_label(c, b.lang)))
    isec = Section(b.t("sec_indices"))
    series = []
    for code in pd.unique(ind["index"]):
        part = ind[ind["index"] == code]
        series.append(
            {
                "name": coop.index_label(code, b.lang),
                "x": part["round"].astype(str).tolist(),
                "y": part["mean"].tolist(),
                "low": part["ci_low"].tolist(),
                "high": part["ci_high"].tolist(),
            }
        )
    if ind["mean"].notna().any():
        chart = charts.lines_with_ci(series, b.t("col_round"), b.t("axis_score"), b.lang)
        isec.blocks.append(b.figure(b.t("fig_indices"), chart))
    block = {c: k for k, c in enumerate(pd.unique(ind["index"]))}
    rnd = {r: k for k, r in enumerate(coop.rounds)}
    ind = b.with_ci(
        ind.assign(_b=ind["index"].map(block), _r=ind["round"].map(rnd)).sort_values(
            ["_b", "_r"], kind="stable"
        )
    )
    isec.blocks.append(
        b.table(
            b.t("sec_indices"),
            ind,
            [
                b.col("index_label", "col_index", stat=False, repeat=False),
                b.col("round", stat=False),
                b.col("n", "col_n_orgs", kind="int", stat=False),
                b.col("mean", kind="num1"),
                b.col("sd", kind="num1"),
                *b.ci_cols(),
            ],
        )
    )
    return isec


def _round_change_section(b: Builder, project: ProjectInfo | None, org: str | None) -> Section:
    """Changes between consecutive rounds: indices; the organisation's position (project
    reports) or the network's measures and ties kept, new and lost (programme report)."""
    coop = b.data.cooperation
    csec = Section(b.t("sec_round_change"))
    csec.blocks.append(_index_change_table(b))
    pairs = list(zip(coop.rounds, coop.rounds[1:], strict=False))
    if org is not None:
        table = _org_change_table(b, org, pairs)
        if table is not None:
            csec.blocks.append(table)
    if project is None:
        csec.blocks.append(_network_change_table(b, pairs))
        csec.blocks.append(_tie_change_table(b, pairs))
    return csec


def _index_change_table(b: Builder) -> Table:
    """Each index's change between rounds: the test used, n, means, difference, CI, p."""
    coop = b.data.cooperation
    comp = pd.concat([c["indices"] for c in coop.comparisons], ignore_index=True)
    comp = comp.assign(
        index_label=comp["index"].map(lambda c: coop.index_label(c, b.lang)),
        test_label=comp["test"].map(lambda x: b.t(f"test_{x}")),
    )
    comp = b.with_ci(comp)
    return b.table(
        f"{b.t('sec_indices')}: {b.t('sec_round_change')}",
        comp,
        [
            b.col("index_label", "col_index", stat=False),
            b.col("round1", stat=False),
            b.col("round2", stat=False),
            b.col("test_label", "col_test", stat=False),
            b.col("n1", header="n1", kind="int", stat=False),
            b.col("n2", header="n2", kind="int", stat=False),
            b.col("mean1", header=f"{b.t('col_mean')} 1", kind="num1"),
            b.col("mean2", header=f"{b.t('col_mean')} 2", kind="num1"),
            b.col("diff", "col_change", "signed1"),
            *b.ci_cols(),
            b.col("p", kind="p"),
        ],
    )


def _org_change_table(b: Builder, org: str, pairs: list[tuple]) -> Table | None:
    """The organisation's answers, its change in ties (all, and those observable in both
    rounds) and in trust and value received."""
    d = b.data
    oc = pd.concat(
        [
            c["org_change"].assign(round1=str(r1), round2=str(r2))
            for c, (r1, r2) in zip(d.cooperation.comparisons, pairs, strict=True)
        ],
        ignore_index=True,
    )
    oc = oc[oc["org"] == org].reset_index(drop=True)
    if not len(oc):
        return None
    oc = oc.assign(
        responded1_label=_answered(b, oc["responded1"]),
        responded2_label=_answered(b, oc["responded2"]),
    )
    cells = {}
    if "n_trust_raters1" in oc:
        cells["trust_change"] = small(oc["n_trust_raters1"], d.min_n) | small(
            oc["n_trust_raters2"], d.min_n
        )
        cells["value_change"] = small(oc["n_value_raters1"], d.min_n) | small(
            oc["n_value_raters2"], d.min_n
        )
    degree, change = b.t("coop_col_degree"), b.t("col_change")
    observed, answered = b.t("coop_col_observed_degree"), b.t("coop_col_responded")
    return b.table(
        f"{org}: {b.t('sec_round_change')}",
        oc,
        [
            b.col("round1", stat=False),
            b.col("round2", stat=False),
            b.col("responded1_label", header=f"{answered} 1", stat=False),
            b.col("responded2_label", header=f"{answered} 2", stat=False),
            b.col("degree1", header=f"{degree} 1", kind="int", stat=False),
            b.col("degree2", header=f"{degree} 2", kind="int", stat=False),
            b.col("observed_degree1", header=f"{observed} 1", kind="int", stat=False),
            b.col("observed_degree2", header=f"{observed} 2", kind="int", stat=False),
            b.col(
                "observed_degree_change",
                header=f"{observed}: {change}",
                kind="signed0",
                stat=False,
            ),
            b.col(
                "trust_change",
                header=f"{b.t('col_trust_received')}: {change}",
                kind="signed2",
                stat=False,
            ),
            b.col(
                "value_change",
                header=f"{b.t('col_value_received')}: {change}",
                kind="signed2",
                stat=False,
            ),
        ],
        notes=[b.t("coop_observed_note"), *_raters_note(b)],
        cells=cells,
    )


def _network_change_table(b: Builder, pairs: list[tuple]) -> Table:
    """The network's measures in both rounds of each pair and their change."""
    coop = b.data.cooperation
    net = pd.concat(
        [
            c["network"][c["network"]["basis"] == "all"].assign(round1=str(r1), round2=str(r2))
            for c, (r1, r2) in zip(coop.comparisons, pairs, strict=True)
        ],
        ignore_index=True,
    )
    net = net[net["measure"].isin(NETWORK_ROWS)]
    net = net.assign(measure_label=net["measure"].map(lambda m: _measure_label(b, m)))
    return b.table(
        f"{b.t('sec_network')}: {b.t('sec_round_change')}",
        net,
        [
            b.col("measure_label", "col_measure", stat=False),
            b.col("round1", stat=False),
            b.col("round2", stat=False),
            b.col("value1", header=b.t("col_value_round1"), kind="num2i", stat=False),
            b.col("value2", header=b.t("col_value_round2"), kind="num2i", stat=False),
            b.col("change", "col_change", "signed2i", stat=False),
        ],
    )


def _tie_change_table(b: Builder, pairs: list[tuple]) -> Table:
    """Ties kept, new and lost between rounds, and their Jaccard overlap."""
    coop = b.data.cooperation
    ties = pd.concat(
        [
            c["ties"].assign(round1=str(r1), round2=str(r2))
            for c, (r1, r2) in zip(coop.comparisons, pairs, strict=True)
        ],
        ignore_index=True,
    )
    ties = ties.assign(basis_label=ties["basis"].map(lambda x: b.t(f"basis_{x}")))
    n_ties = b.t("coop_m_n_ties")
    return b.table(
        f"{n_ties}: {b.t('sec_round_change')}",
        ties,
        [
            b.col("basis_label", "col_basis", stat=False),
            b.col("round1", stat=False),
            b.col("round2", stat=False),
            b.col("n_ties1", header=f"{n_ties} 1", kind="int", stat=False),
            b.col("n_ties2", header=f"{n_ties} 2", kind="int", stat=False),
            b.col("kept", kind="int", stat=False),
            b.col("new", kind="int", stat=False),
            b.col("lost", kind="int", stat=False),
            b.col("jaccard", kind="num2", stat=False),
        ],
    )
