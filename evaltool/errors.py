"""Exceptions shared by the library and the command line.

A :class:`UserError` is a problem with what the user gave us (a file, an option, a workspace):
the CLI prints its message and exits with status 2. Anything else is a bug.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from evaltool.issues import ValidationReport


class UserError(Exception):
    """An error caused by user input; the CLI exits with status 2."""

    exit_code = 2


class NotAWorkspace(UserError):
    """The folder given as workspace has no ``evaltool.sqlite``."""


class WorkspaceBusy(UserError):
    """Another process held the workspace's write lock longer than the busy timeout;
    nothing was changed and the command can be run again."""

    def __init__(self, root: object = None, doing: str = "write to"):
        where = f" {root}" if root is not None else ""
        super().__init__(
            f"workspace{where} busy: another evaltool process is using it, so this command "
            f"could not {doing} it; nothing was changed — try again"
        )


class ImportFailed(UserError):
    """An import stopped on validation errors; ``report`` holds them."""

    def __init__(self, message: str, report: ValidationReport | None = None):
        super().__init__(message)
        self.report = report

    @classmethod
    def stopped(cls, report: ValidationReport) -> ImportFailed:
        """The failure of an import whose ``report`` has errors: nothing was stored."""
        return cls(f"import stopped: {len(report.errors)} error(s); nothing was stored", report)
