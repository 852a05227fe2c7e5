"""Exceptions shared by the library and the command line.

A :class:`UserError` is a problem with what the user gave us (a file, an option, a workspace):
the CLI prints its message and exits with status 2. Anything else is a bug.
"""

from __future__ import annotations


class UserError(Exception):
    """An error caused by user input; the CLI exits with status 2."""

    exit_code = 2


class NotAWorkspace(UserError):
    """The folder given as workspace has no ``evaltool.sqlite``."""


class ImportFailed(UserError):
    """An import stopped on validation errors; ``report`` holds them."""

    def __init__(self, message: str, report=None):
        super().__init__(message)
        self.report = report
