"""The SQLite specifics of the store: connecting, errors, pragmas and bulk parameters.

Everything the rest of the store needs from the database engine beyond plain SQL with ``?``
placeholders is here, so another engine (PostgreSQL, issue 15) replaces this module's
functions and keeps the store's queries.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path

import pandas as pd

#: Any error the database reports (a broken file, a failing statement).
DatabaseError = sqlite3.DatabaseError
#: A constraint is violated, e.g. a second response of one respondent in one wave.
IntegrityError = sqlite3.IntegrityError
#: An open database connection.
Connection = sqlite3.Connection

#: Most values bound in one statement of an ``IN (…)`` list; SQLite's limit is 32 766.
IN_LIST_CHUNK = 500
#: SQLite's default page cache, KiB, restored after each write transaction.
DEFAULT_CACHE_KIB = 2000


def connect(path: Path) -> Connection:
    """A connection in autocommit mode: the store begins and ends its transactions itself."""
    return sqlite3.connect(path, isolation_level=None)


def enable_foreign_keys(conn: Connection) -> None:
    """Enforce ``REFERENCES`` and ``ON DELETE CASCADE`` (SQLite leaves them off)."""
    conn.execute("PRAGMA foreign_keys = ON")


def set_cache_kib(conn: Connection, kib: int) -> None:
    """Let the page cache grow to ``kib`` KiB."""
    conn.execute(f"PRAGMA cache_size = -{int(kib)}")


def cache_kib(conn: Connection) -> int:
    """The page cache's upper bound in KiB."""
    size = conn.execute("PRAGMA cache_size").fetchone()[0]
    if size < 0:
        return -size
    return size * conn.execute("PRAGMA page_size").fetchone()[0] // 1024


def journal_mode(conn: Connection) -> str:
    """SQLite's journal mode (``delete``: a rollback journal beside the file, no WAL)."""
    return conn.execute("PRAGMA journal_mode").fetchone()[0]


def table_names(conn: Connection) -> list[str]:
    """The database's tables, by name."""
    return [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]


def real_columns(conn: Connection, table: str) -> list[str]:
    """The columns of ``table`` declared ``REAL``, in table order."""
    return [
        row[1]
        for row in conn.execute("SELECT * FROM pragma_table_info(?)", (table,))
        if row[2].upper() == "REAL"
    ]


def run_script(conn: Connection, script: str) -> None:
    """Run several statements; the script carries its own ``BEGIN`` … ``COMMIT``.

    SQLite's ``executescript`` commits an open transaction before it runs, so a script that
    must be atomic begins and commits itself; on failure the open transaction is rolled back.
    """
    try:
        conn.executescript(script)
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise


def placeholders(n: int) -> str:
    """``?, ?, …`` for ``n`` bound values."""
    return ", ".join("?" * n)


def chunks(values: Sequence, size: int = IN_LIST_CHUNK) -> Iterator[list]:
    """``values`` in lists of at most ``size`` (for ``IN (…)`` lists)."""
    values = list(values)
    for start in range(0, len(values), size):
        yield values[start : start + size]


def query_frame(conn: Connection, sql: str, params: Sequence = ()) -> pd.DataFrame:
    """The rows of a query as a data frame (column types as pandas reads them)."""
    return pd.read_sql_query(sql, conn, params=list(params))


def frame_rows(frame: pd.DataFrame, columns: Sequence[str]) -> Iterator[tuple]:
    """Rows of ``frame``'s ``columns`` to bind, missing values (NaN, NA) as NULL."""
    sub = frame.reindex(columns=list(columns)).astype(object)
    return sub.where(sub.notna(), None).itertuples(index=False, name=None)


def in_list(column: str, values: Sequence) -> tuple[str, list]:
    """``column IN (?, …)`` and its parameters; an empty ``values`` matches nothing."""
    values = list(values)
    if not values:
        return "1 = 0", []
    return f"{column} IN ({placeholders(len(values))})", values
