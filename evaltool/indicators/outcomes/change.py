"""Paired change between two waves and the Reliable Change Index (Jacobson & Truax 1991), per
domain for the programme and each project: means, the paired t-test and its interval, the
Wilcoxon signed-rank test, Holm-adjusted p-values, Cohen's d_z and d_av, and reliable-change
categories. Checked against R's ``t.test(paired = TRUE)``,
``wilcox.test(exact = FALSE, correct = TRUE)``, ``p.adjust(method = "holm")`` and
``psych::alpha`` (tests/r/outcomes.R).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from evaltool.indicators.outcomes.columns import (
    NOTE_D_AV,
    NOTE_NO_CHANGE,
    NOTE_T_CONSTANT,
    NOTE_TOO_FEW,
    PAIRED_COLUMNS,
    RCI_COLUMNS,
    RCI_COUNTS,
    RCI_Z,
)
from evaltool.indicators.outcomes.frames import (
    documented_frame,
    empty_table,
    merge_notes,
    notes,
    programme_first,
    withhold_rows,
)
from evaltool.indicators.outcomes.panel import (
    Panel,
    build_panel,
    domain_names,
    programme_and_projects,
    project_labels,
    resolve_waves,
)
from evaltool.indicators.outcomes.reliability import AlphaArrays, alpha_arrays
from evaltool.indicators.stats import (
    cohens_d_av_from_summary,
    cohens_dz_from_summary,
    grouped_mean_sd,
    grouped_wilcoxon_signed_rank,
    holm,
    t_test_from_summary,
)


def change_stats(
    g: np.ndarray, n_groups: int, score_from: np.ndarray, score_to: np.ndarray
) -> dict:
    """Paired-change statistics of ``score_to − score_from`` per group code, all groups in one pass.

    Parameters
    ----------
    g : numpy.ndarray
        Integer group code of each paired client, ``0 … n_groups − 1``.
    n_groups : int
        Number of groups.
    score_from, score_to : numpy.ndarray
        The clients' scores at the two waves (complete pairs).

    Returns
    -------
    dict of str to numpy.ndarray
        One array per group for ``n``, the ``CHANGE_STATS`` of :data:`PAIRED_COLUMNS`
        (``mean_from`` … ``p``), ``dz``, ``d_av``, ``wilcoxon_v``, ``wilcoxon_p`` and
        ``note``.

    Notes
    -----
    Formulas in :func:`paired_change`. Equal changes (also equal up to rounding noise, as R's
    ``t.test`` judges "essentially constant") leave the t-test and ``dz`` undefined
    (:data:`NOTE_T_CONSTANT`); SDs that are rounding noise of equal scores
    (``sd_from + sd_to ≤ 1e-12 · max(|mean_from|, |mean_to|, 1)``) leave ``d_av`` undefined
    (:data:`NOTE_D_AV`); no changed score leaves the Wilcoxon test undefined
    (:data:`NOTE_NO_CHANGE`); a single client gets :data:`NOTE_TOO_FEW`.
    """
    d = score_to - score_from
    n, mean_from, sd_from = grouped_mean_sd(score_from, g, n_groups)
    _, mean_to, sd_to = grouped_mean_sd(score_to, g, n_groups)
    _, mean_d, sd_d = grouped_mean_sd(d, g, n_groups)
    tt = t_test_from_summary(mean_d, sd_d, n)
    wil = grouped_wilcoxon_signed_rank(d, g, n_groups)
    # equal changes (also equal up to rounding noise, as R's t.test judges "essentially
    # constant") leave the t-test and dz undefined; SDs that are rounding noise of equal
    # scores leave d_av undefined
    t_undefined = (n > 1) & ~np.isfinite(np.asarray(tt.t, dtype=float))
    level = np.fmax(np.fmax(np.abs(mean_from), np.abs(mean_to)), 1.0)
    with np.errstate(invalid="ignore"):
        flat = (n > 1) & (sd_from + sd_to <= 1e-12 * level)
    note = notes(
        n_groups,
        (n == 1, NOTE_TOO_FEW),
        (t_undefined, NOTE_T_CONSTANT),
        ((n > 1) & (wil.n == 0), NOTE_NO_CHANGE),
        (flat, NOTE_D_AV),
    )
    return {
        "n": n,
        "mean_from": mean_from,
        "mean_to": mean_to,
        "sd_from": sd_from,
        "sd_to": sd_to,
        "mean_diff": mean_d,
        "sd_diff": sd_d,
        "ci_low": tt.ci_low,
        "ci_high": tt.ci_high,
        "t": tt.t,
        "df": tt.df,
        "p": tt.p,
        "dz": np.where(t_undefined, np.nan, cohens_dz_from_summary(mean_d, sd_d)),
        "d_av": np.where(flat, np.nan, cohens_d_av_from_summary(mean_d, sd_from, sd_to)),
        "wilcoxon_v": wil.v,
        "wilcoxon_p": wil.p,
        "note": note,
    }


@dataclass
class RciReference:
    """SD₁ and α of one domain at the baseline wave, and ``S_diff`` (NaN with a ``note``
    when the reliable change index is not defined or not computed).
    """

    sd1: float
    n_sd: int
    alpha: float
    n_alpha: int
    s_diff: float
    note: str | None


def rci_reference(
    panel: Panel, alphas: AlphaArrays, d: str, i_from: int, min_n: int
) -> RciReference:
    """SD₁, α and ``S_diff = √2 · SD₁ · √(1 − α)`` of domain ``d`` at wave index ``i_from``.

    Parameters
    ----------
    panel : Panel
        The scores as ``(wave, client)`` arrays (:func:`~.panel.build_panel`).
    alphas : AlphaArrays
        Cronbach's alpha per domain and wave (:func:`~.reliability.alpha_arrays`).
    d : str
        The domain.
    i_from : int
        Index of the baseline wave in ``panel.waves``.
    min_n : int
        SD₁ and α must each rest on at least ``max(min_n, 2)`` responses.

    Returns
    -------
    RciReference
        ``sd1`` (SD, ``n − 1``, of all scored baseline responses of the programme), ``n_sd``,
        ``alpha`` (programme, complete cases), ``n_alpha``, ``s_diff`` and ``note``.

    Notes
    -----
    ``S_diff`` is defined only for ``SD₁ > 0`` and ``0 < α < 1``: a zero SD or ``α = 1``
    would divide by zero, an undefined α (the item sum does not vary) gives no reliability,
    and ``α ≤ 0`` is no reliability coefficient (Jacobson & Truax need ``0 < r_xx < 1``).
    Otherwise ``s_diff`` is NaN and ``note`` says why: no item values, too few baseline
    responses, ``SD = 0`` (up to rounding noise), α undefined, α = 1 (up to rounding noise),
    α ≤ 0.

    References
    ----------
    Jacobson, N. S., & Truax, P. (1991). Clinical significance: a statistical approach to
    defining meaningful change in psychotherapy research. Journal of Consulting and Clinical
    Psychology 59(1):12–19.
    """
    base = panel.score[d][i_from]
    base = base[np.isfinite(base)]
    n_sd = base.size
    sd1 = float(base.std(ddof=1)) if n_sd > 1 else np.nan
    n_alpha = int(alphas.n_prog[d][i_from]) if d in alphas.k else 0
    alpha = float(alphas.alpha_prog[d][i_from]) if d in alphas.k else np.nan
    if d not in alphas.k:
        note = "reliable change not computed: no item values for Cronbach's alpha"
    elif n_sd < max(min_n, 2) or n_alpha < max(min_n, 2):
        note = "reliable change not computed: too few baseline responses for SD and alpha"
    elif not sd1 > 1e-12 * max(1.0, abs(float(base.mean()))):  # 0 up to rounding noise
        note = "reliable change not defined: baseline scores do not vary (SD = 0)"
    elif not np.isfinite(alpha):
        note = "reliable change not defined: alpha undefined (baseline item sum does not vary)"
    elif alpha >= 1 - 1e-12:  # 1 up to rounding noise, e.g. identical items
        note = "reliable change not defined: alpha is 1"
    elif alpha <= 0:
        note = "reliable change not defined: alpha is 0 or below"
    else:
        note = None
    s_diff = float(np.sqrt(2) * sd1 * np.sqrt(1 - alpha)) if note is None else np.nan
    return RciReference(sd1, n_sd, alpha, n_alpha, s_diff, note)


def rci_counts(g: np.ndarray, n_groups: int, d: np.ndarray, s_diff: float) -> dict:
    """Clients per group code reliably improved, unchanged and deteriorated, with their shares.

    Parameters
    ----------
    g : numpy.ndarray
        Integer group code of each paired client.
    n_groups : int
        Number of groups.
    d : numpy.ndarray
        Each client's change ``to − from``.
    s_diff : float
        The standard error of the difference (:func:`rci_reference`).

    Returns
    -------
    dict of str to numpy.ndarray
        ``n`` and the ``RCI_COUNTS`` (``improved``, ``unchanged``, ``deteriorated`` and their
        ``*_share``) per group; the counts and shares are missing when ``S_diff`` is NaN.

    Notes
    -----
    Improved: ``d / S_diff > 1.96``; deteriorated: ``d / S_diff < −1.96``; the rest unchanged.
    """
    n = np.bincount(g, minlength=n_groups)
    if not np.isfinite(s_diff):
        nan = np.full(n_groups, np.nan)
        return {"n": n, **{c: nan for c in RCI_COUNTS}}
    rci = d / s_diff
    imp = np.bincount(g, rci > RCI_Z, minlength=n_groups)
    det = np.bincount(g, rci < -RCI_Z, minlength=n_groups)
    unc = n - imp - det
    with np.errstate(divide="ignore", invalid="ignore"):
        return {
            "n": n,
            "improved": imp,
            "unchanged": unc,
            "deteriorated": det,
            "improved_share": imp / n,
            "unchanged_share": unc / n,
            "deteriorated_share": det / n,
        }


def reliable_change_from_panel(
    panel: Panel, alphas: AlphaArrays, from_wave: int, to_wave: int, min_n: int
) -> pd.DataFrame:
    """:func:`reliable_change` of a panel (``from_wave < 0``: fewer than two waves).

    Parameters
    ----------
    panel : Panel
        The scores as ``(wave, client)`` arrays (:func:`~.panel.build_panel`).
    alphas : AlphaArrays
        Cronbach's alpha per domain and wave (:func:`~.reliability.alpha_arrays`).
    from_wave, to_wave : int
        The compared waves (:func:`~.panel.resolve_waves`; ``from_wave < 0``: fewer than two
        waves, an empty table).
    min_n : int
        Rows resting on fewer clients are withheld.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`RCI_COLUMNS`; see :func:`reliable_change`.
    """
    if from_wave < 0 or not panel.domains:
        return empty_table(RCI_COLUMNS)
    i_from, i_to = panel.wave_index(from_wave), panel.wave_index(to_wave)
    frames = []
    for d in panel.domains:
        s = panel.score[d]
        both = np.isfinite(s[i_from]) & np.isfinite(s[i_to])
        diff = (s[i_to] - s[i_from])[both]
        ref = rci_reference(panel, alphas, d, i_from, min_n)
        data = programme_and_projects(
            panel,
            panel.client_project[both],
            (diff, ref.s_diff),
            rci_counts,
        )
        labels = project_labels(panel)
        data.update(
            project=labels,
            domain=d,
            from_wave=from_wave,
            to_wave=to_wave,
            sd_baseline=ref.sd1 if ref.n_sd >= min_n else np.nan,
            n_sd_baseline=ref.n_sd,
            alpha=ref.alpha if ref.n_alpha >= min_n else np.nan,
            n_alpha=ref.n_alpha,
            s_diff=ref.s_diff,
            rci_critical=RCI_Z * ref.s_diff,
            note=np.full(len(labels), ref.note, dtype=object),
        )
        frames.append(documented_frame(RCI_COLUMNS, data))
    df = programme_first(pd.concat(frames, ignore_index=True))
    return withhold_rows(df, RCI_COLUMNS, df["n"].to_numpy() < min_n)


def reliable_change(
    scores: pd.DataFrame,
    items: pd.DataFrame | None,
    domains: Mapping[str, Sequence[str]],
    *,
    min_n: int = 5,
    from_wave: int | None = None,
    to_wave: int | None = None,
    projects: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Reliable Change Index categories (Jacobson & Truax 1991) per domain.

    Parameters
    ----------
    scores : pandas.DataFrame
        Scored responses, one row per stored response: ``project``, ``wave``, ``respondent``,
        optional ``discarded`` and a 0–100 score column per domain (see
        :mod:`evaltool.indicators.outcomes`).
    items : pandas.DataFrame or None
        Item values (already reversed where the instrument reverses them) keyed by
        ``project``, ``wave`` and ``respondent``; None without item values.
    domains : mapping of str to sequence of str
        Each domain's item columns in ``items``.
    min_n : int, default 5
        Rows resting on fewer clients are withheld.
    from_wave, to_wave : int, optional
        The compared waves (default: the first and the last wave present).
    projects : sequence of str, optional
        The projects that get rows (default: all); the programme row always uses all
        projects in ``scores``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`RCI_COLUMNS`: per programme/project and domain the ``n`` paired
        clients, ``sd_baseline`` (SD₁) and ``alpha`` with the numbers of responses they rest on
        (``n_sd_baseline``, ``n_alpha``), ``s_diff``, ``rci_critical``, the counts and shares
        of clients improved / unchanged / deteriorated, ``note`` and ``suppressed``.

    Notes
    -----
        RCI = (to − from) / (√2 · SD₁ · √(1 − α))

    (Jacobson & Truax 1991, with the √2 of Christensen & Mendoza 1986), where ``to − from``
    is the client's change on the 0–100 scale, ``SD₁`` is the SD (n − 1) of all scored
    ``from_wave`` responses in the programme (one per client, discarded responses excluded)
    and ``α`` Cronbach's alpha of the ``from_wave`` item values (after reversal) in the
    programme, complete cases. Clients with ``RCI > 1.96`` are *improved*, ``RCI < −1.96``
    *deteriorated*, the rest *unchanged*; ``rci_critical = 1.96 · S_diff`` is the change in
    score points needed (``S_diff = √2 · SD₁ · √(1 − α)``).

    The categories are missing, with a ``note`` saying why, without ``items`` (no α), when
    ``SD₁`` or ``α`` rest on fewer than ``min_n`` responses, and when the index is not
    defined: ``SD₁ = 0``, ``α`` undefined (the baseline item sum does not vary), ``α = 1`` or
    ``α ≤ 0``. A row with fewer than ``min_n`` paired clients is withheld: it keeps its keys,
    ``n``, ``n_sd_baseline`` and ``n_alpha`` and has ``suppressed = True``.

    Tested against R (tests/r/outcomes.R).

    References
    ----------
    Jacobson, N. S., & Truax, P. (1991). Clinical significance: a statistical approach to
    defining meaningful change in psychotherapy research. Journal of Consulting and Clinical
    Psychology 59(1):12–19.

    Christensen, L., & Mendoza, J. L. (1986). A method of assessing change in a single
    subject: an alteration of the RC index. Behavior Therapy 17(3):305–308.

    Cronbach, L. J. (1951). Coefficient alpha and the internal structure of tests.
    Psychometrika 16(3):297–334.

    Examples
    --------
    >>> import pandas as pd
    >>> scores = pd.DataFrame({
    ...     "project": ["A"] * 12,
    ...     "wave": [1] * 6 + [2] * 6,
    ...     "respondent": ["r1", "r2", "r3", "r4", "r5", "r6"] * 2,
    ...     "qol": [40, 55, 60, 35, 50, 45, 50, 60, 58, 50, 62, 55.0],
    ... })
    >>> items = scores[["project", "wave", "respondent"]].assign(
    ...     i1=[2, 3, 4, 1, 3, 2, 3, 4, 3, 3, 4, 3],
    ...     i2=[2, 3, 3, 2, 3, 3, 3, 3, 4, 2, 4, 3],
    ...     i3=[1, 3, 4, 1, 2, 2, 3, 4, 4, 3, 3, 3],
    ... )
    >>> from evaltool.indicators.outcomes import reliable_change
    >>> # In R: (y - x) / (sqrt(2) * sd(x_all) * sqrt(1 - alpha)), alpha from psych::alpha
    >>> rci = reliable_change(scores, items, {"qol": ["i1", "i2", "i3"]})
    >>> rci[["project", "n", "alpha", "s_diff", "improved", "unchanged"]].round(4)
      project  n  alpha  s_diff  improved  unchanged
    0    None  6  0.885  4.4861         4          2
    1       A  6  0.885  4.4861         4          2
    """
    panel = build_panel(scores, domain_names(domains), projects=projects)
    waves = resolve_waves(panel, from_wave, to_wave)
    return reliable_change_from_panel(panel, alpha_arrays(items, panel, domains), *waves, min_n)


