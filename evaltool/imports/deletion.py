"""Deleting an import: what it stored goes in one transaction, and the deletion is logged.

:func:`describe_import` says what deleting an import would remove (to show before asking);
:func:`delete_import` removes it — its responses, answers, background answers, partner rows or
register rows (``ON DELETE CASCADE``) and the source ids of respondents left without a
response — and writes a row to the workspace's log of deleted imports
(:meth:`~evaltool.store.imports.ImportLog.import_deletions`).
"""

from __future__ import annotations

from dataclasses import dataclass

from evaltool.errors import UserError
from evaltool.store.workspace import Workspace

__all__ = ["ImportDeletion", "delete_import", "describe_import"]


@dataclass(frozen=True)
class ImportDeletion:
    """What an import stored, as deleting it removes it.

    Attributes
    ----------
    import_id : int
        The import's id (``evaltool imports``).
    kind : str
        ``clients``, ``partners`` or ``projects``.
    source_name : str
        The imported file's name.
    sha256 : str
        The file's SHA-256.
    projects : tuple of str
        The projects of its responses (clients) or the register codes it holds (projects).
    waves : tuple of int
        The waves of its responses (clients).
    round : str or None
        The partner-survey round (partners).
    rows_stored : int
        Rows the import stored (its provenance record).
    n_responses : int
        Client responses, or partner organisations that responded, stored by the import.
    """

    import_id: int
    kind: str
    source_name: str
    sha256: str
    projects: tuple[str, ...]
    waves: tuple[int, ...]
    round: str | None
    rows_stored: int
    n_responses: int

    def summary(self) -> str:
        """One English line, e.g. ``import 3 (clients, file.xlsx): 48 responses of project
        P, waves 1, 2``."""
        head = f"import {self.import_id} ({self.kind}, {self.source_name})"
        if self.kind == "projects":
            return f"{head}: {_count(len(self.projects), 'project')} of the register" + (
                f" ({', '.join(self.projects)})" if self.projects else ""
            )
        if self.kind == "partners":
            return (
                f"{head}: {_count(self.n_responses, 'responding organisation')} of round "
                f"{self.round or '?'}, {_count(self.rows_stored, 'row')}"
            )
        what = _count(self.n_responses, "response")
        if self.projects:
            label = "project" if len(self.projects) == 1 else "projects"
            what += f" of {label} {', '.join(self.projects)}"
        if self.waves:
            label = "wave" if len(self.waves) == 1 else "waves"
            what += f", {label} {', '.join(str(w) for w in self.waves)}"
        return f"{head}: {what}"

    def detail(self) -> dict:
        """The ``detail`` stored in the deletion log: projects, waves, round, n_responses."""
        return {
            "projects": list(self.projects),
            "waves": list(self.waves),
            "round": self.round,
            "n_responses": self.n_responses,
        }


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}" + ("" if n == 1 else "s")


def describe_import(ws: Workspace, import_id: int) -> ImportDeletion:
    """What deleting import ``import_id`` would remove.

    Parameters
    ----------
    ws : Workspace
        The workspace.
    import_id : int
        An import's id, as listed by ``evaltool imports``.

    Returns
    -------
    ImportDeletion

    Raises
    ------
    UserError
        When the workspace has no import ``import_id``.
    """
    record = ws.import_record(int(import_id))
    if record is None:
        raise UserError(
            f"the workspace has no import {import_id} (see 'evaltool imports' for the list)"
        )
    contents = ws.import_contents(int(import_id))
    round_label = record.get("round")
    if round_label is None and contents["rounds"]:
        round_label = contents["rounds"][0]
    return ImportDeletion(
        import_id=int(record["id"]),
        kind=str(record["kind"]),
        source_name=str(record["source_name"]),
        sha256=str(record["sha256"]),
        projects=tuple(contents["projects"]),
        waves=tuple(contents["waves"]),
        round=round_label,
        rows_stored=int(record["rows_stored"]),
        n_responses=int(contents["n_responses"]),
    )


def delete_import(ws: Workspace, import_id: int, deleted_by: str = "cli") -> ImportDeletion:
    """Delete import ``import_id`` and everything it stored; log the deletion.

    One transaction: the import's record, its responses with their answers and background
    answers, its partner rows or register rows, and the source ids of respondents it leaves
    without a response go; a row with what went (:meth:`ImportDeletion.detail`) and
    ``deleted_by`` is written to the log of deleted imports. Another process's write waits
    or fails with "workspace busy" (see :meth:`~evaltool.store.Workspace.transaction`).

    Parameters
    ----------
    ws : Workspace
        The workspace.
    import_id : int
        The import's id.
    deleted_by : str
        Who deleted it (``cli``, ``web``, a user name), stored in the log.

    Returns
    -------
    ImportDeletion
        What was deleted.

    Raises
    ------
    UserError
        When the workspace has no import ``import_id`` (nothing changes).
    """
    with ws.transaction():
        gone = describe_import(ws, import_id)
        record = ws.import_record(gone.import_id) or {}
        ws.delete_import(gone.import_id)
        ws.log_import_deletion(
            {
                "import_id": gone.import_id,
                "kind": gone.kind,
                "source_name": gone.source_name,
                "sha256": gone.sha256,
                "scope": record.get("scope", ""),
                "detail": gone.detail(),
                "rows_stored": gone.rows_stored,
                "deleted_by": str(deleted_by),
            }
        )
    return gone
