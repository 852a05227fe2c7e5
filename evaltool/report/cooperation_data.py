"""The partner-survey part of the report data: every round's network, organisations and
indices (the tables the command line shows, from
:func:`evaltool.indicators.workspace_tables.round_tables`; each round's network computed once)
and the comparisons of rounds consecutive in time
(:func:`evaltool.indicators.cooperation.chronological`), with the rater counts the reports
need to withhold trust and value from few raters and the node positions of the network maps."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pandas as pd

from evaltool.imports import partners
from evaltool.indicators import cooperation
from evaltool.indicators.cooperation.compare import org_change
from evaltool.indicators.workspace_tables import round_tables
from evaltool.store.workspace import Workspace


@dataclass
class CooperationData:
    """Partner-survey rounds and their tables (see :mod:`evaltool.indicators.cooperation`)."""

    rounds: list[str]
    survey: cooperation.PartnerSurvey | None
    networks: pd.DataFrame
    organisations: pd.DataFrame
    indices: pd.DataFrame
    comparisons: list[dict[str, pd.DataFrame]]
    dyads: pd.DataFrame  # round, respondent_org, partner_org (ties at min_level)
    positions: dict[str, tuple[float, float]]

    def index_label(self, code: str, lang: str) -> str:
        if self.survey is not None:
            for b in self.survey.blocks:
                if b.code == code:
                    return b.label.get(lang) or b.label.get("en") or code
        return code

    def sector_label(self, code, lang: str) -> str:
        if code is None or (not isinstance(code, str) and pd.isna(code)):
            return ""
        if self.survey is not None:
            for sector in self.survey.sectors:
                if sector.code == code:
                    return sector.label.get(lang) or sector.label.get("en") or str(code)
        return str(code)

    def find_org(self, candidates: list[str]) -> str | None:
        """The organisation of the network matching one of ``candidates`` (in order)."""
        names = {cooperation.normalise_name(o): o for o in self.organisations["org"].unique()}
        for c in candidates:
            if c and cooperation.normalise_name(c) in names:
                return names[cooperation.normalise_name(c)]
        return None


def cooperation_data(ws: Workspace, min_n: int, full: bool = True) -> CooperationData | None:
    """Partner-survey tables of every round and the comparisons of consecutive rounds.

    ``full=False`` (a single project's report) compares rounds only as the project report
    shows them: index changes and each organisation's change, not the whole-network and
    tie-turnover tables of the programme report (same numbers, about half the time)."""
    rounds = partners.rounds(ws)
    if not rounds:
        return None
    data = partners.partner_data(ws)
    in_time = cooperation.chronological(data.rounds)
    networks = cooperation.round_networks(data.ties, data.orgs)
    per_round = round_tables(
        data.ties, data.orgs, data.statements, data.survey, min_n, networks=networks
    )
    networks_table, indices = per_round["networks"], per_round["indices"]
    orgs = per_round["organisations"].merge(_raters(data.ties), on=["round", "org"], how="left")
    for col in ("n_trust_raters", "n_value_raters"):
        orgs[col] = orgs[col].fillna(0).astype(int)
    has_statements = data.survey is not None and len(data.statements)
    comparisons = []
    pairs = list(zip(in_time, in_time[1:], strict=False))
    if full:
        for r1, r2 in pairs:
            comparisons.append(
                cooperation.compare_rounds(
                    data.ties,
                    data.orgs,
                    data.statements,
                    data.survey,
                    r1,
                    r2,
                    min_n=min_n,
                    networks=networks,
                )
            )
    else:
        scores = cooperation.index_scores(data.statements, data.survey) if has_statements else None
        for r1, r2 in pairs:
            comparisons.append(
                {
                    "indices": _index_change(scores, data.survey, r1, r2, min_n),
                    "org_change": org_change(networks[r1], networks[r2], 1),
                }
            )
    for comp in comparisons:
        comp["org_change"] = comp["org_change"].merge(_rater_pair(orgs, comp), on="org", how="left")
    dy = data.ties.dropna(subset=["collaboration_level"])
    dy = dy[(dy["collaboration_level"] >= 1) & (dy["respondent_org"] != dy["partner_org"])]
    dyads = dy[["round", "respondent_org", "partner_org"]].drop_duplicates().reset_index(drop=True)
    return CooperationData(
        in_time,
        data.survey,
        networks_table,
        orgs,
        indices,
        comparisons,
        dyads,
        _layout(orgs, dyads),
    )


def _raters(ties: pd.DataFrame) -> pd.DataFrame:
    """round, org, n_trust_raters, n_value_raters: how many other organisations rated the
    organisation's trustworthiness and value (the base of the means it received)."""
    t = ties.dropna(subset=["round", "respondent_org", "partner_org"])
    t = t[t["respondent_org"] != t["partner_org"]]
    out = []
    for col, name in (("trust", "n_trust_raters"), ("value", "n_value_raters")):
        if col not in t.columns:
            continue
        part = t.dropna(subset=[col])
        out.append(part.groupby(["round", "partner_org"])["respondent_org"].nunique().rename(name))
    if not out:
        return pd.DataFrame(columns=["round", "org", "n_trust_raters", "n_value_raters"])
    frame = pd.concat(out, axis=1).reset_index().rename(columns={"partner_org": "org"})
    for name in ("n_trust_raters", "n_value_raters"):
        if name not in frame.columns:
            frame[name] = 0
    return frame


def _rater_pair(orgs: pd.DataFrame, comp: dict) -> pd.DataFrame:
    """org, n_trust_raters1/2, n_value_raters1/2 for the rounds of one comparison."""
    ind = comp["indices"]
    if ind.empty:
        r1 = r2 = None
    else:
        r1, r2 = ind["round1"].iloc[0], ind["round2"].iloc[0]
    cols = ["org", "n_trust_raters", "n_value_raters"]
    a = orgs.loc[orgs["round"] == r1, cols]
    b = orgs.loc[orgs["round"] == r2, cols]
    return a.merge(b, on="org", how="outer", suffixes=("1", "2")).fillna(0)


def _index_change(scores: pd.DataFrame | None, survey, r1, r2, min_n: int) -> pd.DataFrame:
    """The ``indices`` table of :func:`evaltool.indicators.cooperation.compare_rounds`
    from index scores computed once for all rounds."""
    codes = [b.code for b in survey.blocks] if survey is not None else []
    rows = []
    for code in codes:
        xs = []
        for r in (r1, r2):
            if scores is None:
                xs.append(pd.Series(dtype=float))
                continue
            part = scores[(scores["round"] == r) & (scores["index"] == code)]
            xs.append(part.groupby("respondent_org")["score"].mean())
        rows.append(cooperation.compare_values(xs[0], xs[1], min_n=min_n))
    out = pd.DataFrame(rows, columns=cooperation.COMPARE_COLUMNS)
    out.insert(0, "index", codes)
    out.insert(0, "round2", r2)
    out.insert(0, "round1", r1)
    return out


def _layout(orgs: pd.DataFrame, dyads: pd.DataFrame) -> dict[str, tuple[float, float]]:
    """Node positions shared by all rounds (a spring layout of the union network, fixed
    seed), so an organisation keeps its place from round to round."""
    import networkx as nx

    g = nx.Graph()
    g.add_nodes_from(sorted(orgs["org"].astype(str).unique()))
    pairs = dyads[["respondent_org", "partner_org"]].astype(str).to_numpy().tolist()
    g.add_edges_from(sorted(tuple(sorted(p)) for p in pairs))
    if g.number_of_nodes() == 0:
        return {}
    k = 1.6 / math.sqrt(g.number_of_nodes())
    pos = nx.spring_layout(g, seed=20240316, k=k, iterations=100)
    return {str(n): (round(float(x), 4), round(float(y), 4)) for n, (x, y) in pos.items()}
