"""The engine specifics of the store: connecting, errors, pragmas, transactions, bulk
parameters.

Everything the rest of the store needs from the database engine beyond plain SQL with ``?``
placeholders is here. SQLite is the embedded default; a workspace on PostgreSQL has a
:class:`evaltool.store.postgres.PgConnection`, which runs the same SQL, and each function
below does the PostgreSQL equivalent for it (a PRAGMA without one is a no-op). PostgreSQL's
errors are raised as the classes below (subclasses carrying the SQLSTATE).
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # pandas is imported where used: the light commands start without it
    import pandas as pd

#: Any error the database reports (a broken file, a failing statement).
DatabaseError = sqlite3.DatabaseError
#: A constraint is violated, e.g. a second response of one respondent in one wave.
IntegrityError = sqlite3.IntegrityError
#: The engine refused a statement for now, e.g. another process holds the write lock.
OperationalError = sqlite3.OperationalError
#: An open database connection.
Connection = sqlite3.Connection

#: Most values bound in one statement of an ``IN (…)`` list; SQLite's limit is 32 766.
IN_LIST_CHUNK = 500
#: SQLite's default page cache, KiB, restored after each write transaction.
DEFAULT_CACHE_KIB = 2000
#: Seconds a statement waits for another process's lock before the workspace is "busy"
#: (``$EVALTOOL_BUSY_TIMEOUT`` overrides it).
BUSY_TIMEOUT_S = 60.0
#: Permissions of a new database file: the owner's only (it holds the pseudonym key,
#: source ids and open answers). SQLite gives its journal file the same.
FILE_MODE = 0o600


def busy_timeout() -> float:
    """The busy timeout in seconds: ``$EVALTOOL_BUSY_TIMEOUT`` when set, else
    :data:`BUSY_TIMEOUT_S`."""
    text = os.environ.get("EVALTOOL_BUSY_TIMEOUT", "")
    try:
        value = float(text) if text.strip() else BUSY_TIMEOUT_S
    except ValueError:
        value = BUSY_TIMEOUT_S
    return value if value >= 0 and value == value else BUSY_TIMEOUT_S


def engine_name(conn) -> str:
    """``sqlite`` or ``postgresql``: the engine under ``conn``."""
    return getattr(conn, "engine_name", "sqlite")


def _pg(conn) -> bool:
    return engine_name(conn) == "postgresql"


def connect_url(url: str):
    """A PostgreSQL connection (:class:`evaltool.store.postgres.PgConnection`) to ``url``
    whose lock waits end after :func:`busy_timeout` seconds (then the workspace is busy)."""
    from evaltool.store import postgres

    return postgres.connect(url, busy_timeout())


def begin_write(conn) -> None:
    """Begin a write transaction holding the workspace's write lock: SQLite's ``BEGIN
    IMMEDIATE``; on PostgreSQL ``BEGIN`` and ``LOCK TABLE meta IN EXCLUSIVE MODE``, so
    writers take turns (a check-then-insert such as the duplicate-file check stays
    correct under READ COMMITTED) while readers go on."""
    if _pg(conn):
        from evaltool.store.postgres import WRITE_LOCK

        conn.execute("BEGIN")
        conn.execute(WRITE_LOCK)
    else:
        conn.execute("BEGIN IMMEDIATE")


def begin_read(conn) -> None:
    """Begin a read transaction that sees one state of the workspace: SQLite's shared lock;
    on PostgreSQL a REPEATABLE READ snapshot (writers are not held up)."""
    if _pg(conn):
        conn.execute("BEGIN ISOLATION LEVEL REPEATABLE READ")
    else:
        conn.execute("BEGIN")
    conn.execute("SELECT COUNT(*) FROM meta").fetchone()  # takes the lock / the snapshot


def connect(path: Path) -> Connection:
    """A connection in autocommit mode (the store begins and ends its transactions itself)
    that waits up to :func:`busy_timeout` seconds for another process's lock."""
    return sqlite3.connect(path, isolation_level=None, timeout=busy_timeout())


