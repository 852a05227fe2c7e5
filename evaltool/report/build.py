"""Report documents: the chapters of a project report and of the programme report.

Every chapter and section is present only where data exist. Builders take the
:class:`~evaltool.report.collect.ReportData` computed once per workspace and select rows; they
never touch respondent-level data, and every statistic comes from a table that already applies
the ``min_n`` suppression rule.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

import numpy as np
import pandas as pd

from evaltool.report import charts
from evaltool.report.collect import (
    BACKGROUND_FIELDS,
    GOAL_FIELDS,
    OPEN_FIELDS,
    InstrumentData,
    ProjectInfo,
    ReportData,
)
from evaltool.report.document import (
    AnswerList,
    Chapter,
    Column,
    Document,
    Figure,
    Paragraph,
    Section,
    Table,
)
from evaltool.report.i18n import (
    STRINGS,
    fmt_date,
    fmt_int,
    fmt_num,
    fmt_pct,
    fmt_range,
    fmt_range_pct,
    label,
    t,
    wave_label,
)
from evaltool.report.privacy import protect, protect_binary, small

ESR_MEASURES = ["participants", "women", "jobs", "enterprises", "degrees", "funding"]
NETWORK_ROWS = ["n_orgs", "n_respondents", "n_ties", "density", "reciprocity",
                "degree_centralization", "n_isolates", "mean_level", "mean_frequency",
                "mean_trust", "mean_value"]


class _Builder:
    """Shared state of one document: language, numbering of tables and figures."""

    def __init__(self, data: ReportData):
        self.data = data
        self.lang = data.lang
        self.n_tables = 0
        self.n_figures = 0

    def t(self, key: str, **kw) -> str:
        return t(key, self.lang, **kw)

    def table(self, title: str, frame: pd.DataFrame, columns: list[Column],
              notes: list[str] | None = None, cells: dict | None = None) -> Table:
        self.n_tables += 1
        return Table(f"T{self.n_tables}", title, frame, columns, notes=notes or [],
                     cells=cells or {})

    def ci_cols(self, low: str = "ci_low", high: str = "ci_high", digits: int = 1,
                header: str | None = None) -> list[Column]:
        """A confidence interval: one ``low…high`` column in the HTML report, the two
        numeric limits in the workbook (``frame`` must hold ``<low>__range``, see
        :meth:`with_ci`)."""
        kind = f"num{digits}"
        head = header or self.t("col_ci")
        return [Column(f"{low}__range", head, "text", True, "html"),
                Column(low, f"{head}: {self.t('lower')}" if header else self.t("col_ci_low"),
                       kind, True, "excel"),
                Column(high, f"{head}: {self.t('upper')}" if header else self.t("col_ci_high"),
                       kind, True, "excel")]

    def with_ci(self, frame: pd.DataFrame, low: str = "ci_low", high: str = "ci_high",
                digits: int = 1, pct: bool = False) -> pd.DataFrame:
        """``frame`` with ``<low>__range``: the interval as text for the HTML report."""
        if pct:
            text = [fmt_range_pct(a, c, self.lang) for a, c in
                    zip(frame[low], frame[high], strict=True)]
        else:
            text = [fmt_range(a, c, self.lang, digits) for a, c in
                    zip(frame[low], frame[high], strict=True)]
        return frame.assign(**{f"{low}__range": text})

    def figure(self, title: str, fig: dict, note: str = "") -> Figure:
        self.n_figures += 1
        return Figure(f"fig-{self.n_figures}", title, fig, note)

    def col(self, key: str, header_key: str | None = None, kind: str = "text",
            stat: bool = True, header: str | None = None, repeat: bool = True) -> Column:
        return Column(key, header if header is not None else self.t(header_key or f"col_{key}"),
                      kind, stat, repeat=repeat)

    # ---------------------------------------------------------------- small helpers

    def wave(self, w) -> str:
        return wave_label(w, self.lang)

    def domain_col(self, frame: pd.DataFrame, inst: InstrumentData) -> pd.DataFrame:
        return frame.assign(domain_label=frame["domain"].map(
            lambda d: inst.domain_label(d, self.lang)))

    def yes_no(self, v) -> str:
        return self.t("yes") if bool(v) else self.t("no")


_PROGRAMME = "\x00programme"
_SPLITS: dict[int, tuple[weakref.ref, dict, dict]] = {}


def _rows(frame: pd.DataFrame, project: str | None) -> pd.DataFrame:
    """Rows of one project, or the programme rows (project None) when ``project`` is None.

    The row positions of every project are found once per table and each project's rows are
    kept once taken, so 500 project reports never rescan the programme-wide tables."""
    if frame is None or frame.empty or "project" not in frame.columns:
        return pd.DataFrame(columns=[] if frame is None else frame.columns)
    key = id(frame)
    hit = _SPLITS.get(key)
    if hit is None or hit[0]() is not frame:
        proj = frame["project"].astype(object)
        labels = proj.where(proj.notna(), _PROGRAMME)
        hit = (weakref.ref(frame, lambda _r, k=key: _SPLITS.pop(k, None)),
               labels.groupby(labels, sort=False).indices, {})
        _SPLITS[key] = hit
    label_ = _PROGRAMME if project is None else project
    taken = hit[2].get(label_)
    if taken is None:
        idx = hit[1].get(label_)
        taken = frame.iloc[0:0] if idx is None else frame.iloc[idx].reset_index(drop=True)
        hit[2][label_] = taken
    return taken


# =========================================================================== chapters


def _summary(b: _Builder, project: ProjectInfo | None) -> Chapter:
    d = b.data
    key = None if project is None else project.key
    ch = Chapter("summary", b.t("ch_summary"))
    resp = d.respondents
    n_row = resp[resp["project"].isna()] if key is None else resp[resp["project"] == key]
    n_clients = int(n_row["n"].iloc[0]) if len(n_row) else 0
    facts = []
    if not n_clients and key is not None:
        ch.intro.append(Paragraph(b.t("s_no_clients")))
    elif n_clients < d.min_n and key is not None:
        ch.intro.append(Paragraph(b.t("s_small_project", min_n=d.min_n)))
    if n_clients:
        facts.append((b.t("col_clients"), fmt_int(n_clients, b.lang)))
        if key is None:
            with_data = int(resp["project"].notna().sum())
            ch.intro.append(Paragraph(b.t("s_clients_total", q=with_data,
                                          n=fmt_int(n_clients, b.lang))))
    qol = [i for i in d.qol if _rows(i.flow, key).shape[0]]
    for inst in qol:
        flow = _rows(inst.flow, key)
        waves = ", ".join(f"{b.wave(w)} n = {fmt_int(n, b.lang)}" for w, n in
                          zip(flow["wave"], flow["scored"], strict=True))
        n_inst = fmt_int(inst.n_respondents.get(key, 0), b.lang)
        if key is None:
            used = sum(1 for p in inst.n_respondents if p is not None)
            ch.intro.append(Paragraph(b.t("s_clients_programme", title=inst.title(b.lang),
                                          p=used, n=n_inst, waves=waves)))
        else:
            ch.intro.append(Paragraph(b.t("s_clients", title=inst.title(b.lang), n=n_inst,
                                          waves=waves)))
        link = _rows(inst.outcomes.get("linkage", pd.DataFrame()), key)
        fu = link[link["kind"] == "follow_up"] if len(link) else link
        if len(fu) and not bool(fu["suppressed"].iloc[0]):
            r = fu.iloc[0]
            ch.intro.append(Paragraph(b.t("s_follow", a=int(r["from_wave"]), b=int(r["to_wave"]),
                                          n=fmt_int(r["n"], b.lang),
                                          pct=fmt_pct(r["share"], b.lang))))
            facts.append((f"{inst.short_title(b.lang)}: {b.t('col_follow_rate')}",
                          fmt_pct(r["share"], b.lang)))
        paired = _rows(inst.outcomes.get("paired", pd.DataFrame()), key)
        ok = paired[~paired["suppressed"].astype(bool)] if len(paired) else paired
        if len(ok) and ok["dz"].notna().any():
            pos = ok["dz"].abs().to_numpy().argmax()
            r = ok.iloc[pos]
            hidden = _rci_cells(ok, d.min_n)["improved"][pos]
            words = dict(domain=inst.domain_label(r["domain"], b.lang),
                         diff=fmt_num(r["mean_diff"], b.lang, 1, sign=True),
                         low=fmt_num(r["ci_low"], b.lang), high=fmt_num(r["ci_high"], b.lang),
                         dz=fmt_num(r["dz"], b.lang, 2), a=int(r["from_wave"]),
                         b=int(r["to_wave"]))
            if len(inst.domains) == 1:
                text = b.t("s_change_one", **words)
            else:
                words["domain"] = _lower_first(words["domain"])
                text = b.t("s_largest", **words)
            if not hidden and pd.notna(r["improved_share"]):
                text += " " + b.t("s_improved", improved=fmt_pct(r["improved_share"], b.lang))
            ch.intro.append(Paragraph(text))
    coop = d.cooperation
    if coop is not None and project is not None:
        org = _project_org(b, project)
        if org is not None:
            mine = coop.organisations[coop.organisations["org"] == org]
            if len(mine) >= 2:
                r1, r2 = mine.iloc[-2], mine.iloc[-1]
                ch.intro.append(Paragraph(b.t(
                    "s_org_degree", org=org, d2=fmt_int(r2["degree"], b.lang), r2=r2["round"],
                    d1=fmt_int(r1["degree"], b.lang), r1=r1["round"])))
            elif len(mine):
                r2 = mine.iloc[-1]
                ch.intro.append(Paragraph(b.t("s_org_degree_one", org=org, r2=r2["round"],
                                              d2=fmt_int(r2["degree"], b.lang))))
    if coop is not None and coop.comparisons:
        comp = coop.comparisons[-1]["indices"]
        parts = []
        scope = "" if project is None else f" ({b.t('network_wide')})"
        for r in comp.itertuples(index=False):
            if r.suppressed or pd.isna(r.diff):
                continue
            name = coop.index_label(r.index, b.lang)
            rng = fmt_range(r.ci_low, r.ci_high, b.lang)
            parts.append(f"{name} {fmt_num(r.diff, b.lang, 1, sign=True)}"
                         + (f" ({rng})" if rng else ""))
            facts.append((f"{name}{scope}: {_lower_first(b.t('col_change'))} {r.round1} → "
                          f"{r.round2}",
                          fmt_num(r.diff, b.lang, 1, sign=True)))
        if parts:
            r = comp.iloc[0]
            ch.intro.append(Paragraph(b.t("s_coop", r1=r["round1"], r2=r["round2"],
                                          changes=", ".join(parts))))
    reg = _esr_frame(d, project)
    if reg is not None:
        row = reg[reg["measure"] == "participants"]
        if len(row) and pd.notna(row["planned"].iloc[0]) and pd.notna(row["realised"].iloc[0]):
            r = row.iloc[0]
            ch.intro.append(Paragraph(b.t(
                "s_esr" if project is not None else "s_esr_programme",
                plan=fmt_int(r["planned"], b.lang), real=fmt_int(r["realised"], b.lang),
                pct=fmt_pct(r["pct"], b.lang))))
    sec = Section(b.t("sec_key_figures"))
    if facts:
        frame = pd.DataFrame(facts, columns=["measure", "value"])
        sec.blocks.append(b.table(b.t("sec_key_figures"), frame,
                                  [b.col("measure"), b.col("value", stat=False)]))
    rows = []
    for inst in qol:
        paired = _rows(inst.outcomes.get("paired", pd.DataFrame()), key)
        if len(paired):
            rows.append(b.domain_col(paired, inst).assign(instrument=inst.short_title(b.lang)))
    if rows:
        frame = b.with_ci(pd.concat(rows, ignore_index=True))
        hide = _rci_cells(frame, d.min_n)["improved"]
        sec.blocks.append(b.table(
            b.t("col_change") + " " + _wave_span(b, frame), frame,
            [b.col("instrument", stat=False), b.col("domain_label", "col_domain", stat=False),
             b.col("n", kind="int", stat=False), b.col("mean_from", kind="num1"),
             b.col("mean_to", kind="num1"), b.col("mean_diff", "col_change", "signed1"),
             *b.ci_cols(), b.col("dz", kind="num2"),
             b.col("improved_share", kind="pct")], cells={"improved_share": hide}))
    if sec.blocks:
        ch.sections.append(sec)
    if project is not None:
        info = _project_facts(b, project)
        if info is not None:
            ch.sections.insert(0, info)
    return ch


def _lower_first(text: str) -> str:
    """``Psyykkinen`` → ``psyykkinen`` for use inside a sentence; acronyms (``WHO``) kept."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def _rci_cells(frame: pd.DataFrame, min_n: int) -> dict[str, np.ndarray]:
    """Withheld reliable-change counts per row (improved, unchanged, deteriorated: one
    distribution of the row's n) and the shares computed from them."""
    if frame.empty or "improved" not in frame.columns:
        return {k: np.zeros(len(frame), dtype=bool) for k in _RCI}
    counts = frame[list(_RCI)].to_numpy(dtype=float).ravel()
    rows = np.repeat(np.arange(len(frame)), len(_RCI))
    # withhold "unchanged" before the headline "improved" where one more cell must go
    prio = np.tile([2.0, 0.0, 1.0], len(frame))
    mask = protect(counts, min_n, groups=rows, priority=prio).reshape(len(frame), len(_RCI))
    out = {k: mask[:, j] for j, k in enumerate(_RCI)}
    out.update({f"{k}_share": out[k] for k in _RCI})
    return out


