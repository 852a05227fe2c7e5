"""SQL is written only in ``evaltool/store/``: the package, the tests and the benchmarks use
the store's API.

Python files are read with :mod:`ast`, so only code counts: calls of ``.execute(``,
``.executemany(``, ``.executescript(`` and ``read_sql*``, imports of ``sqlite3``, and string
literals (docstrings excepted) in which an upper-case SQL keyword is followed by what an SQL
statement has there (``SELECT COUNT(*)``, ``INSERT INTO``, ``PRAGMA cache_size``). Prose such
as "Select the rounds" or "DELETE rights" in a docstring does not count.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
STORE = ROOT / "evaltool" / "store"
SKIP = (STORE, ROOT / "tests" / "r", Path(__file__).resolve())

SQL_CALLS = {"execute", "executemany", "executescript"}
SQL_TEXT = re.compile(
    r"\b(?:SELECT\s+(?:DISTINCT\s+)?(?:\*|[A-Za-z_\"(][\w.\"]*\s*(?:,|\(|FROM\b|AS\b|$))"
    r"|INSERT\s+(?:OR\s+\w+\s+)?INTO\s+[\w\"]"
    r"|UPDATE\s+[\w\"]+\s+SET\b"
    r"|DELETE\s+FROM\s+[\w\"]"
    r"|CREATE\s+(?:TABLE|INDEX|VIEW)\s+[\w\"]"
    r"|PRAGMA\s+\w+)"
)


def _python_files() -> list[Path]:
    files = []
    for folder in ("evaltool", "tests", "benchmarks"):
        for path in sorted((ROOT / folder).rglob("*.py")):
            resolved = path.resolve()
            if not any(resolved == s or s in resolved.parents for s in SKIP):
                files.append(path)
    return files


def _not_looked_at(nodes: list[ast.AST]) -> set[int]:
    """ids of the string constants not looked at one by one: the docstrings of the module,
    its classes and functions, and the parts of f-strings (looked at as a whole)."""
    skip = set()
    for node in nodes:
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                skip.add(id(first.value))
        elif isinstance(node, ast.JoinedStr):
            skip.update(id(v) for v in node.values)
    return skip


def sql_uses(source: str) -> list[tuple[int, str]]:
    """(line, what) for each piece of SQL in Python ``source``."""
    nodes = list(ast.walk(ast.parse(source)))
    skip = _not_looked_at(nodes)
    found = []
    for node in nodes:
        if isinstance(node, ast.Call):
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if name in SQL_CALLS or name.startswith("read_sql"):
                found.append((node.lineno, f"call of {name}()"))
        elif isinstance(node, ast.Import):
            if any(a.name.split(".")[0] == "sqlite3" for a in node.names):
                found.append((node.lineno, "import sqlite3"))
        elif isinstance(node, ast.ImportFrom):
            if (node.module or "").split(".")[0] == "sqlite3":
                found.append((node.lineno, "from sqlite3 import"))
        elif isinstance(node, ast.JoinedStr):
            text = "".join(v.value if isinstance(v, ast.Constant) else "x" for v in node.values)
            if SQL_TEXT.search(text):
                found.append((node.lineno, f"SQL in an f-string: {text[:60]!r}"))
        elif (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in skip
            and SQL_TEXT.search(node.value)
        ):
            found.append((node.lineno, f"SQL in a string: {node.value[:60]!r}"))
    return sorted(found)


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("conn.execute('x')", ["call of execute()"]),
        ("pd.read_sql_query(q, c)", ["call of read_sql_query()"]),
        ("import sqlite3", ["import sqlite3"]),
        ("q = 'SELECT COUNT(*) FROM imports'", ["SQL in a string"]),
        ("q = f'SELECT {cols} FROM t'", ["SQL in an f-string"]),
        ("q = 'INSERT INTO t VALUES (?)'", ["SQL in a string"]),
        ("q = 'PRAGMA journal_mode'", ["SQL in a string"]),
        ("q = 'UPDATE t SET a = 1'", ["SQL in a string"]),
        ("q = 'CREATE TABLE extra (a TEXT)'", ["SQL in a string"]),
        ('def f():\n    """SELECT * FROM t is how it was read."""', []),
        ("msg = 'Select the rounds to compare'", []),
        ("msg = 'UPDATE the register first'", []),
        ("ws.responses('whoqol-bref')", []),
    ],
)
def test_the_check_finds_sql_and_only_sql(source, expected):
    assert [what.split(":")[0] for _, what in sql_uses(source)] == expected


def test_no_sql_outside_the_store():
    files = _python_files()
    assert len(files) > 50
    found = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in files
        for line, what in sql_uses(path.read_text(encoding="utf-8"))
    ]
    assert found == [], "SQL outside evaltool/store/ (use the store's API):\n" + "\n".join(found)
