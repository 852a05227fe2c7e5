"""The workspace's tables, their schema version and the migrations that upgrade older files.

Tables (version :data:`SCHEMA_VERSION`):

``meta``            key/value: schema_version, secret (pseudonym key), created_at
``settings``        key/value: min_n (default 5), lang (default fi)
``instruments``     name, sha256, definition (the TOML text used at import), answers_table
``imports``         provenance per imported file: kind, source_name, sha256, size, sheet, layout,
                    encoding, delimiter, header_rows, instrument, rule, scope, round, rows_read /
                    rows_stored / rows_rejected, warnings (JSON), options (JSON), imported_at
``respondents``     pseudonym → project and source id (shown only on explicit request)
``responses``       one row per stored response: instrument, project, wave, respondent
                    (pseudonym), date, source_row, n_missing, discarded, incomplete, missing
                    (one letter per item: ``.`` answered, ``s`` skipped, ``d`` don't know,
                    ``m`` declared missing code, ``x`` not in the file)
``answers_<instr>`` item codes per response, one REAL column per item (as answered, not
                    reversed); created with the instrument (:func:`answers_table_sql`)
``response_fields`` background answers, multi-selects and open answers (field, value)
``partner_*``       partner-survey rounds: respondents, statements, ties, the survey definition
``projects``        the ESR project register
``users``, ``user_projects``, ``audit_log`` accounts of a team workspace, the projects each
                    account may see, and who did what when (version 4)
``import_deletions`` the log of deleted imports: what went (import id, kind, file, SHA-256,
                    projects, waves or round, rows), when and by whom (version 2)
``participants``    ESF+ participant records: project, participant (pseudonym), entry and
                    leaving data (version 3; :mod:`evaltool.store.participants`)
``participant_sensitive`` the voluntary sensitive characteristics, kept apart (version 3)
``project_targets`` per-project targets of the ESF+ common indicators (version 3); the
                    register's ``projects`` gains ``period`` (programme period)

Deleting an import deletes everything it stored (``ON DELETE CASCADE``). The SQL is plain
SQL with ``?`` placeholders; what is particular to SQLite is in :mod:`evaltool.store.engine`.

One definition serves both engines: the DDL here is SQLite's, byte for byte what existing
workspace files hold, and :func:`postgres_ddl` turns it into PostgreSQL's (an
``AUTOINCREMENT`` key becomes an identity column, ``INTEGER`` ``BIGINT`` — SQLite's integers
are 64-bit —, ``REAL`` ``DOUBLE PRECISION``, ``BLOB`` ``BYTEA``, and ``TEXT`` compares byte by
byte, ``COLLATE "C"``, as SQLite's ``BINARY`` does, so ``ORDER BY`` sorts alike).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping, Sequence

SCHEMA_VERSION = 4

#: The tables of version 1.
BASE_SCHEMA = """
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

#: Version 2: the log of deleted imports.
IMPORT_DELETIONS = """
CREATE TABLE import_deletions (
    id INTEGER PRIMARY KEY AUTOINCREMENT, import_id INTEGER NOT NULL, kind TEXT NOT NULL,
    source_name TEXT NOT NULL, sha256 TEXT NOT NULL, scope TEXT NOT NULL, detail TEXT NOT NULL,
    rows_stored INTEGER NOT NULL, deleted_by TEXT NOT NULL, deleted_at TEXT NOT NULL);
"""


#: Version 3: ESF+ participant records, their sensitive characteristics kept apart, the
#: programme period of a registered project and its indicator targets.
PARTICIPANTS = """
ALTER TABLE projects ADD COLUMN period TEXT;
CREATE TABLE project_targets (
    code TEXT NOT NULL REFERENCES projects(code) ON DELETE CASCADE,
    indicator TEXT NOT NULL, target REAL NOT NULL, PRIMARY KEY (code, indicator));
CREATE TABLE participants (
    id INTEGER PRIMARY KEY,
    import_id INTEGER NOT NULL REFERENCES imports(id) ON DELETE CASCADE,
    project TEXT NOT NULL, participant TEXT NOT NULL, source_row INTEGER,
    start_date TEXT NOT NULL, end_date TEXT, gender TEXT NOT NULL, birth_year INTEGER,
    age INTEGER, status_entry TEXT NOT NULL, long_term_unemployed INTEGER NOT NULL,
    in_education INTEGER NOT NULL, isced INTEGER, status_leaving TEXT,
    qualification INTEGER, status_6m TEXT, improved_6m INTEGER,
    UNIQUE (project, participant));
CREATE INDEX participants_import ON participants (import_id);
CREATE TABLE participant_sensitive (
    participant_id INTEGER PRIMARY KEY REFERENCES participants(id) ON DELETE CASCADE,
    disability INTEGER, third_country INTEGER, foreign_background INTEGER, minority INTEGER);
"""


#: Version 4: user accounts of a team workspace, the projects each may see, and the audit
#: log of who imported, deleted, changed a setting, downloaded a table or logged in.
ACCOUNTS = """
CREATE TABLE users (
    id INTEGER PRIMARY KEY AUTOINCREMENT, username TEXT NOT NULL UNIQUE,
    password_hash TEXT NOT NULL, role TEXT NOT NULL, created_at TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0);
CREATE TABLE user_projects (
    user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    project TEXT NOT NULL, PRIMARY KEY (user_id, project));
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT, at TEXT NOT NULL, username TEXT NOT NULL,
    action TEXT NOT NULL, detail TEXT NOT NULL);
"""


