"""Workspace: a folder with ``evaltool.sqlite``, the evaluation's single store.

Schema (version :data:`SCHEMA_VERSION`; :data:`MIGRATIONS` upgrade older files in place):

``meta``            key/value: schema_version, secret (pseudonym key), created_at
``settings``        key/value: min_n (default 5), lang (default fi)
``instruments``     name, sha256, definition (the TOML text used at import)
``imports``         provenance per imported file: kind, source_name, sha256, size, sheet, layout,
                    encoding, delimiter, header_rows, instrument, rule, scope, rows_read /
                    rows_stored / rows_rejected, warnings (JSON), imported_at
``respondents``     pseudonym → project and source id (shown only on explicit request)
``responses``       one row per stored response: instrument, project, wave, respondent
                    (pseudonym), date, source_row, n_missing, discarded, incomplete, missing
                    (one letter per item: ``.`` answered, ``s`` skipped, ``d`` don't know,
                    ``m`` declared missing code, ``x`` not in the file)
``answers_<instr>`` item codes per response, one REAL column per item (as answered, not
                    reversed)
``response_fields`` background answers, multi-selects and open answers (field, value)
``partner_*``       partner-survey rounds: respondents, statements, ties, roster organisations
``projects``        the ESR project register

Respondent identifiers are stored as keyed pseudonyms: ``HMAC-SHA256(secret, project ␟ id)``
truncated to 20 hex digits, with a secret created at ``init``; waves of one project link, and
the same id in two projects does not. Every import runs in one transaction: if anything fails
nothing is written and the file is byte-for-byte unchanged (rollback journal, no WAL).
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import re
import secrets
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import pandas as pd

from evaltool.errors import NotAWorkspace, UserError

DB_NAME = "evaltool.sqlite"
SCHEMA_VERSION = 1
DEFAULT_SETTINGS = {"min_n": "5", "lang": "fi"}
#: SQLite page cache during a write transaction, KiB (an upper bound: it grows as pages
#: are used); outside write transactions SQLite's default of 2000 KiB applies.
WRITE_CACHE_KIB = 256 * 1024

SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE instruments (
    name TEXT PRIMARY KEY, sha256 TEXT NOT NULL, definition TEXT NOT NULL,
    answers_table TEXT NOT NULL);
CREATE TABLE imports (
    id INTEGER PRIMARY KEY AUTOINCREMENT, kind TEXT NOT NULL, source_name TEXT NOT NULL,
    sha256 TEXT NOT NULL, size INTEGER NOT NULL, sheet TEXT, layout TEXT, encoding TEXT,
    delimiter TEXT, header_rows INTEGER, instrument TEXT, rule TEXT, scope TEXT NOT NULL,
    round TEXT, rows_read INTEGER NOT NULL, rows_stored INTEGER NOT NULL,
    rows_rejected INTEGER NOT NULL, warnings TEXT NOT NULL, options TEXT NOT NULL,
    imported_at TEXT NOT NULL);
CREATE INDEX imports_key ON imports (kind, sha256, scope);
CREATE TABLE respondents (
    pseudonym TEXT PRIMARY KEY, project TEXT NOT NULL, source_id TEXT NOT NULL);
CREATE TABLE responses (
    id INTEGER PRIMARY KEY,
    import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    instrument TEXT NOT NULL REFERENCES instruments(name),
    project TEXT NOT NULL, wave INTEGER NOT NULL, respondent TEXT NOT NULL, date TEXT,
    source_row INTEGER, n_missing INTEGER NOT NULL, discarded INTEGER NOT NULL,
    incomplete INTEGER NOT NULL DEFAULT 0, missing TEXT NOT NULL,
    UNIQUE (instrument, project, wave, respondent));
CREATE INDEX responses_import ON responses (import_id);
CREATE TABLE response_fields (
    response_id INTEGER NOT NULL REFERENCES responses(id) ON DELETE CASCADE,
    field TEXT NOT NULL, value TEXT NOT NULL);
CREATE INDEX response_fields_response ON response_fields (response_id);
CREATE TABLE partner_respondents (
    import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    round TEXT NOT NULL, org TEXT NOT NULL, sector TEXT, responded INTEGER NOT NULL);
CREATE TABLE partner_statements (
    import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    round TEXT NOT NULL, respondent_org TEXT NOT NULL, sector TEXT, item TEXT NOT NULL,
    value REAL);
CREATE TABLE partner_ties (
    import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    round TEXT NOT NULL, respondent_org TEXT NOT NULL, partner_org TEXT NOT NULL,
    contact_frequency REAL, collaboration_level REAL, trust REAL, value REAL);
CREATE TABLE partner_surveys (
    round TEXT PRIMARY KEY, definition TEXT NOT NULL);
CREATE TABLE projects (
    code TEXT PRIMARY KEY,
    import_id INTEGER REFERENCES imports(id) ON DELETE CASCADE,
    name TEXT NOT NULL, organisation TEXT, region TEXT, funder TEXT, priority_axis TEXT,
    start_date TEXT, end_date TEXT,
    planned_participants REAL, realised_participants REAL,
    planned_women REAL, realised_women REAL,
    planned_jobs REAL, realised_jobs REAL,
    planned_enterprises REAL, realised_enterprises REAL,
    planned_degrees REAL, realised_degrees REAL,
    planned_funding REAL, realised_funding REAL);
"""

