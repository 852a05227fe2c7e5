"""Workspace: a folder with ``evaltool.sqlite``, the evaluation's single store — or, for a
team, a folder whose store is a PostgreSQL database named in ``evaltool.database``.

:class:`Workspace` is the one object callers use: opening and creating, transactions,
metadata, pseudonyms and instruments are here; its other parts are in their own modules —
settings (:mod:`~evaltool.store.settings`), import provenance
(:mod:`~evaltool.store.imports`), responses (:mod:`~evaltool.store.responses`), partner
rounds (:mod:`~evaltool.store.partners`) and the project register
(:mod:`~evaltool.store.register`). The tables are described in :mod:`evaltool.store.schema`;
:data:`MIGRATIONS` upgrade older files in place.

Respondent identifiers are stored as keyed pseudonyms: ``HMAC-SHA256(secret, project ␟ id)``
truncated to 20 hex digits, with a secret created at ``init``; waves of one project link, and
the same id in two projects does not. Every import runs in one transaction: if anything fails
nothing is written and the file is byte-for-byte unchanged (rollback journal, no WAL).

On PostgreSQL (:meth:`Workspace.init` with ``database=``, or ``$EVALTOOL_DATABASE``) the
folder keeps uploads, reports and logs, and :data:`DB_LINK_NAME` (mode 0600) holds the
database's URL — never a password: libpq reads it from ``~/.pgpass`` or ``$PGPASSWORD``.
The tables, the SQL and the transactions are the same (:mod:`evaltool.store.postgres`).
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: the light commands start without them
    import pandas as pd

from evaltool.errors import NotAWorkspace, UserError, WorkspaceBusy
from evaltool.store import engine
from evaltool.store.engine import Connection, DatabaseError
from evaltool.store.imports import ImportLog, now_iso
from evaltool.store.participants import ParticipantStore
from evaltool.store.partners import PartnerStore
from evaltool.store.register import RegisterStore
from evaltool.store.responses import ResponseStore
from evaltool.store.schema import (
    MIGRATIONS,
    SCHEMA,
    SCHEMA_VERSION,
    answers_table_name,
    answers_table_sql,
    quote_ident,
)
from evaltool.store.settings import DEFAULT_SETTINGS, SettingsStore

__all__ = [
    "DB_LINK_NAME",
    "DB_NAME",
    "DEFAULT_SETTINGS",
    "FOLDER_MODE",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "WRITE_CACHE_KIB",
    "Workspace",
    "answers_table_name",
    "now_iso",
    "quote_ident",
    "is_workspace_dir",
    "resolve_workspace_dir",
]

DB_NAME = "evaltool.sqlite"
#: The file of a workspace on PostgreSQL naming its database (a libpq URL, no password).
DB_LINK_NAME = "evaltool.database"
#: Environment variable with the database URL of new workspaces (``init``).
DATABASE_ENV = "EVALTOOL_DATABASE"
#: Permissions of a workspace folder evaltool creates: the owner's only (the database's
#: are :data:`evaltool.store.engine.FILE_MODE`).
FOLDER_MODE = 0o700
#: SQLite page cache during a write transaction, KiB (an upper bound: it grows as pages
#: are used); outside write transactions SQLite's default of 2000 KiB applies.
WRITE_CACHE_KIB = 256 * 1024


def resolve_workspace_dir(path: str | Path | None) -> Path:
    """``-w`` value, else ``$EVALTOOL_WORKSPACE``, else the current folder."""
    if path is None or str(path) == "":
        path = os.environ.get("EVALTOOL_WORKSPACE") or "."
    return Path(path)


def is_workspace_dir(path: str | Path) -> bool:
    """Does the folder ``path`` hold a workspace (``evaltool.sqlite`` or
    ``evaltool.database``)?"""
    path = Path(path)
    return (path / DB_NAME).is_file() or (path / DB_LINK_NAME).is_file()


def read_database_url(root: Path) -> str:
    """The database URL in ``root``'s :data:`DB_LINK_NAME` (first line not a comment)."""
    for line in (root / DB_LINK_NAME).read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.lstrip().startswith("#"):
            return line.strip()
    raise NotAWorkspace(f"{root / DB_LINK_NAME} names no database")


def check_database_url(url: str) -> str:
    """``url`` when it is a PostgreSQL URL without a password; UserError otherwise."""
    from psycopg.conninfo import conninfo_to_dict

    url = url.strip()
    if not url.startswith(("postgresql://", "postgres://")):
        raise UserError(
            f"--database must be a PostgreSQL URL (postgresql://user@host:5432/dbname), not {url!r}"
        )
    try:
        parts = conninfo_to_dict(url)
    except Exception as exc:  # psycopg.ProgrammingError: a malformed URL
        raise UserError(f"the database URL is not valid: {exc}") from None
    if parts.get("password"):
        raise UserError(
            "the database URL holds a password; leave it out and give it in ~/.pgpass "
            "(host:port:dbname:user:password, mode 0600) or $PGPASSWORD"
        )
    return url