def paired_from_panel(
    panel: Panel,
    alphas: AlphaArrays,
    from_wave: int,
    to_wave: int,
    min_n: int,
    release: bool = False,
) -> pd.DataFrame:
    """:func:`paired_change` of a panel (``from_wave < 0``: fewer than two waves).

    Parameters
    ----------
    panel : Panel
        The scores as ``(wave, client)`` arrays (:func:`~.panel.build_panel`).
    alphas : AlphaArrays
        Cronbach's alpha per domain and wave, for the reliable-change counts
        (:func:`~.reliability.alpha_arrays`).
    from_wave, to_wave : int
        The compared waves (:func:`~.panel.resolve_waves`; ``from_wave < 0``: fewer than two
        waves, an empty table).
    min_n : int
        Rows resting on fewer clients are withheld.
    release : bool, default False
        The programme row rests only on the projects whose own row is shown (reports:
        :mod:`evaltool.indicators.suppression`, "one release").

    Returns
    -------
    pandas.DataFrame
        Columns :data:`PAIRED_COLUMNS`; see :func:`paired_change`.
    """
    if from_wave < 0 or not panel.domains:
        return empty_table(PAIRED_COLUMNS)
    i_from, i_to = panel.wave_index(from_wave), panel.wave_index(to_wave)
    frames = []
    for d in panel.domains:
        s = panel.score[d]
        both = np.isfinite(s[i_from]) & np.isfinite(s[i_to])
        score_from, score_to = s[i_from][both], s[i_to][both]
        g = panel.client_project[both]
        keep = min_n if release else None
        data = programme_and_projects(panel, g, (score_from, score_to), change_stats, keep)
        ref = rci_reference(panel, alphas, d, i_from, min_n)
        rci = programme_and_projects(
            panel, g, (score_to - score_from, ref.s_diff), rci_counts, keep
        )
        rci.pop("n")
        data.update(rci)
        data.update(
            project=project_labels(panel),
            domain=d,
            from_wave=from_wave,
            to_wave=to_wave,
            rci_critical=RCI_Z * ref.s_diff,
            note=merge_notes(data["note"], ref.note),
        )
        frames.append(documented_frame(PAIRED_COLUMNS, data))
    df = pd.concat(frames, ignore_index=True)
    withheld = df["n"].to_numpy() < min_n
    p = np.where(withheld, np.nan, df["p"].to_numpy(float))
    df["p_holm"] = holm(p, df["project"].fillna("\x00programme").to_numpy(object))
    df = programme_first(df)
    return withhold_rows(df, PAIRED_COLUMNS, df["n"].to_numpy() < min_n)


