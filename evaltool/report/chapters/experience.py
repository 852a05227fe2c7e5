"""Chapter "service experience": rating blocks as diverging bars, block scores, open answers."""

from __future__ import annotations

import numpy as np
import pandas as pd

from evaltool.report import charts
from evaltool.report.chapters.common import Builder, project_key, project_rows
from evaltool.report.collect import OPEN_FIELDS, InstrumentData, ProjectInfo
from evaltool.report.document import AnswerList, Chapter, Figure, Paragraph, Section, Table
from evaltool.report.i18n import fmt_int, label, word_list


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
        first = len(ch.sections)
        for block in pd.unique(lk["block"]):
            ch.sections.append(_rating_section(b, inst, lk[lk["block"] == block], block))
        basis = basis_paragraph(b, inst, key)
        if basis is not None:
            ch.sections[first].blocks.insert(0, basis)
        scores = _block_scores_section(b, inst, key)
        if scores is not None:
            ch.sections.append(scores)
    if project is not None:
        sec = _open_answers_section(b, project)
        if sec is not None:
            ch.sections.append(sec)
    return ch


def basis_paragraph(b: Builder, inst: InstrumentData, key: str | None) -> Paragraph | None:
    """Which answers the figures rest on: each client's latest answer, the number of clients
    and the waves those answers come from (several waves: completers and earlier dropouts
    alike).

    Parameters
    ----------
    b : Builder
        The document being built.
    inst : InstrumentData
        The experience instrument (its ``latest`` table).
    key : str or None
        The project; None for the programme.

    Returns
    -------
    Paragraph or None
        None when no client's answer is kept.
    """
    latest = project_rows(inst.latest, key)
    latest = latest[latest["clients"] > 0] if len(latest) else latest
    if not len(latest):
        return None
    n = fmt_int(latest["clients"].sum(), b.lang)
    waves = sorted(int(w) for w in latest["wave"])
    numbers = [b.t("wave_number", n=w) for w in waves]
    if len(waves) == 1:
        return Paragraph(b.t("experience_basis_one", n=n, wave=numbers[0]))
    return Paragraph(b.t("experience_basis_waves", n=n, waves=word_list(numbers, b.lang)))


def _rating_section(b: Builder, inst: InstrumentData, part: pd.DataFrame, block) -> Section:
    """One block of rated statements: diverging bars of the answer shares and their table.

    Each item's answers are one distribution of its n: a withheld answer count is protected
    within the item (:func:`evaltool.report.release.likert_release`); the chart draws what
    the table shows, the withheld answers as one hatched part."""
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
    hide = (
        part.pivot(index="item", columns="value", values="hidden")
        .reindex(index=codes, columns=values)
        .fillna(True)
        .to_numpy(dtype=bool)
    )
    pooled = part.groupby("item", sort=False)["pooled"].first().reindex(codes).to_numpy(float)
    if (~part["suppressed"].astype(bool)).any():
        sec.blocks.append(
            _rating_figure(b, sec.title, item_labels, list(cats)[: len(values)], wide, hide, pooled)
        )
    sec.blocks.append(
        _rating_table(b, sec.title, part, codes, item_labels, values, cats, wide, hide, pooled)
    )
    return sec


