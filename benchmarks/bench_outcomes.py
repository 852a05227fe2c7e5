"""Time evaltool.indicators.outcomes.outcome_tables on a large synthetic programme.

Default: 500 projects × 3 waves, exactly 600 000 stored responses (about 480 clients per
project enrolled, of whom about 95 % answer at wave 1, 80 % at wave 2 and 75 % at wave 3, with
drop-out more likely at a low level), the four WHOQOL-BREF domains with their 24 items,
1 % discarded responses and three background variables.

    python benchmarks/bench_outcomes.py [--projects 500] [--responses 600000] [--repeat 3]

Prints the data-generation time (not part of the timing), the time of each table and of the
whole ``outcome_tables`` call (programme and per-project mixed models included).
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import pandas as pd

from evaltool.indicators import outcomes as oc

DOMAINS = {
    "physical": ["Q3", "Q4", "Q10", "Q15", "Q16", "Q17", "Q18"],
    "psychological": ["Q5", "Q6", "Q7", "Q11", "Q19", "Q26"],
    "social": ["Q20", "Q21", "Q22"],
    "environment": ["Q8", "Q9", "Q12", "Q13", "Q14", "Q23", "Q24", "Q25"],
}
MIN_ANSWERED = {"physical": 6, "psychological": 5, "social": 2, "environment": 6}


def generate(n_projects: int, n_responses: int, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    per_project = int(np.ceil(n_responses / n_projects / 2.5 * 1.02))
    n_clients = n_projects * per_project
    project = np.repeat(np.arange(n_projects), per_project)
    level = rng.normal(0, 1, n_clients) + rng.normal(0, 0.3, n_projects)[project]
    gain = rng.normal(0.2, 0.1, n_projects)[project]
    stay = 1 / (1 + np.exp(-(1.2 + 0.6 * level)))
    at = np.stack(
        [
            rng.random(n_clients) < 0.95,
            rng.random(n_clients) < 0.80 * stay / stay.mean(),
            rng.random(n_clients) < 0.75 * stay / stay.mean(),
        ]
    )
    wi, ci = np.nonzero(at)
    if wi.size > n_responses:
        keep = np.sort(rng.choice(wi.size, n_responses, replace=False))
        wi, ci = wi[keep], ci[keep]
    n = wi.size
    latent = level[ci] + gain[ci] * wi
    keys = pd.DataFrame(
        {
            "project": pd.Series([f"P{p:03d}" for p in range(n_projects)])[project[ci]].to_numpy(),
            "wave": wi + 1,
            "respondent": np.char.add("c", ci.astype(str)),
        }
    )
    items = keys.copy()
    scores = keys.copy()
    scores["discarded"] = rng.random(n) < 0.01
    for j, (domain, cols) in enumerate(DOMAINS.items()):
        k = len(cols)
        vals = np.clip(
            np.rint(3 + 0.8 * latent[:, None] + 0.1 * j + rng.normal(0, 0.8, (n, k))), 1, 5
        )
        vals[rng.random((n, k)) < 0.02] = np.nan
        items[cols] = vals
        answered = np.isfinite(vals).sum(axis=1)
        raw = np.nansum(vals, axis=1) / np.maximum(answered, 1) * 4
        raw[answered < MIN_ANSWERED[domain]] = np.nan
        scores[domain] = (raw - 4) * 6.25
        scores[f"{domain}_raw"] = raw
    client_gender = rng.choice(np.array(["nainen", "mies", None], dtype=object), n_clients,
                               p=[0.48, 0.47, 0.05])  # fmt: skip
    scores["gender"] = client_gender[ci]
    scores["age_group"] = rng.choice(
        np.array(["18-29", "30-49", "50-64"], dtype=object), n_clients
    )[ci]
    scores["service_type"] = rng.choice(
        np.array(["työvalmennus", "kuntouttava työtoiminta", "palkkatuki"], dtype=object),
        n_clients,
    )[ci]
    return scores, items


def _time(fn, repeat: int) -> tuple[float, object]:
    best, out = np.inf, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t0)
    return best, out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--projects", type=int, default=500)
    ap.add_argument("--responses", type=int, default=600_000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    t0 = time.perf_counter()
    scores, items = generate(args.projects, args.responses)
    gen = time.perf_counter() - t0
    n_clients = scores.groupby(["project", "respondent"]).ngroups
    print(
        f"data: {len(scores):,} responses, {n_clients:,} clients, {args.projects} projects, "
        f"waves {sorted(scores['wave'].unique().tolist())}, generated in {gen:.1f} s"
    )
    print(f"(best of {args.repeat})")

    parts = {
        "paired_change": lambda: oc.paired_change(scores, items, DOMAINS),
        "linkage": lambda: oc.linkage(scores),
        "attrition": lambda: oc.attrition(scores, DOMAINS),
        "reliability": lambda: oc.reliability(scores, items, DOMAINS),
        "mixed_models (programme only)": lambda: oc.mixed_models(
            scores, DOMAINS, per_project=False
        ),
        "mixed_models (programme + every project)": lambda: oc.mixed_models(scores, DOMAINS),
        "subgroups": lambda: oc.subgroups(scores, DOMAINS),
        "project_benchmark": lambda: oc.project_benchmark(scores, DOMAINS),
    }
    for name, fn in parts.items():
        secs, _ = _time(fn, args.repeat)
        print(f"  {name:<45s} {secs:6.2f} s")

    secs, tables = _time(lambda: oc.outcome_tables(scores, items, DOMAINS), args.repeat)
    rows = ", ".join(f"{k} {len(v):,}" for k, v in tables.items())
    print(f"outcome_tables (all tables, per-project mixed models): {secs:.2f} s")
    print(f"  rows: {rows}")
    mixed = tables["mixed"]
    fitted = mixed.loc[~mixed["suppressed"]]
    print(
        f"  mixed models fitted: {fitted.groupby(['project', 'domain'], dropna=False).ngroups}, "
        f"converged {int(fitted['converged'].sum())}/{len(fitted)} rows, "
        f"singular {int(fitted['singular'].sum())} rows"
    )
    one = str(scores["project"].iloc[0])
    secs, _ = _time(lambda: oc.outcome_tables(scores, items, DOMAINS, projects=[one]), args.repeat)
    print(f"outcome_tables for one project ({one}) with programme rows: {secs:.2f} s")


if __name__ == "__main__":
    main()
