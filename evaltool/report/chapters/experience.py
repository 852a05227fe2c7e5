"""Chapter "service experience": rating blocks as diverging bars, block scores, open answers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltool.report import charts
from evaltool.report.chapters.common import Builder, lower_first, project_key, project_rows
from evaltool.report.collect import OPEN_FIELDS, InstrumentData, ProjectInfo
from evaltool.report.document import AnswerList, Chapter, Figure, Paragraph, Section, Table
from evaltool.report.i18n import fmt_int, label
from evaltool.report.privacy import protect


def experience_chapter(b: Builder, project: ProjectInfo | None) -> Chapter:
    """The service experience of a project report (``project``) or of the programme report
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
        Per experience instrument: one section per rating block (diverging bars and a table
        of the shares per answer), the block scores; in project reports the open answers.
    """
    key = project_key(project)
    ch = Chapter("experience", b.t("ch_experience"))
    for inst in b.data.experience:
        lk = project_rows(inst.likert, key)
        if lk.empty:
            continue
        for block in pd.unique(lk["block"]):
            ch.sections.append(_rating_section(b, inst, lk[lk["block"] == block], block))
        scores = _block_scores_section(b, inst, key)
        if scores is not None:
            ch.sections.append(scores)
    if project is not None:
        sec = _open_answers_section(b, project)
        if sec is not None:
            ch.sections.append(sec)
    return ch


def _rating_section(b: Builder, inst: InstrumentData, part: pd.DataFrame, block) -> Section:
    """One block of rated statements: diverging bars of the answer shares and their table.

    Each item's answers are one distribution of its n: a withheld answer count is protected
    within the item (:func:`evaltool.report.privacy.protect`)."""
    ins = inst.instrument
    codes = list(pd.unique(part["item"]))
    items = [ins.item(c) for c in codes]
    rs = items[0].response_set
    cats = (
        ins.response_sets.get(rs, {}).get(b.lang)
        or ins.response_sets.get(rs, {}).get("fi")
        or [fmt_int(v, b.lang) for v in sorted(part["value"].unique())]
    )
    values = sorted(part["value"].unique())
    item_labels = [label(it.labels, b.lang, it.code) for it in items]
    sec = Section(_block_title(ins, block, b.lang) or b.t("sec_likert"))
    wide = part.pivot(index="item", columns="value", values="share").reindex(
        index=codes, columns=values
    )
    counts = (
        part.pivot(index="item", columns="value", values="count")
        .reindex(index=codes, columns=values)
        .to_numpy(dtype=float)
    )
    hide = protect(
        counts.ravel(), b.data.min_n, groups=np.repeat(np.arange(len(codes)), len(values))
    ).reshape(counts.shape)
    if (~part["suppressed"].astype(bool)).any():
        sec.blocks.append(
            _rating_figure(b, sec.title, item_labels, list(cats)[: len(values)], wide, counts, hide)
        )
    sec.blocks.append(
        _rating_table(b, sec.title, part, codes, item_labels, values, cats, wide, hide)
    )
    return sec


def _rating_figure(
    b: Builder,
    title: str,
    item_labels: list[str],
    cats: list[str],
    wide: pd.DataFrame,
    counts: np.ndarray,
    hide: np.ndarray,
) -> Figure:
    """Diverging bars of the shares; with withheld counts, of the merged scale."""
    shares, note, held = wide.to_numpy(float), "", None
    if hide.any():
        cats, shares, note = _collapsed_likert(b, cats, counts)
        with np.errstate(invalid="ignore"):
            rest = 1 - np.nansum(shares, axis=1)
        held = np.where(np.isnan(shares).all(axis=1), np.nan, np.round(rest, 9)).tolist()
    chart = charts.diverging(
        item_labels,
        cats,
        shares.T.tolist(),
        b.t("axis_share"),
        b.lang,
        withheld=held,
        withheld_name=b.t("likert_withheld"),
    )
    return b.figure(title, chart, note=note)


def _rating_table(
    b: Builder,
    title: str,
    part: pd.DataFrame,
    codes: list,
    item_labels: list[str],
    values: list,
    cats,
    wide: pd.DataFrame,
    hide: np.ndarray,
) -> Table:
    """Each statement's n and the share of each answer."""
    ns = part.groupby("item")["n"].first().reindex(codes)
    sup = part.groupby("item")["suppressed"].first().reindex(codes).to_numpy()
    frame = pd.DataFrame({"item_label": item_labels, "n": ns.to_numpy()})
    cols = [b.col("item_label", "col_question", stat=False), b.col("n", kind="int", stat=False)]
    cells = {}
    for j, (v, cat) in enumerate(zip(values, cats, strict=False)):
        frame[f"v{v:g}"] = wide[v].to_numpy()
        cols.append(b.col(f"v{v:g}", header=str(cat), kind="pct"))
        cells[f"v{v:g}"] = hide[:, j]
    return b.table(title, frame.assign(suppressed=sup), cols, cells=cells)


