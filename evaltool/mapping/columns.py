"""Column placement: which column of a survey table holds which item or field of an instrument.

:func:`map_columns` runs a :class:`ColumnMapper`, which weighs the evidence each column offers
in a fixed order, strongest first. Every step claims only columns that no earlier step
claimed, and a target (an item, a field, a multi-select option) only once, through
:meth:`ColumnMapper._claim`, which records in :attr:`ColumnMap.how` the evidence that placed
the column:

====  ======================  ==========================================  =================
step  method                  evidence                                    ``how``
====  ======================  ==========================================  =================
1     ``by_mapping_file``     the mapping file: header text, tool code    ``mapping``
                              or column letter → item code, field,
                              ``field:option`` or ``skip``
2     ``by_template_code``    a template header ending in ``(code)``      ``template``
3     ``fields_by_label``     a field's name or label (fi / sv / en,      ``label``,
                              also after a question number), or a         ``pattern``
                              background pattern (field → regex on the
                              normalised header)
4     ``options_by_grid``     a multi-select grid: stem = the field's     ``label``,
                              label, sub-labels = its options             ``other`` (skip)
5     ``items_by_label``      an item's label text (fi / sv / en): a      ``label``
                              grid statement, the header or question
                              label
6     ``items_by_code``       an item code as header, tool code or        ``code``
                              sub-label, over answer-like values
7     ``items_by_position``   the position within a grid whose stem is    ``position``
                              a block's label or whose size pairs it
                              with a block (tool codes ``SQ003``,
                              ``Q2_3`` give the position)
8     ``items_by_number``     a numbered header (``k1``, ``1.``) outside  ``number``
                              grids, over answer-like values
–     ``leftovers``           columns with answers that nothing claimed,
                              and the items no column was found for
====  ======================  ==========================================  =================

Why this order: what the user wrote (a mapping file, the codes of a template) overrides
anything inferred. Background fields are claimed before any item, so that a numbered
background question (``1. Sukupuoli``) answered with small numbers is not taken for item 1,
and multi-select grids before items, so that their 0 / 1 columns are not taken for a grid of
scale items. Among items, the wording of the question is the most specific evidence, then an
item code that names the column, then the place of a column in a grid (a whole block of
columns matched to a whole block of items, never by guess), and last a bare question number,
which any questionnaire could share. Metadata columns and the columns excluded by the caller
are never placed.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from evaltool.layouts.headers import candidate_splits
from evaltool.layouts.table import ColumnInfo, SurveyTable, strip_number, template_code
from evaltool.mapping.fields import option_lookup
from evaltool.text import column_letter, header_key, label_key

_SKIP_TARGETS = ("skip", "ignore", "-", "")
_FIELD_OPTION = re.compile(r"([^:=.]+)[:=.](.+)")
_LOOKS_FIELD_OPTION = re.compile(r"[^:=.]+[:=.].+")
_GRID_CODE = re.compile(r"^([A-Za-z]\w*?)_\d{1,3}$")
_OTHER_OPTION = re.compile(r"(?:muu|other|annat)", re.I)
_NUMBERED_ANSWER = re.compile(r"^\s*-?\d+\s*(?:[=:.)\-–]\s*|\s+)\D")
_ANSWER_CODE = re.compile(r"^(?:a|ao|sq)0*\d+$")
_POSITION_CODES = (
    re.compile(r"\[(?:SQ|sq|A|a)?0*(\d{1,3})\]$"),
    re.compile(r"^(?:SQ|sq)0*(\d{1,3})$"),
    re.compile(r"^[A-Za-z]\w*?_(\d{1,3})$"),
)


#: Letters before a header's number (``Q01`` → ``q``, ``question 9`` → ``question``).
_PREFIX = re.compile(r"^\s*([^\W\d_]*)")
#: Prefixes of variable names that number a file's columns, not a questionnaire's items.
_VARIABLE_PREFIXES = frozenset({"v", "var", "x", "col", "c"})
#: An item code as prefix and number (``q12`` → ``q``, 12).
_CODE_NUMBER = re.compile(r"^([^\W\d_]*)0*(\d{1,3})$")


def _number_prefix(text: str) -> str:
    """The letters before a numbered header's number, casefolded."""
    m = _PREFIX.match(str(text))
    return m.group(1).casefold() if m else ""


