"""Everything a report needs, read from a workspace and computed once.

:func:`collect` reads the workspace (responses, scores, background and open answers, partner
survey rounds, the ESR register, import provenance) and computes the programme-wide
statistics a set of reports shares: the outcome tables of every quality-of-life instrument
(:func:`evaltool.indicators.workspace_tables.instrument_outcomes`, all projects in one
call), means by wave, item statistics, answer distributions of the service-experience
questions, and the cooperation tables of every partner-survey round
(:mod:`evaltool.report.cooperation_data`). Project reports then only select their rows,
so writing 500 project reports costs one pass over the data.

Projects are identified by *key*: the register code when the client data's project label
matches a register code or name (case and spacing ignored), else the label itself. Only
aggregates leave this module's tables: no pseudonym or source id is kept in
:class:`ReportData`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import numpy as np
import pandas as pd

from evaltool.imports.register import project_register, register_lookup
from evaltool.indicators.stats import grouped_mean_ci
from evaltool.indicators.workspace_tables import (
    BACKGROUND_FIELDS,
    first_answers,
    instrument_outcomes,
    outcome_inputs,
    wide_background,
)
from evaltool.instruments import Instrument
from evaltool.report.cooperation_data import CooperationData, cooperation_data
from evaltool.report.esf_data import EsfData, esf_data
from evaltool.report.likert_data import LATEST_COLUMNS, likert_answers
from evaltool.report.norms import NormData, norm_data
from evaltool.report.privacy import mask_identifiers
from evaltool.report.release import (
    likert_release,
    merge_background,
    rci_release,
    with_programme,
)
from evaltool.report.texts import read_texts
from evaltool.store.workspace import Workspace
from evaltool.text import fold

#: Multi-select field with the client's goals for the support period.
GOAL_FIELDS = ("goals",)
#: Open-answer fields (good and bad sides) when an instrument does not declare them.
OPEN_FIELDS = {
    "good_sides": "open_good",
    "bad_sides": "open_bad",
    "good": "open_good",
    "bad": "open_bad",
    "open_good": "open_good",
    "open_bad": "open_bad",
}
#: Separators of several answers to a multi-select question stored in one value.
_MULTI_SPLIT = r"\s*[;|\n]\s*"


def fixed_time() -> datetime | None:
    """``SOURCE_DATE_EPOCH`` as a naive UTC datetime (reproducible outputs), or None when
    it is not set."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch:
        return None
    return datetime.fromtimestamp(int(epoch), UTC).replace(tzinfo=None)


def report_date() -> date:
    """The report's date: ``SOURCE_DATE_EPOCH`` when set (reproducible), else today (UTC)."""
    when = fixed_time()
    return when.date() if when is not None else datetime.now(UTC).date()


@dataclass
class ProjectInfo:
    """A project of the reports: its key, display name, client labels and register row."""

    key: str
    name: str
    labels: list[str]
    register: dict | None


@dataclass
class InstrumentData:
    """One instrument's data and statistics, programme and all projects.

    ``kind`` is ``qol`` (scored domains: outcome tables) or ``experience`` (Likert blocks).
    Tables are tidy with a ``project`` column (None = whole programme):

    ``flow``         project, wave, stored, incomplete, discarded, scored, first_date,
                     last_date (``scored``: a score in at least one domain; ``discarded``:
                     stored but not scored for missing answers)
    ``missing``      project, answered, skipped, dont_know, missing_code, not_in_file (item
                     answers by missing reason)
    ``means``        project, domain, wave, n, mean, sd, ci_low, ci_high, suppressed
    ``items``        project, wave, item, n, mean, sd, suppressed (as answered)
    ``likert``       project, block, item, value, count, share, n, suppressed (each
                     client's latest answer)
    ``latest``       project, wave, clients (the wave of each client's latest answer, on
                     which ``likert`` and the experience block scores rest)
    ``files``        project, import_id, source_name, layout, imported_at, rows_read,
                     rows_stored, rows_rejected, stored_here
    ``outcomes``     dict of :func:`evaltool.indicators.outcomes.outcome_tables` (qol only)
    """

    name: str
    instrument: Instrument
    kind: str
    rule: str
    waves: list[int]
    from_wave: int | None
    to_wave: int | None
    flow: pd.DataFrame
    missing: pd.DataFrame
    means: pd.DataFrame
    items: pd.DataFrame
    likert: pd.DataFrame
    files: pd.DataFrame
    outcomes: dict[str, pd.DataFrame] = field(default_factory=dict)
    n_respondents: dict = field(default_factory=dict)
    latest: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=LATEST_COLUMNS))
    #: The population comparison (:mod:`evaltool.report.norms`; qol with norms only).
    norms: NormData | None = None
    #: Pieces that every report of a batch derives alike from the tables above (e.g. the
    #: withheld cells of every project's row), computed by the first report that needs them.
    shared: dict = field(default_factory=dict, repr=False, compare=False)

    @property
    def domains(self) -> list[str]:
        return [d.name for d in self.instrument.domains]

    def domain_label(self, domain: str, lang: str) -> str:
        for d in self.instrument.domains:
            if d.name == domain:
                return d.labels.get(lang) or d.labels.get("en") or domain
        return domain

    def title(self, lang: str) -> str:
        t = self.instrument.title
        return t.get(lang) or t.get("en") or self.name

    def short_title(self, lang: str) -> str:
        """The title up to a colon, or its first word when long: ``WHOQOL-BREF``."""
        head = self.title(lang).split(":")[0].strip()
        return head.split(" ")[0] if len(head) > 20 else head


