"""Chapter 1, the summary: headline sentences, the key figures and the project's facts."""

from __future__ import annotations

import pandas as pd

from evaltool.report.chapters.common import (
    Builder,
    lower_first,
    project_key,
    project_rows,
    rci_cells,
    wave_span,
)
from evaltool.report.chapters.cooperation import index_change_paragraphs, org_degree_paragraphs
from evaltool.report.chapters.register import register_frame
from evaltool.report.collect import InstrumentData, ProjectInfo
from evaltool.report.document import Chapter, Paragraph, Section
from evaltool.report.i18n import fmt_date, fmt_int, fmt_num, fmt_p_text, fmt_pct

#: A key figure: (label, formatted value).
Fact = tuple[str, str]
#: A headline change resting on fewer clients than this says it is uncertain.
FEW_CLIENTS = 30


def summary_chapter(b: Builder, project: ProjectInfo | None) -> Chapter:
    """The summary of a project report (``project``) or of the programme report (None).

    Parameters
    ----------
    b : Builder
        The document being built.
    project : ProjectInfo or None
        The project; None for the programme.

    Returns
    -------
    Chapter
        Sentences on the clients, each quality-of-life instrument's follow-up and largest
        change, the organisation's place in the partner network, the cooperation indices'
        change and the ESF participants; then the project's facts (project reports) and the
        key figures.
    """
    key = project_key(project)
    ch = Chapter("summary", b.t("ch_summary"))
    ch.intro, facts = _client_sentences(b, key)
    qol = [i for i in b.data.qol if project_rows(i.flow, key).shape[0]]
    for inst in qol:
        paragraphs, inst_facts = _instrument_sentences(b, inst, key)
        ch.intro += paragraphs
        facts += inst_facts
        if key is not None:
            ch.intro += _below_programme(b, inst, key)
    if project is not None:
        ch.intro += org_degree_paragraphs(b, project)
    paragraphs, coop_facts = index_change_paragraphs(b, project)
    ch.intro += paragraphs
    facts += coop_facts
    ch.intro += _register_sentences(b, project)
    sec = _key_figures(b, qol, key, facts)
    if sec.blocks:
        ch.sections.append(sec)
    if qol:
        ch.sections.append(Section(b.t("sec_limitations"), [Paragraph(b.t("s_limitations"))]))
    if project is not None:
        ch.sections.insert(0, _project_facts(b, project))
    return ch


def _client_sentences(b: Builder, key: str | None) -> tuple[list[Paragraph], list[Fact]]:
    """How many clients answered, or why the project's results are not shown."""
    d = b.data
    resp = d.respondents
    n_row = resp[resp["project"].isna()] if key is None else resp[resp["project"] == key]
    n_clients = int(n_row["n"].iloc[0]) if len(n_row) else 0
    paragraphs, facts = [], []
    if not n_clients and key is not None:
        paragraphs.append(Paragraph(b.t("s_no_clients")))
    elif n_clients < d.min_n and key is not None:
        paragraphs.append(Paragraph(b.t("s_small_project", min_n=d.min_n)))
    if n_clients:
        facts.append((b.t("col_clients"), fmt_int(n_clients, b.lang)))
        if key is None:
            with_data = int(resp["project"].notna().sum())
            paragraphs.append(
                Paragraph(b.t("s_clients_total", q=with_data, n=fmt_int(n_clients, b.lang)))
            )
    return paragraphs, facts


