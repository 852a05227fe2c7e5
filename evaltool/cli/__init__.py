"""Command line: parse options, call the library, print, set the exit code.

One module per group of commands, each registering on :data:`evaltool.cli.app.main`; importing
this package registers them all.
"""

from evaltool.cli import (  # noqa: F401
    files,
    imports,
    participants,
    report,
    results,
    serve,
    users,
    workspace,
    workspace_copy,
)
from evaltool.cli.app import main

__all__ = ["main"]
