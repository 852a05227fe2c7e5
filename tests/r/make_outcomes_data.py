"""Write the deterministic test data of tests/r/outcomes.R and tests/indicators/test_outcomes.py.

Run from the repository root: ``python tests/r/make_outcomes_data.py``. It writes

- ``outcomes_whoqol_scores.csv`` / ``outcomes_whoqol_items.csv``: WHOQOL-BREF-like data, four
  domains, projects A–D (D has four clients, so every per-project figure of D is suppressed),
  waves 1–3, attrition, missing items, discarded responses and background variables;
- ``outcomes_eurohis_scores.csv`` / ``outcomes_eurohis_items.csv``: EUROHIS-QOL 8-like data,
  projects A, B and D, waves 1–2;
- ``outcomes_edge_scores.csv`` / ``outcomes_edge_items.csv``: the hard cases of real
  evaluation data, waves 1–3, domains ``qol`` (items G1–G3) and ``flat`` (F1–F2, every
  wave-1 answer is 3: no variance at baseline, so α, SD₁ and the RCI are undefined), good
  quality of life = ``qol_raw ≥ 4`` (see :data:`EDGE_PROJECTS`).

Items are already reversed; domain scores follow the WHO SPSS rules (mean of the answered items
× 4 when enough items are answered, 0–100 = (raw − 4) × 6.25; EUROHIS index = mean of the eight
items when at most one is missing, 0–100 = (mean − 1) × 25).
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

HERE = Path(__file__).parent

WHOQOL_DOMAINS = {
    "physical": ["Q3", "Q4", "Q10", "Q15", "Q16", "Q17", "Q18"],
    "psychological": ["Q5", "Q6", "Q7", "Q11", "Q19", "Q26"],
    "social": ["Q20", "Q21", "Q22"],
    "environment": ["Q8", "Q9", "Q12", "Q13", "Q14", "Q23", "Q24", "Q25"],
}
WHOQOL_MIN_ANSWERED = {"physical": 6, "psychological": 5, "social": 2, "environment": 6}
EUROHIS_ITEMS = [f"E{i}" for i in range(1, 9)]
EDGE_DOMAINS = {"qol": ["G1", "G2", "G3"], "flat": ["F1", "F2"]}
EDGE_PROJECTS = {
    "Base": "30 clients, waves 1–3; some answer waves 1 and 3 only, some drop out",
    "Zero": "6 clients, waves 1 and 3 only, the same answers twice: every change is 0, "
    "everyone has good quality of life at both waves",
    "Once": "6 clients per wave under new pseudonyms: no client is seen twice",
    "Exact": "5 clients (= min_n) at every wave",
    "Short": "4 clients (= min_n − 1) at every wave",
    "Single": "6 clients, wave 1 only",
    "Skip": "8 clients, waves 1 and 3 only (the project has no wave 2)",
}


def _clients(rng: np.random.Generator, sizes: dict[str, int], waves: list[int]) -> pd.DataFrame:
    """One row per (project, client, wave) present, with latent level and background."""
    rows = []
    gains = {"A": 0.35, "B": 0.05, "C": 0.2, "D": 0.3}
    genders = np.array(["nainen", "mies"], dtype=object)
    ages = np.array(["18-29", "30-49", "50-64"], dtype=object)
    services = np.array(["työvalmennus", "kuntouttava työtoiminta", "palkkatuki"], dtype=object)
    for project, size in sizes.items():
        for c in range(size):
            level = rng.normal(0, 1)
            gender = genders[rng.integers(0, 2)] if rng.random() > 0.08 else None
            age = ages[rng.integers(0, 3)] if rng.random() > 0.05 else None
            service = services[rng.integers(0, 3)]
            # late starters join at the second wave; drop-out is more likely at a low level
            first = waves[1] if rng.random() < 0.05 else waves[0]
            stay = 1 / (1 + np.exp(-(0.9 + 0.8 * level)))
            for wave in waves:
                if wave < first:
                    continue
                if wave > first and rng.random() > stay:
                    continue
                rows.append(
                    {
                        "project": project,
                        # the same pseudonym may occur in two projects: other clients
                        "respondent": f"r{c:03d}",
                        "wave": wave,
                        "level": level + gains[project] * (wave - waves[0]),
                        "gender": gender,
                        "age_group": age,
                        "service_type": service,
                    }
                )
    df = pd.DataFrame(rows)
    # background sometimes missing at a later wave
    late = df["wave"] > waves[0]
    df.loc[late & (rng.random(len(df)) < 0.1), "gender"] = None
    return df


def _items(
    rng: np.random.Generator, df: pd.DataFrame, names: list[str], shift: float
) -> np.ndarray:
    n = len(df)
    latent = df["level"].to_numpy()[:, None] * 0.8 + shift + rng.normal(0, 0.8, (n, len(names)))
    vals = np.clip(np.rint(3 + latent), 1, 5)
    vals[rng.random(vals.shape) < 0.03] = np.nan
    return vals


def make_whoqol(seed: int = 20240611) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    base = _clients(rng, {"A": 70, "B": 45, "C": 28, "D": 4}, [1, 2, 3])
    keys = base[["project", "wave", "respondent"]].reset_index(drop=True)
    items = keys.copy()
    scores = keys.copy()
    for i, (domain, names) in enumerate(WHOQOL_DOMAINS.items()):
        vals = _items(rng, base, names, shift=0.15 * i - 0.2)
        items[names] = vals
        answered = np.isfinite(vals).sum(axis=1)
        with np.errstate(invalid="ignore"):
            raw = np.nanmean(np.where(np.isfinite(vals), vals, np.nan), axis=1) * 4
        raw[answered < WHOQOL_MIN_ANSWERED[domain]] = np.nan
        scores[domain] = (raw - 4) * 6.25
        scores[f"{domain}_raw"] = raw
    scores["discarded"] = rng.random(len(scores)) < 0.03
    for col in ("gender", "age_group", "service_type"):
        scores[col] = base[col].to_numpy()
    front = ["project", "wave", "respondent", "discarded"]
    scores = scores[front + [c for c in scores.columns if c not in front]]
    return scores, items


def make_eurohis(seed: int = 20240612) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    base = _clients(rng, {"A": 60, "B": 35, "D": 3}, [1, 2])
    keys = base[["project", "wave", "respondent"]].reset_index(drop=True)
    items = keys.copy()
    vals = _items(rng, base, EUROHIS_ITEMS, shift=0.5)
    items[EUROHIS_ITEMS] = vals
    answered = np.isfinite(vals).sum(axis=1)
    with np.errstate(invalid="ignore"):
        raw = np.nanmean(vals, axis=1)
    raw[answered < 7] = np.nan
    scores = keys.copy()
    scores["discarded"] = rng.random(len(scores)) < 0.03
    scores["index"] = (raw - 1) * 25
    scores["index_raw"] = raw
    for col in ("gender", "age_group", "service_type"):
        scores[col] = base[col].to_numpy()
    return scores, items


# one branch per hand-made edge case, read top to bottom (complexity above 15 on purpose)
def make_edge(seed: int = 20240613) -> tuple[pd.DataFrame, pd.DataFrame]:  # noqa: C901
    """Edge-case data: one project per hard case (:data:`EDGE_PROJECTS`)."""
    rng = np.random.default_rng(seed)
    rows = []

    def add(project, respondent, wave, g, level=0.0):
        if g is None:
            g = np.clip(np.rint(3 + level + rng.normal(0, 0.9, 3)), 1, 5)
        f = [3.0, 3.0] if wave == 1 else np.clip(np.rint(3 + rng.normal(0, 1, 2)), 1, 5)
        rows.append(
            {
                "project": project,
                "wave": wave,
                "respondent": respondent,
                "G1": g[0],
                "G2": g[1],
                "G3": g[2],
                "F1": f[0],
                "F2": f[1],
                "gender": ["nainen", "mies", None][rng.integers(0, 3)],
                "age_group": ["18-29", "30-49"][rng.integers(0, 2)],
                "service_type": ["työvalmennus", "palkkatuki"][rng.integers(0, 2)],
            }
        )

    for c in range(30):
        level = rng.normal(0, 0.8)
        waves = [1, 3] if c % 5 == 0 else ([1, 2] if c % 7 == 3 else [1, 2, 3])
        if c % 9 == 4:
            waves = [1]
        for w in waves:
            add("Base", f"b{c:02d}", w, None, level + 0.25 * (w - 1))
    for c in range(6):
        for w in (1, 3):
            add("Zero", f"z{c}", w, [5.0, 4.0, 5.0])
    for w in (1, 2, 3):
        for c in range(6):
            add("Once", f"o{w}{c}", w, None)
    for project, size in (("Exact", 5), ("Short", 4)):
        for c in range(size):
            level = rng.normal(0, 0.8)
            for w in (1, 2, 3):
                add(project, f"{project[0].lower()}{c}", w, None, level + 0.3 * (w - 1))
    for c in range(6):
        add("Single", f"s{c}", 1, None)
    for c in range(8):
        level = rng.normal(0, 0.8)
        for w in (1, 3):
            add("Skip", f"k{c}", w, None, level + 0.2 * (w - 1))
    df = pd.DataFrame(rows)
    # a few missing items (one G item still scores the domain, as two of three answered)
    df.loc[(rng.random(len(df)) < 0.04) & (df["project"] != "Zero"), "G2"] = np.nan
    keys = df[["project", "wave", "respondent"]].reset_index(drop=True)
    items = keys.copy()
    scores = keys.copy()
    scores["discarded"] = (rng.random(len(df)) < 0.03) & (df["project"] == "Base").to_numpy()
    for domain, names in EDGE_DOMAINS.items():
        vals = df[names].to_numpy(float)
        items[names] = vals
        answered = np.isfinite(vals).sum(axis=1)
        with np.errstate(invalid="ignore"):
            raw = np.nanmean(vals, axis=1)
        raw[answered < len(names) - 1] = np.nan
        scores[domain] = (raw - 1) * 25
        scores[f"{domain}_raw"] = raw
    for col in ("gender", "age_group", "service_type"):
        scores[col] = df[col].to_numpy()
    return scores, items


def main() -> None:
    sets = {"whoqol": make_whoqol(), "eurohis": make_eurohis(), "edge": make_edge()}
    for name, (scores, items) in sets.items():
        scores.to_csv(HERE / f"outcomes_{name}_scores.csv", index=False, float_format="%.17g")
        items.to_csv(HERE / f"outcomes_{name}_items.csv", index=False, float_format="%.17g")


if __name__ == "__main__":
    main()