def _instrument_sentences(
    b: Builder, inst: InstrumentData, key: str | None
) -> tuple[list[Paragraph], list[Fact]]:
    """One instrument: its respondents per wave, the follow-up rate, the largest change."""
    flow = project_rows(inst.flow, key)
    waves = ", ".join(
        f"{b.wave(w)} n = {fmt_int(n, b.lang)}"
        for w, n in zip(flow["wave"], flow["scored"], strict=True)
    )
    n_inst = fmt_int(inst.n_respondents.get(key, 0), b.lang)
    if key is None:
        used = sum(1 for p in inst.n_respondents if p is not None)
        text = b.t("s_clients_programme", title=inst.title(b.lang), p=used, n=n_inst, waves=waves)
    else:
        text = b.t("s_clients", title=inst.title(b.lang), n=n_inst, waves=waves)
    paragraphs, facts = [Paragraph(text)], []
    link = project_rows(inst.outcomes.get("linkage", pd.DataFrame()), key)
    fu = link[link["kind"] == "follow_up"] if len(link) else link
    if len(fu) and not bool(fu["suppressed"].iloc[0]):
        r = fu.iloc[0]
        share = fmt_pct(r["share"], b.lang)
        paragraphs.append(
            Paragraph(
                b.t(
                    "s_follow",
                    a=int(r["from_wave"]),
                    b=int(r["to_wave"]),
                    n=fmt_int(r["n"], b.lang),
                    pct=share,
                )
            )
        )
        facts.append((f"{inst.short_title(b.lang)}: {b.t('col_follow_rate')}", share))
    change = _largest_change(b, inst, key)
    if change is not None:
        paragraphs.append(change)
    return paragraphs, facts


def _largest_change(b: Builder, inst: InstrumentData, key: str | None) -> Paragraph | None:
    """The domain with the largest effect size |dz|, with its change and CI."""
    paired = project_rows(inst.outcomes.get("paired", pd.DataFrame()), key)
    ok = paired[~paired["suppressed"].astype(bool)] if len(paired) else paired
    if not len(ok) or not ok["dz"].notna().any():
        return None
    pos = ok["dz"].abs().to_numpy().argmax()
    r = ok.iloc[pos]
    hidden = rci_cells(ok, b.data.min_n)["improved"][pos]
    words = dict(
        domain=inst.domain_label(r["domain"], b.lang),
        n=fmt_int(r["n"], b.lang),
        diff=fmt_num(r["mean_diff"], b.lang, 1, sign=True),
        low=fmt_num(r["ci_low"], b.lang),
        high=fmt_num(r["ci_high"], b.lang),
        dz=fmt_num(r["dz"], b.lang, 2),
        a=int(r["from_wave"]),
        b=int(r["to_wave"]),
    )
    if len(inst.domains) == 1:
        text = b.t("s_change_one", **words)
    else:
        words["domain"] = lower_first(words["domain"])
        if b.lang == "fi":
            words["domain"] = fi_on_domain(words["domain"])
        text = b.t("s_largest", **words)
    if pd.notna(r["ci_low"]) and pd.notna(r["ci_high"]) and r["ci_low"] <= 0 <= r["ci_high"]:
        text += " " + b.t("s_ci_includes_zero")
    if int(r["n"]) < FEW_CLIENTS:
        text += " " + b.t("s_few_clients", n=fmt_int(r["n"], b.lang))
    if not hidden and pd.notna(r["improved_share"]):
        pooled = float(r.get("rci_pooled", 0) or 0) > 0
        text += " " + b.t(
            "s_improved_at_least" if pooled else "s_improved",
            improved=fmt_pct(r["improved_share"], b.lang),
            n=fmt_int(r["n"], b.lang),
        )
    return Paragraph(text)


def _below_programme(b: Builder, inst: InstrumentData, key: str) -> list[Paragraph]:
    """Domains where the project's adjusted change is significantly below the programme's
    (ANCOVA effect < 0, p < 0.05)."""
    bench = project_rows(inst.outcomes.get("benchmark", pd.DataFrame()), key)
    if not len(bench):
        return []
    rows = bench[
        ~bench["suppressed"].astype(bool) & (bench["effect"] < 0) & (bench["effect_p"] < 0.05)
    ]
    one = len(inst.domains) == 1  # an index, not a domain among others
    out = []
    for r in rows.itertuples(index=False):
        name = inst.domain_label(r.domain, b.lang)
        text = b.t(
            "s_below_programme_one" if one else "s_below_programme",
            instrument=inst.short_title(b.lang),
            domain=lower_first(name) if one else _domain_words(b, name),
            effect=fmt_num(r.effect, b.lang, 1, sign=True),
            p=fmt_p_text(r.effect_p, b.lang),
        )
        out.append(Paragraph(text))
    return out