class Migrations:
    """The steps that upgrade a workspace file, one per schema version.

    Step ``N`` is an SQL script that turns a version-``N`` file into version ``N + 1``. On
    opening, every step from the file's version up to :data:`SCHEMA_VERSION` runs, each in
    its own transaction together with raising ``meta.schema_version``: a step that fails
    leaves the file as it was before that step. To change the schema, change :data:`SCHEMA`
    (new workspaces), add the step turning the old tables into the new ones and raise
    :data:`SCHEMA_VERSION`, e.g. ``MIGRATIONS.add(1, "ALTER TABLE imports ADD COLUMN note
    TEXT;")`` for version 2.

    Parameters
    ----------
    steps : mapping of int to str, optional
        Schema version → the SQL script upgrading it by one.
    """

    def __init__(self, steps: Mapping[int, str] | None = None):
        self._steps: dict[int, str] = {}
        for version, script in (steps or {}).items():
            self.add(version, script)

    def add(self, from_version: int, script: str) -> None:
        """Register the script that upgrades a version-``from_version`` file by one."""
        if from_version in self._steps:
            raise ValueError(f"a migration from schema version {from_version} exists already")
        self._steps[int(from_version)] = script

    def steps(self, from_version: int, to_version: int) -> Iterator[tuple[int, str]]:
        """(version, script with its version bump) for each step from ``from_version`` up to
        ``to_version``, in order; each script begins and commits its own transaction."""
        for version in range(from_version, to_version):
            if version not in self._steps:
                raise ValueError(f"no migration from schema version {version}")
            yield (
                version,
                (
                    f"BEGIN IMMEDIATE;\n{self._steps[version]}\n"
                    f"UPDATE meta SET value = '{version + 1}' "
                    "WHERE key = 'schema_version';\nCOMMIT;"
                ),
            )


#: A new workspace's tables: version 1 and every migration's tables.
SCHEMA = BASE_SCHEMA + IMPORT_DELETIONS + PARTICIPANTS + ACCOUNTS

#: The migrations of the workspace schema, one step per version.
MIGRATIONS = Migrations({1: IMPORT_DELETIONS, 2: PARTICIPANTS, 3: ACCOUNTS})


#: ``'…'`` and ``"…"`` in SQL text (parts no translation touches).
QUOTED = re.compile(r"('(?:[^']|'')*'|\"(?:[^\"]|\"\")*\")")

#: Tables whose ``id`` the engine assigns (``INTEGER PRIMARY KEY AUTOINCREMENT``).
IDENTITY_TABLES = frozenset(
    re.findall(r"CREATE TABLE (\w+) \(\s*id INTEGER PRIMARY KEY AUTOINCREMENT", SCHEMA)
)

_PG_TYPES = [
    (
        r"\bINTEGER PRIMARY KEY AUTOINCREMENT\b",
        "BIGINT GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY",
    ),
    (r"\bINTEGER\b", "BIGINT"),
    (r"\bREAL\b", "DOUBLE PRECISION"),
    (r"\bBLOB\b", "BYTEA"),
    (r"\bTEXT\b", 'TEXT COLLATE "C"'),
]


def unquoted(sql: str, fn) -> str:
    """``sql`` with ``fn`` applied to the parts outside quotes (:data:`QUOTED`)."""
    parts = QUOTED.split(sql)
    return "".join(p if i % 2 else fn(p) for i, p in enumerate(parts))


def postgres_ddl(sql: str) -> str:
    """SQLite DDL of the store (:data:`SCHEMA`, a migration step, :func:`answers_table_sql`)
    as PostgreSQL DDL.

    Examples
    --------
    >>> postgres_ddl('CREATE TABLE t (id INTEGER PRIMARY KEY, "REAL" REAL, note TEXT)')
    'CREATE TABLE t (id BIGINT PRIMARY KEY, "REAL" DOUBLE PRECISION, note TEXT COLLATE "C")'
    """

    def types(part: str) -> str:
        for pattern, replacement in _PG_TYPES:
            part = re.sub(pattern, replacement, part)
        return part

    return unquoted(sql, types)


def answers_table_name(instrument: str) -> str:
    """SQL table name holding an instrument's item answers."""
    return "answers_" + re.sub(r"[^0-9a-zA-Z]+", "_", instrument).strip("_").lower()


def quote_ident(name: str) -> str:
    """``name`` as an SQL identifier (double quotes, inner quotes doubled)."""
    return '"' + name.replace('"', '""') + '"'


def answers_table_sql(table: str, item_codes: Sequence[str]) -> str:
    """The statement creating an answers table: the response id and one REAL column per
    item, deleted with its response."""
    cols = ", ".join(f"{quote_ident(c)} REAL" for c in item_codes)
    return (
        f"CREATE TABLE {quote_ident(table)} (response_id INTEGER PRIMARY KEY "
        f"REFERENCES responses(id) ON DELETE CASCADE, {cols})"
    )
