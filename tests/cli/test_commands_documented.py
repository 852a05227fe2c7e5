"""Every command of the command line is in the README's command table, and every command
the table names exists."""

from __future__ import annotations

import re
from pathlib import Path

import click

from evaltool.cli import main

ROOT = Path(__file__).resolve().parents[2]


def command_paths(group: click.Group, prefix: tuple[str, ...] = ()) -> set[str]:
    """Space-joined paths of the leaf commands under ``group`` (``import clients``)."""
    paths: set[str] = set()
    for name, command in group.commands.items():
        path = (*prefix, name)
        if isinstance(command, click.Group):
            paths |= command_paths(command, path)
        else:
            paths.add(" ".join(path))
    return paths


def documented_paths() -> set[str]:
    """Command paths in the first cell of the README's command table rows."""
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    paths: set[str] = set()
    for line in text.splitlines():
        if not line.startswith("| `evaltool "):
            continue
        first_cell = line.split(" | ", 1)[0]
        for snippet in re.findall(r"`([^`]+)`", first_cell):
            words = snippet.removeprefix("evaltool ").split()
            path = []
            for word in words:
                if not re.fullmatch(r"[a-z][a-z-]*", word):
                    break
                path.append(word)
            if path:
                paths.add(" ".join(path))
    return paths


def test_every_command_is_in_the_readme_table():
    missing = command_paths(main) - documented_paths()
    assert not missing, f"commands missing from the README's command table: {sorted(missing)}"


def test_every_command_in_the_readme_table_exists():
    commands = command_paths(main)
    groups = {p.rsplit(" ", 1)[0] for p in commands if " " in p}
    unknown = {p for p in documented_paths() if p not in commands and p not in groups}
    # a row may show a command with an argument word, e.g. `config set min_n 7`
    unknown = {p for p in unknown if not any(p.startswith(c + " ") for c in commands)}
    assert not unknown, f"README names commands that do not exist: {sorted(unknown)}"