_RCI = ("improved", "unchanged", "deteriorated")


def _project_org(b: _Builder, project: ProjectInfo) -> str | None:
    coop = b.data.cooperation
    if coop is None:
        return None
    reg = project.register or {}
    candidates = [project.name, reg.get("organisation"), project.key, *project.labels]
    return coop.find_org([c for c in candidates if c])


def _wave_span(b: _Builder, frame: pd.DataFrame) -> str:
    if len(frame) and "from_wave" in frame and frame["from_wave"].notna().any():
        return f"({b.wave(frame['from_wave'].dropna().iloc[0])} → " \
               f"{b.wave(frame['to_wave'].dropna().iloc[0])})"
    return ""


def _project_facts(b: _Builder, project: ProjectInfo) -> Section | None:
    r = project.register
    if r is None:
        return Section(b.t("sec_project_info"), [Paragraph(b.t("s_unregistered"))])
    period = ""
    if r.get("start_date") or r.get("end_date"):
        period = f"{fmt_date(r.get('start_date'), b.lang)}–{fmt_date(r.get('end_date'), b.lang)}"
    items = [("col_code", r["code"]), ("col_name", r["name"]),
             ("col_organisation", r.get("organisation")), ("col_region", r.get("region")),
             ("col_funder", r.get("funder")), ("col_priority_axis", r.get("priority_axis")),
             ("col_period", period)]
    frame = pd.DataFrame([(b.t(k), v) for k, v in items if v], columns=["measure", "value"])
    return Section(b.t("sec_project_info"), [b.table(b.t("sec_project_info"), frame,
                                                     [b.col("measure"),
                                                      b.col("value", stat=False)])])