def _code_numbers(codes: list[str]) -> dict[tuple[str, int], str]:
    """(prefix, number) → item code for the item codes written as letters and a number
    (``q1`` … ``q26``; ``p1`` … ``p8`` and ``e1`` … ``e8``)."""
    out: dict[tuple[str, int], str] = {}
    for code in codes:
        m = _CODE_NUMBER.match(code)
        if m:
            out[(m.group(1).casefold(), int(m.group(2)))] = code
    return out


@dataclass
class ColumnMap:
    """Where each column of a file goes.

    ``items``: column → item code; ``fields``: column → field name (one column holds the
    field's answer); ``options``: column → (field, option code) for one-column-per-option
    multi-selects; ``how``: column → the evidence (``mapping``, ``template``, ``label``,
    ``pattern``, ``other``, ``code``, ``position``, ``number``; see the module docstring);
    ``skipped``: columns the mapping file skips (and "other" texts of multi-select grids);
    ``unplaced``: columns with answers that nothing claimed; ``item_like``: those of them whose
    values look like answers on the instrument's scales; ``missing_items``: instrument items no
    column was found for; ``problems``: mapping-file errors and ``warnings``: mapping keys
    that match no column (message strings).
    """

    items: dict[int, str] = field(default_factory=dict)
    fields: dict[int, str] = field(default_factory=dict)
    options: dict[int, tuple[str, str]] = field(default_factory=dict)
    how: dict[int, str] = field(default_factory=dict)
    skipped: set[int] = field(default_factory=set)
    unplaced: list[int] = field(default_factory=list)
    item_like: list[int] = field(default_factory=list)
    missing_items: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def target(self, pos: int) -> str | None:
        """What a column maps to, as a mapping file writes it (``p1``, ``gender``,
        ``goals:work``, ``skip``)."""
        if pos in self.items:
            return self.items[pos]
        if pos in self.fields:
            return self.fields[pos]
        if pos in self.options:
            return ":".join(self.options[pos])
        if pos in self.skipped:
            return "skip"
        return None

    @property
    def used(self) -> set[int]:
        return set(self.items) | set(self.fields) | set(self.options) | self.skipped


def filled_columns(data: pd.DataFrame, positions: Iterable[int]) -> set[int]:
    """Those of ``positions`` whose column in ``data`` holds a non-empty cell (one pass
    over a block of columns when there are many)."""
    positions = [p for p in positions if p in data.columns]
    if len(positions) <= 50:
        return {p for p in positions if (data[p].to_numpy(dtype=object) != "").any()}
    out: set[int] = set()
    for start in range(0, len(positions), 1000):
        part = positions[start : start + 1000]
        block = data[part].to_numpy(dtype=object) != ""
        out.update(p for p, hit in zip(part, block.any(axis=0), strict=True) if hit)
    return out


def _answer_lookup(instrument) -> tuple[set[str], set[float]]:
    """All answer label texts (normalised) and numeric codes of an instrument's items."""
    from evaltool.instruments import DONT_KNOW

    labels: set[str] = {label_key(x) for x in DONT_KNOW}
    for it in instrument.items:
        labels.update(label_key(k) for k in instrument.label_map(it))
    nums = {float(v) for v in np.arange(instrument.scale_min, instrument.scale_max + 1)}
    nums.update(instrument.missing_codes)
    nums.update(getattr(instrument, "dont_know_codes", ()) or ())
    return labels, nums


def _answer_like(
    values: Iterable[str], labels: set[str], nums: set[float], loose: bool = False
) -> bool:
    """Do the non-empty distinct values look like answers on the instrument's scales?

    Strict: every value is a scale code, a missing code or an answer label. Loose: at least
    half of the values are numbers (any) or answer labels — a column of answers with a typo
    or an out-of-range number, which decoding then reports cell by cell.
    """
    n_seen = n_ok = 0
    for v in values:
        t = str(v).strip()
        if t in ("", "-", "–", "—"):
            continue
        n_seen += 1
        try:
            num = float(t.replace(",", "."))
        except ValueError:
            num = None
        if num is not None:
            ok = loose or num in nums
        else:
            n = label_key(t)
            ok = n in labels or bool(_NUMBERED_ANSWER.match(t) or _ANSWER_CODE.match(n))
        if ok:
            n_ok += 1
        elif not loose:
            return False
    if not n_seen:
        return False
    return n_ok == n_seen or (loose and n_ok >= 0.5 * n_seen)


