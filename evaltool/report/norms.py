"""Population reference values (norms) and the clients' age- and sex-standardised expected
share with good quality of life.

A norm is a data file (``reports/norms/*.toml``, shipped in the wheel; an evaluator adds
others in ``WORKSPACE/norms/``; the format is in ``reports/norms/README.md``): one survey and
year, the share of the population with good quality of life per sex and age band, and its
source. :func:`load_norm` reads one file and names the file and key of anything wrong.

The clients' sex is the ``gender`` background question (option codes ``male`` / ``female``;
``other``, ``undisclosed`` and no answer have no reference value) and their age the
``age_group`` question. A client age group is compared with the survey bands it overlaps,
weighted by the years they share (:func:`age_alignment`); a group with fewer than half of its
years in the bands has no reference value. Clients without a reference value are left out of
the expected share and counted by reason.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from evaltool.errors import UserError
from evaltool.resources import data_dirs
from evaltool.text import fold

#: The folder of the norm files among the built-in report files and in a workspace.
NORMS_DIR = "norms"
#: The sexes a norm gives values for (option codes of the ``gender`` question).
SEXES = ("male", "female")
#: The upper age of an open client age group ("55 or over"): the clients of labour-market
#: projects are of working age.
OPEN_UPPER_AGE = 64
#: The lower age of a group "under N".
LOWEST_AGE = 15
#: A client age group is compared with the bands when at least this share of its years
#: lies in them.
MIN_COVERAGE = 0.5
#: The band name of a value for all ages of the survey.
ALL_AGES = "all"

#: Columns of :func:`expected_shares`.
NORM_COLUMNS = [
    "norm",
    "project",
    "wave",
    "n",
    "n_good",
    "n_compared",
    "n_no_sex",
    "n_no_age",
    "n_no_band",
    "expected",
]
#: Columns of :func:`age_alignment`.
ALIGNMENT_COLUMNS = ["age_group", "min_age", "max_age", "bands", "weights", "coverage", "status"]

_AGE_RANGE = re.compile(r"^\D*?(\d{1,3})\s*[_–—-]\s*(\d{1,3})\D*$")
_AGE_UNDER = re.compile(r"^(?:under|alle|under_|below)[\s_]*(\d{1,3})", re.I)
_AGE_OVER = re.compile(
    r"^(\d{1,3})[\s_]*(?:plus|\+|or over|vuotta tai yli|år eller äldre|-)$", re.I
)


@dataclass
class Norm:
    """One population reference: survey, year, instrument, bands and shares (0–1)."""

    id: str
    path: Path
    instrument: str
    threshold: float
    survey: str
    year: int
    label: dict[str, str]
    population: dict[str, str]
    source: dict[str, str]
    bands: list[tuple[str, int, int]]
    shares: dict[tuple[str, str], float]
    ci: dict[tuple[str, str], tuple[float, float]] = field(default_factory=dict)
    url: str = ""
    note: dict[str, str] = field(default_factory=dict)

    def text(self, what: str, lang: str) -> str:
        """``label``, ``population``, ``source`` or ``note`` in ``lang`` (else English, else
        any; empty when not given)."""
        labels = getattr(self, what)
        return labels.get(lang) or labels.get("en") or next(iter(labels.values()), "")


def _need(table: dict, key: str, where: str, kind: type | tuple):
    if key not in table:
        raise UserError(f"{where}: key {key!r} missing")
    value = table[key]
    if isinstance(value, bool) or not isinstance(value, kind):
        raise UserError(f"{where}: key {key!r} has the wrong type ({type(value).__name__})")
    return value


def _languages(value, where: str) -> dict[str, str]:
    if isinstance(value, str):
        return {"fi": value, "sv": value, "en": value}
    if not isinstance(value, dict) or not all(isinstance(v, str) for v in value.values()):
        raise UserError(f"{where}: give a text or a table of texts by language (fi, sv, en)")
    return dict(value)


def _percent(value, where: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 100:
        raise UserError(f"{where}: a percentage between 0 and 100, not {value!r}")
    return float(value) / 100


def load_norm(path: str | Path) -> Norm:
    """Read one norm file.

    Parameters
    ----------
    path : str or Path
        A TOML file in the format of ``reports/norms/README.md``.

    Returns
    -------
    Norm
        Shares as proportions (0–1) by (sex, band); ``band`` ``"all"`` for all ages.

    Raises
    ------
    UserError
        Naming the file and the key: unreadable TOML, a missing or mistyped key, a share
        outside 0–100, overlapping bands, a value for an unknown band or sex, a pair given
        twice.
    """
    path = Path(path)
    try:
        with path.open("rb") as f:
            data = tomllib.load(f)
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise UserError(f"{path}: not a readable TOML file ({exc})") from exc
    head = _need(data, "norm", str(path), dict)
    where = f"{path} [norm]"
    measure = _need(head, "measure", where, str)
    if measure != "good":
        raise UserError(f"{where}: key 'measure' must be \"good\", not {measure!r}")
    norm = Norm(
        id=path.stem,
        path=path,
        instrument=_need(head, "instrument", where, str),
        threshold=float(_need(head, "threshold", where, int | float)),
        survey=_need(head, "survey", where, str),
        year=int(_need(head, "year", where, int)),
        label=_languages(_need(head, "label", where, str | dict), f"{where} label"),
        population=_languages(head.get("population", ""), f"{where} population"),
        source=_languages(_need(head, "source", where, str | dict), f"{where} source"),
        bands=[],
        shares={},
        url=str(head.get("url", "")),
        note=_languages(head.get("note", {}), f"{where} note"),
    )
    for k, band in enumerate(_need(data, "bands", str(path), list)):
        w = f"{path} [[bands]] #{k + 1}"
        name = _need(band, "name", w, str)
        lo, hi = _need(band, "min_age", w, int), _need(band, "max_age", w, int)
        if hi < lo:
            raise UserError(f"{w}: max_age {hi} is below min_age {lo}")
        for other, olo, ohi in norm.bands:
            if lo <= ohi and olo <= hi:
                raise UserError(f"{w}: band {name!r} overlaps band {other!r}")
        norm.bands.append((name, lo, hi))
    names = {b[0] for b in norm.bands} | {ALL_AGES}
    for k, value in enumerate(_need(data, "values", str(path), list)):
        w = f"{path} [[values]] #{k + 1}"
        sex, band = _need(value, "sex", w, str), _need(value, "band", w, str)
        if sex not in SEXES:
            raise UserError(f"{w}: key 'sex' is {sex!r}; sexes: {', '.join(SEXES)}")
        if band not in names:
            raise UserError(f"{w}: key 'band' {band!r} is not a band of the file")
        if (sex, band) in norm.shares:
            raise UserError(f"{w}: {sex} {band} is given twice")
        norm.shares[(sex, band)] = _percent(_need(value, "percent", w, int | float), w)
        if "ci_low" in value or "ci_high" in value:
            norm.ci[(sex, band)] = (
                _percent(value.get("ci_low"), f"{w} ci_low"),
                _percent(value.get("ci_high"), f"{w} ci_high"),
            )
    return norm


def norm_files(workspace_root: str | Path | None = None) -> list[Path]:
    """The norm files: the built-in ones, then the workspace's ``norms/`` (a workspace file
    replaces the built-in file of the same name)."""
    folders = [d / NORMS_DIR for d in data_dirs("reports")[:1]]
    if workspace_root is not None:
        folders.append(Path(workspace_root) / NORMS_DIR)
    found: dict[str, Path] = {}
    for folder in folders:
        if folder.is_dir():
            for p in sorted(folder.glob("*.toml")):
                found[p.stem] = p
    return list(found.values())


def load_norms(
    workspace_root: str | Path | None = None, instrument: str | None = None
) -> list[Norm]:
    """Every norm (:func:`norm_files`), or those of ``instrument``, newest survey first."""
    norms = [load_norm(p) for p in norm_files(workspace_root)]
    if instrument is not None:
        norms = [n for n in norms if n.instrument == instrument]
    return sorted(norms, key=lambda n: (-n.year, n.id))


def age_bounds(code: str) -> tuple[int, int] | None:
    """The ages (inclusive) of a client age-group code or label: ``25_34`` → (25, 34),
    ``under_25`` → (15, 24), ``55_plus`` → (55, 64) (:data:`OPEN_UPPER_AGE`); None when the
    text names no ages."""
    text = str(code).strip()
    if m := _AGE_UNDER.match(text):
        return LOWEST_AGE, int(m.group(1)) - 1
    if m := _AGE_OVER.match(text):
        return int(m.group(1)), max(OPEN_UPPER_AGE, int(m.group(1)))
    if m := _AGE_RANGE.match(text):
        lo, hi = int(m.group(1)), int(m.group(2))
        return (lo, hi) if lo <= hi else None
    return None


def age_alignment(norm: Norm, groups: Sequence[str]) -> pd.DataFrame:
    """How each client age group meets the norm's age bands.

    Parameters
    ----------
    norm : Norm
        The population reference.
    groups : sequence of str
        Age-group codes of the clients (``age_group`` answers).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`ALIGNMENT_COLUMNS`: ``bands`` and ``weights`` (lists: the bands
        overlapped and the years shared with each, divided by the years in bands),
        ``coverage`` (share of the group's years in bands) and ``status``: ``aligned`` (the
        group is one band), ``partial`` (compared with the bands it overlaps), ``none`` (no
        reference value: coverage below :data:`MIN_COVERAGE`) or ``unknown`` (no ages).

    Notes
    -----
    For a group of ages :math:`[a, b]` and bands :math:`[l_k, u_k]` the reference share is
    :math:`\\sum_k o_k p_k / \\sum_k o_k` with :math:`o_k = |[a, b] \\cap [l_k, u_k]|` years:
    ages are taken as evenly spread within the group.
    """
    rows = []
    for g in groups:
        bounds = age_bounds(g)
        if bounds is None:
            rows.append((g, np.nan, np.nan, [], [], 0.0, "unknown"))
            continue
        lo, hi = bounds
        over = [(name, min(hi, bhi) - max(lo, blo) + 1) for name, blo, bhi in norm.bands]
        over = [(name, y) for name, y in over if y > 0]
        years = sum(y for _, y in over)
        coverage = years / (hi - lo + 1)
        if coverage < MIN_COVERAGE or not over:
            status = "none"
        elif len(over) == 1 and any(b[1:] == (lo, hi) for b in norm.bands):
            status = "aligned"
        else:
            status = "partial"
        names = [n for n, _ in over] if status != "none" else []
        weights = [y / years for _, y in over] if status != "none" else []
        rows.append((g, lo, hi, names, weights, coverage, status))
    return pd.DataFrame(rows, columns=ALIGNMENT_COLUMNS)


def cell_shares(norm: Norm, groups: Sequence[str]) -> dict[tuple[str, str], float]:
    """The reference share of each (sex, client age group) cell that has one."""
    out = {}
    for r in age_alignment(norm, groups).itertuples(index=False):
        if r.status in ("none", "unknown"):
            continue
        for sex in SEXES:
            parts = [
                (norm.shares.get((sex, b)), w) for b, w in zip(r.bands, r.weights, strict=True)
            ]
            if all(p is not None for p, _ in parts):
                out[(sex, r.age_group)] = float(sum(p * w for p, w in parts))
    return out


def standardised_share(counts: dict[tuple[str, str], int], shares: dict) -> float:
    """The expected share with good quality of life of a group of clients: the population
    share of each client's sex × age cell, averaged over the clients (direct
    standardisation).

    Parameters
    ----------
    counts : dict
        (sex, age group) → number of clients; cells without a reference share are left out.
    shares : dict
        (sex, age group) → population share (0–1), :func:`cell_shares`.

    Returns
    -------
    float
        :math:`E = \\sum_c n_c p_c / \\sum_c n_c` over the cells ``c`` with a share; NaN
        when no client has one.

    Notes
    -----
    The share the clients would have if each had the population's share of their sex and
    age group; comparing the observed share with it removes the difference that only the
    clients' sex and age make.

    Examples
    --------
    >>> standardised_share({("male", "35_44"): 3, ("female", "35_44"): 1},
    ...                    {("male", "35_44"): 0.8, ("female", "35_44"): 0.9})
    0.825

    In R: ``weighted.mean(c(0.8, 0.9), c(3, 1))``.
    """
    num = den = 0
    for cell, n in counts.items():
        if cell in shares and n > 0:
            num += n * shares[cell]
            den += n
    return num / den if den else float("nan")


def _code_lookup() -> dict[str, dict[str, str]]:
    """Folded option code or label → option code, of the gender and age-group questions."""
    from evaltool.mapping.fields import standard_background_fields

    out: dict[str, dict[str, str]] = {}
    for name, fld in standard_background_fields().items():
        if name in ("gender", "age_group"):
            look = out.setdefault(name, {})
            for code, labels in fld.options:
                for text in (code, *labels.values()):
                    look.setdefault(fold(text), code)
    return out


def client_cells(background: pd.DataFrame) -> pd.DataFrame:
    """project, respondent, sex and age_group (option codes, None when not given) of every
    client of ``background`` (one row per client, as ``wide_background`` gives)."""
    look = _code_lookup()
    out = background[["project", "respondent"]].copy()
    for col, name in (("sex", "gender"), ("age_group", "age_group")):
        if name not in background:
            out[col] = None
            continue
        values = background[name]
        codes, uniq = pd.factorize(values)
        mapped = np.array(
            [look.get(name, {}).get(fold(u), str(u)) for u in uniq] + [None], dtype=object
        )
        out[col] = mapped[codes]
    return out


def expected_shares(
    scores: pd.DataFrame,
    background: pd.DataFrame,
    norms: Sequence[Norm],
    column: str,
    threshold: float,
    min_n: int,
    projects: Sequence[str] | None = None,
) -> tuple[pd.DataFrame, dict[str, pd.DataFrame]]:
    """The clients' share with good quality of life per wave and the population's expected
    share for the same clients, per norm, project and the programme.

    Parameters
    ----------
    scores : pandas.DataFrame
        project, wave, respondent, discarded and ``column`` (one row per response).
    background : pandas.DataFrame
        One row per client: project, respondent, gender, age_group.
    norms : sequence of Norm
        The population references.
    column, threshold : str, float
        Good quality of life: ``column ≥ threshold``.
    min_n : int
        The programme rows rest on the projects whose own yes / no counts are shown (n, the
        good and the not-good at least ``min_n`` or 0), as the good-quality-of-life table's.
    projects : sequence of str, optional
        Projects whose rows are returned (default: all); the programme row always.

    Returns
    -------
    tuple
        The table (columns :data:`NORM_COLUMNS`; ``project`` None = programme; ``expected``
        by :func:`standardised_share` over the ``n_compared`` clients with a sex and an
        age group with a reference value; ``n_no_sex``, ``n_no_age``, ``n_no_band`` count
        the others by reason, in that order) and each norm's :func:`age_alignment` by id.
        Counts are not withheld here: the report withholds them (:func:`withheld`).
    """
    s = scores[~scores["discarded"].astype(bool) & scores[column].notna()]
    s = s[["project", "wave", "respondent", column]]
    cells = client_cells(background)
    s = s.merge(cells, on=["project", "respondent"], how="left")
    s["good"] = s[column].to_numpy(dtype=float) >= threshold - 1e-9
    groups = sorted(str(g) for g in pd.unique(s["age_group"].dropna()))
    # the projects in the programme row, per wave (as the good-quality-of-life table's)
    per = s.groupby(["wave", "project"]).agg(n=("good", "size"), k=("good", "sum"))
    ok = (
        (per["n"] >= min_n)
        & ((per["k"] == 0) | (per["k"] >= min_n))
        & ((per["n"] - per["k"] == 0) | (per["n"] - per["k"] >= min_n))
    )
    shown = set(per.index[ok.to_numpy()])
    in_prog = pd.MultiIndex.from_frame(s[["wave", "project"]]).isin(list(shown))
    prog = s[in_prog].assign(project=None) if len(s) else s.assign(project=None)
    mine = s if projects is None else s[s["project"].isin(list(projects))]
    both = pd.concat([prog, mine], ignore_index=True)
    rows, alignments = [], {}
    for norm in norms:
        align = age_alignment(norm, groups)
        alignments[norm.id] = align
        shares = cell_shares(norm, groups)
        known = set(align.loc[align["status"] != "unknown", "age_group"])
        no_sex = ~both["sex"].isin(SEXES).to_numpy()
        no_age = ~no_sex & ~both["age_group"].isin(known).to_numpy()
        ref = pd.DataFrame(
            [(x, a, v) for (x, a), v in shares.items()], columns=["sex", "age_group", "p"]
        )
        p = both[["sex", "age_group"]].merge(ref, how="left")["p"].to_numpy(dtype=float)
        frame = both.assign(
            p=p,
            compared=~np.isnan(p),
            no_sex=no_sex,
            no_age=no_age,
            no_band=~no_sex & ~no_age & np.isnan(p),
            _key=both["project"].fillna("\x00"),
        )
        g = frame.groupby(["_key", "wave"], sort=True)
        out = g.agg(
            n=("good", "size"),
            n_good=("good", "sum"),
            n_compared=("compared", "sum"),
            n_no_sex=("no_sex", "sum"),
            n_no_age=("no_age", "sum"),
            n_no_band=("no_band", "sum"),
            expected=("p", "mean"),
        ).reset_index()
        out["project"] = out["_key"].where(out["_key"] != "\x00", None)
        out["norm"] = norm.id
        rows.append(out[NORM_COLUMNS])
    if not rows:
        return pd.DataFrame(columns=NORM_COLUMNS), alignments
    table = pd.concat(rows, ignore_index=True)
    table = table.assign(_p=table["project"].notna()).sort_values(
        ["norm", "_p", "project", "wave"], na_position="first", kind="stable"
    )
    return table.drop(columns="_p").reset_index(drop=True), alignments


def withheld(table: pd.DataFrame, min_n: int) -> dict[str, np.ndarray]:
    """Cells of :func:`expected_shares` a report withholds: the expected share of fewer
    than ``min_n`` clients compared; the number compared (and the counts by reason) when the
    clients left out are between 1 and ``min_n − 1`` (it would give a small count away by
    subtraction from ``n``)."""
    left = (table["n"] - table["n_compared"]).to_numpy()
    small_left = (left > 0) & (left < min_n)
    few = table["n_compared"].to_numpy() < min_n
    reasons = {
        c: (lambda v: (v > 0) & (v < min_n))(table[c].to_numpy())
        for c in ("n_no_sex", "n_no_age", "n_no_band")
    }
    any_small_reason = np.logical_or.reduce(list(reasons.values()))
    return {
        "expected": few,
        "n_compared": small_left | few,
        **{c: v | small_left | any_small_reason for c, v in reasons.items()},
    }


@dataclass
class NormData:
    """An instrument's comparison with the population: the norms, :func:`expected_shares`
    and each norm's :func:`age_alignment`."""

    norms: list[Norm]
    table: pd.DataFrame
    alignment: dict[str, pd.DataFrame]


