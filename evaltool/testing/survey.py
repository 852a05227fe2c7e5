"""A neutral description of an answered survey: its questions in form order, with the answers
of every respondent, from which each survey tool's export is written."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

import numpy as np

#: The Finnish label of the "don't know" option.
DONT_KNOW = "En osaa sanoa"


@dataclass
class Question:
    """One question of a form with the answers of every respondent.

    ``kind`` is one of

    * ``id`` / ``text``: a client code or an open answer; ``texts`` holds the answers
      (``""`` = not answered);
    * ``choice``: one option of ``options``; ``codes`` are 0-based option indices, -1 = skipped;
    * ``scale``: one step of an ordered scale (a matrix row when ``stem`` is the matrix
      question and ``text`` the statement); ``codes`` are 1..len(options), 0 = don't know,
      -1 = skipped;
    * ``multi``: any number of ``options``; ``chosen`` is an n × options matrix of booleans,
      or of ranks giving the order in which a respondent chose the options (1 first, 0 not
      chosen; a tool that writes the choices in one cell writes them in that order).

    ``texts`` given for a choice or scale question are the answers as written in the file
    when they differ from the option labels (typed with stray case, spaces or abbreviations);
    ``codes`` remain the answers' meaning. ``number`` is the question's position in the form
    (the rows of one matrix share it); ``code`` an item or field code (``q1``, ``gender``);
    ``dont_know`` the label of the don't-know option in the survey's language.
    """

    code: str
    kind: str
    text: str
    number: int
    stem: str | None = None
    options: tuple[str, ...] = ()
    codes: np.ndarray | None = None
    texts: np.ndarray | None = None
    chosen: np.ndarray | None = None
    dont_know: str = DONT_KNOW

    def labels(self) -> np.ndarray:
        """Answers as written: ``texts`` when given, else option labels (``""`` = skipped,
        :attr:`dont_know` for don't know).

        Returns
        -------
        numpy.ndarray
            One object per respondent.
        """
        if self.texts is not None:
            return self.texts
        if self.kind == "multi":
            raise ValueError("multi-select answers have no single label")
        table = np.array(("",) + self.options + (self.dont_know,), dtype=object)
        idx = self.codes.astype(np.int64)
        if self.kind == "choice":
            return table[np.where(idx < 0, 0, idx + 1)]
        return table[np.where(idx < 0, 0, np.where(idx == 0, len(self.options) + 1, idx))]

    def numbers(self, dont_know_code: int | None = None) -> np.ndarray:
        """Answers as numeric codes written as text; ``""`` = skipped.

        Parameters
        ----------
        dont_know_code
            The number written for don't know (default: the next number after the scale).

        Returns
        -------
        numpy.ndarray
            One string per respondent: a choice's 1-based option number or a scale step.
        """
        idx = self.codes.astype(np.int64)
        if self.kind == "choice":
            idx = np.where(idx < 0, -1, idx + 1)
        else:
            dk = len(self.options) + 1 if dont_know_code is None else dont_know_code
            idx = np.where(idx == 0, dk, idx)
        out = idx.astype(str).astype(object)
        out[idx == -1] = ""
        return out

    def selected(
        self, joiner: str, *, terminated: bool = False, numbers: bool = False
    ) -> np.ndarray:
        """The chosen options of a multi-select in one cell per respondent.

        Parameters
        ----------
        joiner
            Text between two options (``", "``; ``";"``).
        terminated
            Write ``joiner`` after every option, the last one included (``A;B;``).
        numbers
            Write 1-based option numbers instead of labels (``1,4``).

        Returns
        -------
        numpy.ndarray
            One string per respondent, the options in the order chosen (``""`` when
            nothing was chosen).
        """
        names = [str(k) for k in range(1, len(self.options) + 1)] if numbers else self.options
        end = joiner if terminated else ""
        cells = []
        for row in self.chosen:
            order = sorted((rank, k) for k, rank in enumerate(row.tolist()) if rank)
            cells.append(joiner.join(names[k] for _, k in order) + (end if order else ""))
        return np.array(cells, dtype=object)

    def take(self, rows: np.ndarray) -> Question:
        """The answers of the respondents at positions ``rows`` (repeats allowed)."""
        return replace(
            self,
            **{
                name: getattr(self, name)[rows]
                for name in ("codes", "texts", "chosen")
                if getattr(self, name) is not None
            },
        )


@dataclass
class Survey:
    """The answers of one survey: ``when`` (response times, one per respondent) and the
    questions in form order."""

    when: np.ndarray
    questions: list[Question]

    @property
    def n(self) -> int:
        """Number of respondents."""
        return len(self.when)

    def question(self, code: str) -> Question:
        """The question with item or field code ``code``."""
        for q in self.questions:
            if q.code == code:
                return q
        raise KeyError(code)

    def without(self, *codes: str) -> Survey:
        """The survey without the questions ``codes`` (the others keep their numbers)."""
        return replace(self, questions=[q for q in self.questions if q.code not in codes])

    def renumbered(self) -> Survey:
        """The survey with its questions numbered 1, 2, … in form order (matrix rows keep
        sharing a number)."""
        order = {n: k for k, n in enumerate(dict.fromkeys(q.number for q in self.questions), 1)}
        return replace(self, questions=[replace(q, number=order[q.number]) for q in self.questions])

    def relabel(self, texts: Mapping[str, str]) -> Survey:
        """The survey with the question texts of ``texts`` (code → text) replaced."""
        return replace(
            self,
            questions=[
                replace(q, text=texts[q.code]) if q.code in texts else q for q in self.questions
            ],
        )

    def take(self, rows: Sequence[int] | np.ndarray) -> Survey:
        """The respondents at positions ``rows``, in that order (repeats allowed)."""
        idx = np.asarray(rows, dtype=np.int64)
        return Survey(self.when[idx], [q.take(idx) for q in self.questions])

    def concat(self, other: Survey) -> Survey:
        """This survey's respondents followed by those of ``other`` (the same questions)."""
        questions = []
        for q, o in zip(self.questions, other.questions, strict=True):
            parts = {
                name: np.concatenate([getattr(q, name), getattr(o, name)])
                for name in ("codes", "texts", "chosen")
                if getattr(q, name) is not None
            }
            questions.append(replace(q, **parts))
        return Survey(np.concatenate([self.when, other.when]), questions)
