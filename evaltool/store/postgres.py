"""PostgreSQL under the store: a connection that takes the store's SQL as it is written.

The store's SQL is written once, with ``?`` placeholders and the few words SQLite has that
PostgreSQL spells otherwise. :class:`PgConnection` offers the methods of a
:class:`sqlite3.Connection` the store uses (``execute``, ``executemany``, ``executescript``,
``in_transaction``, ``close``) and translates on the way (:func:`translate`, cached):

======================================  ==================================================
SQLite                                  PostgreSQL
======================================  ==================================================
``?``                                   ``%s`` (and a literal ``%`` as ``%%``)
``ifnull(a, b)``                        ``coalesce(a, b)``
``GROUP_CONCAT(x, 'sep')``              ``string_agg(x, 'sep' ORDER BY x)``
``INSERT OR IGNORE INTO t …``           ``INSERT INTO t … ON CONFLICT DO NOTHING``
``INSERT OR REPLACE INTO t …``          ``… ON CONFLICT (key) DO UPDATE SET c = EXCLUDED.c``
``BEGIN IMMEDIATE``                     ``BEGIN; LOCK TABLE meta IN EXCLUSIVE MODE``
``cursor.lastrowid`` of an insert       ``… RETURNING id`` (tables with an identity ``id``)
DDL (``INTEGER``, ``REAL``, ``TEXT``)   :func:`evaltool.store.schema.postgres_ddl`
======================================  ==================================================

``executemany`` of an ``INSERT … VALUES (?, …)`` — every bulk write of an import — goes
through ``COPY … FROM STDIN`` (into a temporary table first when the insert has an
``ON CONFLICT`` clause). Values are bound as SQLite would store them in the column: NaN as
NULL, a whole float as an integer in an integer column, a boolean as 0/1.

Errors are raised as the :mod:`sqlite3` error classes the store already catches
(:data:`evaltool.store.engine.IntegrityError` …), subclassed so that the PostgreSQL
SQLSTATE stays on the exception (``sqlstate``).

Numbers: ``SUM`` of integers is ``numeric`` in PostgreSQL; it is read back as a Python
``int`` (a whole number) or ``float``, as SQLite returns it. Double precision arithmetic is
IEEE 754 in both engines, so the packed reads of :mod:`evaltool.store.packed` give the same
numbers, and PostgreSQL sends doubles in their shortest exact text (``extra_float_digits``
1, the default since version 12).
"""

from __future__ import annotations

import math
import re
import secrets
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from functools import lru_cache

import psycopg
from psycopg import adapt, pq

from evaltool.store.schema import IDENTITY_TABLES, postgres_ddl, unquoted

#: SQLSTATEs of "another transaction is in the way": lock_timeout, serialization failure,
#: deadlock.
BUSY_STATES = {"55P03", "40001", "40P01"}
#: The statement that takes the workspace's write lock: writers queue on it, readers are
#: not held up (``EXCLUSIVE`` conflicts with every lock but a plain ``SELECT``'s).
WRITE_LOCK = "LOCK TABLE meta IN EXCLUSIVE MODE"
#: Rows sent per ``COPY`` write.
COPY_ROWS = 10_000


class PgDatabaseError(sqlite3.DatabaseError):
    """A PostgreSQL error; ``sqlstate`` holds its SQLSTATE."""

    sqlstate: str | None = None


class PgIntegrityError(sqlite3.IntegrityError):
    """A PostgreSQL constraint violation; ``sqlstate`` holds its SQLSTATE."""

    sqlstate: str | None = None


class PgOperationalError(sqlite3.OperationalError):
    """A PostgreSQL lock timeout, serialization failure, deadlock or lost connection."""

    sqlstate: str | None = None


def _raise(exc: psycopg.Error) -> None:
    """Raise ``exc`` as the matching store error class."""
    state = getattr(exc, "sqlstate", None)
    if isinstance(exc, psycopg.IntegrityError):
        cls: type[sqlite3.DatabaseError] = PgIntegrityError
    elif isinstance(exc, psycopg.OperationalError) or state in BUSY_STATES:
        cls = PgOperationalError
    else:
        cls = PgDatabaseError
    err = cls(str(exc).strip())
    err.sqlstate = state
    raise err from exc


