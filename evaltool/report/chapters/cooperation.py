"""Chapter "cooperation": the partner network per round, cooperation indices, and their
change between rounds (from the partner survey)."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltool.report import charts
from evaltool.report.chapters.common import Builder, project_org
from evaltool.report.collect import ProjectInfo
from evaltool.report.document import Chapter, Figure, Paragraph, Section, Table
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
        return [Paragraph(b.t("s_org_found", org=org))]
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


def _network_figures(b: Builder, org: str | None) -> list[Figure]:
    """One network graph per round, nodes sized by degree, ``org`` highlighted."""
    coop = b.data.cooperation
    orgs = coop.organisations
    label_all = len(orgs["org"].unique()) <= _LABEL_ALL_UP_TO
    out = []
    for rnd in coop.rounds:
        nodes = orgs.loc[orgs["round"] == rnd, "org"].astype(str).tolist()
        dy = coop.dyads[coop.dyads["round"] == rnd]
        edges = list(
            zip(dy["respondent_org"].astype(str), dy["partner_org"].astype(str), strict=True)
        )
        deg = dict(
            zip(
                orgs.loc[orgs["round"] == rnd, "org"].astype(str),
                orgs.loc[orgs["round"] == rnd, "degree"].astype(int),
                strict=True,
            )
        )
        hover = {n: f"{n} ({deg.get(n, 0)})" for n in nodes}
        chart = charts.network(
            coop.positions, nodes, edges, deg, b.lang, highlight=org, hover=hover, labels=label_all
        )
        note = b.t("network_legend") if org else b.t("network_legend_all")
        out.append(b.figure(b.t("fig_network", round=rnd), chart, note=note))
    return out


def _position_table(b: Builder, org: str, rater_cells: dict) -> Table:
    """The organisation's degree, betweenness and mean trust and value received per round."""
    orgs = b.data.cooperation.organisations
    pick = (orgs["org"] == org).to_numpy()
    return b.table(
        f"{org}: {b.t('sec_position')}",
        orgs[pick],
        [
            b.col("round", stat=False),
            b.col("in_degree", kind="int"),
            b.col("out_degree", kind="int"),
            b.col("degree", kind="int"),
            b.col("betweenness", kind="num1"),
            b.col("mean_trust_received", "col_trust_received", "num2"),
            b.col("mean_value_received", "col_value_received", "num2"),
        ],
        notes=_raters_note(b),
        cells={k: v[pick] for k, v in rater_cells.items()},
    )


def _network_table(b: Builder) -> Table:
    """The network's measures (:data:`NETWORK_ROWS`), one column per round."""
    coop = b.data.cooperation
    net = coop.networks.set_index("round")
    rows = [
        {
            "measure": b.t(f"m_{m}"),
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
    """Every organisation per round, by degree: sector, degrees, betweenness, ratings."""
    coop = b.data.cooperation
    orgs = coop.organisations
    order = orgs.sort_values(
        ["round", "degree", "org"], ascending=[True, False, True]
    ).index.to_numpy()
    table = orgs.loc[order]
    table = table.assign(sector_label=[coop.sector_label(x, b.lang) for x in table["sector"]])
    pos = orgs.index.get_indexer(order)
    return b.table(
        b.t("sec_orgs"),
        table,
        [
            b.col("round", stat=False, repeat=False),
            b.col("org", "col_org", stat=False),
            b.col("sector_label", "col_sector", stat=False),
            b.col("in_degree", kind="int", stat=False),
            b.col("out_degree", kind="int", stat=False),
            b.col("degree", kind="int", stat=False),
            b.col("betweenness", kind="num1", stat=False),
            b.col("mean_trust_received", "col_trust_received", "num2", stat=False),
            b.col("mean_value_received", "col_value_received", "num2", stat=False),
        ],
        notes=_raters_note(b),
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
    """The organisation's change in degree and in trust and value received."""
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
    cells = {}
    if "n_trust_raters1" in oc:
        cells["trust_change"] = small(oc["n_trust_raters1"], d.min_n) | small(
            oc["n_trust_raters2"], d.min_n
        )
        cells["value_change"] = small(oc["n_value_raters1"], d.min_n) | small(
            oc["n_value_raters2"], d.min_n
        )
    degree, change = b.t("col_degree"), b.t("col_change")
    return b.table(
        f"{org}: {b.t('sec_round_change')}",
        oc,
        [
            b.col("round1", stat=False),
            b.col("round2", stat=False),
            b.col("degree1", header=f"{degree} 1", kind="int", stat=False),
            b.col("degree2", header=f"{degree} 2", kind="int", stat=False),
            b.col("degree_change", header=f"{degree}: {change}", kind="signed0", stat=False),
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
        notes=_raters_note(b),
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
    net = net.assign(measure_label=net["measure"].map(lambda m: b.t(f"m_{m}")))
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
    n_ties = b.t("m_n_ties")
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