@dataclass
class ReportData:
    """Everything the reports of one workspace show (aggregates only)."""

    lang: str
    min_n: int
    created: date
    projects: dict[str, ProjectInfo]
    instruments: list[InstrumentData]
    background: pd.DataFrame  # project, field, value, count, n, share, suppressed
    respondents: pd.DataFrame  # project, n (distinct clients over all instruments)
    open_answers: pd.DataFrame  # project, field, text, count, clients (who answered field)
    field_labels: dict[str, dict[str, str]]
    value_labels: dict[tuple[str, str], dict[str, str]]
    cooperation: CooperationData | None
    register: pd.DataFrame
    fields: FieldSets | None = None
    #: ESF+ participant indicators, success rates and the quality-of-life join
    #: (:mod:`evaltool.report.esf_data`); None without participant records.
    esf: EsfData | None = None
    #: The smallest number of clients whose open answers are shown (setting
    #: ``open_min_n``; None: ``min_n``).
    open_min_n: int | None = None
    #: The evaluator's texts (:mod:`evaltool.report.texts`) by project key (None: the
    #: programme), those that exist in the workspace's ``texts/``.
    texts: dict = field(default_factory=dict)

    @property
    def qol(self) -> list[InstrumentData]:
        return [i for i in self.instruments if i.kind == "qol"]

    @property
    def experience(self) -> list[InstrumentData]:
        return [i for i in self.instruments if i.kind == "experience"]

    def resolve(self, project: str) -> ProjectInfo | None:
        """A project by key, register code, name or client label (case ignored)."""
        if project in self.projects:
            return self.projects[project]
        want = fold(project)
        for info in self.projects.values():
            if want in {fold(info.key), fold(info.name), *map(fold, info.labels)}:
                return info
        return None

    def field_label(self, name: str, lang: str) -> str:
        labels = self.field_labels.get(name)
        if labels:
            return labels.get(lang) or labels.get("en") or name
        return name

    def value_label(self, fname: str, value: str, lang: str) -> str:
        labels = self.value_labels.get((fname, fold(value)))
        if labels:
            return labels.get(lang) or labels.get("fi") or value
        return value


# --------------------------------------------------------------------------- helpers


def mean_ci_table(frame: pd.DataFrame, keys: list[str], value: str, min_n: int) -> pd.DataFrame:
    """n, mean, sd (n − 1) and the t-based 95 % CI of ``value`` per ``keys`` group;
    ``suppressed`` (statistics NaN) when n < ``min_n``."""
    sub = frame[[*keys, value]].dropna(subset=[value])
    out = grouped_mean_ci(sub.groupby(keys, sort=True, dropna=False)[value])
    out["suppressed"] = out["n"] < min_n
    out.loc[out["suppressed"], ["mean", "sd", "ci_low", "ci_high"]] = np.nan
    return out


def _project_keys(
    ws: Workspace, register: pd.DataFrame
) -> tuple[dict[str, ProjectInfo], dict[str, str]]:
    labels = ws.projects_seen()
    lookup = register_lookup(register, labels) if len(register) else dict.fromkeys(labels)
    label_to_key = {lab: (code if code is not None else lab) for lab, code in lookup.items()}
    rows = {r["code"]: r for r in register.to_dict("records")}
    infos: dict[str, ProjectInfo] = {}
    for code, r in rows.items():
        infos[code] = ProjectInfo(code, r["name"] or code, [], r)
    for lab, key in label_to_key.items():
        if key not in infos:
            infos[key] = ProjectInfo(key, key, [], None)
        infos[key].labels.append(lab)
    return dict(sorted(infos.items())), label_to_key