class _NumericLoader(adapt.Loader):
    """``numeric`` → int when whole (``SUM`` of integers), else float (``AVG``)."""

    def load(self, data) -> int | float:
        text = bytes(data).decode()
        try:
            return int(text)
        except ValueError:
            return float(text)


# ------------------------------------------------------------------------------- SQL

_GROUP_CONCAT = re.compile(r"GROUP_CONCAT\(\s*([\w.]+)\s*,\s*('(?:[^']|'')*')\s*\)", re.I)
_INSERT_OR = re.compile(r"^\s*INSERT\s+OR\s+(IGNORE|REPLACE)\s+INTO\s+", re.I)
_INSERT = re.compile(
    r"^\s*INSERT\s+INTO\s+(\"(?:[^\"]|\"\")*\"|\w+)\s*(\(([^)]*)\))?\s*VALUES\s*"
    r"\(\s*\?(?:\s*,\s*\?)*\s*\)\s*(ON CONFLICT .*)?$",
    re.I | re.S,
)


def _plain(part: str, escape: bool = True) -> str:
    if escape:
        part = part.replace("%", "%%").replace("?", "%s")
    part = re.sub(r"\bifnull\s*\(", "coalesce(", part, flags=re.I)
    return re.sub(r"\bBEGIN\s+IMMEDIATE\b", f"BEGIN; {WRITE_LOCK}", part, flags=re.I)


@lru_cache(maxsize=1024)
def translate(sql: str, conflict: str = "", escape: bool = True) -> str:
    """The PostgreSQL text of one statement of the store's SQL (see the module's table).

    Parameters
    ----------
    sql : str
        One statement as the store writes it.
    conflict : str
        For ``INSERT OR REPLACE``: the ``ON CONFLICT`` clause (the table's key).
    escape : bool
        Parameters are bound (``?`` → ``%s``, ``%`` → ``%%``); False for a statement run
        without parameters, whose text goes to the server as it is.
    """
    stripped = sql.lstrip()
    head = stripped[:12].upper()
    if head.startswith(("CREATE", "ALTER")):
        ddl = postgres_ddl(sql)
        return unquoted(ddl, lambda p: p.replace("%", "%%")) if escape else ddl
    sql = _GROUP_CONCAT.sub(lambda m: f"string_agg({m[1]}, {m[2]} ORDER BY {m[1]})", sql)
    tail = ""
    match = _INSERT_OR.match(sql)
    if match:
        sql = "INSERT INTO " + sql[match.end() :]
        tail = " ON CONFLICT DO NOTHING" if match[1].upper() == "IGNORE" else " " + conflict
    return unquoted(sql, lambda p: _plain(p, escape)) + tail


def _insert_table(sql: str) -> str | None:
    """The table of an ``INSERT INTO t …`` (unquoted name), else None."""
    m = re.match(r"\s*INSERT\s+(?:OR\s+\w+\s+)?INTO\s+(\"(?:[^\"]|\"\")*\"|\w+)", sql, re.I)
    if m is None:
        return None
    name = m[1]
    return name[1:-1].replace('""', '"') if name.startswith('"') else name.lower()


# ------------------------------------------------------------------------------- values


def _to_int(v):
    if v is None:
        return None
    if isinstance(v, float):
        return None if math.isnan(v) else (int(v) if v.is_integer() else v)
    return int(v) if not isinstance(v, str) else v


def _to_float(v):
    if v is None or isinstance(v, str):
        return v
    v = float(v)
    return None if math.isnan(v) else v


def _to_text(v):
    if v is None or isinstance(v, str):
        return v
    if isinstance(v, float) and math.isnan(v):
        return None
    return str(v)


def _bind(v):
    """A parameter as SQLite would see it: NaN → NULL, numpy scalars and booleans → int or
    float."""
    if v is None or isinstance(v, str):
        return v
    if isinstance(v, float):
        return None if math.isnan(v) else v
    if isinstance(v, (bool, int)):
        return int(v)
    item = getattr(v, "item", None)  # numpy scalars
    return _bind(item()) if item is not None else v


_CONVERT = {"bigint": _to_int, "integer": _to_int, "double precision": _to_float}


# ------------------------------------------------------------------------------- cursor