def likert_chart_data(
    wide: pd.DataFrame, hide: np.ndarray, pooled: np.ndarray | None = None
) -> tuple[np.ndarray, list[float | None], list[str]]:
    """What a rating chart draws: the shares the table shows, and per item the share not
    shown (withheld or pooled) with the side it belongs to.

    Parameters
    ----------
    wide : pandas.DataFrame
        Items × answer values: shares.
    hide : numpy.ndarray
        Items × answer values: withheld cells.
    pooled : numpy.ndarray, optional
        Per item the share in cells withheld in the project reports (programme rows).

    Returns
    -------
    tuple
        (shares with withheld cells NaN, the share not shown per item (None where all is
        shown or the item is withheld), its side per item: ``low`` (all withheld answers
        below the middle of the scale), ``high`` (all above) or ``middle``).
    """
    shares = np.where(hide, np.nan, wide.to_numpy(float))
    k = shares.shape[1]
    held: list[float | None] = []
    sides: list[str] = []
    for i in range(shares.shape[0]):
        cols = np.flatnonzero(hide[i])
        if np.isnan(wide.to_numpy(float)[i]).all():
            held.append(None)
            sides.append("middle")
            continue
        rest = max(0.0, 1.0 - float(np.nansum(shares[i])))
        held.append(round(rest, 9) if rest > 1e-9 else None)
        if len(cols) and (cols < k // 2).all():
            sides.append("low")
        elif len(cols) and (cols >= k - k // 2).all():
            sides.append("high")
        elif not len(cols) and pooled is not None:
            sides.append("middle")
        else:
            sides.append("middle")
    return shares, held, sides


def _rating_figure(
    b: Builder,
    title: str,
    item_labels: list[str],
    cats: list[str],
    wide: pd.DataFrame,
    hide: np.ndarray,
    pooled: np.ndarray,
) -> Figure:
    """Diverging bars of the shares the table shows; what it does not show is one hatched
    part on the side of the answers it holds."""
    shares, held, sides = likert_chart_data(wide, hide, pooled)
    note = ""
    if any(v for v in held):
        note = b.t("likert_withheld_note", min_n=b.data.min_n)
    chart = charts.diverging(
        item_labels,
        cats,
        [[None if np.isnan(v) else float(v) for v in col] for col in shares.T],
        b.t("axis_share"),
        b.lang,
        withheld=held,
        withheld_name=b.t("likert_withheld"),
        withheld_side=sides,
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
    pooled: np.ndarray,
) -> Table:
    """Each statement's n and the share of each answer (programme: and the share not shown
    by project)."""
    ns = part.groupby("item")["n"].first().reindex(codes)
    sup = part.groupby("item")["suppressed"].first().reindex(codes).to_numpy()
    frame = pd.DataFrame({"item_label": item_labels, "n": ns.to_numpy()})
    cols = [b.col("item_label", "col_question", stat=False), b.col("n", kind="int", stat=False)]
    cells = {}
    ledger = {}
    src = part.set_index(["item", "value"])["sources"]
    every = part.groupby("item", sort=False)["every"].first()
    for j, (v, cat) in enumerate(zip(values, cats, strict=False)):
        frame[f"v{v:g}"] = wide[v].to_numpy()
        cols.append(b.col(f"v{v:g}", header=str(cat), kind="pct"))
        cells[f"v{v:g}"] = hide[:, j]
        ledger[f"v{v:g}"] = [{("lk", c, p, v): 1.0 for p in src.get((c, v), [])} for c in codes]
    if np.nansum(pooled) > 0:
        frame["pooled"] = pooled
        cols.append(b.col("pooled", "col_not_by_project", kind="pct"))
    table = b.table(title, frame.assign(suppressed=sup), cols, cells=cells)
    table.ledger = ledger
    # each item's n: every answer of the projects it rests on (programme: all projects)
    table.ledger_facts = [
        {("lk", c, p, v): 1.0 for p in every.get(c, []) for v in values} for c in codes
    ]
    return table


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
    the number of answers per question; withheld below ``open_min_n`` respondents (the
    setting, default ``min_n``)."""
    d = b.data
    min_n = d.open_min_n or d.min_n
    opens = project_rows(d.open_answers, project.key)
    if opens.empty:
        return None
    sec = Section(b.t("sec_open"))
    resp = d.respondents
    n = resp.loc[resp["project"] == project.key, "n"]
    if n.empty or int(n.iloc[0]) < min_n:
        sec.blocks.append(Paragraph(b.t("open_answer_withheld", min_n=min_n)))
        return sec
    sec.blocks.append(Paragraph(b.t("open_answers_note", min_n=min_n)))
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
    """One question's answers and whether they are withheld (fewer than ``open_min_n``
    clients answered it)."""
    min_n = b.data.open_min_n or b.data.min_n
    title = _open_title(b, fname)
    if int(part["clients"].iloc[0]) < min_n:
        return AnswerList(title, [], b.t("open_field_withheld", min_n=min_n)), True
    total = int(part["count"].sum())
    # how many gave the same answer is shown only from min_n up (a small count)
    shown = [int(c) if c >= min_n else 0 for c in part["count"]]
    answers = list(zip(part["text"], shown, strict=True))
    return AnswerList(f"{title} ({b.t('n_open_answers', n=total)})", answers), False