def create_file(path: Path) -> None:
    """Create an empty database file readable by its owner only (:data:`FILE_MODE`);
    FileExistsError when it exists."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, FILE_MODE)
    os.close(fd)


def is_busy(exc: BaseException) -> bool:
    """Is ``exc`` the engine saying another connection holds a lock (``database is
    locked`` / ``busy``)?"""
    if not isinstance(exc, sqlite3.OperationalError):
        return False
    state = getattr(exc, "sqlstate", None)
    if state is not None or type(exc).__name__ == "PgOperationalError":
        from evaltool.store.postgres import BUSY_STATES

        return state in BUSY_STATES
    code = getattr(exc, "sqlite_errorcode", None)
    if code is not None:
        return code & 0xFF in (sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED)
    text = str(exc).lower()
    return "locked" in text or "busy" in text


def enable_foreign_keys(conn: Connection) -> None:
    """Enforce ``REFERENCES`` and ``ON DELETE CASCADE`` (SQLite leaves them off; PostgreSQL
    always enforces them)."""
    if not _pg(conn):
        conn.execute("PRAGMA foreign_keys = ON")


def set_cache_kib(conn: Connection, kib: int) -> None:
    """Let the page cache grow to ``kib`` KiB (PostgreSQL: the server's shared buffers)."""
    if not _pg(conn):
        conn.execute(f"PRAGMA cache_size = -{int(kib)}")


def cache_kib(conn: Connection) -> int:
    """The page cache's upper bound in KiB (PostgreSQL: 0, the server's concern)."""
    if _pg(conn):
        return 0
    size = conn.execute("PRAGMA cache_size").fetchone()[0]
    if size < 0:
        return -size
    return size * conn.execute("PRAGMA page_size").fetchone()[0] // 1024


def journal_mode(conn: Connection) -> str:
    """SQLite's journal mode (``delete``: a rollback journal beside the file, no WAL);
    ``wal`` on PostgreSQL (its write-ahead log)."""
    if _pg(conn):
        return "wal"
    return conn.execute("PRAGMA journal_mode").fetchone()[0]


def table_names(conn: Connection) -> list[str]:
    """The database's tables, by name."""
    if _pg(conn):
        return [
            name
            for (name,) in conn.execute(
                "SELECT tablename::text FROM pg_tables WHERE schemaname = current_schema() "
                "ORDER BY 1"
            )
        ]
    return [
        name
        for (name,) in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
            "ORDER BY name"
        )
    ]


def real_columns(conn: Connection, table: str) -> list[str]:
    """The columns of ``table`` declared ``REAL``, in table order."""
    if _pg(conn):
        return [n for n, kind in conn.columns(table) if kind == "double precision"]
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
        if _pg(conn) and conn.in_transaction:
            conn.raw.execute("ROLLBACK")
            raise
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
    """The rows of a query as a data frame (column types as pandas reads them; on
    PostgreSQL the rows go through the same pandas conversion as ``read_sql_query``'s)."""
    import pandas as pd

    if _pg(conn):
        from pandas.io.sql import _wrap_result

        cur = conn.execute(sql, list(params))
        columns = [d[0] for d in cur.description]
        return _wrap_result(cur.fetchall(), columns)
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


def next_ids(conn) -> dict[str, int]:
    """The last id the engine assigned per table with engine-assigned ids (SQLite's
    ``sqlite_sequence``; PostgreSQL's identity sequences); tables without one are left
    out."""
    from evaltool.store.schema import IDENTITY_TABLES

    out: dict[str, int] = {}
    if _pg(conn):
        for table in sorted(IDENTITY_TABLES):
            row = conn.execute(
                "SELECT pg_sequence_last_value(pg_get_serial_sequence(?, 'id'))", (table,)
            ).fetchone()
            if row and row[0] is not None:
                out[table] = int(row[0])
        return out
    if "sqlite_sequence" in {
        r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")
    }:
        for name, seq in conn.execute("SELECT name, seq FROM sqlite_sequence"):
            if name in IDENTITY_TABLES:
                out[name] = int(seq)
    return out


def set_next_ids(conn, last: dict[str, int]) -> None:
    """Make each table's next engine-assigned id ``last[table] + 1`` (inside a write
    transaction; after rows with explicit ids were copied in)."""
    for table, value in last.items():
        if _pg(conn):
            conn.execute(
                "SELECT setval(pg_get_serial_sequence(?, 'id'), ?, true)", (table, int(value))
            )
        else:
            conn.execute("DELETE FROM sqlite_sequence WHERE name = ?", (table,))
            conn.execute("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", (table, value))


def drop_tables(conn, tables: Sequence[str]) -> None:
    """Drop ``tables`` (and what depends on them)."""
    from evaltool.store.schema import quote_ident

    for table in tables:
        suffix = " CASCADE" if _pg(conn) else ""
        conn.execute(f"DROP TABLE IF EXISTS {quote_ident(table)}{suffix}")