def paired_change(
    scores: pd.DataFrame,
    items: pd.DataFrame | None,
    domains: Mapping[str, Sequence[str]] | Sequence[str],
    *,
    min_n: int = 5,
    from_wave: int | None = None,
    to_wave: int | None = None,
    projects: Sequence[str] | None = None,
) -> pd.DataFrame:
    """Paired change from ``from_wave`` to ``to_wave`` per domain, programme and projects.

    Parameters
    ----------
    scores : pandas.DataFrame
        Scored responses, one row per stored response: ``project``, ``wave``, ``respondent``,
        optional ``discarded`` and a 0–100 score column per domain (see
        :mod:`evaltool.indicators.outcomes`).
    items : pandas.DataFrame or None
        Item values (already reversed where the instrument reverses them) keyed by
        ``project``, ``wave`` and ``respondent``; None without item values.
        Needed only for the reliable-change counts.
    domains : mapping of str to sequence of str, or sequence of str
        The domains (score columns of ``scores``); a mapping also gives each domain's items.
    min_n : int, default 5
        Rows resting on fewer clients are withheld.
    from_wave, to_wave : int, optional
        The compared waves (default: the first and the last wave present).
    projects : sequence of str, optional
        The projects that get rows (default: all); the programme row always uses all
        projects in ``scores``.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`PAIRED_COLUMNS`: keys ``project`` (None for the programme),
        ``domain``, ``from_wave``, ``to_wave``; ``n`` paired clients; ``mean_from``,
        ``mean_to``, ``sd_from``, ``sd_to``, ``mean_diff``, ``sd_diff``; ``ci_low``,
        ``ci_high``, ``t``, ``df``, ``p`` of the paired t-test; ``p_holm``; ``dz``, ``d_av``;
        ``wilcoxon_v``, ``wilcoxon_p``; ``rci_critical`` and the reliable-change counts and
        shares; ``note``; ``suppressed``. The programme row comes first, then the projects in
        name order.

    Notes
    -----
    On the ``n`` clients scored in the domain at both waves, with ``d = to − from``:

    - mean and SD at each wave; ``mean_diff``, ``sd_diff``;
    - 95 % interval ``mean_diff ± t(0.975, n − 1) · sd_diff/√n`` and the paired t-test (R
      ``t.test(to, from, paired = TRUE)``);
    - the Wilcoxon signed-rank test with normal approximation and continuity correction on
      differences rounded to 1e-9 (R ``wilcox.test(paired = TRUE, exact = FALSE,
      correct = TRUE)``; ``V`` = sum of ranks of positive changes);
    - ``p_holm``: Holm (1979) adjustment across the domains of the same project and
      comparison (R ``p.adjust(p, "holm")``);
    - ``dz = mean_diff/sd_diff`` and ``d_av = mean_diff/((sd_from + sd_to)/2)`` (Lakens 2013);
    - reliable-change counts (see :func:`reliable_change`, needs ``items``).

    Rows with ``n < min_n`` are withheld and left out of the Holm family: they keep their
    keys and ``n`` and have ``suppressed = True``. A statistic that is not defined is
    missing, never infinite, and ``note`` says why: all changes equal (no t-test, ``dz``; R's
    ``t.test`` stops with "data are essentially constant"), no client changed (no Wilcoxon
    test; ``V = 0`` as in R), no reliable change (see :func:`reliable_change`).

    Tested against R (tests/r/outcomes.R).

    References
    ----------
    Holm, S. (1979). A simple sequentially rejective multiple test procedure. Scandinavian
    Journal of Statistics 6(2):65–70.

    Lakens, D. (2013). Calculating and reporting effect sizes to facilitate cumulative
    science: a practical primer for t-tests and ANOVAs. Frontiers in Psychology 4:863.

    Wilcoxon, F. (1945). Individual comparisons by ranking methods. Biometrics Bulletin
    1(6):80–83.

    Examples
    --------
    >>> import pandas as pd
    >>> scores = pd.DataFrame({
    ...     "project": ["A"] * 12,
    ...     "wave": [1] * 6 + [2] * 6,
    ...     "respondent": ["r1", "r2", "r3", "r4", "r5", "r6"] * 2,
    ...     "qol": [40, 55, 60, 35, 50, 45, 50, 60, 58, 50, 62, 55.0],
    ... })
    >>> from evaltool.indicators.outcomes import paired_change
    >>> # In R: t.test(to, from, paired = TRUE); wilcox.test(round(to - from, 9), exact = FALSE)
    >>> t = paired_change(scores, None, ["qol"])
    >>> t[["project", "n", "mean_diff", "t", "p", "wilcoxon_p", "dz"]].round(4)
      project  n  mean_diff       t       p  wilcoxon_p      dz
    0    None  6     8.3333  3.3895  0.0195      0.0585  1.3838
    1       A  6     8.3333  3.3895  0.0195      0.0585  1.3838
    """
    panel = build_panel(scores, domain_names(domains), projects=projects)
    waves = resolve_waves(panel, from_wave, to_wave)
    dmap = domains if isinstance(domains, Mapping) else {}
    return paired_from_panel(panel, alpha_arrays(items, panel, dmap), *waves, min_n)
