"""One import skeleton for every kind of file: plan → checks → one transaction → provenance.

:func:`run_import` runs an import of one or more files; an :class:`ImportPlan` subclass says
what a kind of import (clients, partners, the project register) reads, checks and stores:

1. every file is digested (SHA-256, size) and its earlier import looked up: same kind,
   digest and scope (with ``replace``, for kinds that replace by name, also the latest
   import of a file with the same name and scope). A file imported before is not read again
   unless ``replace``; it ends as ``unchanged``. The same file imported under another scope
   (another wave, project or round) is an error (``file-repeated``) unless ``force``: a
   wave 3 that repeats wave 2 would show no change;
2. the other files are prepared one after another — read (in background threads when the
   kind reads ahead), mapped and checked by :meth:`ImportPlan.prepare`; every problem goes
   to the validation report, with its file, sheet, row and column;
3. any error so far raises :class:`~evaltool.errors.ImportFailed` carrying the report:
   nothing is stored;
4. the write transaction begins (waiting for another process's, see
   :meth:`~evaltool.store.Workspace.transaction`). Inside it, what another process may
   have stored meanwhile is looked up again — each file's earlier import and its repeats
   under other scopes — and :meth:`ImportPlan.check_together` checks the prepared files as
   a whole (respondents in two files, rows already stored), so two processes importing
   the same file at once store it once; an error rolls back and raises ``ImportFailed``;
5. each file's earlier import is deleted (``replaced``), its provenance recorded (an
   ``imports`` row with the file's warnings) and its rows stored (:meth:`ImportPlan.store`);
   the transaction commits;
6. the result is an :class:`ImportResult`: one :class:`FileResult` per file, in the order
   given, and the report.
"""

from __future__ import annotations

import gc
import os
from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from evaltool import read as readers
from evaltool.errors import ImportFailed
from evaltool.issues import IssueCode, ValidationReport
from evaltool.mapping import summary
from evaltool.store.workspace import Workspace


@dataclass
class Source:
    """A file as known before it is read: its digest, the scope it is imported under and the
    earlier import it repeats or replaces (None: a new file)."""

    path: Path
    sha256: str
    size: int
    scope: str
    existing: int | None
    replace: bool = False

    @property
    def unchanged(self) -> bool:
        """Imported before and not to be replaced: the file is not read again."""
        return self.existing is not None and not self.replace


@dataclass
class Prepared:
    """A file read and checked, ready to store.

    ``record`` holds the provenance columns the kind fills (``sheet``, ``layout``,
    ``encoding``, ``delimiter``, ``header_rows``, ``instrument``, ``rule``, ``round``,
    ``rows_read``, ``rows_stored``, ``rows_rejected``, ``options``: see
    :data:`evaltool.store.imports.IMPORT_COLUMNS`); ``content`` what :meth:`ImportPlan.store`
    writes; ``warnings`` the records stored with the import, each with the keys of
    :meth:`~evaltool.issues.Issue.to_record` and, for a record standing for several
    issues, ``count`` (None: every warning of the file, one record each).
    """

    source: Source
    record: dict
    content: Any
    warnings: list[dict] | None = None


@dataclass
class FileResult:
    """What an import did with one file: ``status`` is imported, replaced or unchanged."""

    path: Path
    import_id: int | None
    status: str
    rows_read: int = 0
    rows_stored: int = 0
    rows_rejected: int = 0
    layout: str = ""
    message: str = ""
    #: What the importer found: layout, encoding, delimiter, header_rows, item_columns
    #: (item code → column letter), fields (field → column letters); see :meth:`describe`.
    details: dict = field(default_factory=dict)

    def describe(self) -> str:
        """One line: layout, encoding, delimiter, header rows and item columns found."""
        return summary.describe_found(self.details) if self.details else ""

    def summary(self) -> str:
        """What the import did with the file, for the terminal (by default its message)."""
        return self.message


