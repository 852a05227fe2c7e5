"""Copying a workspace's store to another engine, losslessly: SQLite ⇄ PostgreSQL.

Every table is copied row for row — the metadata with the pseudonym secret (so waves keep
linking), settings, instruments and their answers tables, imports, responses, partner rounds,
the register, participants, accounts and the audit log — and the counters of the engine's
own ids (``imports``, ``users`` …) are carried over, so the copy assigns the same next ids
as the original would. The files of the folder (uploads, reports) are not the store's:
:func:`copy_workspace` copies the database only.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: the light commands start without them
    import pandas as pd

from evaltool.errors import UserError
from evaltool.store import engine
from evaltool.store.schema import answers_table_sql, quote_ident
from evaltool.store.workspace import DB_LINK_NAME, DB_NAME, Workspace

#: Tables in an order that satisfies every ``REFERENCES`` (answers tables go after
#: ``responses``); a table not listed goes last.
COPY_ORDER = [
    "meta",
    "settings",
    "instruments",
    "imports",
    "respondents",
    "responses",
    "response_fields",
    "partner_surveys",
    "partner_respondents",
    "partner_statements",
    "partner_ties",
    "projects",
    "project_targets",
    "participants",
    "participant_sensitive",
    "import_deletions",
    "users",
    "user_projects",
    "audit_log",
]


def stored_tables(ws: Workspace) -> dict[str, pd.DataFrame]:
    """Every table of ``ws``, name → its rows in a fixed order
    (:meth:`~evaltool.store.workspace.Workspace.table_rows`): two workspaces hold the same
    data exactly when these are equal."""
    with ws.reading():
        return {t: ws.table_rows(t) for t in engine.table_names(ws.conn)}


def _ordered(tables: list[str]) -> list[str]:
    """``tables`` in :data:`COPY_ORDER`, answers tables right after ``responses``."""
    order = [t for t in COPY_ORDER if t in tables]
    answers = sorted(t for t in tables if t.startswith("answers_"))
    rest = sorted(t for t in tables if t not in order and t not in answers)
    at = order.index("responses") + 1 if "responses" in order else len(order)
    return order[:at] + answers + order[at:] + rest


def copy_workspace(src: str | Path, dst: str | Path, database: str | None = None) -> dict:
    """Copy the workspace ``src`` into a new workspace ``dst``.

    Parameters
    ----------
    src : str or pathlib.Path
        An existing workspace folder (either engine).
    dst : str or pathlib.Path
        A folder that holds no workspace yet.
    database : str, optional
        A PostgreSQL URL for ``dst``'s store (an empty database); None: ``dst`` gets an
        ``evaltool.sqlite`` file.

    Returns
    -------
    dict
        Table name → rows copied.

    Notes
    -----
    The copy is one write transaction on ``dst`` after its tables are created; if it
    fails, ``dst``'s store is removed again (its file, or the tables and
    ``evaltool.database``) and the error raised. ``src`` is only read (one snapshot).
    """
    src, dst = Path(src), Path(dst)
    with Workspace.open(src) as source:
        target = Workspace.init(dst, database=database)
        try:
            counts = _copy_tables(source, target)
        except BaseException:
            _remove_store(target)
            raise
        target.close()
    return counts


def _copy_tables(source: Workspace, target: Workspace) -> dict:
    counts: dict[str, int] = {}
    with source.reading():
        tables = engine.table_names(source.conn)
        next_ids = engine.next_ids(source.conn)
        with target.transaction() as conn:
            for name in ("meta", "settings"):
                conn.execute(f"DELETE FROM {quote_ident(name)}")
            for table in _ordered(tables):
                if table.startswith("answers_"):
                    cols = [c for c in _columns(source, table) if c != "response_id"]
                    conn.execute(answers_table_sql(table, cols))
                cur = source.conn.execute(f"SELECT * FROM {quote_ident(table)}")
                cols = [d[0] for d in cur.description]
                rows = cur.fetchall()  # the values as the engine holds them, no pandas
                counts[table] = len(rows)
                if rows:
                    conn.executemany(
                        f"INSERT INTO {quote_ident(table)} "
                        f"({', '.join(quote_ident(c) for c in cols)}) "
                        f"VALUES ({engine.placeholders(len(cols))})",
                        rows,
                    )
            engine.set_next_ids(conn, next_ids)
    return counts


def _columns(ws: Workspace, table: str) -> list[str]:
    cur = ws.conn.execute(f"SELECT * FROM {quote_ident(table)} LIMIT 0")
    return [d[0] for d in cur.description]


def _remove_store(ws: Workspace) -> None:
    """Undo :meth:`Workspace.init` of a copy that failed."""
    if ws.is_server_database:
        with ws.transaction() as conn:
            engine.drop_tables(conn, engine.table_names(conn))
        ws.close()
        (ws.root / DB_LINK_NAME).unlink(missing_ok=True)
    else:
        ws.close()
        (ws.root / DB_NAME).unlink(missing_ok=True)


def check_copy_target(dst: Path) -> None:
    """UserError when ``dst`` holds a workspace already."""
    for name in (DB_NAME, DB_LINK_NAME):
        if (dst / name).exists():
            raise UserError(f"{dst} is already a workspace ({dst / name} exists)")