def _collapsed_likert(
    b: Builder, cats: list[str], counts: np.ndarray
) -> tuple[list[str], np.ndarray, str]:
    """Chart categories, shares (items × categories) and note when some answer counts are
    withheld: the lower and upper halves of the scale are merged (1–2, 3, 4–5), the usual
    way to keep a Likert chart whole with few respondents; merged counts still below
    ``min_n`` are left out."""
    k = counts.shape[1]
    half = k // 2
    groups = [list(range(half))] + ([[half]] if k % 2 else []) + [list(range(k - half, k))]
    names = []
    for g in groups:
        names.append(cats[g[0]] if len(g) == 1 else f"{cats[g[0]]} – {lower_first(cats[g[-1]])}")
    merged = np.stack([np.nansum(counts[:, g], axis=1) for g in groups], axis=1)
    merged[np.isnan(counts).all(axis=1)] = np.nan
    n = np.nansum(merged, axis=1, keepdims=True)
    hide = protect(
        merged.ravel(),
        b.data.min_n,
        groups=np.repeat(np.arange(len(merged)), merged.shape[1]),
    ).reshape(merged.shape)
    with np.errstate(invalid="ignore", divide="ignore"):
        shares = np.where(hide, np.nan, merged / n)
    note = b.t("likert_merged")
    if hide.any():
        note += " " + b.t("likert_withheld_note", min_n=b.data.min_n)
    return names, shares, note


def _block_title(inst, block: str, lang: str) -> str:
    """The block's title: the label of the domain scoring it, else the block code."""
    for dom in inst.domains:
        if dom.name == block and dom.labels:
            return label(dom.labels, lang, block)
    return str(block).replace("_", " ").capitalize()


def _block_scores_section(b: Builder, inst: InstrumentData, key: str | None) -> Section | None:
    """The instrument's block scores: n, mean, SD and 95 % CI."""
    scores = project_rows(inst.means, key)
    if not len(scores):
        return None
    scores = b.with_ci(b.domain_col(scores, inst))
    sec = Section(f"{inst.short_title(b.lang)}: {b.t('sec_block_scores')}")
    sec.blocks.append(
        b.table(
            sec.title,
            scores,
            [
                b.col("domain_label", "col_domain", stat=False),
                b.col("n", kind="int", stat=False),
                b.col("mean", kind="num1"),
                b.col("sd", kind="num1"),
                *b.ci_cols(),
            ],
        )
    )
    return sec


def _open_answers_section(b: Builder, project: ProjectInfo) -> Section | None:
    """The project's open answers verbatim (identifiers masked), one list per question, and
    the number of answers per question; withheld below ``min_n`` respondents."""
    d = b.data
    opens = project_rows(d.open_answers, project.key)
    if opens.empty:
        return None
    sec = Section(b.t("sec_open"))
    resp = d.respondents
    n = resp.loc[resp["project"] == project.key, "n"]
    if n.empty or int(n.iloc[0]) < d.min_n:
        sec.blocks.append(Paragraph(b.t("open_answer_withheld", min_n=d.min_n)))
        return sec
    sec.blocks.append(Paragraph(b.t("open_answers_note", min_n=d.min_n)))
    counts = []
    order = {f: k for k, f in enumerate(d.fields.open if d.fields else OPEN_FIELDS)}
    for fname in sorted(pd.unique(opens["field"]), key=lambda f: (order.get(f, 999), f)):
        part = opens[opens["field"] == fname].sort_values(["text"], key=lambda s: s.str.casefold())
        answers, withheld = _answer_list(b, fname, part)
        sec.blocks.append(answers)
        counts.append((_open_title(b, fname), int(part["count"].sum()), withheld))
    frame = pd.DataFrame(counts, columns=["field", "answers", "withheld"])
    sec.blocks.append(
        b.table(
            b.t("sec_open"),
            frame,
            [b.col("field", "col_question", stat=False), b.col("answers", kind="int", stat=False)],
            cells={"answers": frame["withheld"].to_numpy(bool)},
        )
    )
    return sec


def _open_title(b: Builder, fname: str) -> str:
    """An open question's title: the instrument's label, else the built-in one."""
    if fname in b.data.field_labels:
        return b.data.field_label(fname, b.lang)
    return b.t(OPEN_FIELDS.get(fname, "sec_open"))


def _answer_list(b: Builder, fname: str, part: pd.DataFrame) -> tuple[AnswerList, bool]:
    """One question's answers and whether they are withheld (fewer than ``min_n`` clients
    answered it)."""
    min_n = b.data.min_n
    title = _open_title(b, fname)
    if int(part["clients"].iloc[0]) < min_n:
        return AnswerList(title, [], b.t("open_field_withheld", min_n=min_n)), True
    total = int(part["count"].sum())
    # how many gave the same answer is shown only from min_n up (a small count)
    shown = [int(c) if c >= min_n else 0 for c in part["count"]]
    answers = list(zip(part["text"], shown, strict=True))
    return AnswerList(f"{title} ({b.t('n_open_answers', n=total)})", answers), False