@dataclass
class ImportResult:
    """What an import did: one :class:`FileResult` per file and the validation report.

    For an import of one file, the attributes of its result (``status``, ``rows_stored``
    and the kind's own, such as a partner file's ``n_ties`` or the register's
    ``overwritten``) are read through to it.
    """

    files: list[FileResult]
    report: ValidationReport

    @property
    def file(self) -> FileResult:
        """The result of an import of one file."""
        if len(self.files) != 1:
            raise ValueError(f"the import has {len(self.files)} files, not one")
        return self.files[0]

    def __getattr__(self, name: str) -> Any:
        # Only reached for names the class lacks: the single file's kind-specific results.
        if name.startswith("_") or name in ("files", "report"):
            raise AttributeError(name)
        return getattr(self.file, name)

    def summary(self) -> str:
        """What the import did, one :meth:`FileResult.summary` per file."""
        return "\n".join(f.summary() for f in self.files)

    @property
    def status(self) -> str:
        return self.file.status

    @property
    def import_id(self) -> int | None:
        return self.file.import_id

    @property
    def rows_read(self) -> int:
        return self.file.rows_read

    @property
    def rows_stored(self) -> int:
        return self.file.rows_stored

    @property
    def rows_rejected(self) -> int:
        return self.file.rows_rejected

    @property
    def message(self) -> str:
        return self.file.message


class ImportPlan(ABC):
    """What one kind of import gives :func:`run_import`.

    A subclass sets :attr:`kind` and implements :meth:`scope`, :meth:`prepare`,
    :meth:`store` and :meth:`result`; :meth:`read`, :meth:`check_together`, :meth:`begin`,
    :meth:`unchanged_message` and :meth:`unchanged_result` have defaults.
    """

    #: The ``imports.kind`` of the files: ``clients``, ``partners``, ``projects``.
    kind: str = ""
    #: Import files imported before again, replacing their earlier import.
    replace: bool = False
    #: With ``replace``: a file with other content under the same name and scope replaces
    #: the latest import of that name (a corrected file).
    replace_by_name: bool = False
    #: Read files ahead in this many background threads with :meth:`read` (0: the files
    #: are read by :meth:`prepare`).
    read_threads: int = 0
    #: The :class:`FileResult` class of the kind (for files left unchanged).
    result_type: type[FileResult] = FileResult
    #: Import a file already imported under another scope (another wave, project, round).
    force: bool = False

    @abstractmethod
    def scope(self, path: Path) -> str:
        """What the file is imported as (with its digest: whether it was imported before)."""

    def repeat_key(self, scope: str) -> str:
        """What makes an import of the same file under another scope a repeat
        (``file-repeated``): by default the whole scope."""
        return scope

    def read(self, path: Path) -> object:
        """Read a file in a background thread (when :attr:`read_threads`); :meth:`prepare`
        gets its future. By default the raw cells of its first sheet."""
        return readers.read_raw(path)

    @abstractmethod
    def prepare(
        self, source: Source, raw: Future | None, report: ValidationReport
    ) -> Prepared | None:
        """Read (or take ``raw``, the future of :meth:`read`), map and check one file.

        Problems go to ``report``; returns None when the file cannot be stored (an error
        says why).
        """

    def check_together(  # noqa: B027 — an optional hook; by default nothing to check
        self, ws: Workspace, prepared: list[Prepared], report: ValidationReport
    ) -> None:
        """Checks of all prepared files together (before anything is stored)."""

    def begin(self, ws: Workspace) -> None:  # noqa: B027 — an optional hook
        """The first step of the import's transaction."""

    @abstractmethod
    def store(self, ws: Workspace, prepared: Prepared, import_id: int) -> None:
        """Store a file's rows under ``import_id`` (inside the transaction)."""

    @abstractmethod
    def result(self, prepared: Prepared, import_id: int, status: str) -> FileResult:
        """The result of a stored file."""

    def unchanged_message(self, source: Source) -> str:
        """The message of a file imported before and left unchanged."""
        return (
            f"{source.path.name} was already imported as import {source.existing}; "
            "nothing changed (use --replace to import it again)"
        )

    def unchanged_result(self, source: Source) -> FileResult:
        """The result of a file imported before and left unchanged."""
        return self.result_type(
            source.path, source.existing, "unchanged", message=self.unchanged_message(source)
        )


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector (restored afterwards).

    An import holds millions of cell objects and creates a list per row while storing, so
    the collector would otherwise pass over all of them many times without finding
    anything to free (cells, rows and frames hold no reference cycles).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def find_source(
    ws: Workspace, plan: ImportPlan, path: Path, digest: tuple[str, int] | None = None
) -> Source:
    """Digest ``path`` (unless ``digest`` gives its SHA-256 and size) and look up its
    earlier import; raises OSError."""
    sha, size = digest if digest is not None else readers.file_digest(path)
    scope = plan.scope(path)
    existing = ws.find_import(plan.kind, sha, scope)
    if existing is None and plan.replace and plan.replace_by_name:
        # A corrected file under the same name replaces the earlier import of that name.
        existing = ws.find_import_by_name(plan.kind, path.name, scope)
    return Source(path, sha, size, scope, existing, plan.replace)