def _register_sentences(b: Builder, project: ProjectInfo | None) -> list[Paragraph]:
    """ESF participants, realised against planned."""
    reg = register_frame(b.data, project)
    if reg is None:
        return []
    row = reg[reg["measure"] == "participants"]
    if not (len(row) and pd.notna(row["planned"].iloc[0]) and pd.notna(row["realised"].iloc[0])):
        return []
    r = row.iloc[0]
    text = b.t(
        "s_esr" if project is not None else "s_esr_programme",
        plan=fmt_int(r["planned"], b.lang),
        real=fmt_int(r["realised"], b.lang),
        pct=fmt_pct(r["pct"], b.lang),
    )
    return [Paragraph(text)]


def _key_figures(
    b: Builder, qol: list[InstrumentData], key: str | None, facts: list[Fact]
) -> Section:
    """The key figures and the paired change of every quality-of-life domain."""
    sec = Section(b.t("sec_key_figures"))
    if facts:
        frame = pd.DataFrame(facts, columns=["measure", "value"])
        sec.blocks.append(
            b.table(b.t("sec_key_figures"), frame, [b.col("measure"), b.col("value", stat=False)])
        )
    rows = []
    for inst in qol:
        paired = project_rows(inst.outcomes.get("paired", pd.DataFrame()), key)
        if len(paired):
            rows.append(b.domain_col(paired, inst).assign(instrument=inst.short_title(b.lang)))
    if rows:
        frame = b.with_ci(pd.concat(rows, ignore_index=True))
        hide = rci_cells(frame, b.data.min_n)["improved"]
        sec.blocks.append(
            b.table(
                b.t("col_change") + " " + wave_span(b, frame),
                frame,
                [
                    b.col("instrument", stat=False),
                    b.col("domain_label", "col_domain", stat=False),
                    b.col("n", kind="int", stat=False),
                    b.col("mean_from", kind="num1"),
                    b.col("mean_to", kind="num1"),
                    b.col("mean_diff", "col_change", "signed1"),
                    *b.ci_cols(),
                    b.col("dz", kind="num2"),
                    b.col("improved_share", kind="pct"),
                ],
                cells={"improved_share": hide},
            )
        )
    return sec


def _project_facts(b: Builder, project: ProjectInfo) -> Section:
    """The project's register entry: code, name, organisation, region, funder, period."""
    r = project.register
    if r is None:
        return Section(b.t("sec_project_info"), [Paragraph(b.t("s_unregistered"))])
    period = ""
    if r.get("start_date") or r.get("end_date"):
        period = f"{fmt_date(r.get('start_date'), b.lang)}–{fmt_date(r.get('end_date'), b.lang)}"
    items = [
        ("col_code", r["code"]),
        ("col_name", r["name"]),
        ("col_organisation", r.get("organisation")),
        ("col_region", r.get("region")),
        ("col_funder", r.get("funder")),
        ("col_priority_axis", r.get("priority_axis")),
        ("col_period", period),
    ]
    frame = pd.DataFrame([(b.t(k), v) for k, v in items if v], columns=["measure", "value"])
    table = b.table(
        b.t("sec_project_info"),
        frame,
        [b.col("measure", "col_info"), b.col("value", "col_value_text", stat=False)],
    )
    return Section(b.t("sec_project_info"), [table])


def _domain_words(b: Builder, name: str) -> str:
    """The domain inside a sentence: Finnish in the adessive, else in lower case."""
    name = lower_first(name)
    return fi_on_domain(name) if b.lang == "fi" else name


def fi_on_domain(name: str) -> str:
    """ "psyykkinen" → "psyykkisellä osa-alueella", "ympäristö" → "ympäristön osa-alueella":
    a domain's name in the Finnish adessive (adjectives in -inen) or genitive."""
    word = name.strip()
    if not word or " " in word:
        return f"osa-alueella {word}"
    back = any(ch in word.casefold() for ch in "aou")
    if word.endswith("inen"):
        return f"{word[:-4]}isell{'a' if back else 'ä'} osa-alueella"
    return f"{word}n osa-alueella"