def _methods(b: _Builder, project: ProjectInfo | None) -> Chapter:
    d = b.data
    key = None if project is None else project.key
    ch = Chapter("methods", b.t("ch_methods"))
    insts = [i for i in d.instruments if len(_rows(i.flow, key))]
    if not insts:
        return ch
    s_inst = Section(b.t("sec_instruments"))
    s_flow = Section(b.t("sec_flow"))
    s_files = Section(b.t("sec_files"))
    s_missing = Section(b.t("sec_missing"))
    for inst in insts:
        rule = inst.instrument.rules.get(inst.rule)
        rule_text = label(rule.description if rule else {}, b.lang, inst.rule)
        version = str(inst.instrument.version or inst.name)
        if version.replace(".", "").isdigit():
            version = b.t("version_n", n=version)
        s_inst.blocks.append(Paragraph(b.t("s_instrument", title=inst.title(b.lang),
                                           version=version, rule=rule_text.rstrip("."))))
        if inst.instrument.reference:
            s_inst.blocks.append(Paragraph(inst.instrument.reference, "reference"))
        flow = _rows(inst.flow, key).copy()
        flow["wave_label"] = flow["wave"].map(b.wave)
        s_flow.blocks.append(b.table(
            f"{inst.short_title(b.lang)}: {b.t('sec_waves')}", flow,
            [b.col("wave_label", "col_wave", stat=False),
             b.col("stored", kind="int", stat=False),
             b.col("incomplete", kind="int", stat=False),
             b.col("discarded", kind="int", stat=False), b.col("scored", kind="int",
                                                               stat=False),
             b.col("first_date", kind="date", stat=False),
             b.col("last_date", kind="date", stat=False)]))
        files = _rows(inst.files, key)
        rejected = int(files["rows_rejected"].sum()) if len(files) else 0
        link = _rows(inst.outcomes.get("linkage", pd.DataFrame()), key)
        fu = link[link["kind"] == "follow_up"] if len(link) else link
        stored, scored = int(flow["stored"].sum()), int(flow["scored"].sum())
        text = [b.t("s_flow_all" if stored == scored else "s_flow",
                    stored=fmt_int(stored, b.lang), scored=fmt_int(scored, b.lang),
                    discarded=fmt_int(flow["discarded"].sum(), b.lang))]
        if rejected:
            text.append(b.t("s_rejected", rejected=fmt_int(rejected, b.lang)))
        if len(fu):
            r = fu.iloc[0]
            text.append(b.t("s_linked", a=int(r["from_wave"]), b=int(r["to_wave"]),
                            linked=fmt_int(r["n"], b.lang)))
        s_flow.blocks.append(Paragraph(" ".join(text)))
        if len(files):
            s_files.blocks.append(b.table(
                f"{inst.short_title(b.lang)}: {b.t('sec_files')}", files,
                [b.col("source_name", "col_file", stat=False),
                 b.col("layout", stat=False),
                 b.col("imported_at", "col_imported", "date", stat=False),
                 b.col("rows_read", "col_read", "int", stat=False),
                 b.col("stored_here", "col_stored", "int", stat=False),
                 b.col("rows_rejected", "col_rejected", "int", stat=False)]))
        miss = _rows(inst.missing, key)
        if len(miss):
            s_missing.blocks.append(b.table(
                f"{inst.short_title(b.lang)}: {b.t('sec_missing')}", miss,
                [b.col("answered", kind="int", stat=False),
                 b.col("skipped", kind="int", stat=False),
                 b.col("dont_know", kind="int", stat=False),
                 b.col("missing_code", kind="int", stat=False),
                 b.col("not_in_file", kind="int", stat=False)]))
    s_missing.blocks.insert(0, Paragraph(b.t("s_missing")))
    tests = Section(b.t("sec_tests"), [Paragraph(b.t("s_tests", min_n=d.min_n))])
    ch.sections += [s for s in (s_inst, s_flow, s_files, s_missing, tests) if s.blocks]
    return ch


def _respondents(b: _Builder, project: ProjectInfo | None) -> Chapter:
    d = b.data
    key = None if project is None else project.key
    ch = Chapter("respondents", b.t("ch_respondents"))
    bg = _rows(d.background, key)
    if bg.empty:
        return ch
    sets = d.fields
    sec = Section(b.t("sec_background"))
    for fname in (sets.background if sets else BACKGROUND_FIELDS):
        part = bg[bg["field"] == fname]
        if part.empty:
            continue
        part = _order_values(d, part, fname)
        part = part.assign(value_label=[d.value_label(fname, v, b.lang) for v in part["value"]])
        title = _field_title(b, fname)
        hide = protect(part["count"], d.min_n)
        sec.blocks.append(b.table(
            f"{title} (n = {int(part['n'].iloc[0])})", part,
            [b.col("value_label", header=title, stat=False), b.col("count", kind="int"),
             b.col("share", kind="pct")], cells={"count": hide, "share": hide}))
    if sec.blocks:
        ch.sections.append(sec)
    for gname in (sets.goals if sets else GOAL_FIELDS):
        gsec = _goals(b, bg[bg["field"] == gname], gname)
        if gsec is not None:
            ch.sections.append(gsec)
    return ch


def _field_title(b: _Builder, fname: str) -> str:
    if fname in b.data.field_labels:
        return b.data.field_label(fname, b.lang)
    return b.t(f"bg_{fname}") if f"bg_{fname}" in _BG_KEYS else fname


def _goals(b: _Builder, goals: pd.DataFrame, gname: str) -> Section | None:
    d = b.data
    if len(goals):
        gsec = Section(_field_title(b, gname) if gname != "goals" else b.t("sec_goals"))
        goals = goals.sort_values(["count", "value"], ascending=[False, True])
        goals = goals.assign(value_label=[d.value_label(f, v, b.lang) for f, v in
                                          zip(goals["field"], goals["value"], strict=True)])
        hide = protect_binary(goals["count"], goals["n"], d.min_n)
        if not goals["suppressed"].any() and not hide.all():
            shares = goals["share"].where(~hide)
            gsec.blocks.append(b.figure(gsec.title, charts.hbars(
                goals["value_label"].tolist(), shares.tolist(), b.t("axis_share"),
                b.lang), note=b.t("min_n_chart", min_n=d.min_n) if hide.any() else ""))
        gsec.blocks.append(b.table(
            f"{gsec.title} (n = {int(goals['n'].iloc[0])})", goals,
            [b.col("value_label", "bg_goals", stat=False), b.col("count", kind="int"),
             b.col("share", kind="pct")], notes=[b.t("s_multi")],
            cells={"count": hide, "share": hide}))
        return gsec
    return None


def _order_values(d: ReportData, part: pd.DataFrame, fname: str) -> pd.DataFrame:
    """Categories in the instrument's option order when declared, else by count."""
    order: dict[str, int] = {}
    for (f, norm), _labels in d.value_labels.items():
        if f == fname:
            order.setdefault(norm, len(order))
    if order:
        rank = part["value"].map(lambda v: order.get(str(v).strip().casefold(), 10_000))
        return part.assign(_r=rank).sort_values(["_r", "value"]).drop(columns="_r")
    return part.sort_values(["count", "value"], ascending=[False, True])