def check_repeats(
    ws: Workspace, plan: ImportPlan, source: Source, report: ValidationReport
) -> None:
    """``file-repeated``: the file (same SHA-256) is imported under another scope, unless
    ``plan.force``. Replacing an import of the file under its own scope repeats nothing
    new, so it is not checked."""
    if plan.force or source.existing is not None:
        return
    mine = plan.repeat_key(source.scope)
    others = [
        (i, scope)
        for i, scope in ws.imports_of_file(plan.kind, source.sha256)
        if plan.repeat_key(scope) != mine
    ]
    if not others:
        return
    first, scope = others[0]
    report.error(
        IssueCode.FILE_REPEATED,
        f"this file (same content, SHA-256 {source.sha256[:12]}…) is already imported as "
        f"import {first} ({describe_scope(scope)}); importing it again as "
        f"{describe_scope(source.scope)} would repeat those answers — check the file, or "
        "pass --force if it really holds both",
        file=source.path.name,
    )


def describe_scope(scope: str) -> str:
    """An import scope in words: ``project P, wave 2`` (clients), ``round R`` (partners)."""
    parts = dict(p.split("=", 1) for p in scope.split(";") if "=" in p)
    words = []
    for key, label in (
        ("project", "project"),
        ("project-column", "projects from column"),
        ("wave", "wave"),
        ("wave-column", "waves from column"),
        ("round", "round"),
        ("sheet", "sheet"),
    ):
        if parts.get(key):
            words.append(f"{label} {parts[key]}")
    return ", ".join(words) or scope


def run_import(ws: Workspace, plan: ImportPlan, paths: Sequence[str | Path]) -> ImportResult:
    """Import ``paths`` as ``plan`` says: all files in one transaction.

    Parameters
    ----------
    ws
        The workspace.
    plan
        The kind of import: what is read, checked and stored.
    paths
        The files, imported in this order.

    Returns
    -------
    ImportResult
        One :class:`FileResult` per file (``imported``, ``replaced`` or ``unchanged``) and
        the validation report (its warnings; it has no errors).

    Raises
    ------
    ImportFailed
        Carrying the report, when any file has an error; the workspace is then unchanged.
    """
    with gc_paused():
        files = [Path(p) for p in paths]
        report = ValidationReport()
        sources: list[Source | OSError] = []
        for path in files:
            try:
                sources.append(find_source(ws, plan, path))
            except OSError as exc:
                sources.append(exc)
        for source in sources:
            if isinstance(source, Source) and not source.unchanged:
                check_repeats(ws, plan, source, report)
        if not report.ok:
            raise ImportFailed.stopped(report)
        prepared = _prepare_all(plan, files, sources, report)
        if not report.ok:
            raise ImportFailed.stopped(report)
        return ImportResult(_store_all(ws, plan, sources, prepared, report), report)