class PgCursor:
    """The cursor of a statement: fetchone, fetchall, iteration, description, lastrowid."""

    def __init__(self, cur: psycopg.Cursor | None, lastrowid: int | None = None):
        self._cur = cur
        self.lastrowid = lastrowid

    @property
    def description(self):
        return None if self._cur is None else self._cur.description

    @property
    def rowcount(self) -> int:
        return -1 if self._cur is None else self._cur.rowcount

    def fetchone(self):
        return self._fetch("fetchone")

    def fetchall(self) -> list:
        return self._fetch("fetchall") or []

    def __iter__(self) -> Iterator[tuple]:
        return iter(self.fetchall())

    def _fetch(self, how: str):
        if self._cur is None or self._cur.description is None:
            return None
        try:
            return getattr(self._cur, how)()
        except psycopg.Error as exc:
            _raise(exc)


# ------------------------------------------------------------------------------- connection


class PgConnection:
    """A PostgreSQL connection that runs the store's SQL (see the module's docstring).

    Parameters
    ----------
    conn : psycopg.Connection
        An open connection in autocommit mode (the store begins and ends transactions).
    """

    engine_name = "postgresql"

    def __init__(self, conn: psycopg.Connection):
        self.raw = conn
        self._columns: dict[str, list[tuple[str, str]]] = {}
        self._keys: dict[str, list[str]] = {}
        conn.adapters.register_loader("numeric", _NumericLoader)

    @property
    def in_transaction(self) -> bool:
        return self.raw.info.transaction_status != pq.TransactionStatus.IDLE

    def close(self) -> None:
        self.raw.close()

    # ---------------------------------------------------------------- statements

    def execute(self, sql: str, params: Sequence = ()) -> PgCursor:
        """Run one statement of the store's SQL with its ``?`` parameters."""
        table = _insert_table(sql)
        conflict = self._replace_clause(table) if _INSERT_OR.match(sql) else ""
        text = translate(sql, conflict, bool(params))
        returning = (
            table in IDENTITY_TABLES and "RETURNING" not in text.upper() and not _names_id(sql)
        )
        if returning:
            text += " RETURNING id"
        cur = self.raw.cursor()
        try:
            if params:
                cur.execute(text, [_bind(p) for p in params])
            else:
                cur.execute(text)
        except psycopg.Error as exc:
            _raise(exc)
        if returning:
            return PgCursor(None, int(cur.fetchone()[0]))
        return PgCursor(cur)

    def executemany(self, sql: str, rows: Iterable[Sequence]) -> PgCursor:
        """Run one statement for each row; an ``INSERT … VALUES (?, …)`` goes through
        ``COPY``."""
        match = _INSERT.match(sql.strip()) or _INSERT.match(_INSERT_OR.sub("INSERT INTO ", sql))
        if match is None:
            text = translate(sql)
            cur = self.raw.cursor()
            try:
                cur.executemany(text, [[_bind(p) for p in row] for row in rows])
            except psycopg.Error as exc:
                _raise(exc)
            return PgCursor(None)
        table = _insert_table(sql)
        columns = [c.strip() for c in match[3].split(",")] if match[3] else None
        conflict = ""
        or_match = _INSERT_OR.match(sql)
        if or_match:
            conflict = (
                "ON CONFLICT DO NOTHING"
                if or_match[1].upper() == "IGNORE"
                else self._replace_clause(table)
            )
        self._copy(table, columns, rows, conflict)
        return PgCursor(None)

    def executescript(self, script: str) -> None:
        """Run several statements (no parameters) as one simple query."""
        statements = [s for s in script.split(";") if s.strip()]
        text = ";\n".join(
            translate(s.strip(), escape=False)
            if not s.strip().upper().startswith("BEGIN")
            else _plain(s, escape=False)
            for s in statements
        )
        self.forget()
        try:
            self.raw.execute(text)
        except psycopg.Error as exc:
            _raise(exc)

    # ---------------------------------------------------------------- COPY

    def _copy(
        self, table: str, columns: list[str] | None, rows: Iterable[Sequence], conflict: str
    ) -> None:
        described = self.columns(table)
        types = dict(described)
        names = [_unquote(c) for c in columns] if columns else [n for n, _ in described]
        convert = [_CONVERT.get(types.get(n, ""), _to_text) for n in names]
        target = _ident(table)
        if conflict:
            target = "_evaltool_stage"
            self._run(
                f"CREATE TEMP TABLE {target} (LIKE {_ident(table)} INCLUDING DEFAULTS) "
                "ON COMMIT DROP"
            )
        cols = ", ".join(_ident(n) for n in names)
        cur = self.raw.cursor()
        try:
            with cur.copy(f"COPY {target} ({cols}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row([f(v) for f, v in zip(convert, row, strict=True)])
        except psycopg.Error as exc:
            _raise(exc)
        if conflict:
            self._run(
                f"INSERT INTO {_ident(table)} ({cols}) SELECT {cols} FROM {target} {conflict}"
            )
            self._run(f"DROP TABLE {target}")

    def _run(self, text: str) -> None:
        try:
            self.raw.execute(text)
        except psycopg.Error as exc:
            _raise(exc)

    # ---------------------------------------------------------------- catalogue

    def columns(self, table: str) -> list[tuple[str, str]]:
        """(name, type) of ``table``'s columns in table order (of the search path's first
        schema holding it)."""
        if table not in self._columns:
            rows = self.raw.execute(
                "SELECT a.attname, format_type(a.atttypid, a.atttypmod) FROM pg_attribute a "
                "WHERE a.attrelid = to_regclass(%s) AND a.attnum > 0 AND NOT a.attisdropped "
                "ORDER BY a.attnum",
                [_ident(table)],
            ).fetchall()
            if not rows:
                return []  # not cached: the table may be created later
            self._columns[table] = [(r[0], r[1]) for r in rows]
        return self._columns[table]

    def forget(self, table: str | None = None) -> None:
        """Drop cached column lists (after ``ALTER TABLE``)."""
        if table is None:
            self._columns.clear()
        else:
            self._columns.pop(table, None)

    def primary_key(self, table: str) -> list[str]:
        """The primary-key columns of ``table``."""
        if table not in self._keys:
            rows = self.raw.execute(
                "SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = "
                "i.indrelid AND a.attnum = ANY(i.indkey) WHERE i.indrelid = to_regclass(%s) "
                "AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)",
                [_ident(table)],
            ).fetchall()
            self._keys[table] = [r[0] for r in rows]
        return self._keys[table]

    def _replace_clause(self, table: str | None) -> str:
        """``ON CONFLICT (key) DO UPDATE SET …`` for an ``INSERT OR REPLACE`` into
        ``table``."""
        if table is None:
            return ""
        key = self.primary_key(table)
        rest = [n for n, _ in self.columns(table) if n not in key]
        sets = ", ".join(f"{_ident(c)} = EXCLUDED.{_ident(c)}" for c in rest)
        keys = ", ".join(_ident(c) for c in key)
        return f"ON CONFLICT ({keys}) DO " + (f"UPDATE SET {sets}" if sets else "NOTHING")


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _unquote(name: str) -> str:
    name = name.strip()
    return name[1:-1].replace('""', '"') if name.startswith('"') else name.lower()


def _names_id(sql: str) -> bool:
    """Does an ``INSERT INTO t (…)`` name the ``id`` column itself?"""
    m = re.match(r"\s*INSERT\s+(?:OR\s+\w+\s+)?INTO\s+\S+\s*\(([^)]*)\)", sql, re.I)
    return m is not None and "id" in [_unquote(c) for c in m[1].split(",")]


def connect(url: str, lock_timeout_s: float) -> PgConnection:
    """A connection to the database at ``url`` (libpq's URL or key=value string) in
    autocommit mode, waiting at most ``lock_timeout_s`` seconds for another transaction's
    lock; psycopg.OperationalError when the server cannot be reached."""
    conn = psycopg.connect(url, autocommit=True)
    ms = max(1, int(round(lock_timeout_s * 1000)))
    conn.execute(f"SET lock_timeout = {ms}")
    return PgConnection(conn)


def with_schema(url: str, schema: str) -> str:
    """``url`` whose connections use ``schema`` (libpq ``options=-csearch_path=…``)."""
    from urllib.parse import quote

    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options={quote(f'-csearch_path={schema}', safe='')}"


@contextmanager
def scratch_schema(url: str, prefix: str = "evaltool_t") -> Iterator[str]:
    """A new, empty schema in the database at ``url`` for as long as the block lasts (then
    dropped with everything in it): yields the URL of a workspace living in it. For tests
    and benchmarks, which need a fresh database each."""
    name = f"{prefix}_{secrets.token_hex(6)}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f"CREATE SCHEMA {_ident(name)}")
    try:
        yield with_schema(url, name)
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f"DROP SCHEMA IF EXISTS {_ident(name)} CASCADE")