def _to_keys(labels: pd.Series, label_to_key: dict[str, str]) -> pd.Series:
    """Project labels mapped to project keys, via the distinct labels (fast on long
    columns)."""
    codes, uniques = pd.factorize(labels)
    keys = np.array([label_to_key.get(u) for u in uniques] + [None], dtype=object)
    return pd.Series(keys[codes], index=labels.index, name=labels.name, dtype=object)


def _file_table(
    ws: Workspace, instrument: str, label_to_key: dict[str, str], only: set[str] | None = None
) -> pd.DataFrame:
    """Imported files per project (and programme) with the responses stored from each;
    with ``only``, just those projects' files (the programme rows are then left out)."""
    labels = None
    if only is not None:
        labels = [lab for lab, key in label_to_key.items() if key in only]
    df = ws.response_provenance(instrument, labels)
    df["project"] = df["project"].map(label_to_key)
    df["source_name"] = df["source_name"].astype(str).map(mask_identifiers)
    df = (
        df.groupby(
            [
                "project",
                "import_id",
                "source_name",
                "layout",
                "imported_at",
                "rows_read",
                "rows_stored",
                "rows_rejected",
            ],
            sort=True,
            dropna=False,
        )["stored_here"]
        .sum()
        .reset_index()
    )
    if only is not None:
        return df
    prog = (
        df.groupby(
            [
                "import_id",
                "source_name",
                "layout",
                "imported_at",
                "rows_read",
                "rows_stored",
                "rows_rejected",
            ],
            sort=True,
            dropna=False,
        )["stored_here"]
        .sum()
        .reset_index()
        .assign(project=None)
    )
    return pd.concat([prog, df], ignore_index=True)


def _flow(meta: pd.DataFrame, scored: np.ndarray, only: set[str] | None) -> pd.DataFrame:
    """Responses per project and wave: stored, incomplete, not scored (``discarded``: the
    response rule discarded it, or no domain met its rule) and ``scored`` (a score in at
    least one domain), so that ``scored`` is the n of the means table's rows."""
    if only is not None:
        pick = meta["project"].isin(only).to_numpy()
        meta, scored = meta[pick], scored[pick]
    m = meta.assign(
        scored=scored.astype(int),
        incomplete=meta["incomplete"].astype(int),
        discarded=(~scored).astype(int),
    )
    m = with_programme(m[["project", "wave", "incomplete", "discarded", "scored", "date"]], only)
    g = m.groupby(["project", "wave"], sort=True, dropna=False)
    out = g.agg(
        stored=("scored", "size"),
        incomplete=("incomplete", "sum"),
        discarded=("discarded", "sum"),
        scored=("scored", "sum"),
        first_date=("date", "min"),
        last_date=("date", "max"),
    ).reset_index()
    return out


def _missing(meta: pd.DataFrame, only: set[str] | None) -> pd.DataFrame:
    if only is not None:
        meta = meta[meta["project"].isin(only)]
    s = meta["missing"].astype(str)
    counts = pd.DataFrame(
        {
            "project": meta["project"],
            "answered": s.str.count(r"\."),
            "skipped": s.str.count("s"),
            "dont_know": s.str.count("d"),
            "missing_code": s.str.count("m"),
            "not_in_file": s.str.count("x"),
        }
    )
    return (
        with_programme(counts, only).groupby("project", dropna=False, sort=True).sum().reset_index()
    )