def _qol(b: _Builder, project: ProjectInfo | None) -> Chapter:
    d = b.data
    key = None if project is None else project.key
    ch = Chapter("qol", b.t("ch_qol"))
    for inst in d.qol:
        means = _rows(inst.means, key)
        if means.empty:
            continue
        title = inst.short_title(b.lang)
        sec = Section(f"{title}: {b.t('sec_means')}")
        series = []
        for dom in inst.domains:
            m = means[means["domain"] == dom]
            if m.empty:
                continue
            series.append({"name": inst.domain_label(dom, b.lang),
                           "x": [b.wave(w) for w in m["wave"]], "y": m["mean"].tolist(),
                           "low": m["ci_low"].tolist(), "high": m["ci_high"].tolist()})
        if any(pd.notna(v) for s in series for v in s["y"]):
            sec.blocks.append(b.figure(b.t("fig_means", instrument=title), charts.lines_with_ci(
                series, b.t("col_wave"), b.t("axis_score"), b.lang)))
        means = b.with_ci(b.domain_col(means, inst).assign(
            wave_label=lambda f: f["wave"].map(b.wave)))
        sec.blocks.append(b.table(
            f"{title}: {b.t('sec_means')}", means,
            [b.col("domain_label", "col_domain", stat=False, repeat=False),
             b.col("wave_label", "col_wave", stat=False), b.col("n", kind="int", stat=False),
             b.col("mean", kind="num1"), b.col("sd", kind="num1"), *b.ci_cols()]))
        ch.sections.append(sec)
        if not inst.outcomes:
            continue
        o = inst.outcomes
        paired = _rows(o["paired"], key)
        if len(paired):
            paired = b.with_ci(b.domain_col(paired, inst))
            sec = Section(f"{title}: {b.t('sec_paired')} {_wave_span(b, paired)}")
            sec.blocks.append(b.table(
                sec.title, paired,
                [b.col("domain_label", "col_domain", stat=False),
                 b.col("n", kind="int", stat=False), b.col("mean_from", kind="num1"),
                 b.col("mean_to", kind="num1"), b.col("mean_diff", "col_change", "signed1"),
                 *b.ci_cols(), b.col("p", kind="p"), b.col("p_holm", kind="p"),
                 b.col("wilcoxon_p", kind="p"), b.col("dz", kind="num2"),
                 b.col("d_av", kind="num2")]))
            ch.sections.append(sec)
            sec = Section(f"{title}: {b.t('sec_rci')}")
            hide = _rci_cells(paired, d.min_n)
            # a bar is drawn only when all three of its parts can be shown
            shown = ~paired["suppressed"].astype(bool).to_numpy()
            ok = shown & ~(hide["improved"] | hide["unchanged"] | hide["deteriorated"])
            if ok.any():
                parts = [{"name": b.t(f"col_{k}"), "color": color,
                          "values": paired.loc[ok, f"{k}_share"]}
                         for k, color in (("deteriorated", charts.BAD),
                                          ("unchanged", charts.NEUTRAL),
                                          ("improved", charts.GOOD))]
                note = b.t("s_rci")
                if (shown & ~ok).any():
                    note += " " + b.t("rci_chart_left_out", min_n=d.min_n)
                sec.blocks.append(b.figure(b.t("fig_rci", instrument=title), charts.stacked_shares(
                    paired.loc[ok, "domain_label"].tolist(), parts, b.t("axis_clients"),
                    b.lang), note=note))
            elif shown.any():
                sec.blocks.append(Paragraph(b.t("s_rci")))
            sec.blocks.append(b.table(
                sec.title, paired,
                [b.col("domain_label", "col_domain", stat=False),
                 b.col("n", kind="int", stat=False), b.col("rci_critical", kind="num1"),
                 b.col("improved", kind="int"), b.col("unchanged", kind="int"),
                 b.col("deteriorated", kind="int"), b.col("improved_share", kind="pct")],
                cells=hide))
            ch.sections.append(sec)
        sub = _rows(o["subgroups"], key)
        sub = sub[sub["n"] > 0] if len(sub) else sub
        if len(sub):
            sub = _order_subgroups(d, b.domain_col(sub, inst), inst)
            sub["variable_label"] = sub["variable"].map(lambda v: _field_title(b, v))
            sub["level_label"] = [
                b.t(f"lvl_{lv}") if v == "baseline" and f"lvl_{lv}" in STRINGS
                else d.value_label(v, lv, b.lang)
                for v, lv in zip(sub["variable"], sub["level"], strict=True)]
            # a withheld group size (and any size that would give it away) hides its row
            hide = protect(sub["n"], d.min_n, groups=sub["domain"] + "\x00" + sub["variable"])
            sub = b.with_ci(sub.assign(suppressed=sub["suppressed"].astype(bool) | hide))
            sec = Section(f"{title}: {b.t('sec_subgroups')}",
                          [Paragraph(b.t("s_subgroups"))])
            sec.blocks.append(b.table(
                sec.title, sub,
                [b.col("domain_label", "col_domain", stat=False, repeat=False),
                 b.col("variable_label", "col_variable", stat=False, repeat=False),
                 b.col("level_label", "col_level", stat=False),
                 b.col("n", kind="int", stat=False), b.col("mean_from", kind="num1"),
                 b.col("mean_to", kind="num1"), b.col("mean_diff", "col_change", "signed1"),
                 *b.ci_cols(), b.col("dz", kind="num2")], cells={"n": hide}))
            ch.sections.append(sec)
        bench = o["benchmark"]
        if len(bench) and key is not None:  # the programme report has it in chapter 3
            sec = _benchmark(b, inst, bench, key)
            if sec is not None:
                ch.sections.append(sec)
        mixed = _rows(o["mixed"], key)
        if len(mixed) and len(inst.waves) >= 3:
            ch.sections.append(_trajectories(b, inst, o["mixed"], key))
        good = _rows(o["eurohis"], key)
        if len(good):
            good = good[good["kind"] == "wave"].assign(
                wave_label=lambda f: f["wave"].map(b.wave))
            hide = protect_binary(good["n_good"], good["n"], d.min_n)
            good = b.with_ci(good, pct=True)
            sec = Section(f"{title}: {b.t('sec_good_qol')}",
                          [Paragraph(b.t("s_good_qol", threshold=fmt_num(
                              good["threshold"].iloc[0], b.lang, 0),
                              lo=fmt_num(inst.instrument.scale_min, b.lang, 0),
                              hi=fmt_num(inst.instrument.scale_max, b.lang, 0)))]
                          if "threshold" in good and pd.notna(good["threshold"].iloc[0])
                          else [])
            sec.blocks.append(b.table(
                sec.title, good,
                [b.col("wave_label", "col_wave", stat=False),
                 b.col("n", kind="int", stat=False), b.col("n_good", kind="int"),
                 b.col("share", kind="pct1"), *b.ci_cols(digits=1)],
                cells={k: hide for k in ("n_good", "share", "ci_low", "ci_high",
                                         "ci_low__range")}))
            ch.sections.append(sec)
    return ch


def _order_subgroups(d: ReportData, sub: pd.DataFrame, inst: InstrumentData) -> pd.DataFrame:
    """Subgroup rows by domain, grouping (baseline first) and the options' own order."""
    dom = {dn: k for k, dn in enumerate(inst.domains)}
    var_order = {v: k for k, v in enumerate(pd.unique(sub["variable"]))}
    ranks: dict[str, dict[str, int]] = {}
    for (f, norm), _labels in d.value_labels.items():
        ranks.setdefault(f, {}).setdefault(norm, len(ranks[f]))
    lvl = {"lowest third": 0, "upper two thirds": 1, "below cut-off": 0,
           "at or above cut-off": 1}
    rank = [lvl.get(str(lv), 0) if v == "baseline"
            else ranks.get(v, {}).get(str(lv).strip().casefold(), 10_000)
            for v, lv in zip(sub["variable"], sub["level"], strict=True)]
    return sub.assign(_d=sub["domain"].map(dom), _v=sub["variable"].map(var_order),
                      _r=rank, _l=sub["level"].astype(str)).sort_values(
        ["_d", "_v", "_r", "_l"]).drop(columns=["_d", "_v", "_r", "_l"]).reset_index(drop=True)


_BG_KEYS = {f"bg_{f}" for f in (*BACKGROUND_FIELDS, "goals", "baseline")}


def _benchmark(b: _Builder, inst: InstrumentData, bench: pd.DataFrame, key: str | None
               ) -> Section | None:
    title = inst.short_title(b.lang)
    prog = _rows(bench, None)
    if key is not None:
        rows = _rows(bench, key)
        if rows.empty:
            return None
        rows = b.domain_col(rows, inst)
        prog_by = prog.set_index("domain")
        sec = Section(f"{title}: {b.t('sec_benchmark')}", [Paragraph(b.t("s_benchmark"))])
        labels = rows["domain_label"].tolist()
        pr = prog_by.reindex(rows["domain"])
        ok = rows[~rows["suppressed"].astype(bool)]
        if len(ok):
            sec.blocks.append(b.figure(b.t("fig_forest", instrument=title), charts.forest(
                labels,
                [{"name": b.t("this_project"), "est": rows["adjusted_change"],
                  "low": rows["adjusted_ci_low"], "high": rows["adjusted_ci_high"],
                  "color": charts.HIGHLIGHT, "symbol": "square"},
                 {"name": b.t("programme"), "est": pr["adjusted_change"],
                  "low": pr["adjusted_ci_low"], "high": pr["adjusted_ci_high"],
                  "color": charts.PALETTE[0], "symbol": "diamond"}],
                b.t("axis_change"), b.lang)))
        rows = b.with_ci(b.with_ci(rows, "adjusted_ci_low", "adjusted_ci_high"),
                         "effect_ci_low", "effect_ci_high")
        sec.blocks.append(b.table(
            sec.title, rows,
            [b.col("domain_label", "col_domain", stat=False), b.col("n", kind="int", stat=False),
             b.col("adjusted_change", kind="signed1"),
             *b.ci_cols("adjusted_ci_low", "adjusted_ci_high"),
             b.col("effect", kind="signed1"),
             *b.ci_cols("effect_ci_low", "effect_ci_high",
                        header=f"{b.t('col_effect')}: {b.t('col_ci')}"),
             b.col("effect_p", "col_p", "p")]))
        return sec
    # programme: one forest plot per domain with every project
    proj = bench[bench["project"].notna()].reset_index(drop=True)
    if proj.empty:
        return None
    sec = Section(f"{title}: {b.t('sec_benchmark_all')}", [Paragraph(b.t("s_benchmark"))])
    names = {k: _project_label(p) for k, p in b.data.projects.items()}
    for dom in inst.domains:
        rows = proj[(proj["domain"] == dom) & ~proj["suppressed"].astype(bool)]
        if rows.empty:
            continue
        rows = rows.sort_values(["adjusted_change", "project"], ascending=[False, True])
        ref = prog.loc[prog["domain"] == dom, "adjusted_change"]
        sec.blocks.append(b.figure(
            b.t("fig_forest_domain", instrument=title, domain=inst.domain_label(dom, b.lang)),
            charts.forest([names.get(p, p) for p in rows["project"]],
                          [{"name": b.t("col_adjusted_change"), "est": rows["adjusted_change"],
                            "low": rows["adjusted_ci_low"], "high": rows["adjusted_ci_high"],
                            "color": charts.PALETTE[0], "size": 7}],
                          b.t("axis_change"), b.lang,
                          reference=ref.iloc[0] if len(ref) else None),
            note=b.t("forest_reference")))
    table = b.domain_col(bench.assign(project_label=bench["project"].map(
        lambda p: b.t("programme") if p is None or pd.isna(p) else names.get(p, p))), inst)
    table = b.with_ci(table, "adjusted_ci_low", "adjusted_ci_high")
    sec.blocks.append(b.table(
        sec.title, table,
        [b.col("project_label", "col_project", stat=False),
         b.col("domain_label", "col_domain", stat=False), b.col("n", kind="int", stat=False),
         b.col("adjusted_change", kind="signed1"),
         *b.ci_cols("adjusted_ci_low", "adjusted_ci_high"), b.col("effect", kind="signed1"),
         b.col("effect_p", "col_p", "p")]))
    return sec