def _head_values(table: SurveyTable, pos: int, rows: int = 2000) -> list[str]:
    """Distinct values of a column's first rows (kept with the survey table: placement on
    several instruments asks for them again)."""
    state = table.__dict__.get("_head")
    if state is None or state[0] is not table.data:
        state = (
            table.data,
            table.data.iloc[:rows].to_numpy(dtype=object),
            {c: j for j, c in enumerate(table.data.columns)},
            {},
        )
        table.__dict__["_head"] = state
    _, head, where, cache = state
    if pos not in cache:
        cache[pos] = [str(v) for v in pd.unique(head[:, where[pos]])] if pos in where else []
    return cache[pos]


def _position_number(info: ColumnInfo) -> int | None:
    """Position of a grid column from its tool code (``Q2_3`` → 3, ``Q1[SQ003]`` → 3)."""
    for text in (info.code, info.sub, info.header):
        if not text:
            continue
        for pattern in _POSITION_CODES:
            m = pattern.search(text)
            if m:
                return int(m.group(1))
    return None


def _instrument_blocks(instrument) -> list[tuple[str | None, list[str]]]:
    """Item blocks in instrument order (by ``Item.block``; all items when there are none)."""
    blocks: list[tuple[str | None, list[str]]] = []
    for it in instrument.items:
        if blocks and blocks[-1][0] == it.block:
            blocks[-1][1].append(it.code)
        else:
            blocks.append((it.block, [it.code]))
    if all(b is None for b, _ in blocks):
        return [(None, instrument.item_codes)]
    return blocks


def _block_labels(instrument, block: str | None) -> set[str]:
    """Label keys of an item block: its name and its domain's labels (fi / sv / en)."""
    out: set[str] = set()
    if block is None:
        return out
    out.add(label_key(block))
    for d in instrument.domains:
        if d.name == block:
            out.update(label_key(v) for v in d.labels.values())
    return out