def _item_stats(
    meta: pd.DataFrame, values: np.ndarray, codes: list[str], min_n: int, only: set[str] | None
) -> pd.DataFrame:
    """n, mean and SD of every item per project (and programme) and wave, as answered.

    Computed with per-group sums over the (responses × items) matrix, never melting it to
    one row per answer (a 500-project programme has millions of answers)."""
    keep = ~meta["discarded"].to_numpy()
    if only is not None:
        keep &= meta["project"].isin(only).to_numpy()
    x = values[keep]
    proj = meta["project"].to_numpy(dtype=object)[keep]
    wave = meta["wave"].to_numpy()[keep].astype(np.int64)
    parts = []
    groupings = [(proj, False)] + (
        [(np.full(len(proj), None, dtype=object), True)] if only is None else []
    )
    cell_n = None
    for labels, programme in groupings:
        key = pd.MultiIndex.from_arrays([labels if not programme else np.zeros(len(labels)), wave])
        g, uniq = pd.factorize(key, sort=True)
        ng = len(uniq)
        if programme and cell_n is not None:
            # the programme rests on the project cells shown (n >= min_n)
            x = np.where(cell_n >= min_n, x, np.nan)
        ok = np.isfinite(x)
        xv = np.where(ok, x, 0.0)
        n = np.stack([np.bincount(g, ok[:, j], minlength=ng) for j in range(x.shape[1])], 1)
        s1 = np.stack([np.bincount(g, xv[:, j], minlength=ng) for j in range(x.shape[1])], 1)
        with np.errstate(invalid="ignore", divide="ignore"):
            mean = s1 / n
            dev = np.where(ok, x - mean[g], 0.0)
            ss = np.stack(
                [np.bincount(g, dev[:, j] ** 2, minlength=ng) for j in range(x.shape[1])], 1
            )
            sd = np.sqrt(ss / (n - 1))
        sd[n < 2] = np.nan
        mean[n < 1] = np.nan
        if not programme:
            cell_n = n[g]
        k = len(codes)
        gp = np.array([u[0] for u in uniq], dtype=object)
        parts.append(
            pd.DataFrame(
                {
                    "project": np.repeat(np.full(ng, None, dtype=object) if programme else gp, k),
                    "wave": np.repeat(np.array([u[1] for u in uniq], dtype=np.int64), k),
                    "item": np.tile(np.array(codes, dtype=object), ng),
                    "n": n.ravel().astype(np.int64),
                    "mean": mean.ravel(),
                    "sd": sd.ravel(),
                }
            )
        )
    cols = ["project", "wave", "item", "n", "mean", "sd", "suppressed"]
    if not parts:
        return pd.DataFrame(columns=cols)
    out = pd.concat(parts[::-1], ignore_index=True)
    out = out[out["n"] > 0].reset_index(drop=True)
    out["suppressed"] = out["n"] < min_n
    out.loc[out["suppressed"], ["mean", "sd"]] = np.nan
    return out[cols]


#: The response columns the reports read (:meth:`Workspace.responses`).
_RESPONSE_COLUMNS = [
    "id",
    "project",
    "wave",
    "respondent",
    "discarded",
    "rule",
    "date",
    "incomplete",
    "missing",
]


def _instrument_data(
    ws: Workspace,
    name: str,
    label_to_key: dict[str, str],
    background: pd.DataFrame,
    min_n: int,
    projects: list[str] | None,
) -> InstrumentData | None:
    only = None if projects is None else set(projects)
    inst = ws.load_instrument(name)
    kind = "experience" if any(it.block for it in inst.items) else "qol"
    if kind == "qol" and not inst.domains:
        return None
    # experience questions have no programme-wide statistics in a project report: read only
    # the selected projects' responses; outcome statistics need every project's responses
    labels = None
    if only is not None and kind == "experience":
        labels = [lab for lab, key in label_to_key.items() if key in only] or ["\x00"]
    detail = None if only is None else [lab for lab, key in label_to_key.items() if key in only]
    meta, values = ws.responses(name, labels, columns=_RESPONSE_COLUMNS, detail_projects=detail)
    if meta.empty:
        return None
    meta["project"] = _to_keys(meta["project"], label_to_key)
    rule = str(meta["rule"].mode().iloc[0]) if meta["rule"].notna().any() else inst.default_rule
    inputs = outcome_inputs(inst, meta, values)
    domains = [d.name for d in inst.domains]
    scored = ~meta["discarded"].to_numpy()
    waves = inputs.waves
    with_score = scored & inputs.scores[domains].notna().any(axis=1).to_numpy()
    flow = _flow(meta, with_score if domains else scored, only)
    missing = _missing(meta, only)
    files = _file_table(ws, name, label_to_key, only)
    items = _item_stats(meta, values, inst.item_codes, min_n, only)
    likert, latest = likert_answers(inst, meta, values, min_n, only)
    likert = likert_release(likert, min_n)
    data = InstrumentData(
        name,
        inst,
        kind,
        rule,
        waves,
        None,
        None,
        flow,
        missing,
        pd.DataFrame(),
        items,
        likert,
        files,
        latest=latest,
    )
    counts = meta.loc[scored].groupby("project")["respondent"].nunique()
    data.n_respondents = {
        None: int(meta.loc[scored, ["project", "respondent"]].drop_duplicates().shape[0]),
        **counts.to_dict(),
    }
    scores = inputs.scores
    order = {dn: k for k, dn in enumerate(domains)}
    if kind != "qol":
        # block scores (0-100) of each client's latest response
        last = (
            scores[~scores["discarded"].astype(bool)]
            .sort_values("wave", kind="stable")
            .drop_duplicates(["project", "respondent"], keep="last")
        )
        long = last.melt(
            id_vars=["project"], value_vars=domains, var_name="domain", value_name="score"
        )
        long = long.dropna(subset=["score"])
        means = mean_ci_table(
            with_programme(long, only, ["domain"], min_n), ["project", "domain"], "score", min_n
        )
        data.means = (
            means.assign(_o=means["domain"].map(order))
            .sort_values(["project", "_o"], na_position="first")
            .drop(columns="_o")
            .reset_index(drop=True)
        )
        return data
    kept = scores[~scores["discarded"].astype(bool)]
    if only is not None:
        kept = kept[kept["project"].isin(only)]
    long = kept.melt(
        id_vars=["project", "wave"], value_vars=domains, var_name="domain", value_name="score"
    )
    long = long.dropna(subset=["score"])
    means = mean_ci_table(
        with_programme(long, only, ["domain", "wave"], min_n),
        ["project", "domain", "wave"],
        "score",
        min_n,
    )
    data.means = (
        means.assign(_o=means["domain"].map(order))
        .sort_values(["project", "_o", "wave"], na_position="first")
        .drop(columns="_o")
        .reset_index(drop=True)
    )
    if len(waves) >= 2:
        data.from_wave, data.to_wave = waves[0], waves[-1]
        present = set(pd.unique(scores.loc[scored, "project"]))
        sel = None if projects is None else [p for p in projects if p in present]
        tables = instrument_outcomes(inputs, background, min_n=min_n, projects=sel, release=True)
        data.outcomes = {name: _plain_dtypes(t) for name, t in tables.items()}
        if projects is None:
            data.outcomes["paired"] = rci_release(data.outcomes["paired"], min_n)
        data.norms = norm_data(ws, inputs, background, min_n, sel)
    return data