def _prepare_all(
    plan: ImportPlan, files: list[Path], sources: list[Source | OSError], report: ValidationReport
) -> list[Prepared | None]:
    """Each file prepared in order (None: unchanged or not storable), the next files read in
    background threads while one is checked."""
    to_read = [k for k, s in enumerate(sources) if isinstance(s, Source) and not s.unchanged]
    workers = min(plan.read_threads, os.cpu_count() or 1)
    if not workers:
        return [_prepare_one(plan, files[k], s, None, report) for k, s in enumerate(sources)]
    # The spreadsheet engine parses without holding the interpreter lock, so parsing
    # overlaps with other parsing and with the checks.
    prepared: list[Prepared | None] = []
    with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="evaltool-read") as pool:
        reading: dict[int, Future] = {}
        for k, source in enumerate(sources):
            for j in [j for j in to_read if j >= k][: workers + 1]:
                if j not in reading:
                    reading[j] = pool.submit(plan.read, files[j])
            prepared.append(_prepare_one(plan, files[k], source, reading.pop(k, None), report))
    return prepared


def _prepare_one(
    plan: ImportPlan,
    path: Path,
    source: Source | OSError,
    raw: Future | None,
    report: ValidationReport,
) -> Prepared | None:
    if isinstance(source, OSError):
        report.error(IssueCode.FILE_UNREADABLE, f"cannot read the file ({source})", file=path.name)
        return None
    if source.unchanged:
        return None
    file_report = ValidationReport()
    prep = plan.prepare(source, raw, file_report)
    report.extend(file_report)
    if prep is not None and prep.warnings is None:
        prep.warnings = [issue.to_record() for issue in file_report.warnings]
    return prep


def _look_again(
    ws: Workspace,
    plan: ImportPlan,
    sources: list[Source | OSError],
    prepared: list[Prepared | None],
    report: ValidationReport,
) -> None:
    """Inside the write transaction: each prepared file's earlier import and repeats as
    another process may have stored them since the file was looked up (a file imported
    meanwhile under the same scope is then ``unchanged``)."""
    for k, (source, prep) in enumerate(zip(sources, prepared, strict=True)):
        if prep is None or not isinstance(source, Source):
            continue
        now = find_source(ws, plan, source.path, digest=(source.sha256, source.size))
        if now.existing != source.existing:
            source.existing = now.existing
            if source.unchanged:
                prepared[k] = None
                continue
        check_repeats(ws, plan, source, report)


def _store_all(
    ws: Workspace,
    plan: ImportPlan,
    sources: list[Source | OSError],
    prepared: list[Prepared | None],
    report: ValidationReport,
) -> list[FileResult]:
    """Check against what is stored, delete replaced imports, record provenance and store
    every file: one transaction."""
    results = []
    with ws.transaction():
        _look_again(ws, plan, sources, prepared, report)
        plan.check_together(ws, [p for p in prepared if p is not None], report)
        if not report.ok:
            raise ImportFailed.stopped(report)
        plan.begin(ws)
        for source, prep in zip(sources, prepared, strict=True):
            if prep is None:  # unchanged (an unreadable file is an error: not here)
                results.append(plan.unchanged_result(source))
                continue
            status = "imported"
            if source.existing is not None:
                ws.delete_import(source.existing)
                status = "replaced"
            import_id = ws.add_import(
                {
                    "kind": plan.kind,
                    "source_name": source.path.name,
                    "sha256": source.sha256,
                    "size": source.size,
                    "scope": source.scope,
                    **prep.record,
                    "warnings": prep.warnings,
                }
            )
            plan.store(ws, prep, import_id)
            results.append(plan.result(prep, import_id, status))
    return results
