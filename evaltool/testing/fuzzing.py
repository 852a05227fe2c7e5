"""One damaged file imported into a scratch workspace, and what came of it.

Used by the property-based test (``tests/fuzz``) and the fuzz benchmark
(``benchmarks/fuzz_imports.py``). Every import must end in one of two ways: stored, or refused
with a :class:`~evaltool.errors.UserError` (exit status 2) whose message says why — and a
refused import must leave the workspace's database byte for byte as it was. Anything else is
a bug: :class:`Outcome` names the stage (``read``, ``layouts``, ``mapping``, ``imports`` …)
of the deepest evaltool frame of the traceback, so that each is reported where it belongs.
"""

from __future__ import annotations

import hashlib
import traceback
from dataclasses import dataclass
from pathlib import Path

from evaltool.errors import ImportFailed, UserError

#: How an import ended.
STORED, REFUSED, TRACEBACK = "stored", "refused", "traceback"


@dataclass
class Outcome:
    """What one import did: ``status`` (:data:`STORED`, :data:`REFUSED` or
    :data:`TRACEBACK`), the message, the stage of a traceback, and whether a refused import
    changed the workspace (``changed``) or gave no message (``silent``)."""

    status: str
    message: str = ""
    stage: str = ""
    changed: bool = False
    silent: bool = False

    @property
    def ok(self) -> bool:
        """Stored, or refused with a message and the workspace unchanged."""
        return self.status == STORED or (
            self.status == REFUSED and not self.changed and not self.silent
        )


def _stage(exc: BaseException) -> str:
    """``read``, ``layouts``, ``mapping`` … : the package of the deepest evaltool frame."""
    stage = "?"
    for frame in traceback.extract_tb(exc.__traceback__):
        parts = Path(frame.filename).parts
        if "evaltool" in parts:
            rest = parts[len(parts) - parts[::-1].index("evaltool") :]
            stage = rest[0].removesuffix(".py") if rest else "?"
    return stage


def _message(exc: UserError) -> str:
    text = str(exc).strip()
    if isinstance(exc, ImportFailed) and exc.report is not None:
        errors = [i.message for i in exc.report.errors if str(i.message).strip()]
        text = "; ".join(errors[:3]) if errors else ""
    return text


class ScratchWorkspace:
    """A workspace that every stored import is rolled back out of, so each file meets the
    same database; :meth:`digest` is the SHA-256 of the database file."""

    def __init__(self, folder: Path) -> None:
        from evaltool.store.workspace import DB_NAME, Workspace

        self.folder = Path(folder)
        Workspace.init(self.folder).close()
        self.db = self.folder / DB_NAME
        self.pristine = self.db.read_bytes()
        self.ws = Workspace.open(self.folder)

    def digest(self) -> str:
        return hashlib.sha256(self.db.read_bytes()).hexdigest()

    def reset(self) -> None:
        """Back to the database as it was created."""
        from evaltool.store.workspace import Workspace

        self.ws.close()
        self.db.write_bytes(self.pristine)
        self.ws = Workspace.open(self.folder)

    def close(self) -> None:
        self.ws.close()

    def import_file(self, path: Path, instrument: str = "kevat-client") -> Outcome:
        """Import one file (project Polku, wave 1) and say how it ended."""
        from evaltool.imports.clients import ClientImportOptions, import_clients

        before = hashlib.sha256(self.pristine).hexdigest()
        opts = ClientImportOptions(instrument=instrument, project="Polku", wave=1)
        try:
            import_clients(self.ws, [path], opts)
        except UserError as exc:
            message = _message(exc)
            changed = self.digest() != before
            if changed:
                self.reset()
            return Outcome(
                REFUSED,
                message,
                changed=changed,
                silent=not message or getattr(exc, "exit_code", 2) != 2,
            )
        except Exception as exc:  # a bug: reported by stage, never raised on
            self.reset()
            return Outcome(TRACEBACK, f"{type(exc).__name__}: {exc}"[:300], _stage(exc))
        self.reset()
        return Outcome(STORED)