def _plain_dtypes(frame: pd.DataFrame) -> pd.DataFrame:
    """Nullable integer and boolean columns as float / object: the report only formats them,
    and plain numpy columns are much cheaper to select rows from 500 times."""
    out = {}
    for col in frame.columns:
        s = frame[col]
        if isinstance(s.dtype, pd.Int64Dtype) or str(s.dtype) in ("Int64", "Int32"):
            out[col] = s.astype("float64")
        elif str(s.dtype) == "boolean":
            out[col] = s.astype(object).where(s.notna(), None)
        else:
            out[col] = s
    return pd.DataFrame(out, index=frame.index)


def _background(
    ws: Workspace,
    label_to_key: dict[str, str],
    min_n: int,
    sets: FieldSets,
    only: set[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """(wide background per client, distributions, open answers, respondents per project)."""
    labels = None
    if only is not None:
        labels = [lab for lab, key in label_to_key.items() if key in only]
    answers = ws.field_answers(projects=labels)
    answers["project"] = answers["project"].map(label_to_key)
    clients = ws.stored_respondents(labels)
    clients["project"] = clients["project"].map(label_to_key)
    clients = clients.drop_duplicates()
    resp = (
        with_programme(clients, only)
        .groupby("project", dropna=False)
        .size()
        .rename("n")
        .reset_index()
    )
    # background: each client's answer at entry (workspace_tables.first_answers)
    bg = first_answers(answers, sets.background)
    wide = wide_background(bg)
    df = answers.assign(value=answers["value"].astype(str).str.strip())
    df = df[df["value"] != ""]
    # goals: every goal named by the client at any wave (multi-select, maybe joined text)
    goals = df[df["field"].isin(sets.goals)]
    goals = goals.assign(value=goals["value"].str.split(_MULTI_SPLIT)).explode("value")
    goals = goals[goals["value"].astype(str).str.strip() != ""]
    goals = goals.drop_duplicates(["project", "respondent", "field", "value"])
    dist = pd.concat(
        [
            bg[["project", "respondent", "field", "value"]],
            goals[["project", "respondent", "field", "value"]],
        ],
        ignore_index=True,
    )
    dist = with_programme(dist, only)
    counts = (
        dist.groupby(["project", "field", "value"], dropna=False, sort=True)["respondent"]
        .nunique()
        .rename("count")
        .reset_index()
    )
    n = (
        dist.groupby(["project", "field"], dropna=False)["respondent"]
        .nunique()
        .rename("n")
        .reset_index()
    )
    out = counts.merge(n, on=["project", "field"])
    out["share"] = out["count"] / out["n"]
    out["suppressed"] = out["n"] < min_n
    out = merge_background(out, sets.goals, min_n)
    out.loc[out["suppressed"], ["count", "share"]] = np.nan
    # open answers: verbatim (identifiers masked), grouped by identical text, with the number
    # of clients who answered the question
    openf = df[df["field"].isin(sets.open)]
    openf = openf.assign(value=openf["value"].map(mask_identifiers))
    opens = (
        openf.groupby(["project", "field", "value"], sort=True)
        .size()
        .rename("count")
        .reset_index()
        .rename(columns={"value": "text"})
    )
    answered = openf.groupby(["project", "field"])["respondent"].nunique().rename("clients")
    opens = opens.merge(answered.reset_index(), on=["project", "field"], how="left")
    return wide, out, opens, resp


@dataclass
class FieldSets:
    """Which stored fields are background questions, goals (multi-select) and open answers:
    the standard names plus what the stored instruments declare (role / kind)."""

    background: list[str]
    goals: list[str]
    open: list[str]


def field_sets(ws: Workspace) -> FieldSets:
    background, goals, opens = list(BACKGROUND_FIELDS), list(GOAL_FIELDS), list(OPEN_FIELDS)
    for name in ws.instrument_names():
        for f in ws.load_instrument(name).fields:
            if f.role == "background" and f.name not in background:
                background.append(f.name)
            elif (f.role == "goals" or f.kind == "multi") and f.name not in goals:
                goals.append(f.name)
            elif (f.role == "open" or f.kind == "text") and f.name not in opens:
                opens.append(f.name)
    return FieldSets(background, goals, opens)


def _labels(ws: Workspace) -> tuple[dict, dict]:
    """Field labels and value labels (per language) declared by the stored instruments."""
    field_labels: dict[str, dict[str, str]] = {}
    value_labels: dict[tuple[str, str], dict[str, str]] = {}
    instruments = [ws.load_instrument(name) for name in ws.instrument_names()]
    try:  # the built-in background questions' labels, for data without the client survey
        from evaltool.instruments import load_instrument

        instruments.append(load_instrument("kevat-client"))
    except Exception:  # noqa: BLE001 - a broken installation only loses the labels
        pass
    for inst in instruments:
        for f in inst.fields:
            field_labels.setdefault(f.name, f.labels)
            for code, labels in f.options:
                for text in [code, *labels.values()]:
                    value_labels.setdefault((f.name, fold(text)), labels)
    return field_labels, value_labels


# --------------------------------------------------------------------------- entry point


def collect(
    ws: Workspace,
    lang: str | None = None,
    projects: list[str] | None = None,
    keys: tuple | None = None,
) -> ReportData:
    """Read and compute everything the reports of ``ws`` show.

    ``projects`` limits the per-project rows of the outcome tables to those projects (keys);
    programme rows are always computed on all projects.
    """
    from evaltool.report.i18n import check_lang

    lang = check_lang(lang or ws.get_setting("lang") or "fi")
    min_n = ws.min_n
    if keys is None:  # (register, project infos, label → key), when already read
        register = project_register(ws)
        infos, label_to_key = _project_keys(ws, register)
    else:
        register, infos, label_to_key = keys
        infos = {
            k: ProjectInfo(v.key, v.name, list(v.labels), v.register) for k, v in infos.items()
        }
    sets = field_sets(ws)
    only = None if projects is None else set(projects)
    wide, bg_dist, opens, resp = _background(ws, label_to_key, min_n, sets, only)
    instruments = []
    for name in ws.instrument_names():
        d = _instrument_data(ws, name, label_to_key, wide, min_n, projects)
        if d is not None:
            instruments.append(d)
    field_labels, value_labels = _labels(ws)
    return ReportData(
        lang=lang,
        min_n=min_n,
        created=report_date(),
        projects=infos,
        instruments=instruments,
        background=bg_dist,
        respondents=resp,
        open_answers=opens,
        field_labels=field_labels,
        value_labels=value_labels,
        cooperation=cooperation_data(ws, min_n, full=projects is None),
        register=register,
        fields=sets,
        esf=esf_data(ws, label_to_key, min_n),
        open_min_n=int(ws.settings().get("open_min_n") or min_n),
        texts=read_texts(getattr(ws, "root", None), list(infos) if projects is None else projects),
    )