def _connect_url(url: str, root: Path):
    import psycopg

    try:
        return engine.connect_url(url)
    except psycopg.OperationalError as exc:
        first = str(exc).strip().splitlines()[0] if str(exc).strip() else "no answer"
        raise UserError(f"{root}: cannot connect to the workspace database {url}: {first}")


class Workspace(
    SettingsStore, ImportLog, ResponseStore, PartnerStore, RegisterStore, ParticipantStore
):
    """An open workspace. Use :meth:`init` to create one and :meth:`open` to open one."""

    def __init__(self, root: Path, conn: Connection, database_url: str | None = None):
        self.root = root
        self.conn = conn
        self.database_url = database_url
        self._secret = bytes.fromhex(self._meta("secret"))

    @property
    def engine_name(self) -> str:
        """``sqlite`` (the embedded file) or ``postgresql``."""
        return engine.engine_name(self.conn)

    @property
    def is_server_database(self) -> bool:
        """Is the store a database server (PostgreSQL) rather than a file in the folder?
        A workspace served to a team (``serve --host 0.0.0.0``) needs one."""
        return self.engine_name != "sqlite"

    # ---------------------------------------------------------------- lifecycle

    @classmethod
    def init(cls, root: str | Path, database: str | None = None) -> Workspace:
        """Create a workspace folder with a fresh database and secret.

        Parameters
        ----------
        root : str or pathlib.Path
            The workspace folder (created when missing).
        database : str, optional
            A PostgreSQL URL (``postgresql://user@host:5432/dbname``, no password): the
            store is that database, which must hold no workspace yet; the folder gets
            :data:`DB_LINK_NAME`. None: ``evaltool.sqlite`` in the folder (the command
            line's ``init`` reads ``$EVALTOOL_DATABASE``; the library never does).
        """
        root = Path(root)
        database = database or None
        if database is not None:
            database = check_database_url(database)
        for name in (DB_NAME, DB_LINK_NAME):
            if (root / name).exists():
                raise UserError(f"{root} is already a workspace ({root / name} exists)")
        if root.exists() and not root.is_dir():
            raise UserError(f"{root} exists and is not a folder")
        if database is not None:
            conn = _connect_url(database, root)
            try:
                if "meta" in engine.table_names(conn):
                    raise UserError(
                        f"the database {database} already holds an evaltool workspace; "
                        "give an empty database (or schema)"
                    )
                conn.execute("BEGIN")
                _create_tables(conn)
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                conn.close()
                raise
            conn.close()
            _make_folder(root)
            link = root / DB_LINK_NAME
            engine.create_file(link)
            link.write_text(
                "# The database of this evaltool workspace (PostgreSQL). No password here:\n"
                "# libpq reads it from ~/.pgpass (mode 0600) or $PGPASSWORD.\n"
                f"{database}\n",
                encoding="utf-8",
            )
            return cls.open(root)
        _make_folder(root)
        db = root / DB_NAME
        engine.create_file(db)
        conn = engine.connect(db)
        try:
            engine.run_script(conn, SCHEMA)  # DDL first: a script commits an open transaction
            conn.execute("BEGIN")
            _fill_meta(conn)
            conn.execute("COMMIT")
        except BaseException:
            conn.close()
            db.unlink(missing_ok=True)
            raise
        conn.close()
        return cls.open(root)

    @classmethod
    def open(cls, root: str | Path | None, *, migrate: bool = True) -> Workspace:
        """Open an existing workspace (migrating an older schema unless ``migrate`` is
        False: for looking at a workspace as it is); clear error otherwise."""
        root = resolve_workspace_dir(root)
        db = root / DB_NAME
        if not db.is_file() and (root / DB_LINK_NAME).is_file():
            return cls._open_database(root, read_database_url(root), migrate)
        if not db.is_file():
            raise NotAWorkspace(
                f"{root} is not an evaltool workspace (no {DB_NAME}); create one with "
                f"'evaltool init {root}' or point -w / EVALTOOL_WORKSPACE at one"
            )
        conn = engine.connect(db)
        engine.enable_foreign_keys(conn)
        try:
            version = int(
                conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0]
            )
        except (DatabaseError, TypeError) as exc:
            conn.close()
            if engine.is_busy(exc):
                raise WorkspaceBusy(root, "read") from None
            raise NotAWorkspace(f"{db} is not a valid evaltool database ({exc})")
        if version > SCHEMA_VERSION:
            conn.close()
            raise UserError(
                f"{db} has schema version {version}; this evaltool knows up to "
                f"{SCHEMA_VERSION}: upgrade evaltool"
            )
        ws = cls(root, conn)
        if migrate:
            ws._migrate(version)
        return ws

    @classmethod
    def _open_database(cls, root: Path, url: str, migrate: bool = True) -> Workspace:
        """Open the workspace whose store is the PostgreSQL database at ``url``."""
        conn = _connect_url(url, root)
        try:
            row = conn.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
            version = int(row[0])
        except (DatabaseError, TypeError) as exc:
            conn.close()
            if engine.is_busy(exc):
                raise WorkspaceBusy(root, "read") from None
            raise NotAWorkspace(
                f"{url} (named in {root / DB_LINK_NAME}) holds no evaltool workspace ({exc})"
            ) from None
        if version > SCHEMA_VERSION:
            conn.close()
            raise UserError(
                f"{url} has schema version {version}; this evaltool knows up to "
                f"{SCHEMA_VERSION}: upgrade evaltool"
            )
        ws = cls(root, conn, url)
        if migrate:
            ws._migrate(version)
        return ws

    def _migrate(self, version: int) -> None:
        """Run :data:`MIGRATIONS` from ``version`` up to :data:`SCHEMA_VERSION`, each step
        in its own transaction."""
        try:
            for _, script in MIGRATIONS.steps(version, SCHEMA_VERSION):
                engine.run_script(self.conn, script)
        except BaseException:
            self.conn.close()
            raise

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[Connection]:
        """One SQLite transaction; rolls back on any exception.

        Another process may use the workspace at the same time: the transaction waits up
        to :func:`evaltool.store.engine.busy_timeout` seconds for its write lock (another
        writer) and, at commit, for readers to finish; after that it is rolled back and
        :class:`~evaltool.errors.WorkspaceBusy` raised (exit 2): nothing is written, the
        command can be run again.

        A large import writes tens of megabytes in one transaction; with SQLite's default
        2 MB page cache it would spill pages to the file mid-transaction and write them
        again at commit, so the cache may grow to :data:`WRITE_CACHE_KIB` while the
        transaction lasts (reading keeps the default).
        """
        engine.set_cache_kib(self.conn, WRITE_CACHE_KIB)
        try:
            try:
                engine.begin_write(self.conn)
            except engine.OperationalError as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                if engine.is_busy(exc):
                    raise WorkspaceBusy(self.root) from None
                raise
            try:
                yield self.conn
                self.conn.execute("COMMIT")
            except BaseException as exc:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                if engine.is_busy(exc):
                    raise WorkspaceBusy(self.root) from None
                raise
        finally:
            engine.set_cache_kib(self.conn, engine.DEFAULT_CACHE_KIB)

    @contextmanager
    def reading(self) -> Iterator[Connection]:
        """A read transaction: every query inside sees one state of the workspace, however
        long it takes (a report of many tables), while other processes' writes wait for it
        to end — up to their busy timeout, then they say "workspace busy" and change
        nothing."""
        try:
            engine.begin_read(self.conn)
        except engine.OperationalError as exc:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            if engine.is_busy(exc):
                raise WorkspaceBusy(self.root, "read") from None
            raise
        try:
            yield self.conn
        finally:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")

    # ---------------------------------------------------------------- the database

    def table_rows(self, table: str) -> pd.DataFrame:
        """Every row of ``table`` in a fixed order (by all its columns, NULL first), as the
        engine returns them: for comparing workspaces and copying one
        (:mod:`evaltool.store.copy`)."""
        if table not in engine.table_names(self.conn):
            raise ValueError(f"the workspace has no table {table!r}")
        cur = self.conn.execute(f"SELECT * FROM {quote_ident(table)} LIMIT 0")
        cols = [d[0] for d in cur.description]
        order = ", ".join(f"{quote_ident(c)} IS NULL DESC, {quote_ident(c)}" for c in cols)
        return engine.query_frame(self.conn, f"SELECT * FROM {quote_ident(table)} ORDER BY {order}")

    def _meta(self, key: str) -> str:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise NotAWorkspace(f"{self.root}: workspace metadata {key!r} missing")
        return row[0]

    def row_counts(self, tables: Sequence[str] | None = None) -> dict[str, int]:
        """Rows per table: of ``tables``, else of every table (answers tables included)."""
        names = engine.table_names(self.conn)
        if tables is not None:
            unknown = [t for t in tables if t not in names]
            if unknown:
                raise ValueError(f"the workspace has no table {unknown[0]!r}")
            names = list(tables)
        return {
            t: self.conn.execute(f"SELECT COUNT(*) FROM {quote_ident(t)}").fetchone()[0]
            for t in names
        }

    @property
    def journal_mode(self) -> str:
        """The database's journal mode: ``delete`` (a rollback journal, no WAL)."""
        return engine.journal_mode(self.conn)

    @property
    def page_cache_kib(self) -> int:
        """The page cache's current upper bound, KiB (see :meth:`transaction`)."""
        return engine.cache_kib(self.conn)

    # ---------------------------------------------------------------- pseudonyms

    def pseudonyms(self, projects: Sequence[str], ids: Sequence[str]) -> list[str]:
        """Keyed pseudonyms for (project, source id) pairs (distinct pairs hashed once):
        the first 20 hex digits of HMAC-SHA256(secret, project ␟ id)."""
        import numpy as np
        import pandas as pd

        projects, ids = list(projects), list(ids)
        if len(projects) != len(ids):
            raise ValueError("projects and ids differ in length")
        keys = np.array([f"{p}\x1f{i}" for p, i in zip(projects, ids, strict=True)], dtype=object)
        codes, uniques = pd.factorize(keys)
        secret = self._secret
        hashed = np.array(
            [hmac.digest(secret, u.encode(), "sha256").hex()[:20] for u in uniques], dtype=object
        )
        return hashed[codes].tolist() if len(codes) else []

    # ---------------------------------------------------------------- instruments

    def ensure_instrument(self, instrument) -> str:
        """Store an instrument definition (once) and its answers table; returns the table."""
        sha = hashlib.sha256(instrument.source_text.encode()).hexdigest()
        row = self.conn.execute(
            "SELECT sha256, answers_table FROM instruments WHERE name = ?", (instrument.name,)
        ).fetchone()
        table = answers_table_name(instrument.name)
        if row is not None:
            if row[0] != sha:
                stored = self.load_instrument(instrument.name)
                if stored.item_codes != instrument.item_codes:
                    raise UserError(
                        f"the workspace already holds instrument {instrument.name!r} with other "
                        "items; give your definition another name"
                    )
                self.conn.execute(
                    "UPDATE instruments SET sha256 = ?, definition = ? WHERE name = ?",
                    (sha, instrument.source_text, instrument.name),
                )
            return row[1]
        self.conn.execute(
            "INSERT INTO instruments VALUES (?, ?, ?, ?)",
            (instrument.name, sha, instrument.source_text, table),
        )
        self.conn.execute(answers_table_sql(table, instrument.item_codes))
        return table

    def data_state(self) -> str:
        """A token of what the workspace holds: equal in two calls exactly when no import,
        deletion, setting or instrument definition changed in between, in any process.

        Every stored row comes with an import (ids are never reused), so the imports'
        count, largest id and id sum change with each import and deletion; the settings and
        the instruments' SHA-256 are taken whole. Keyed with the workspace's secret, so two
        workspaces never share a token.
        """
        imports = self.conn.execute(
            "SELECT COUNT(*), COALESCE(MAX(id), 0), COALESCE(SUM(id), 0) FROM imports"
        ).fetchone()
        settings = self.conn.execute("SELECT key, value FROM settings ORDER BY key").fetchall()
        instruments = self.conn.execute(
            "SELECT name, sha256 FROM instruments ORDER BY name"
        ).fetchall()
        state = repr(
            (tuple(imports), [tuple(r) for r in settings], [tuple(r) for r in instruments])
        )
        return hmac.new(self._secret, b"data-state\x1f" + state.encode(), "sha256").hexdigest()

    def instrument_names(self) -> list[str]:
        """The stored instruments, by name."""
        return [r[0] for r in self.conn.execute("SELECT name FROM instruments ORDER BY name")]

    def load_instrument(self, name: str):
        """The stored definition of instrument ``name``, parsed."""
        from evaltool.instruments import parse_instrument

        row = self.conn.execute(
            "SELECT definition FROM instruments WHERE name = ?", (name,)
        ).fetchone()
        if row is None:
            raise UserError(f"the workspace has no responses for instrument {name!r}")
        return parse_instrument(row[0], source=f"workspace instrument {name}")


def _make_folder(root: Path) -> None:
    if not root.exists():
        root.mkdir(parents=True, mode=FOLDER_MODE)
        root.chmod(FOLDER_MODE)  # mkdir's mode is narrowed by the umask, not widened


def _create_tables(conn: Connection) -> None:
    """The tables of :data:`SCHEMA` and the first rows of ``meta`` and ``settings`` (inside
    the caller's transaction on PostgreSQL, whose DDL is transactional)."""
    conn.executescript(SCHEMA)
    _fill_meta(conn)


def _fill_meta(conn: Connection) -> None:
    conn.executemany(
        "INSERT INTO meta VALUES (?, ?)",
        [
            ("schema_version", str(SCHEMA_VERSION)),
            ("secret", secrets.token_hex(32)),
            ("created_at", now_iso()),
        ],
    )
    conn.executemany("INSERT INTO settings VALUES (?, ?)", DEFAULT_SETTINGS.items())
