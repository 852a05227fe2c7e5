"""The documented columns of every outcome table and the texts of its ``note`` column.

A table's ``*_COLUMNS`` list is its exact column order, also when the table is empty. The
``NOTE_*`` texts are what a row's ``note`` says when a statistic it should have is not
defined for the data. ``KEPT_COUNTS`` and ``KEY_COLUMNS`` are what a withheld row keeps.
No statistics are computed here; the tables are checked against R in their modules
(tests/r/outcomes.R).
"""

from __future__ import annotations

KEYS = ("project", "wave", "respondent")
RCI_Z = 1.96

CHANGE_STATS = [
    "mean_from",
    "mean_to",
    "sd_from",
    "sd_to",
    "mean_diff",
    "sd_diff",
    "ci_low",
    "ci_high",
    "t",
    "df",
    "p",
]
RCI_COUNTS = [
    "improved",
    "unchanged",
    "deteriorated",
    "improved_share",
    "unchanged_share",
    "deteriorated_share",
]

PAIRED_COLUMNS = [
    "project",
    "domain",
    "from_wave",
    "to_wave",
    "n",
    *CHANGE_STATS,
    "p_holm",
    "dz",
    "d_av",
    "wilcoxon_v",
    "wilcoxon_p",
    "rci_critical",
    *RCI_COUNTS,
    "note",
    "suppressed",
]
"""Columns of :func:`paired_change`: ``n`` clients scored at both waves; ``mean_from``,
``mean_to``, ``sd_from``, ``sd_to`` of their scores; ``mean_diff`` and ``sd_diff`` of
``to − from``; ``ci_low``/``ci_high`` the 95 % t interval of the mean difference; paired
t-test ``t``, ``df``, ``p``; ``p_holm`` Holm-adjusted across the domains of the same project
and comparison; Cohen's ``dz`` and ``d_av``; Wilcoxon signed-rank ``wilcoxon_v`` (sum of
positive ranks) and ``wilcoxon_p``; ``rci_critical`` the change in score points needed for
a reliable change; counts and shares of clients reliably improved / unchanged /
deteriorated (see :func:`reliable_change`); ``note`` says why a statistic that the row should
have is missing (e.g. "t-test not defined: all changes are equal", "reliable change not
defined: baseline scores do not vary"), else empty."""

RCI_COLUMNS = [
    "project",
    "domain",
    "from_wave",
    "to_wave",
    "n",
    "sd_baseline",
    "n_sd_baseline",
    "alpha",
    "n_alpha",
    "s_diff",
    "rci_critical",
    *RCI_COUNTS,
    "note",
    "suppressed",
]
"""Columns of :func:`reliable_change`: ``sd_baseline`` (SD₁) and ``alpha`` with the numbers
of responses they rest on, ``s_diff = √2 · SD₁ · √(1 − α)``, ``rci_critical = 1.96 · s_diff``,
counts and shares; ``note`` says why the categories are missing when they are."""

LINKAGE_COLUMNS = [
    "project",
    "kind",
    "wave",
    "from_wave",
    "to_wave",
    "pattern",
    "n",
    "base",
    "share",
    "suppressed",
]
"""Columns of :func:`linkage`; ``kind`` is ``clients``, ``linked``, ``wave``, ``anonymous``,
``link``, ``pattern`` or ``follow_up``; ``share = n / base``. ``wave`` counts every response
at the wave, ``anonymous`` the responses without a respondent id at the wave (their share of
the wave); ``linked`` (clients with an id), ``link``, ``pattern`` and ``follow_up`` count
only linked clients. ``linked`` and ``anonymous`` rows appear only when some response is
anonymous."""

ATTRITION_COLUMNS = [
    "project",
    "domain",
    "from_wave",
    "to_wave",
    "n",
    "n_followed",
    "n_lost",
    "mean_followed",
    "mean_lost",
    "sd_followed",
    "sd_lost",
    "mean_diff",
    "ci_low",
    "ci_high",
    "t",
    "df",
    "p",
    "note",
    "suppressed",
]
"""Columns of :func:`attrition` (linked clients only); ``mean_diff = mean_followed −
mean_lost`` (Welch); ``note`` says why the test is missing when it is."""

