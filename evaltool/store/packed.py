"""Reading stored answers fast: packed in SQL into a few numbers per response.

Stored answers are whole numbers on the instrument's scale (the import checks it), so the
answers of one response fit in a few whole numbers below 2⁵³: answer ``v`` becomes the code
``v − (scale_min − 1)`` (1 … scale_max − scale_min + 1; 0 is no answer) in ``bits`` bits,
``53 // bits`` codes to a number. SQLite computes the numbers in floating point (exact below
2⁵³, and about a third faster than integer casts), Python receives a handful
of numbers per response instead of one object per answer, and numpy unpacks them: building
Python objects for 75 000 × 26 WHOQOL-BREF answers is most of the plain read's time, and the
packed read takes about 0.2 s less. Beside the
numbers the query returns each response's plain sum of answers; when the unpacked answers
do not add up to it (an answer the packing cannot hold), the caller reads the plain way.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: the light commands start without them
    import numpy as np


@dataclass(frozen=True)
class Packing:
    """How the answers of one response are packed.

    Attributes
    ----------
    scale_min : float
        The instrument scale's smallest answer.
    bits : int
        Bits per answer: codes 1 … scale_max − scale_min + 1, 0 for no answer.
    groups : list of list of int
        Item positions held by each packed number, in order.
    """

    scale_min: float
    bits: int
    groups: list[list[int]]

    def select_sql(self, item_sql: Sequence[str]) -> list[str]:
        """SQL expressions: the checksum (sum of the answers), then one per packed number."""
        shift = self.scale_min - 1
        code = "{}" if shift == 0 else f"({{}} - {shift:g})"
        words = [
            " + ".join(
                f"ifnull({code.format(item_sql[j])}, 0) * {1 << (self.bits * m)}"
                for m, j in enumerate(group)
            )
            for group in self.groups
        ]
        return [" + ".join(f"ifnull({c}, 0)" for c in item_sql), *words]

    def unpack(self, table: np.ndarray, first: int, n_items: int) -> np.ndarray | None:
        """The answers (n × items, NaN for none) from the object array ``table`` whose column
        ``first`` is the checksum and the next ones the packed numbers; None when the
        checksum does not hold for some response (an answer off the scale or not whole: its
        code spills into its neighbours or loses its fraction, and the unpacked answers add
        up to less)."""
        import numpy as np

        lo, bits = self.scale_min, self.bits
        # answer of each code: NaN for 0, code + (scale_min − 1) otherwise (one lookup)
        answer = np.arange(1 << bits, dtype=np.float64)
        if lo != 1:
            answer += lo - 1
        answer[0] = np.nan
        blocks = []
        for g_i, group in enumerate(self.groups):
            word = table[:, first + 1 + g_i].astype(np.float64).astype(np.int64)
            shifts = np.arange(len(group), dtype=np.int64) * bits
            blocks.append(answer[(word[:, None] >> shifts) & ((1 << bits) - 1)])
        order = [j for group in self.groups for j in group]
        values = np.concatenate(blocks, axis=1) if blocks else np.empty((len(table), 0))
        if order != list(range(n_items)):
            values = values[:, np.argsort(order)]
        if not np.array_equal(np.nansum(values, axis=1), table[:, first].astype(float)):
            return None
        return values


def packing(scale_min: float, scale_max: float, n_items: int) -> Packing | None:
    """The packing of an instrument's answers, or None when its scale is not small whole
    numbers."""
    lo, hi = float(scale_min), float(scale_max)
    if not (lo.is_integer() and hi.is_integer()) or not 0 < hi - lo < 250:
        return None
    bits = int(hi - lo + 1).bit_length()
    per = 53 // bits
    idx = list(range(n_items))
    return Packing(lo, bits, [idx[i : i + per] for i in range(0, len(idx), per)])