def norm_data(
    ws, inputs, background: pd.DataFrame, min_n: int, projects: Sequence[str] | None = None
) -> NormData | None:
    """The population comparison of one instrument of workspace ``ws``, or None when the
    instrument has no good-quality-of-life rule or no norm.

    Parameters
    ----------
    ws : Workspace
        The workspace (its ``norms/`` folder is read besides the built-in norms).
    inputs : OutcomeInputs
        The instrument's scores (:func:`evaltool.indicators.workspace_tables.outcome_inputs`).
    background : pandas.DataFrame
        One row per client with the background answers.
    min_n : int
        The reports' smallest group.
    projects : sequence of str, optional
        Projects whose rows are computed (the programme row always).

    Returns
    -------
    NormData or None
    """
    from evaltool.indicators.workspace_tables import good_qol_rule

    rule = good_qol_rule(inputs.instrument)
    if rule is None:
        return None
    norms = load_norms(getattr(ws, "root", None), inputs.instrument.name)
    if not norms:
        return None
    column, threshold = rule
    norms = [n for n in norms if abs(n.threshold - threshold) < 1e-9]
    if not norms:
        return None
    table, alignment = expected_shares(
        inputs.scores, background, norms, column, threshold, min_n, projects
    )
    return NormData(norms, table, alignment)