RELIABILITY_COLUMNS = [
    "project",
    "domain",
    "wave",
    "n",
    "k",
    "alpha",
    "ci_low",
    "ci_high",
    "note",
    "suppressed",
]
"""Columns of :func:`reliability`: ``n`` complete cases, ``k`` items, Cronbach's ``alpha``
with its Feldt 95 % interval; ``note`` flags an undefined (item sum constant) or negative
alpha."""

MIXED_COLUMNS = [
    "project",
    "domain",
    "term",
    "estimate",
    "se",
    "ci_low",
    "ci_high",
    "var_client",
    "var_residual",
    "converged",
    "singular",
    "n",
    "n_obs",
    "note",
    "suppressed",
]
"""Columns of :func:`mixed_models`: one row per fixed effect ``term`` (``intercept`` = mean
at the first wave, ``wave:K`` = wave K minus the first wave); ``var_client`` and
``var_residual`` the REML variance components; ``converged``; ``singular`` (client variance
at zero; missing when the model was not estimated); ``n`` clients and ``n_obs`` responses in
the model; ``note`` why a model is singular or was not estimated."""

SUBGROUP_COLUMNS = [
    "project",
    "domain",
    "from_wave",
    "to_wave",
    "variable",
    "level",
    "threshold",
    "n",
    *CHANGE_STATS,
    "dz",
    "d_av",
    "wilcoxon_v",
    "wilcoxon_p",
    "note",
    "suppressed",
]
"""Columns of :func:`subgroups`: the paired-change statistics within each ``level`` of
``variable`` (``baseline`` or a background column); ``note`` as in :data:`PAIRED_COLUMNS`."""

BENCHMARK_COLUMNS = [
    "project",
    "domain",
    "from_wave",
    "to_wave",
    "n",
    "mean_from",
    "mean_to",
    "baseline_ref",
    "adjusted_change",
    "adjusted_se",
    "adjusted_ci_low",
    "adjusted_ci_high",
    "effect",
    "effect_se",
    "effect_ci_low",
    "effect_ci_high",
    "effect_t",
    "effect_p",
    "df",
    "baseline_slope",
    "note",
    "suppressed",
]
"""Columns of :func:`project_benchmark`; ``note`` says why the ANCOVA figures are missing
when they are."""

EUROHIS_COLUMNS = [
    "project",
    "domain",
    "kind",
    "wave",
    "from_wave",
    "to_wave",
    "threshold",
    "n",
    "n_good",
    "share",
    "ci_low",
    "ci_high",
    "n_good_from",
    "n_good_to",
    "n_became_good",
    "n_became_not_good",
    "statistic",
    "p",
    "note",
    "suppressed",
]
"""Columns of :func:`good_qol`; ``kind`` is ``wave`` (share per wave, Wilson interval) or
``change`` (paired clients, McNemar test); ``note`` says why the test is missing when it
is (nobody changed category)."""

COUNT_COLUMNS = {
    "n",
    "k",
    "n_followed",
    "n_lost",
    "n_good",
    "n_obs",
    "n_sd_baseline",
    "n_alpha",
    "n_good_from",
    "n_good_to",
    "n_became_good",
    "n_became_not_good",
    "improved",
    "unchanged",
    "deteriorated",
    "base",
    "from_wave",
    "to_wave",
    "wave",
}
"""Columns holding counts (and wave numbers): nullable integers in every table."""

KEPT_COUNTS = {"n", "k", "n_followed", "n_lost", "n_obs", "base", "n_sd_baseline", "n_alpha"}
"""Counts of clients that a withheld row keeps; every other statistic is withheld."""

KEY_COLUMNS = {
    "project",
    "domain",
    "from_wave",
    "to_wave",
    "wave",
    "kind",
    "pattern",
    "variable",
    "level",
    "term",
    "threshold",
    "suppressed",
}
"""Columns that identify a row; a withheld row keeps them."""

NOTE_TOO_FEW = "too few clients for a test"
NOTE_T_CONSTANT = "t-test and dz not defined: all changes are equal"
NOTE_NO_CHANGE = "Wilcoxon test not defined: no client's score changed"
NOTE_D_AV = "d_av not defined: scores do not vary at either wave"
NOTE_ATTRITION_CONSTANT = "t-test not defined: baseline scores do not vary in either group"
NOTE_ALPHA_UNDEFINED = "alpha not defined: the item sum does not vary"
NOTE_ALPHA_NEGATIVE = "alpha below 0: items correlate negatively (check reversed items)"
NOTE_MCNEMAR = "McNemar test not defined: no client changed category"