class ColumnMapper:
    """The evidence steps that map the columns of one survey table to one instrument.

    Parameters
    ----------
    table
        The survey table; its metadata columns are never placed.
    instrument
        The instrument whose items and fields the columns are mapped to.
    mapping
        A mapping file's entries: header text, tool code or column letter → item code, field,
        ``field:option`` or ``skip``.
    exclude
        Column positions that are never placed.
    patterns
        Background patterns: field name → regex on the normalised header.

    Notes
    -----
    :meth:`run` applies the steps of :attr:`STEPS` in order (the order and why are in the
    module docstring) and returns :attr:`result`; a step may also be called on its own.
    """

    #: The evidence steps in the order :meth:`run` applies them.
    STEPS = (
        "by_mapping_file",
        "by_template_code",
        "fields_by_label",
        "options_by_grid",
        "items_by_label",
        "items_by_code",
        "items_by_position",
        "items_by_number",
        "leftovers",
    )

    def __init__(
        self,
        table: SurveyTable,
        instrument,
        mapping: dict[str, str] | None = None,
        exclude: Iterable[int] = (),
        patterns: dict[str, str] | None = None,
    ) -> None:
        self.table = table
        self.instrument = instrument
        self.mapping = mapping or {}
        self.patterns = patterns or {}
        self.columns = table.columns
        self.blocked = set(exclude) | set(table.meta_columns)
        self.candidates = [p for p in self.columns if p not in self.blocked]
        self.item_codes = instrument.item_codes
        self.fields = {f.name: f for f in instrument.fields}
        self.result = ColumnMap()
        self._item_by_key = {c.casefold(): c for c in self.item_codes}
        self._field_by_key = {f.name.casefold(): f.name for f in instrument.fields}
        self._claimed: set[int] = set()
        self._claimed_items: set[str] = set()
        self._claimed_fields: set[str] = set()
        self._claimed_options: set[tuple[str, str]] = set()
        self._answer_labels, self._answer_numbers = _answer_lookup(instrument)
        self._answer_cache: dict[tuple[int, bool], bool] = {}
        self._label_keys: dict[int, tuple[list[str], set[str]]] = {}

    def run(self) -> ColumnMap:
        """Apply every step of :attr:`STEPS` in order; the column map."""
        for step in self.STEPS:
            getattr(self, step)()
        return self.result

    # ------------------------------------------------------------------ bookkeeping

    def _free(self, pos: int) -> bool:
        return pos not in self._claimed

    def _claim(self, pos: int, kind: str, target, how: str) -> bool:
        """Record that column ``pos`` holds ``target`` and that ``how`` placed it.

        ``kind`` is ``"item"`` (``target`` an item code), ``"field"`` (a field name),
        ``"option"`` (a (field, option code) pair) or ``"skip"`` (``target`` unused). False,
        and nothing recorded, when the column or the target is already claimed.
        """
        if pos in self._claimed:
            return False
        if kind == "item":
            if target in self._claimed_items:
                return False
            self._claimed_items.add(target)
            self.result.items[pos] = target
        elif kind == "field":
            if target in self._claimed_fields:
                return False
            self._claimed_fields.add(target)
            self.result.fields[pos] = target
        elif kind == "option":
            if target in self._claimed_options:
                return False
            self._claimed_options.add(target)
            self.result.options[pos] = target
        else:
            self.result.skipped.add(pos)
        self._claimed.add(pos)
        self.result.how[pos] = how
        return True

    def _answer_like(self, pos: int, loose: bool = False) -> bool:
        """Do the column's values look like answers on the instrument's scales? (checked on
        the distinct values of the first rows, which is enough to tell text from answers)"""
        key = (pos, loose)
        if key not in self._answer_cache:
            self._answer_cache[key] = _answer_like(
                _head_values(self.table, pos), self._answer_labels, self._answer_numbers, loose
            )
        return self._answer_cache[key]

    def _label_texts(self, pos: int) -> tuple[list[str], set[str]]:
        """Texts that may equal a question's label — the header (also without its question
        number), tool code, question label and a lone stem — and their label keys."""
        if pos not in self._label_keys:
            info = self.columns[pos]
            texts = [info.header, strip_number(info.header)]
            if info.code:
                texts.append(info.code)
            if info.label:
                texts += [info.label, strip_number(info.label)]
            if info.stem and info.sub is None:
                texts.append(strip_number(info.stem))
            self._label_keys[pos] = (texts, {label_key(t) for t in texts})
        return self._label_keys[pos]

    def _apply_target(self, pos: int, value: str, how: str) -> str | None:
        """Apply one mapping-file or template target to a column; an error message or None."""
        v = value.strip()
        folded = v.casefold()
        if folded in _SKIP_TARGETS:
            self._claim(pos, "skip", None, how)
            return None
        if folded in self._item_by_key:
            self._claim(pos, "item", self._item_by_key[folded], how)
            return None
        if folded in self._field_by_key:
            self._claim(pos, "field", self._field_by_key[folded], how)
            return None
        m = _FIELD_OPTION.fullmatch(v)
        if m and m.group(1).strip().casefold() in self._field_by_key:
            name = self._field_by_key[m.group(1).strip().casefold()]
            option = option_lookup(self.fields[name]).get(label_key(m.group(2)))
            if option is None:
                options = ", ".join(c for c, _ in self.fields[name].options)
                return f"{v!r}: {name} has no option {m.group(2)!r} (options: {options})"
            self._claim(pos, "option", (name, option), how)
            return None
        items = ", ".join(self.item_codes[:6]) + (" …" if len(self.item_codes) > 6 else "")
        fields = ", ".join(self.fields) or "none"
        return (
            f"{v!r} is neither an item of {self.instrument.name} ({items}), "
            f"a field ({fields}) nor 'skip'"
        )

    # ------------------------------------------------------------------ evidence steps

    def by_mapping_file(self) -> None:
        """1. The mapping file: a key equal to one of a column's names (or its letter) gives
        the column its target; errors go to ``problems``, keys that match no column (not
        even a metadata column) to ``warnings``."""
        if not self.mapping:
            return
        keys = {header_key(k): (k, v) for k, v in self.mapping.items()}
        matched: set[str] = set()
        for pos in self.candidates:
            names = [header_key(n) for n in self.columns[pos].names()]
            names.append(header_key(column_letter(pos)))
            for n in names:
                if n in keys:
                    key, value = keys[n]
                    matched.add(n)
                    error = self._apply_target(pos, value, "mapping")
                    if error:
                        self.result.problems.append(f"mapping {key!r} → {error}")
                    break
        unmatched = [(n, key) for n, (key, _) in keys.items() if n not in matched]
        if unmatched:
            blocked_names = {header_key(x) for p in self.blocked for x in self.columns[p].names()}
            for n, key in unmatched:
                if n not in blocked_names:
                    self.result.warnings.append(
                        f"mapping {key!r}: no column of the file has this header"
                    )

    def _names_item(self, info: ColumnInfo) -> bool:
        """Is the column's header or tool code one of the instrument's item codes?"""
        return any(
            text and text.strip().casefold() in self._item_by_key
            for text in (info.header, info.code)
        )

    def _names_target(self, code: str) -> bool:
        """Is a template code an item code, a field or a ``field:option``?"""
        c = code.casefold()
        if c in self._item_by_key or c in self._field_by_key:
            return True
        field_part = code.split(":")[0].split("=")[0].split(".")[0].casefold()
        return bool(_LOOKS_FIELD_OPTION.fullmatch(code)) and field_part in self._field_by_key

    def by_template_code(self) -> None:
        """2. Template headers ``Label (code)`` whose code is an item, field or
        ``field:option`` of the instrument."""
        for pos in self.candidates:
            code = template_code(self.columns[pos].header)
            if code and self._free(pos) and self._names_target(code):
                self._apply_target(pos, code, "template")

    def fields_by_label(self) -> None:
        """3. Fields, one column each, by name or label (fi / sv / en; also without a
        question number) or by background pattern; "other" texts and grid columns are not
        fields."""
        extra = [name for name in self.patterns if name not in self.fields]
        for name in [f.name for f in self.instrument.fields] + extra:
            if name in self._claimed_fields:
                continue
            f = self.fields.get(name)
            labels = ({label_key(x) for x in f.labels.values()} if f else set()) | {label_key(name)}
            regex = re.compile(self.patterns[name]) if name in self.patterns else None
            for pos in self.candidates:
                info = self.columns[pos]
                if not self._free(pos) or info.kind == "other" or (info.stem and info.sub):
                    continue
                if self._names_item(info):  # a header ``sex`` is the instrument's item sex
                    continue
                texts, keys = self._label_texts(pos)
                if keys & labels or (regex and any(regex.fullmatch(header_key(t)) for t in texts)):
                    self._claim(pos, "field", name, "label" if f else "pattern")
                    break

    def options_by_grid(self) -> None:
        """4. Multi-select grids: columns sharing a stem that is the field's label, or whose
        sub-labels name at least two of its options, are its options (a position code
        ``SQ002`` names the option when the stem is the label); "other" texts are skipped."""
        for f in self.instrument.fields:
            if f.kind != "multi" or f.name in self._claimed_fields:
                continue
            labels = {label_key(x) for x in f.labels.values()} | {label_key(f.name)}
            lookup = option_lookup(f)
            by_stem: dict[str, list[int]] = {}
            for pos in self.candidates:
                info = self.columns[pos]
                if self._free(pos) and info.stem and info.sub:
                    by_stem.setdefault(label_key(strip_number(info.stem)), []).append(pos)
            for stem, members in by_stem.items():
                hits = [
                    p
                    for p in members
                    if label_key(strip_number(self.columns[p].sub or "")) in lookup
                ]
                if stem in labels or len(hits) >= 2:
                    self._claim_options(f, members, lookup, stem in labels)

    def _claim_options(
        self, fld, members: list[int], lookup: dict[str, str], stem_is_label: bool
    ) -> None:
        """The columns of one multi-select grid: each sub-label's option, or skipped."""
        for p in members:
            info = self.columns[p]
            option = lookup.get(label_key(strip_number(info.sub or "")))
            if option is None and stem_is_label:
                k = _position_number(info)
                if k is not None and 1 <= k <= len(fld.options):
                    option = fld.options[k - 1][0]
            if option is not None:
                self._claim(p, "option", (fld.name, option), "label")
            elif info.kind == "other" or _OTHER_OPTION.match(info.sub or ""):
                self._claim(p, "skip", None, "other")

    def items_by_label(self) -> None:
        """5. Items by label text (fi / sv / en, also without a question number): the
        statement of a grid (any joiner), the header or the question label."""
        label_to_item: dict[str, str] = {}
        for it in self.instrument.items:
            for lbl in it.labels.values():
                label_to_item.setdefault(label_key(lbl), it.code)
        for pos in self.candidates:
            if not self._free(pos):
                continue
            info = self.columns[pos]
            texts = [t for t in (info.sub, info.header, info.label) if t]
            for t in (info.header, info.label):
                if t:
                    texts += [sub for _, sub, _ in candidate_splits(t)]
            for text in texts:
                code = label_to_item.get(label_key(strip_number(text))) or label_to_item.get(
                    label_key(text)
                )
                if code and self._claim(pos, "item", code, "label"):
                    break

    def items_by_code(self) -> None:
        """6. Items by code (header, tool code or sub-label), when the values are answers."""
        for pos in self.candidates:
            if not self._free(pos):
                continue
            info = self.columns[pos]
            for text in (info.header, info.code, info.sub):
                if (
                    text
                    and text.strip().casefold() in self._item_by_key
                    and self._answer_like(pos, True)
                ):
                    if self._claim(pos, "item", self._item_by_key[text.strip().casefold()], "code"):
                        break

    def _grids(self) -> dict[str, list[int]]:
        """Free answer columns grouped into grids: by stem (``s:`` key) or by the prefix of
        tool codes ``Q2_1`` … (``c:`` key)."""
        groups: dict[str, list[int]] = {}
        for pos in self.candidates:
            info = self.columns[pos]
            if not self._free(pos):
                continue
            key = None
            if info.stem:
                key = "s:" + label_key(strip_number(info.stem))
            elif info.code and (m := _GRID_CODE.match(info.code)):
                key = "c:" + m.group(1).casefold()
            if key and self._answer_like(pos):
                groups.setdefault(key, []).append(pos)
        return groups

    def _pair_grids(
        self, groups: dict[str, list[int]], blocks: list[tuple[str | None, list[str]]]
    ) -> list[tuple[list[int], int]]:
        """(grid columns, block index) pairs: a grid whose stem is a block's label goes to
        that block; unlabelled grids go to unnamed blocks of the same size only when they
        pair up one to one (in order) and none of those blocks' items is placed yet."""
        pairs: list[tuple[list[int], int]] = []
        named: set[int] = set()
        unnamed: list[list[int]] = []
        for key, members in groups.items():
            target = next(
                (
                    bi
                    for bi, (bname, _) in enumerate(blocks)
                    if bi not in named and key[2:] in _block_labels(self.instrument, bname)
                ),
                None,
            )
            if target is None:
                unnamed.append(members)
            else:
                named.add(target)
                pairs.append((members, target))
        for size in sorted({len(m) for m in unnamed}):
            grids = [m for m in unnamed if len(m) == size]
            sized = [
                bi for bi, (_, codes) in enumerate(blocks) if bi not in named and len(codes) == size
            ]
            if len(grids) == len(sized) and all(
                not set(blocks[bi][1]) & self._claimed_items for bi in sized
            ):
                pairs += list(zip(grids, sized, strict=True))
        return pairs

    def _claim_grid(self, members: list[int], codes: list[str]) -> None:
        """One grid's columns to one block's items: by the position numbers of their tool
        codes when these are distinct and fit, else in order when the sizes agree."""
        numbers = [_position_number(self.columns[p]) for p in members]
        if (
            all(n is not None for n in numbers)
            and len(set(numbers)) == len(numbers)
            and max(numbers) <= len(codes)
        ):
            pairs = [(p, codes[n - 1]) for p, n in zip(members, numbers, strict=True)]
        elif len(members) == len(codes):
            pairs = list(zip(members, codes, strict=True))
        else:
            return
        for p, code in pairs:
            self._claim(p, "item", code, "position")

    def items_by_position(self) -> None:
        """7. Items by position within a grid (columns sharing a stem, or tool codes
        ``Q2_1`` …) matched to an instrument block (see :meth:`_pair_grids`)."""
        blocks = _instrument_blocks(self.instrument)
        for members, target in self._pair_grids(self._grids(), blocks):
            self._claim_grid(members, blocks[target][1])

    def _numbered(self) -> list[tuple[int, str, int]]:
        """(position, prefix, number) of the columns whose header or tool code is numbered
        (``k1``, ``Q01``, ``1.``, ``question 9``: :func:`~evaltool.instruments.item_number`);
        the prefix is the letters before the number, casefolded (``""`` for none)."""
        from evaltool.instruments import item_number

        out = []
        for pos in self.candidates:
            info = self.columns[pos]
            if info.stem:
                continue
            for text in (info.header, info.code):
                n = item_number(text) if text else None
                if n is not None:
                    out.append((pos, _number_prefix(text), n))
                    break
        return out

    def _corroborated(self, numbered: list[tuple[int, str, int]]) -> set[str]:
        """The prefixes whose numbering is the instrument's: the numbered columns of one
        prefix cover at least half of the items 1 … n and none is numbered beyond n. A
        variable-name prefix (``v1``, ``var3``: SPSS, legacy Qualtrics) never is."""
        n_items = len(self.item_codes)
        numbers: dict[str, set[int]] = {}
        for _, prefix, n in numbered:
            numbers.setdefault(prefix, set()).add(n)
        return {
            prefix
            for prefix, seen in numbers.items()
            if prefix not in _VARIABLE_PREFIXES
            and max(seen) <= n_items
            and len(seen & set(range(1, n_items + 1))) * 2 >= n_items
        }

    def items_by_number(self) -> None:
        """8. Numbered headers (``q1``, ``k1``, ``1.``) outside grids, when the values are
        answers and the numbering is corroborated: ``Q01`` names item ``q1`` when the
        instrument's codes use the prefix ``q``; otherwise number ``n`` is the
        instrument's ``n``-th item only when the file numbers (with the same prefix) at least
        half of the instrument's items and nothing beyond them (:meth:`_corroborated`). A
        hotel survey's ``v1`` … ``v5``, legacy Qualtrics ``V7`` (Status) or one question
        numbered 9 are not items by number."""
        codes = self.item_codes
        own = _code_numbers(codes)
        numbered = self._numbered()
        corroborated = self._corroborated(numbered)
        for pos, prefix, n in numbered:
            if not self._free(pos) or not self._answer_like(pos, True):
                continue
            if prefix in {p for p, _ in own}:
                target = own.get((prefix, n))
            elif prefix in corroborated and 1 <= n <= len(codes):
                target = codes[n - 1]
            else:
                target = None
            if target is not None:
                self._claim(pos, "item", target, "number")

    def leftovers(self) -> None:
        """The free columns holding answers (``unplaced``; ``item_like`` when their values
        look like answers on the instrument's scales) and the items no column was found for
        (``missing_items``)."""
        filled = filled_columns(self.table.data, [p for p in self.candidates if self._free(p)])
        for pos in self.candidates:
            if self._free(pos) and pos in filled:
                self.result.unplaced.append(pos)
                if self._answer_like(pos):
                    self.result.item_like.append(pos)
        self.result.missing_items = [c for c in self.item_codes if c not in self._claimed_items]


