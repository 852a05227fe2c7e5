"""What every chapter builder shares: the document's numbering, column specs and row lookup.

A :class:`Builder` holds the state of one document (the collected data, the language and the
running numbers of tables and figures) and makes the document's blocks. :func:`project_rows`
takes one project's rows, or the programme rows, out of the programme-wide tables that
:mod:`evaltool.report.collect` computes once.
"""

from __future__ import annotations

import weakref

import numpy as np
import pandas as pd

from evaltool.report.collect import BACKGROUND_FIELDS, InstrumentData, ProjectInfo, ReportData
from evaltool.report.document import Column, Figure, Table
from evaltool.report.i18n import fmt_range, fmt_range_pct, t, wave_label
from evaltool.report.privacy import protect

#: The reliable-change classes, in the order of their count columns.
RCI_CLASSES = ("improved", "unchanged", "deteriorated")

_PROGRAMME = "\x00programme"
_SPLITS: dict[int, tuple[weakref.ref, dict, dict]] = {}
_BG_KEYS = {f"bg_{f}" for f in (*BACKGROUND_FIELDS, "goals", "baseline")}


class Builder:
    """Shared state of one document: data, language, numbering of tables and figures.

    Parameters
    ----------
    data : ReportData
        The statistics collected once per workspace (:func:`evaltool.report.collect.collect`).
    """

    def __init__(self, data: ReportData):
        self.data = data
        self.lang = data.lang
        self.n_tables = 0
        self.n_figures = 0

    def t(self, key: str, **kw) -> str:
        """The string ``key`` in the document's language, placeholders filled from ``kw``."""
        return t(key, self.lang, **kw)

    def table(
        self,
        title: str,
        frame: pd.DataFrame,
        columns: list[Column],
        notes: list[str] | None = None,
        cells: dict | None = None,
    ) -> Table:
        """The document's next table (``T1``, ``T2``, …).

        Parameters
        ----------
        title : str
            The table's title.
        frame : pandas.DataFrame
            Raw values; a ``suppressed`` column withholds whole rows.
        columns : list of Column
            Which columns of ``frame`` are shown, with headers and kinds.
        notes : list of str, optional
            Notes printed under the table.
        cells : dict, optional
            Column key → boolean mask of single withheld cells.

        Returns
        -------
        Table
        """
        self.n_tables += 1
        return Table(
            f"T{self.n_tables}", title, frame, columns, notes=notes or [], cells=cells or {}
        )

    def ci_cols(
        self, low: str = "ci_low", high: str = "ci_high", digits: int = 1, header: str | None = None
    ) -> list[Column]:
        """A confidence interval: one ``low…high`` column in the HTML report, the two
        numeric limits in the workbook (``frame`` must hold ``<low>__range``, see
        :meth:`with_ci`).

        Parameters
        ----------
        low, high : str
            The columns holding the interval's limits.
        digits : int
            Decimals of the limits in the workbook.
        header : str, optional
            The interval's header; default "95 % CI" in the document's language.

        Returns
        -------
        list of Column
            The report's text column and the workbook's two numeric columns.
        """
        kind = f"num{digits}"
        head = header or self.t("col_ci")
        return [
            Column(f"{low}__range", head, "text", True, "html"),
            Column(
                low,
                f"{head}: {self.t('lower')}" if header else self.t("col_ci_low"),
                kind,
                True,
                "excel",
            ),
            Column(
                high,
                f"{head}: {self.t('upper')}" if header else self.t("col_ci_high"),
                kind,
                True,
                "excel",
            ),
        ]

    def with_ci(
        self,
        frame: pd.DataFrame,
        low: str = "ci_low",
        high: str = "ci_high",
        digits: int = 1,
        pct: bool = False,
    ) -> pd.DataFrame:
        """``frame`` with ``<low>__range``: the interval as text for the HTML report.

        Parameters
        ----------
        frame : pandas.DataFrame
            Holds the columns ``low`` and ``high``.
        low, high : str
            The interval's limits.
        digits : int
            Decimals shown.
        pct : bool
            The limits are shares 0–1, shown as percentages.

        Returns
        -------
        pandas.DataFrame
            ``frame`` with the added column ``<low>__range``.
        """
        pairs = zip(frame[low], frame[high], strict=True)
        if pct:
            text = [fmt_range_pct(a, c, self.lang) for a, c in pairs]
        else:
            text = [fmt_range(a, c, self.lang, digits) for a, c in pairs]
        return frame.assign(**{f"{low}__range": text})

    def figure(self, title: str, fig: dict, note: str = "") -> Figure:
        """The document's next figure (``fig-1``, ``fig-2``, …) from a plotly figure dict."""
        self.n_figures += 1
        return Figure(f"fig-{self.n_figures}", title, fig, note)

    def col(
        self,
        key: str,
        header_key: str | None = None,
        kind: str = "text",
        stat: bool = True,
        header: str | None = None,
        repeat: bool = True,
    ) -> Column:
        """A table column whose header is the string ``header_key`` (default ``col_<key>``)
        unless ``header`` gives it.

        Parameters
        ----------
        key : str
            The frame's column.
        header_key : str, optional
            The string key of the header.
        kind : str
            How values are formatted (:data:`evaltool.report.document.KINDS`).
        stat : bool
            A statistic: shown as ``–`` in suppressed rows.
        header : str, optional
            The header as text.
        repeat : bool
            False: the report shows the value once per run of equal rows.

        Returns
        -------
        Column
        """
        return Column(
            key,
            header if header is not None else self.t(header_key or f"col_{key}"),
            kind,
            stat,
            repeat=repeat,
        )

    def wave(self, w) -> str:
        """The wave's name, e.g. "2. mittaus"."""
        return wave_label(w, self.lang)

    def domain_col(self, frame: pd.DataFrame, inst: InstrumentData) -> pd.DataFrame:
        """``frame`` with ``domain_label``: the domain's name in the document's language."""
        return frame.assign(
            domain_label=frame["domain"].map(lambda d: inst.domain_label(d, self.lang))
        )

    def yes_no(self, v) -> str:
        """ "Yes" or "no" in the document's language."""
        return self.t("yes") if bool(v) else self.t("no")


