"""Statistics for the outcome and cooperation indicators, one module per topic.

Every function states its formula and reference and returns plain numbers or NumPy arrays in a
``NamedTuple``; the indicator modules turn them into tidy tables. Most functions come in two
forms: one that takes raw observations (``paired_t_test(before, after)``) and a vectorised one
that takes summary statistics or group codes (``t_test_from_summary(mean, sd, n)``,
``grouped_wilcoxon_signed_rank(diff, groups, n_groups)``) so that hundreds of projects are
handled in one NumPy pass. Both forms share one implementation of each formula.

Conventions follow R: two-sided tests, 95 % intervals, sample SDs with ``n - 1``; a statistic
that R would refuse to compute (too few observations, constant data) is ``NaN`` here.
Tested against R (tests/r/outcomes.R): ``t.test``, ``wilcox.test``, ``mcnemar.test``,
``prop.test``, ``binom.test``, ``p.adjust``, ``psych::alpha``, ``lm`` and ``lme4::lmer``; the
mixed model also against statsmodels MixedLM (tests/indicators/test_stats.py).

=================================  ==========================================================
:mod:`.descriptive`                means with t intervals, per group
:mod:`.parametric`                 one-sample, paired, Welch and Student t-tests
:mod:`.nonparametric`              Wilcoxon signed-rank, McNemar
:mod:`.effect_sizes`               Cohen's d_z and d_av
:mod:`.multiple_testing`           Holm-adjusted p-values
:mod:`.reliability`                Cronbach's alpha, Feldt interval
:mod:`.proportions`                Wilson and Clopper–Pearson intervals
:mod:`.ancova`                     adjusted means and deviation effects (one covariate)
:mod:`.random_intercept`           REML random-intercept models, many at once
=================================  ==========================================================
"""

from __future__ import annotations

from evaltool.indicators.stats.ancova import AncovaResult, ancova_effects
from evaltool.indicators.stats.descriptive import (
    MeanCI,
    grouped_mean_ci,
    grouped_mean_sd,
    mean_ci,
)
from evaltool.indicators.stats.effect_sizes import (
    cohens_d_av,
    cohens_d_av_from_summary,
    cohens_dz,
    cohens_dz_from_summary,
)
from evaltool.indicators.stats.multiple_testing import holm
from evaltool.indicators.stats.nonparametric import (
    McNemarResult,
    WilcoxonResult,
    grouped_wilcoxon_signed_rank,
    mcnemar_test,
    wilcoxon_signed_rank,
)
from evaltool.indicators.stats.parametric import (
    TTestResult,
    paired_t_test,
    student_t_test,
    t_test_from_summary,
    two_sample_t_from_summary,
    welch_t_test,
)
from evaltool.indicators.stats.proportions import ProportionCI, proportion_ci
from evaltool.indicators.stats.random_intercept import RandomInterceptFit, random_intercept_reml
from evaltool.indicators.stats.reliability import (
    AlphaResult,
    cronbach_alpha,
    cronbach_alpha_from_variances,
    feldt_ci,
)

__all__ = [
    "AlphaResult",
    "AncovaResult",
    "McNemarResult",
    "MeanCI",
    "ProportionCI",
    "RandomInterceptFit",
    "TTestResult",
    "WilcoxonResult",
    "ancova_effects",
    "cohens_d_av",
    "cohens_d_av_from_summary",
    "cohens_dz",
    "cohens_dz_from_summary",
    "cronbach_alpha",
    "cronbach_alpha_from_variances",
    "feldt_ci",
    "grouped_mean_ci",
    "grouped_mean_sd",
    "grouped_wilcoxon_signed_rank",
    "holm",
    "mcnemar_test",
    "mean_ci",
    "paired_t_test",
    "proportion_ci",
    "random_intercept_reml",
    "student_t_test",
    "t_test_from_summary",
    "two_sample_t_from_summary",
    "welch_t_test",
    "wilcoxon_signed_rank",
]