def _project_label(p: ProjectInfo) -> str:
    return p.key if p.name == p.key else f"{p.key} {p.name}"


def _trajectories(b: _Builder, inst: InstrumentData, mixed: pd.DataFrame, key: str | None
                  ) -> Section:
    title = inst.short_title(b.lang)
    sec = Section(f"{title}: {b.t('sec_trajectories')}")
    rows = _rows(mixed, key)
    series = []
    groups = [(key, b.t("this_project") if key is not None else b.t("programme"), "solid")]
    if key is not None:
        groups.append((None, b.t("programme"), "dot"))
    for k, dom in enumerate(inst.domains):
        color = charts.PALETTE[k % len(charts.PALETTE)]
        for proj, name, dash in groups:
            m = _rows(mixed, proj)
            m = m[(m["domain"] == dom) & ~m["suppressed"].astype(bool)]
            if m.empty or not m["converged"].fillna(False).astype(bool).all():
                continue
            icpt = m.loc[m["term"] == "intercept", "estimate"]
            if icpt.empty or pd.isna(icpt.iloc[0]):
                continue
            base = float(icpt.iloc[0])
            waves = [inst.waves[0]] + [int(str(tm).split(":")[1]) for tm in m["term"]
                                       if str(tm).startswith("wave:")]
            ys = [base] + [base + float(v) for tm, v in zip(m["term"], m["estimate"],
                                                            strict=True)
                           if str(tm).startswith("wave:")]
            series.append({"name": f"{inst.domain_label(dom, b.lang)} – {name}",
                           "x": [b.wave(w) for w in waves], "y": ys, "color": color,
                           "dash": dash})
    if series:
        sec.blocks.append(b.figure(b.t("fig_trajectories", instrument=title),
                                   charts.lines_with_ci(series, b.t("col_wave"),
                                                        b.t("axis_score"), b.lang)))
    rows = b.domain_col(rows, inst)
    rows["term_label"] = rows["term"].map(
        lambda tm: b.t("baseline") if tm == "intercept"
        else f"{b.wave(int(str(tm).split(':')[1]))} − {b.wave(inst.waves[0])}")
    rows = b.with_ci(rows)
    sec.blocks.append(b.table(
        sec.title, rows,
        [b.col("domain_label", "col_domain", stat=False, repeat=False),
         b.col("term_label", "col_term", stat=False), b.col("n", kind="int", stat=False),
         b.col("estimate", kind="num1"), b.col("se", kind="num2"), *b.ci_cols(),
         b.col("var_client", kind="num1"), b.col("var_residual", kind="num1")],
        notes=[b.t("s_mixed")]))
    return sec


def _experience(b: _Builder, project: ProjectInfo | None) -> Chapter:
    d = b.data
    key = None if project is None else project.key
    ch = Chapter("experience", b.t("ch_experience"))
    for inst in d.experience:
        lk = _rows(inst.likert, key)
        if lk.empty:
            continue
        ins = inst.instrument
        for block in pd.unique(lk["block"]):
            part = lk[lk["block"] == block]
            codes = list(pd.unique(part["item"]))
            items = [ins.item(c) for c in codes]
            rs = items[0].response_set
            cats = ins.response_sets.get(rs, {}).get(b.lang) or ins.response_sets.get(
                rs, {}).get("fi") or [fmt_int(v, b.lang) for v in sorted(part["value"].unique())]
            values = sorted(part["value"].unique())
            item_labels = [label(it.labels, b.lang, it.code) for it in items]
            sec = Section(_block_title(ins, block, b.lang) or b.t("sec_likert"))
            shown = part[~part["suppressed"].astype(bool)]
            wide = part.pivot(index="item", columns="value", values="share").reindex(
                index=codes, columns=values)
            counts = part.pivot(index="item", columns="value", values="count").reindex(
                index=codes, columns=values).to_numpy(dtype=float)
            # each item's answers are one distribution of its n
            hide = protect(counts.ravel(), d.min_n,
                           groups=np.repeat(np.arange(len(codes)), len(values))
                           ).reshape(counts.shape)
            if len(shown):
                chart_cats, shares, note = list(cats)[: len(values)], wide.to_numpy(float), ""
                held = None
                if hide.any():
                    chart_cats, shares, note = _collapsed_likert(b, chart_cats, counts)
                    with np.errstate(invalid="ignore"):
                        rest = 1 - np.nansum(shares, axis=1)
                    held = np.where(np.isnan(shares).all(axis=1), np.nan,
                                    np.round(rest, 9)).tolist()
                sec.blocks.append(b.figure(sec.title, charts.diverging(
                    item_labels, chart_cats, shares.T.tolist(), b.t("axis_share"), b.lang,
                    withheld=held, withheld_name=b.t("likert_withheld")), note=note))
            ns = part.groupby("item")["n"].first().reindex(codes)
            sup = part.groupby("item")["suppressed"].first().reindex(codes).to_numpy()
            frame = pd.DataFrame({"item_label": item_labels, "n": ns.to_numpy()})
            cols = [b.col("item_label", "col_question", stat=False),
                    b.col("n", kind="int", stat=False)]
            cells = {}
            for j, (v, cat) in enumerate(zip(values, cats, strict=False)):
                frame[f"v{v:g}"] = wide[v].to_numpy()
                cols.append(b.col(f"v{v:g}", header=str(cat), kind="pct"))
                cells[f"v{v:g}"] = hide[:, j]
            sec.blocks.append(b.table(sec.title, frame.assign(suppressed=sup), cols,
                                      cells=cells))
            ch.sections.append(sec)
        scores = _rows(inst.means, key)
        if len(scores):
            scores = b.with_ci(b.domain_col(scores, inst))
            sec = Section(f"{inst.short_title(b.lang)}: {b.t('sec_block_scores')}")
            sec.blocks.append(b.table(
                sec.title, scores,
                [b.col("domain_label", "col_domain", stat=False),
                 b.col("n", kind="int", stat=False), b.col("mean", kind="num1"),
                 b.col("sd", kind="num1"), *b.ci_cols()]))
            ch.sections.append(sec)
    if project is not None:
        sec = _open_answers(b, project)
        if sec is not None:
            ch.sections.append(sec)
    return ch