def map_columns(
    table: SurveyTable,
    instrument,
    mapping: dict[str, str] | None = None,
    exclude: Iterable[int] = (),
    patterns: dict[str, str] | None = None,
) -> ColumnMap:
    """Map the columns of ``table`` to ``instrument``'s items and fields.

    Parameters
    ----------
    table
        The survey table (:func:`evaltool.layouts.recognise`).
    instrument
        The instrument.
    mapping
        A mapping file's entries: header text, tool code or column letter → item code,
        field, ``field:option`` or ``skip``.
    exclude
        Column positions never placed (besides the metadata columns).
    patterns
        Background patterns: field name → regex on the normalised header.

    Returns
    -------
    ColumnMap
        ``items``, ``fields``, ``options``, ``how``, ``skipped``, ``unplaced``, ``item_like``,
        ``missing_items``, ``problems`` and ``warnings``.

    Notes
    -----
    Evidence, strongest first: the mapping file; a template header ending in ``(code)``;
    fields by name or label (fi / sv / en; also after a question number) or by the
    background ``patterns``; multi-select grids (stem = the field's label, sub-labels = its
    options); items by label text of the statement or the whole header (fi / sv / en), by
    code (header, tool code or sub-label), by position within a grid (a block of columns
    sharing a stem is matched to the instrument block with the same label or the same
    number of items; tool codes such as ``SQ003`` or ``Q2_3`` give the position) and finally
    by a numbered header (``k1``, ``1.``). The steps are the methods of
    :class:`ColumnMapper`.
    """
    return ColumnMapper(table, instrument, mapping, exclude, patterns).run()
