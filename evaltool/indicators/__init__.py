"""Indicators: stored scores and partner-survey tables → tidy tables of statistics.

- :mod:`.stats` — the statistics, one module per topic (t-tests, Wilcoxon and McNemar, effect
  sizes, Holm, Cronbach's alpha, proportions, ANCOVA, random-intercept models);
- :mod:`.suppression` — the small-number rule every table passes through;
- :mod:`.outcomes` — change in clients' quality of life across survey waves;
- :mod:`.cooperation` — partner networks and cooperation indices across rounds.
"""