def _collapsed_likert(b: _Builder, cats: list[str], counts: np.ndarray
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
        names.append(cats[g[0]] if len(g) == 1 else
                     f"{cats[g[0]]} – {_lower_first(cats[g[-1]])}")
    merged = np.stack([np.nansum(counts[:, g], axis=1) for g in groups], axis=1)
    merged[np.isnan(counts).all(axis=1)] = np.nan
    n = np.nansum(merged, axis=1, keepdims=True)
    hide = protect(merged.ravel(), b.data.min_n,
                   groups=np.repeat(np.arange(len(merged)), merged.shape[1])
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


def _open_answers(b: _Builder, project: ProjectInfo) -> Section | None:
    d = b.data
    opens = _rows(d.open_answers, project.key)
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
        if fname in d.field_labels:
            title = d.field_label(fname, b.lang)
        else:
            title = b.t(OPEN_FIELDS.get(fname, "sec_open"))
        total = int(part["count"].sum())
        clients = int(part["clients"].iloc[0])
        if clients < d.min_n:
            sec.blocks.append(AnswerList(title, [], b.t("open_field_withheld", min_n=d.min_n)))
            counts.append((title, total, True))
            continue
        # how many gave the same answer is shown only from min_n up (a small count)
        shown = [int(c) if c >= d.min_n else 0 for c in part["count"]]
        sec.blocks.append(AnswerList(f"{title} ({b.t('n_open_answers', n=total)})",
                                     list(zip(part["text"], shown, strict=True))))
        counts.append((title, total, False))
    frame = pd.DataFrame(counts, columns=["field", "answers", "withheld"])
    sec.blocks.append(b.table(b.t("sec_open"), frame,
                              [b.col("field", "col_question", stat=False),
                               b.col("answers", kind="int", stat=False)],
                              cells={"answers": frame["withheld"].to_numpy(bool)}))
    return sec


def _cooperation(b: _Builder, project: ProjectInfo | None) -> Chapter:
    d = b.data
    ch = Chapter("cooperation", b.t("ch_cooperation"))
    coop = d.cooperation
    if coop is None:
        return ch
    org = None
    if project is not None:
        reg = project.register or {}
        org = _project_org(b, project)
        if org is None:
            if reg.get("organisation"):
                ch.intro.append(Paragraph(b.t("s_org_not_found", org=reg["organisation"])))
        else:
            ch.intro.append(Paragraph(b.t("s_org_found", org=org)))
    orgs = coop.organisations
    trust_hide = small(orgs["n_trust_raters"], d.min_n) if "n_trust_raters" in orgs else None
    value_hide = small(orgs["n_value_raters"], d.min_n) if "n_value_raters" in orgs else None
    rater_cells = {}
    if trust_hide is not None:
        rater_cells["mean_trust_received"] = trust_hide
    if value_hide is not None:
        rater_cells["mean_value_received"] = value_hide
    sec = Section(b.t("sec_position") if org else b.t("sec_network"))
    label_all = len(orgs["org"].unique()) <= 30
    for rnd in coop.rounds:
        nodes = orgs.loc[orgs["round"] == rnd, "org"].astype(str).tolist()
        dy = coop.dyads[coop.dyads["round"] == rnd]
        edges = list(zip(dy["respondent_org"].astype(str), dy["partner_org"].astype(str),
                         strict=True))
        deg = dict(zip(orgs.loc[orgs["round"] == rnd, "org"].astype(str),
                       orgs.loc[orgs["round"] == rnd, "degree"].astype(int), strict=True))
        hover = {n: f"{n} ({deg.get(n, 0)})" for n in nodes}
        sec.blocks.append(b.figure(
            b.t("fig_network", round=rnd),
            charts.network(coop.positions, nodes, edges, deg, b.lang, highlight=org,
                           hover=hover, labels=label_all),
            note=b.t("network_legend") if org else b.t("network_legend_all")))
    raters_note = [b.t("s_raters", min_n=d.min_n)]
    if org is not None:
        pick = (orgs["org"] == org).to_numpy()
        mine = orgs[pick]
        sec.blocks.append(b.table(
            f"{org}: {b.t('sec_position')}", mine,
            [b.col("round", stat=False), b.col("in_degree", kind="int"),
             b.col("out_degree", kind="int"), b.col("degree", kind="int"),
             b.col("betweenness", kind="num1"),
             b.col("mean_trust_received", "col_trust_received", "num2"),
             b.col("mean_value_received", "col_value_received", "num2")],
            notes=raters_note, cells={k: v[pick] for k, v in rater_cells.items()}))
    else:
        net = coop.networks.set_index("round")
        rows = [{"measure": b.t(f"m_{m}"), **{str(r): net.at[r, m] if r in net.index else None
                                              for r in coop.rounds}}
                for m in NETWORK_ROWS if m in net.columns]
        frame = pd.DataFrame(rows)
        sec.blocks.append(b.table(
            b.t("sec_network"), frame,
            [b.col("measure", "col_measure", stat=False)]
            + [b.col(str(r), header=str(r), kind="num2i", stat=False) for r in coop.rounds]))
        if project is None:
            order = orgs.sort_values(["round", "degree", "org"],
                                     ascending=[True, False, True]).index.to_numpy()
            table = orgs.loc[order]
            table = table.assign(sector_label=[coop.sector_label(x, b.lang)
                                               for x in table["sector"]])
            pos = orgs.index.get_indexer(order)
            sec.blocks.append(b.table(
                b.t("sec_orgs"), table,
                [b.col("round", stat=False, repeat=False), b.col("org", "col_org", stat=False),
                 b.col("sector_label", "col_sector", stat=False),
                 b.col("in_degree", kind="int", stat=False),
                 b.col("out_degree", kind="int", stat=False),
                 b.col("degree", kind="int", stat=False),
                 b.col("betweenness", kind="num1", stat=False),
                 b.col("mean_trust_received", "col_trust_received", "num2", stat=False),
                 b.col("mean_value_received", "col_value_received", "num2", stat=False)],
                notes=raters_note, cells={k: v[pos] for k, v in rater_cells.items()}))
    ch.sections.append(sec)
    ind = coop.indices
    if len(ind):
        ind = ind.assign(index_label=ind["index"].map(lambda c: coop.index_label(c, b.lang)))
        isec = Section(b.t("sec_indices"))
        series = []
        for code in pd.unique(ind["index"]):
            part = ind[ind["index"] == code]
            series.append({"name": coop.index_label(code, b.lang),
                           "x": part["round"].astype(str).tolist(), "y": part["mean"].tolist(),
                           "low": part["ci_low"].tolist(), "high": part["ci_high"].tolist()})
        if ind["mean"].notna().any():
            isec.blocks.append(b.figure(b.t("fig_indices"), charts.lines_with_ci(
                series, b.t("col_round"), b.t("axis_score"), b.lang)))
        block = {c: k for k, c in enumerate(pd.unique(ind["index"]))}
        rnd = {r: k for k, r in enumerate(coop.rounds)}
        ind = b.with_ci(ind.assign(_b=ind["index"].map(block), _r=ind["round"].map(rnd))
                        .sort_values(["_b", "_r"], kind="stable"))
        isec.blocks.append(b.table(
            b.t("sec_indices"), ind,
            [b.col("index_label", "col_index", stat=False, repeat=False),
             b.col("round", stat=False),
             b.col("n", "col_n_orgs", kind="int", stat=False), b.col("mean", kind="num1"),
             b.col("sd", kind="num1"), *b.ci_cols()]))
        ch.sections.append(isec)
    if coop.comparisons:
        csec = Section(b.t("sec_round_change"))
        frames = [c["indices"] for c in coop.comparisons]
        comp = pd.concat(frames, ignore_index=True)
        comp = comp.assign(index_label=comp["index"].map(lambda c: coop.index_label(c, b.lang)),
                           test_label=comp["test"].map(lambda x: b.t(f"test_{x}")))
        comp = b.with_ci(comp)
        csec.blocks.append(b.table(
            f"{b.t('sec_indices')}: {b.t('sec_round_change')}", comp,
            [b.col("index_label", "col_index", stat=False),
             b.col("round1", stat=False), b.col("round2", stat=False),
             b.col("test_label", "col_test", stat=False), b.col("n1", header="n1", kind="int",
                                                                stat=False),
             b.col("n2", header="n2", kind="int", stat=False),
             b.col("mean1", header=f"{b.t('col_mean')} 1", kind="num1"),
             b.col("mean2", header=f"{b.t('col_mean')} 2", kind="num1"),
             b.col("diff", "col_change", "signed1"), *b.ci_cols(), b.col("p", kind="p")]))
        pairs = list(zip(coop.rounds, coop.rounds[1:], strict=False))
        if org is not None:
            oc = pd.concat([c["org_change"].assign(round1=str(r1), round2=str(r2))
                            for c, (r1, r2) in zip(coop.comparisons, pairs, strict=True)],
                           ignore_index=True)
            oc = oc[oc["org"] == org].reset_index(drop=True)
            if len(oc):
                cells = {}
                if "n_trust_raters1" in oc:
                    cells["trust_change"] = (small(oc["n_trust_raters1"], d.min_n)
                                             | small(oc["n_trust_raters2"], d.min_n))
                    cells["value_change"] = (small(oc["n_value_raters1"], d.min_n)
                                             | small(oc["n_value_raters2"], d.min_n))
                csec.blocks.append(b.table(
                    f"{org}: {b.t('sec_round_change')}", oc,
                    [b.col("round1", stat=False), b.col("round2", stat=False),
                     b.col("degree1", header=f"{b.t('col_degree')} 1", kind="int", stat=False),
                     b.col("degree2", header=f"{b.t('col_degree')} 2", kind="int", stat=False),
                     b.col("degree_change", header=f"{b.t('col_degree')}: {b.t('col_change')}",
                           kind="signed0", stat=False),
                     b.col("trust_change",
                           header=f"{b.t('col_trust_received')}: {b.t('col_change')}",
                           kind="signed2", stat=False),
                     b.col("value_change",
                           header=f"{b.t('col_value_received')}: {b.t('col_change')}",
                           kind="signed2", stat=False)],
                    notes=raters_note, cells=cells))
        if project is None:
            net = pd.concat([c["network"][c["network"]["basis"] == "all"].assign(
                round1=str(r1), round2=str(r2))
                for c, (r1, r2) in zip(coop.comparisons, pairs, strict=True)],
                ignore_index=True)
            net = net[net["measure"].isin(NETWORK_ROWS)]
            net = net.assign(measure_label=net["measure"].map(lambda m: b.t(f"m_{m}")))
            csec.blocks.append(b.table(
                f"{b.t('sec_network')}: {b.t('sec_round_change')}", net,
                [b.col("measure_label", "col_measure", stat=False),
                 b.col("round1", stat=False), b.col("round2", stat=False),
                 b.col("value1", header=b.t("col_value_round1"), kind="num2i", stat=False),
                 b.col("value2", header=b.t("col_value_round2"), kind="num2i", stat=False),
                 b.col("change", "col_change", "signed2i", stat=False)]))
            ties = pd.concat([c["ties"].assign(round1=str(r1), round2=str(r2))
                              for c, (r1, r2) in zip(coop.comparisons, pairs, strict=True)],
                             ignore_index=True)
            ties = ties.assign(basis_label=ties["basis"].map(lambda x: b.t(f"basis_{x}")))
            csec.blocks.append(b.table(
                f"{b.t('m_n_ties')}: {b.t('sec_round_change')}", ties,
                [b.col("basis_label", "col_basis", stat=False), b.col("round1", stat=False),
                 b.col("round2", stat=False),
                 b.col("n_ties1", header=f"{b.t('m_n_ties')} 1", kind="int", stat=False),
                 b.col("n_ties2", header=f"{b.t('m_n_ties')} 2", kind="int", stat=False),
                 b.col("kept", kind="int", stat=False), b.col("new", kind="int", stat=False),
                 b.col("lost", kind="int", stat=False),
                 b.col("jaccard", kind="num2", stat=False)]))
        ch.sections.append(csec)
    return ch


def _esr_frame(d: ReportData, project: ProjectInfo | None) -> pd.DataFrame | None:
    """measure, planned, realised, pct for one project (or the register's totals)."""
    if project is None:
        reg = d.register
        if reg.empty:
            return None
        row = {c: reg[c].sum(min_count=1) for c in reg.columns if c.startswith(("planned_",
                                                                                 "realised_"))}
    else:
        if project.register is None:
            return None
        row = project.register
    out = pd.DataFrame({"measure": ESR_MEASURES,
                        "planned": [row.get(f"planned_{m}") for m in ESR_MEASURES],
                        "realised": [row.get(f"realised_{m}") for m in ESR_MEASURES]})
    out["planned"] = pd.to_numeric(out["planned"], errors="coerce").astype(float)
    out["realised"] = pd.to_numeric(out["realised"], errors="coerce").astype(float)
    if out[["planned", "realised"]].isna().all().all():
        return None
    with np.errstate(divide="ignore", invalid="ignore"):
        out["pct"] = np.where(out["planned"] > 0, out["realised"] / out["planned"], np.nan)
    return out


def _esr(b: _Builder, project: ProjectInfo | None) -> Chapter:
    d = b.data
    ch = Chapter("esr", b.t("ch_esr"))
    frame = _esr_frame(d, project)
    if frame is None:
        return ch
    frame = frame.assign(measure_label=frame["measure"].map(lambda m: b.t(f"esr_{m}")))
    title = b.t("sec_esr_table") if project is not None else b.t("sec_esr_totals")
    sec = Section(title)
    counts = frame[frame["measure"] != "funding"]
    if counts[["planned", "realised"]].notna().any().any():
        sec.blocks.append(b.figure(b.t("fig_esr"), charts.grouped_bars(
            counts["measure_label"].tolist(),
            [{"name": b.t("col_planned"), "values": counts["planned"], "color": "#9DB9D3"},
             {"name": b.t("col_realised"), "values": counts["realised"],
              "color": charts.PALETTE[0]}], b.t("axis_count"), b.lang)))
    sec.blocks.append(b.table(
        title, frame,
        [b.col("measure_label", "col_measure", stat=False),
         b.col("planned", kind="eur", stat=False), b.col("realised", kind="eur", stat=False),
         b.col("pct", "col_realised_pct", "pct", stat=False)]))
    if project is None:
        reg = d.register.copy()
        sec.blocks.insert(0, Paragraph(f"{b.t('esr_projects')}: {fmt_int(len(reg), b.lang)}"))
        cols = [b.col("code", stat=False), b.col("name", stat=False),
                b.col("organisation", stat=False),
                Column("region", b.t("col_region"), "text", False, "excel")]
        for m in ESR_MEASURES:
            name = b.t(f"esr_{m}")
            # the report shows "realised / planned" in one column, the workbook both numbers
            reg[f"{m}__both"] = [
                f"{fmt_int(r, b.lang) or '–'} / {fmt_int(p, b.lang) or '–'}"
                if pd.notna(r) or pd.notna(p) else ""
                for r, p in zip(pd.to_numeric(reg.get(f"realised_{m}"), errors="coerce"),
                                pd.to_numeric(reg.get(f"planned_{m}"), errors="coerce"),
                                strict=True)] if f"planned_{m}" in reg else ""
            cols += [Column(f"{m}__both", f"{name}: {b.t('col_realised_planned')}", "text",
                            False, "html"),
                     Column(f"planned_{m}", f"{name}: {b.t('col_planned')}", "eur", False,
                            "excel"),
                     Column(f"realised_{m}", f"{name}: {b.t('col_realised')}", "eur", False,
                            "excel")]
        sec.blocks.append(b.table(b.t("sec_esr_projects"), reg, cols))
    ch.sections.append(sec)
    return ch


def _appendix(b: _Builder, project: ProjectInfo | None) -> Chapter:
    d = b.data
    key = None if project is None else project.key
    ch = Chapter("appendix", b.t("ch_appendix"))
    items_sec = Section(b.t("sec_items"), [Paragraph(b.t("s_reversed"))])
    rel_sec = Section(b.t("sec_reliability"))
    att_sec = Section(b.t("sec_attrition"))
    link_sec = Section(b.t("sec_linkage"), [Paragraph(b.t("s_linkage"))])
    for inst in d.instruments:
        title = inst.short_title(b.lang)
        it = _rows(inst.items, key)
        if len(it):
            ins = inst.instrument
            item_text = {i.code: f"{i.code} {label(i.labels, b.lang, i.code)}"
                         for i in ins.items}
            rev_text = {i.code: b.yes_no(i.reversed) for i in ins.items}
            it = it.assign(item_label=it["item"].map(item_text),
                           reversed_label=it["item"].map(rev_text),
                           wave_label=it["wave"].map(b.wave))
            items_sec.blocks.append(b.table(
                f"{title}: {b.t('sec_items')}", it,
                [b.col("item_label", "col_item", stat=False),
                 b.col("reversed_label", "col_reversed", stat=False),
                 b.col("wave_label", "col_wave", stat=False),
                 b.col("n", kind="int", stat=False), b.col("mean", kind="num2"),
                 b.col("sd", kind="num2")]))
        if not inst.outcomes:
            continue
        o = inst.outcomes
        rel = o["reliability"]
        if key is None:
            rel = _rows(rel, None)
        else:
            mine = _rows(rel, key)
            rel = pd.concat([_rows(rel, None), mine]) if len(mine) else mine
        if len(rel):
            rel = b.with_ci(b.domain_col(rel, inst).assign(
                wave_label=lambda f: f["wave"].map(b.wave),
                project_label=lambda f: f["project"].map(
                    lambda p: b.t("programme") if p is None or pd.isna(p) else
                    b.t("this_project"))), digits=2)
            rel_sec.blocks.append(b.table(
                f"{title}: {b.t('sec_reliability')}", rel,
                [b.col("project_label", "col_project", stat=False, repeat=False),
                 b.col("domain_label", "col_domain", stat=False, repeat=False),
                 b.col("wave_label", "col_wave", stat=False),
                 b.col("n", kind="int", stat=False), b.col("k", kind="int", stat=False),
                 b.col("alpha", kind="num2"), *b.ci_cols(digits=2)]))
        att = _rows(o["attrition"], key)
        if len(att):
            att = b.with_ci(b.domain_col(att, inst))
            att_sec.blocks.append(b.table(
                f"{title}: {b.t('sec_attrition')} {_wave_span(b, att)}", att,
                [b.col("domain_label", "col_domain", stat=False),
                 b.col("n_followed", kind="int", stat=False),
                 b.col("n_lost", kind="int", stat=False),
                 b.col("mean_followed", kind="num1"), b.col("mean_lost", kind="num1"),
                 b.col("mean_diff", "col_diff", "signed1"), *b.ci_cols(),
                 b.col("p", kind="p")], cells={"n_lost": small(att["n_lost"], d.min_n)}))
        link = _rows(o["linkage"], key)
        if len(link):
            link = link[link["kind"].isin(["wave", "link"])
                        | ((link["kind"] == "pattern") & (link["n"] > 0))].reset_index(drop=True)
        if len(link):
            link = link.assign(what=[_link_label(b, r, inst.waves)
                                     for r in link.itertuples(index=False)])
            # the wave patterns split the clients, and with the counts per wave and per pair
            # of waves one shown pattern gives away the others: all are withheld together
            pattern = (link["kind"] == "pattern").to_numpy()
            hide = np.zeros(len(link), dtype=bool)
            if small(link.loc[pattern, "n"], d.min_n).any():
                hide[pattern] = True
            link_sec.blocks.append(b.table(
                f"{title}: {b.t('sec_linkage')}", link,
                [b.col("what", "col_pattern", stat=False), b.col("n", kind="int"),
                 b.col("base", kind="int", stat=False), b.col("share", kind="pct")],
                cells={"n": hide, "share": hide}))
    ch.sections += [s for s in (items_sec, rel_sec, att_sec, link_sec)
                    if any(isinstance(x, Table) for x in s.blocks)]
    return ch


def _link_label(b: _Builder, r, all_waves: list[int]) -> str:
    if r.kind == "wave":
        return b.t("link_wave", a=int(r.wave))
    if r.kind == "link":
        return b.t("link_pair", a=int(r.from_wave), b=int(r.to_wave))
    text = str(r.pattern)
    waves = [int(w) for w in text.replace(" only", "").split("-") if w.strip().isdigit()]
    listed = b.t("and_list", head=", ".join(f"{w}{b.t('ord')}" for w in waves[:-1]),
                 last=f"{waves[-1]}{b.t('ord')}") if len(waves) > 1 else \
        f"{waves[0]}{b.t('ord')}" if waves else text
    if len(waves) == len(all_waves) and len(waves) > 1:
        return b.t("pattern_all", waves=listed)
    return b.t("pattern_only" if len(waves) == 1 else "pattern_only_many", waves=listed)


def _comparison(b: _Builder) -> Chapter:
    """Programme report: one row per project and domain."""
    d = b.data
    ch = Chapter("comparison", b.t("ch_comparison"))
    names = {k: p.name for k, p in d.projects.items()}
    base = pd.DataFrame({"project": list(d.projects)})
    base["name"] = base["project"].map(names)
    for inst in d.qol:
        if not inst.outcomes:
            continue
        o = inst.outcomes
        link = o["linkage"]
        fu = link[(link["kind"] == "follow_up") & link["project"].notna()]
        paired = o["paired"][o["paired"]["project"].notna()]
        bench = o["benchmark"][o["benchmark"]["project"].notna()]
        frame = paired.merge(bench[["project", "domain", "adjusted_change", "effect",
                                    "effect_p"]], on=["project", "domain"], how="left")
        frame = frame.merge(fu[["project", "share"]].rename(columns={"share": "follow"}),
                            on="project", how="left")
        counts = inst.n_respondents
        frame = frame.merge(base.assign(clients=[float(counts.get(k, np.nan))
                                                 for k in base["project"]]),
                            on="project", how="left")
        frame = b.domain_col(frame, inst).sort_values(["project", "domain"], key=lambda s: s
                                                      if s.name == "project" else
                                                      s.map({dn: i for i, dn in
                                                             enumerate(inst.domains)}))
        sec = Section(f"{inst.short_title(b.lang)} {_wave_span(b, frame)}")
        frame = b.with_ci(frame.assign(project_label=[
            _project_label(d.projects[k]) if k in d.projects else k for k in frame["project"]]))
        hide = _rci_cells(frame, d.min_n)["improved"]
        sec.blocks.append(b.table(
            f"{inst.short_title(b.lang)}: {b.t('ch_comparison')}", frame,
            [Column("project_label", b.t("col_project"), "text", False, "html", False),
             Column("project", b.t("col_code"), "text", False, "excel"),
             Column("name", b.t("col_name"), "text", False, "excel"),
             b.col("clients", "col_respondents", kind="int", stat=False, repeat=False),
             b.col("follow", "col_follow_rate", "pct", stat=False, repeat=False),
             b.col("domain_label", "col_domain", stat=False),
             b.col("n", kind="int", stat=False), b.col("mean_from", kind="num1"),
             b.col("mean_diff", "col_change", "signed1"), *b.ci_cols(),
             b.col("dz", kind="num2"), b.col("improved_share", kind="pct"),
             b.col("adjusted_change", kind="signed1"), b.col("effect", kind="signed1"),
             b.col("effect_p", "col_p", "p")], cells={"improved_share": hide}))
        ch.sections.append(sec)
        bsec = _benchmark(b, inst, o["benchmark"], None)
        if bsec is not None:
            ch.sections.append(bsec)
    return ch


# =========================================================================== documents


def _document(b: _Builder, kind: str, title: str, subtitle: str,
              parts: list[Callable[[], Chapter]]) -> Document:
    chapters = [c for c in (p() for p in parts) if not c.empty()]
    return Document(kind=kind, title=title, subtitle=subtitle, lang=b.lang,
                    created=fmt_date(b.data.created, b.lang), min_n=b.data.min_n,
                    chapters=chapters)


def project_document(data: ReportData, project: ProjectInfo) -> Document:
    """The per-project impact report (chapters 1–8, each only where data exist)."""
    b = _Builder(data)
    title = project.name if project.name == project.key else f"{project.name} ({project.key})"
    parts = [lambda: _summary(b, project), lambda: _methods(b, project),
             lambda: _respondents(b, project), lambda: _qol(b, project),
             lambda: _experience(b, project), lambda: _cooperation(b, project),
             lambda: _esr(b, project), lambda: _appendix(b, project)]
    return _document(b, "project", title, b.t("report_project"), parts)


def programme_document(data: ReportData) -> Document:
    """The programme report: all projects side by side, cooperation, ESR totals."""
    b = _Builder(data)
    parts = [lambda: _summary(b, None), lambda: _methods(b, None),
             lambda: _comparison(b), lambda: _respondents(b, None), lambda: _qol(b, None),
             lambda: _experience(b, None), lambda: _cooperation(b, None),
             lambda: _esr(b, None), lambda: _appendix(b, None)]
    return _document(b, "programme", b.t("report_programme"), b.t("programme"), parts)
