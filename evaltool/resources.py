"""Where the built-in data files are: instrument and survey definitions, report templates.

An installed wheel carries them under ``evaltool/_data/`` (see ``pyproject.toml``); a source
checkout has them at the repository's top level (``surveys/``, ``reports/``). Every module that
needs a built-in file asks here, so the two places are written once.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def data_dirs(kind: str) -> list[Path]:
    """Existing folders holding built-in files of ``kind`` (``"surveys"`` or ``"reports"``),
    the installed copy first."""
    candidates = (_PACKAGE / "_data" / kind, _PACKAGE.parent / kind)
    return [d for d in candidates if d.is_dir()]


def data_file(kind: str, filename: str) -> Path | None:
    """The first built-in file ``filename`` of ``kind``, or None when there is none."""
    for folder in data_dirs(kind):
        path = folder / filename
        if path.is_file():
            return path
    return None
