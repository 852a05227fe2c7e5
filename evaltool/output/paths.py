"""Output paths checked before any work starts: a command that would fail to write its result
fails first, with a clear message, and changes nothing.

An import with ``--report-json`` into a folder that does not exist would otherwise store
the import and then fail; a report or a table written to a read-only place would be
computed for nothing.
"""

from __future__ import annotations

import errno
import os
import secrets
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from evaltool.errors import UserError

__all__ = ["check_writable", "check_writable_folder", "replacing"]


def check_writable(path: str | Path | None, what: str = "output file") -> None:
    """Raise a :class:`~evaltool.errors.UserError` unless a file can be written at ``path``.

    Parameters
    ----------
    path : str, Path or None
        The file to be written (None: nothing to check).
    what : str
        What the file is, for the message (``--report-json file``, ``output file``).

    Raises
    ------
    UserError
        When ``path`` is a folder, its folder does not exist or is not a folder, or the file
        cannot be created or written there (permissions, read-only file system, a name too
        long); the message names the path.

    Notes
    -----
    A file that does not exist yet is created and removed again (the only reliable test of
    permissions, file-system limits and name length); an existing file is opened for
    appending and closed, so its content is not touched.
    """
    if path is None:
        return
    target = Path(path)
    try:
        is_dir = target.is_dir()
    except OSError as exc:  # e.g. a file name too long to look up
        raise UserError(f"cannot write the {what} {target}: {_reason(exc)}") from None
    if is_dir:
        raise UserError(f"cannot write the {what} {target}: it is a folder")
    parent = target.parent if str(target.parent) else Path(".")
    if not parent.exists():
        raise UserError(f"cannot write the {what} {target}: folder {parent} does not exist")
    if not parent.is_dir():
        raise UserError(f"cannot write the {what} {target}: {parent} is not a folder")
    existed = target.exists()  # the name was looked up above: no OSError here
    try:
        with open(target, "a", encoding="utf-8"):
            pass
    except OSError as exc:
        raise UserError(f"cannot write the {what} {target}: {_reason(exc)}") from None
    if not existed:
        try:
            os.unlink(target)
        except OSError:
            pass


def _reason(exc: OSError) -> str:
    if exc.errno == errno.ENAMETOOLONG:
        return "file name too long"
    return exc.strerror or str(exc)


def check_writable_folder(path: str | Path | None, what: str = "output folder") -> None:
    """Raise a :class:`~evaltool.errors.UserError` unless files can be written in the folder
    ``path`` (created later if missing: then its nearest existing parent must be writable).

    Parameters
    ----------
    path : str, Path or None
        The folder (None: nothing to check).
    what : str
        What the folder is, for the message.

    Raises
    ------
    UserError
        When ``path`` is a file, or neither it nor its nearest existing parent folder
        accepts a new file (a probe file is created and removed).
    """
    if path is None:
        return
    folder = Path(path)
    if folder.exists() and not folder.is_dir():
        raise UserError(f"cannot write the {what} {folder}: it is a file")
    probe_in = folder
    while not probe_in.exists():
        if probe_in.parent == probe_in:
            break
        probe_in = probe_in.parent
    if not probe_in.is_dir():
        raise UserError(f"cannot write the {what} {folder}: {probe_in} is not a folder")
    try:
        with tempfile.NamedTemporaryFile(dir=probe_in, prefix=".evaltool-probe-"):
            pass
    except OSError as exc:
        raise UserError(f"cannot write the {what} {folder}: {exc.strerror or exc}") from None


@contextmanager
def replacing(path: str | Path) -> Iterator[Path]:
    """A file name beside ``path`` to write to; on success it replaces ``path`` in one step.

    A reader of ``path`` (a report served by the browser workspace while it is rebuilt)
    gets the old file or the new one, never a file cut short; after a failure ``path`` is
    as it was and the partial file is removed.

    Examples
    --------
    >>> with replacing(folder / "S20127.fi.html") as tmp:  # doctest: +SKIP
    ...     tmp.write_text(html, encoding="utf-8")
    """
    target = Path(path)
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.part")
    try:
        yield tmp
        os.replace(tmp, target)
    except BaseException:
        try:
            tmp.unlink()
        except OSError:
            pass
        raise