def project_key(project: ProjectInfo | None) -> str | None:
    """The project's key, None for the programme."""
    return None if project is None else project.key


def project_rows(frame: pd.DataFrame, project: str | None) -> pd.DataFrame:
    """Rows of one project, or the programme rows (project None) when ``project`` is None.

    The row positions of every project are found once per table and each project's rows are
    kept once taken, so 500 project reports never rescan the programme-wide tables.

    Parameters
    ----------
    frame : pandas.DataFrame
        A programme-wide table with a ``project`` column (None on programme rows).
    project : str or None
        The project's key; None for the programme rows.

    Returns
    -------
    pandas.DataFrame
        The rows, index reset; an empty frame with ``frame``'s columns when there are none.
    """
    if frame is None or frame.empty or "project" not in frame.columns:
        return pd.DataFrame(columns=[] if frame is None else frame.columns)
    key = id(frame)
    hit = _SPLITS.get(key)
    if hit is None or hit[0]() is not frame:
        proj = frame["project"].astype(object)
        labels = proj.where(proj.notna(), _PROGRAMME)
        hit = (
            weakref.ref(frame, lambda _r, k=key: _SPLITS.pop(k, None)),
            labels.groupby(labels, sort=False).indices,
            {},
        )
        _SPLITS[key] = hit
    label_ = _PROGRAMME if project is None else project
    taken = hit[2].get(label_)
    if taken is None:
        idx = hit[1].get(label_)
        taken = frame.iloc[0:0] if idx is None else frame.iloc[idx].reset_index(drop=True)
        hit[2][label_] = taken
    return taken


def lower_first(text: str) -> str:
    """``Psyykkinen`` → ``psyykkinen`` for use inside a sentence; acronyms (``WHO``) kept."""
    if len(text) > 1 and text[0].isupper() and text[1].islower():
        return text[0].lower() + text[1:]
    return text


def rci_cells(frame: pd.DataFrame, min_n: int) -> dict[str, np.ndarray]:
    """Withheld reliable-change counts per row and the shares computed from them.

    Parameters
    ----------
    frame : pandas.DataFrame
        Paired-change rows with the counts ``improved``, ``unchanged``, ``deteriorated``.
    min_n : int
        The smallest count shown.

    Returns
    -------
    dict
        ``improved``, ``unchanged``, ``deteriorated`` and their ``*_share`` → boolean mask
        of the rows where the cell is withheld.

    Notes
    -----
    The three counts of a row are one distribution of its n, so a withheld count is
    protected by withholding a second one (:func:`evaltool.report.privacy.protect`);
    "unchanged" goes before the headline "improved".
    """
    if frame.empty or "improved" not in frame.columns:
        return {k: np.zeros(len(frame), dtype=bool) for k in RCI_CLASSES}
    counts = frame[list(RCI_CLASSES)].to_numpy(dtype=float).ravel()
    rows = np.repeat(np.arange(len(frame)), len(RCI_CLASSES))
    # withhold "unchanged" before the headline "improved" where one more cell must go
    prio = np.tile([2.0, 0.0, 1.0], len(frame))
    mask = protect(counts, min_n, groups=rows, priority=prio).reshape(len(frame), len(RCI_CLASSES))
    out = {k: mask[:, j] for j, k in enumerate(RCI_CLASSES)}
    out.update({f"{k}_share": out[k] for k in RCI_CLASSES})
    return out


def project_org(b: Builder, project: ProjectInfo) -> str | None:
    """The project's organisation among the partner survey's organisations, if found."""
    coop = b.data.cooperation
    if coop is None:
        return None
    reg = project.register or {}
    candidates = [project.name, reg.get("organisation"), project.key, *project.labels]
    return coop.find_org([c for c in candidates if c])


def wave_span(b: Builder, frame: pd.DataFrame) -> str:
    """``(1. mittaus → 2. mittaus)`` from the first ``from_wave`` and ``to_wave`` of
    ``frame``; empty without them."""
    if len(frame) and "from_wave" in frame and frame["from_wave"].notna().any():
        return (
            f"({b.wave(frame['from_wave'].dropna().iloc[0])} → "
            f"{b.wave(frame['to_wave'].dropna().iloc[0])})"
        )
    return ""


def project_label(p: ProjectInfo) -> str:
    """``code name`` of a project (the code alone when it has no other name)."""
    return p.key if p.name == p.key else f"{p.key} {p.name}"


def field_title(b: Builder, fname: str) -> str:
    """A background field's title: the instrument's label, else the built-in one, else
    the field's name."""
    if fname in b.data.field_labels:
        return b.data.field_label(fname, b.lang)
    return b.t(f"bg_{fname}") if f"bg_{fname}" in _BG_KEYS else fname