#: Migrations: schema version N → N + 1, as SQL scripts. Empty while the schema is at 1.
MIGRATIONS: dict[int, str] = {}


def answers_table_name(instrument: str) -> str:
    """SQL table name holding an instrument's item answers."""
    return "answers_" + re.sub(r"[^0-9a-zA-Z]+", "_", instrument).strip("_").lower()


def quote_ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def now_iso() -> str:
    """Current UTC time, or SOURCE_DATE_EPOCH when set (reproducible outputs)."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        return datetime.fromtimestamp(int(epoch), UTC).isoformat(timespec="seconds")
    return datetime.now(UTC).isoformat(timespec="seconds")


def resolve_workspace_dir(path: str | Path | None) -> Path:
    """``-w`` value, else ``$EVALTOOL_WORKSPACE``, else the current folder."""
    if path is None or str(path) == "":
        path = os.environ.get("EVALTOOL_WORKSPACE") or "."
    return Path(path)


class Workspace:
    """An open workspace. Use :meth:`init` to create one and :meth:`open` to open one."""

    def __init__(self, root: Path, conn: sqlite3.Connection):
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
        conn = sqlite3.connect(db, isolation_level=None)
        try:
            conn.executescript(SCHEMA)  # DDL first: executescript commits any open transaction
            conn.execute("BEGIN")
            conn.executemany("INSERT INTO meta VALUES (?, ?)", [
                ("schema_version", str(SCHEMA_VERSION)),
                ("secret", secrets.token_hex(32)),
                ("created_at", now_iso()),
            ])
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
                f"'evaltool init {root}' or point -w / EVALTOOL_WORKSPACE at one")
        conn = sqlite3.connect(db, isolation_level=None)
        conn.execute("PRAGMA foreign_keys = ON")
        try:
            version = int(conn.execute(
                "SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0])
        except (sqlite3.DatabaseError, TypeError) as exc:
            conn.close()
            raise NotAWorkspace(f"{db} is not a valid evaltool database ({exc})")
        if version > SCHEMA_VERSION:
            conn.close()
            raise UserError(f"{db} has schema version {version}; this evaltool knows up to "
                            f"{SCHEMA_VERSION}: upgrade evaltool")
        ws = cls(root, conn)
        ws._migrate(version)
        return ws

    def _migrate(self, version: int) -> None:
        while version < SCHEMA_VERSION:
            # executescript() commits an open transaction before it runs, so each migration
            # script carries its own BEGIN … COMMIT and is rolled back as a whole on failure.
            script = (f"BEGIN IMMEDIATE;\n{MIGRATIONS[version]}\n"
                      f"UPDATE meta SET value = '{version + 1}' "
                      "WHERE key = 'schema_version';\nCOMMIT;")
            try:
                self.conn.executescript(script)
            except BaseException:
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                self.conn.close()
                raise
            version += 1

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One SQLite transaction; rolls back on any exception.

        A large import writes tens of megabytes in one transaction; with SQLite's default
        2 MB page cache it would spill pages to the file mid-transaction and write them
        again at commit, so the cache may grow to :data:`WRITE_CACHE_KIB` while the
        transaction lasts (reading keeps the default).
        """
        self.conn.execute(f"PRAGMA cache_size = -{WRITE_CACHE_KIB}")
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        else:
            self.conn.execute("COMMIT")
        finally:
            self.conn.execute("PRAGMA cache_size = -2000")

    # ---------------------------------------------------------------- meta & settings

    def _meta(self, key: str) -> str:
        row = self.conn.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise NotAWorkspace(f"{self.root}: workspace metadata {key!r} missing")
        return row[0]

    def settings(self) -> dict[str, str]:
        return dict(self.conn.execute("SELECT key, value FROM settings").fetchall())

    def get_setting(self, key: str) -> str:
        return self.settings().get(key, DEFAULT_SETTINGS.get(key, ""))

    def set_setting(self, key: str, value: str) -> None:
        if key == "min_n":
            if not str(value).isdigit() or int(value) < 1:
                raise UserError(f"min_n must be a whole number ≥ 1, not {value!r}")
        elif key == "lang":
            if value not in ("fi", "sv", "en"):
                raise UserError(f"lang must be fi, sv or en, not {value!r}")
        else:
            raise UserError(f"unknown setting {key!r}; settings: min_n, lang")
        with self.transaction():
            self.conn.execute("INSERT OR REPLACE INTO settings VALUES (?, ?)", (key, str(value)))

    @property
    def min_n(self) -> int:
        return int(self.get_setting("min_n"))

    # ---------------------------------------------------------------- pseudonyms

    def pseudonyms(self, projects: Sequence[str], ids: Sequence[str]) -> list[str]:
        """Keyed pseudonyms for (project, source id) pairs (distinct pairs hashed once):
        the first 20 hex digits of HMAC-SHA256(secret, project ␟ id)."""
        projects, ids = list(projects), list(ids)
        if len(projects) != len(ids):
            raise ValueError("projects and ids differ in length")
        keys = np.array([f"{p}\x1f{i}" for p, i in zip(projects, ids, strict=True)],
                        dtype=object)
        codes, uniques = pd.factorize(keys)
        secret = self._secret
        hashed = np.array([hmac.digest(secret, u.encode(), "sha256").hex()[:20]
                           for u in uniques], dtype=object)
        return hashed[codes].tolist() if len(codes) else []

    # ---------------------------------------------------------------- instruments

    def ensure_instrument(self, instrument) -> str:
        """Store an instrument definition (once) and its answers table; returns the table."""
        sha = hashlib.sha256(instrument.source_text.encode()).hexdigest()
        row = self.conn.execute("SELECT sha256, answers_table FROM instruments WHERE name = ?",
                                (instrument.name,)).fetchone()
        table = answers_table_name(instrument.name)
        if row is not None:
            if row[0] != sha:
                stored = self.load_instrument(instrument.name)
                if stored.item_codes != instrument.item_codes:
                    raise UserError(
                        f"the workspace already holds instrument {instrument.name!r} with other "
                        "items; give your definition another name")
                self.conn.execute("UPDATE instruments SET sha256 = ?, definition = ? "
                                  "WHERE name = ?", (sha, instrument.source_text,
                                                     instrument.name))
            return row[1]
        self.conn.execute("INSERT INTO instruments VALUES (?, ?, ?, ?)",
                          (instrument.name, sha, instrument.source_text, table))
        cols = ", ".join(f"{quote_ident(c)} REAL" for c in instrument.item_codes)
        self.conn.execute(
            f"CREATE TABLE {quote_ident(table)} (response_id INTEGER PRIMARY KEY "
            f"REFERENCES responses(id) ON DELETE CASCADE, {cols})")
        return table

    def instrument_names(self) -> list[str]:
        return [r[0] for r in self.conn.execute("SELECT name FROM instruments ORDER BY name")]

    def load_instrument(self, name: str):
        from evaltool.instruments import parse_instrument

        row = self.conn.execute("SELECT definition FROM instruments WHERE name = ?",
                                (name,)).fetchone()
        if row is None:
            raise UserError(f"the workspace has no responses for instrument {name!r}")
        return parse_instrument(row[0], source=f"workspace instrument {name}")

    # ---------------------------------------------------------------- imports

    def find_import(self, kind: str, sha256: str, scope: str) -> int | None:
        row = self.conn.execute(
            "SELECT id FROM imports WHERE kind = ? AND sha256 = ? AND scope = ?",
            (kind, sha256, scope)).fetchone()
        return None if row is None else int(row[0])

    def find_import_by_name(self, kind: str, source_name: str, scope: str) -> int | None:
        """The latest import of a file with this name and scope (for ``--replace`` with a
        corrected file)."""
        row = self.conn.execute(
            "SELECT MAX(id) FROM imports WHERE kind = ? AND source_name = ? AND scope = ?",
            (kind, source_name, scope)).fetchone()
        return None if row[0] is None else int(row[0])

    def delete_import(self, import_id: int) -> None:
        """Delete an import and everything stored by it (call inside a transaction).

        Its respondents' source ids go too unless another import still has responses of
        them. A pseudonym belongs to one project, so only those projects' responses are
        looked at (through the responses' unique index), not the whole workspace.
        """
        gone = self.conn.execute("SELECT DISTINCT project, respondent FROM responses "
                                 "WHERE import_id = ?", (import_id,)).fetchall()
        self.conn.execute("DELETE FROM imports WHERE id = ?", (import_id,))
        if not gone:
            return
        projects = sorted({p for p, _ in gone})
        kept: set[str] = set()
        for instrument in self.instrument_names():
            for start in range(0, len(projects), 500):
                chunk = projects[start:start + 500]
                kept.update(r for (r,) in self.conn.execute(
                    "SELECT respondent FROM responses WHERE instrument = ? AND project IN "
                    f"({', '.join('?' * len(chunk))})", [instrument, *chunk]))
        self.conn.executemany("DELETE FROM respondents WHERE pseudonym = ?",
                              [(r,) for _, r in gone if r not in kept])

    def add_import(self, record: dict) -> int:
        """Insert an import record (call inside a transaction); returns its id."""
        cols = ["kind", "source_name", "sha256", "size", "sheet", "layout", "encoding",
                "delimiter", "header_rows", "instrument", "rule", "scope", "round", "rows_read",
                "rows_stored", "rows_rejected", "warnings", "options", "imported_at"]
        rec = {c: record.get(c) for c in cols}
        rec["warnings"] = json.dumps(record.get("warnings", []), ensure_ascii=False)
        rec["options"] = json.dumps(record.get("options", {}), ensure_ascii=False,
                                    sort_keys=True)
        rec["imported_at"] = record.get("imported_at") or now_iso()
        cur = self.conn.execute(
            f"INSERT INTO imports ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})",
            [rec[c] for c in cols])
        return int(cur.lastrowid)

    def imports(self) -> pd.DataFrame:
        """Import provenance, one row per import (columns as the ``imports`` table)."""
        return pd.read_sql_query("SELECT * FROM imports ORDER BY id", self.conn)

    def existing_respondents(self, instrument: str, keys: pd.DataFrame,
                             exclude_import: int | None = None) -> pd.DataFrame:
        """Rows of ``keys`` (project, wave, respondent) already stored for ``instrument``.

        Only the projects in ``keys`` are read (through the responses' unique index), so
        the check costs the size of those projects, not of the whole workspace.
        """
        projects = pd.unique(keys["project"].to_numpy(dtype=object)).tolist()
        if not projects:
            return keys.iloc[:0]
        parts = []
        for start in range(0, len(projects), 500):
            chunk = projects[start:start + 500]
            parts.append(pd.read_sql_query(
                "SELECT project, wave, respondent, import_id FROM responses WHERE instrument = ?"
                f" AND project IN ({', '.join('?' * len(chunk))})",
                self.conn, params=[instrument, *chunk]))
        stored = pd.concat(parts, ignore_index=True)
        if exclude_import is not None:
            stored = stored[stored["import_id"] != exclude_import]
        return keys.merge(stored[["project", "wave", "respondent"]],
                          on=["project", "wave", "respondent"], how="inner")

    def store_responses(self, import_id: int, instrument, table: str, frame: pd.DataFrame,
                        values: np.ndarray, fields: pd.DataFrame | None = None) -> int:
        """Insert responses and their answers (call inside a transaction).

        ``frame`` has columns project, wave, respondent, source_id, date, source_row,
        n_missing, discarded, incomplete, missing; ``values`` is n × items; ``fields``
        (optional) has columns row (position in ``frame``), field, value.
        """
        n = len(frame)
        start = self.conn.execute("SELECT COALESCE(MAX(id), 0) FROM responses").fetchone()[0]
        ids = np.arange(start + 1, start + 1 + n, dtype=np.int64)

        def column(name: str, dtype=object) -> list:
            # numpy's tolist() builds the Python values in C; iterating a pandas string
            # column would box every element through pandas.
            return frame[name].to_numpy(dtype=dtype).tolist()

        people = frame[["respondent", "project", "source_id"]].drop_duplicates()
        self.conn.executemany(
            "INSERT OR IGNORE INTO respondents VALUES (?, ?, ?)",
            zip(people["respondent"].to_numpy(dtype=object).tolist(),
                people["project"].to_numpy(dtype=object).tolist(),
                people["source_id"].to_numpy(dtype=object).tolist(), strict=True))
        self.conn.executemany(
            "INSERT INTO responses (id, import_id, instrument, project, wave, respondent, date,"
            " source_row, n_missing, discarded, incomplete, missing)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            zip(ids.tolist(), [import_id] * n, [instrument.name] * n, column("project"),
                column("wave", np.int64), column("respondent"), column("date"),
                column("source_row", np.int64), column("n_missing", np.int64),
                column("discarded", np.int64), column("incomplete", np.int64),
                column("missing"), strict=True))
        # SQLite stores a bound NaN as NULL, so the float matrix binds as it is; the float
        # ids become integers through the INTEGER PRIMARY KEY column.
        k = values.shape[1]
        self.conn.executemany(
            f"INSERT INTO {quote_ident(table)} VALUES ({', '.join('?' * (k + 1))})",
            np.column_stack([ids.astype(float), np.asarray(values, dtype=float)]).tolist())
        if fields is not None and len(fields):
            self.conn.executemany(
                "INSERT INTO response_fields VALUES (?, ?, ?)",
                zip(ids[fields["row"].to_numpy()].tolist(),
                    fields["field"].to_numpy(dtype=object).tolist(),
                    fields["value"].to_numpy(dtype=object).tolist(), strict=True))
        return n

    # ---------------------------------------------------------------- queries

    def responses(self, instrument: str, projects: Sequence[str] | None = None,
                  waves: Sequence[int] | None = None) -> tuple[pd.DataFrame, np.ndarray]:
        """Stored responses of an instrument and their item values (n × items, NaN missing).

        The frame has columns id, import_id, project, wave, respondent, date, source_row,
        n_missing, discarded, incomplete, missing, rule.
        """
        inst = self.load_instrument(instrument)
        table = answers_table_name(instrument)
        where, params = ["r.instrument = ?"], [instrument]
        if projects:
            where.append(f"r.project IN ({', '.join('?' * len(projects))})")
            params += list(projects)
        if waves:
            where.append(f"r.wave IN ({', '.join('?' * len(waves))})")
            params += [int(w) for w in waves]
        item_cols = ", ".join(f"a.{quote_ident(c)}" for c in inst.item_codes)
        sql = (f"SELECT r.id, r.import_id, r.project, r.wave, r.respondent, r.date, "
               f"r.source_row, r.n_missing, r.discarded, r.incomplete, r.missing, i.rule, "
               f"{item_cols} FROM responses r JOIN {quote_ident(table)} a ON a.response_id = r.id"
               f" JOIN imports i ON i.id = r.import_id WHERE {' AND '.join(where)}"
               f" ORDER BY r.project, r.wave, r.id")
        cur = self.conn.execute(sql, params)
        rows = cur.fetchall()
        names = [d[0] for d in cur.description]
        nmeta = len(names) - len(inst.item_codes)
        meta = pd.DataFrame([r[:nmeta] for r in rows], columns=names[:nmeta])
        values = np.array([r[nmeta:] for r in rows], dtype=float).reshape(
            len(rows), len(inst.item_codes))
        meta["discarded"] = meta["discarded"].astype(bool)
        meta["incomplete"] = meta["incomplete"].astype(bool)
        return meta, values

    def fields(self, response_ids: Sequence[int] | None = None) -> pd.DataFrame:
        """Background and open answers: columns response_id, field, value."""
        df = pd.read_sql_query("SELECT response_id, field, value FROM response_fields",
                               self.conn)
        if response_ids is not None:
            df = df[df["response_id"].isin(response_ids)]
        return df

    def source_ids(self) -> pd.DataFrame:
        """Pseudonym → project, source_id (for ``--with-source-ids`` only)."""
        return pd.read_sql_query("SELECT pseudonym AS respondent, project, source_id "
                                 "FROM respondents", self.conn)

    def projects_seen(self) -> list[str]:
        return [r[0] for r in self.conn.execute(
            "SELECT DISTINCT project FROM responses ORDER BY project")]
