"""Workspace: a folder with ``evaltool.sqlite``, the evaluation's single store.

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
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pandas as pd

from evaltool.errors import NotAWorkspace, UserError
from evaltool.store import engine
from evaltool.store.engine import Connection, DatabaseError
from evaltool.store.imports import ImportLog, now_iso
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
    "DB_NAME",
    "DEFAULT_SETTINGS",
    "MIGRATIONS",
    "SCHEMA_VERSION",
    "WRITE_CACHE_KIB",
    "Workspace",
    "answers_table_name",
    "now_iso",
    "quote_ident",
    "resolve_workspace_dir",
]

DB_NAME = "evaltool.sqlite"
#: SQLite page cache during a write transaction, KiB (an upper bound: it grows as pages
#: are used); outside write transactions SQLite's default of 2000 KiB applies.
WRITE_CACHE_KIB = 256 * 1024


def resolve_workspace_dir(path: str | Path | None) -> Path:
    """``-w`` value, else ``$EVALTOOL_WORKSPACE``, else the current folder."""
    if path is None or str(path) == "":
        path = os.environ.get("EVALTOOL_WORKSPACE") or "."
    return Path(path)


class Workspace(SettingsStore, ImportLog, ResponseStore, PartnerStore, RegisterStore):
    """An open workspace. Use :meth:`init` to create one and :meth:`open` to open one."""

    def __init__(self, root: Path, conn: Connection):
        self.root = root
        self.conn = conn
        self._secret = bytes.fromhex(self._meta("secret"))

    # ---------------------------------------------------------------- lifecycle

    @classmethod
    def init(cls, root: str | Path) -> Workspace:
        """Create a workspace folder with a fresh database and secret."""
        root = Path(root)
        db = root / DB_NAME
        if db.exists():
            raise UserError(f"{root} is already a workspace ({db} exists)")
        if root.exists() and not root.is_dir():
            raise UserError(f"{root} exists and is not a folder")
        root.mkdir(parents=True, exist_ok=True)
        conn = engine.connect(db)
        try:
            engine.run_script(conn, SCHEMA)  # DDL first: a script commits an open transaction
            conn.execute("BEGIN")
            conn.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [
                    ("schema_version", str(SCHEMA_VERSION)),
                    ("secret", secrets.token_hex(32)),
                    ("created_at", now_iso()),
                ],
            )
            conn.executemany("INSERT INTO settings VALUES (?, ?)", DEFAULT_SETTINGS.items())
            conn.execute("COMMIT")
        except BaseException:
            conn.close()
            db.unlink(missing_ok=True)
            raise
        conn.close()
        return cls.open(root)

    @classmethod
    def open(cls, root: str | Path | None) -> Workspace:
        """Open an existing workspace (migrating an older schema); clear error otherwise."""
        root = resolve_workspace_dir(root)
        db = root / DB_NAME
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
            raise NotAWorkspace(f"{db} is not a valid evaltool database ({exc})")
        if version > SCHEMA_VERSION:
            conn.close()
            raise UserError(
                f"{db} has schema version {version}; this evaltool knows up to "
                f"{SCHEMA_VERSION}: upgrade evaltool"
            )
        ws = cls(root, conn)
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

        A large import writes tens of megabytes in one transaction; with SQLite's default
        2 MB page cache it would spill pages to the file mid-transaction and write them
        again at commit, so the cache may grow to :data:`WRITE_CACHE_KIB` while the
        transaction lasts (reading keeps the default).
        """
        engine.set_cache_kib(self.conn, WRITE_CACHE_KIB)
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
        finally:
            engine.set_cache_kib(self.conn, engine.DEFAULT_CACHE_KIB)

    # ---------------------------------------------------------------- the database

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
