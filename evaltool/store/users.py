"""Accounts of a team workspace, the projects each may see, and the audit log (SQL only).

The password hashes come from :mod:`evaltool.access.accounts`; this module stores and reads
them. Functions take an open :class:`~evaltool.store.workspace.Workspace`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # imported where used: the light commands start without them
    import pandas as pd

from evaltool.store import engine
from evaltool.store.imports import now_iso

#: Columns of :func:`users`.
USER_COLUMNS = ["id", "username", "role", "projects", "created_at", "disabled"]
#: Columns of :func:`audit_log`.
AUDIT_COLUMNS = ["id", "at", "username", "action", "detail"]


def add_user(ws, username: str, password_hash: str, role: str, projects: Sequence[str]) -> int:
    """Store a new account with its projects; returns its id (one transaction)."""
    with ws.transaction() as conn:
        cur = conn.execute(
            "INSERT INTO users (username, password_hash, role, created_at) VALUES (?, ?, ?, ?)",
            (username, password_hash, role, now_iso()),
        )
        user_id = int(cur.lastrowid)
        conn.executemany(
            "INSERT INTO user_projects (user_id, project) VALUES (?, ?)",
            [(user_id, p) for p in dict.fromkeys(projects)],
        )
    return user_id


def find_user(ws, username: str) -> dict | None:
    """The account ``username`` (id, username, password_hash, role, disabled, projects)."""
    row = ws.conn.execute(
        "SELECT id, username, password_hash, role, disabled FROM users WHERE username = ?",
        (username,),
    ).fetchone()
    if row is None:
        return None
    user = dict(zip(["id", "username", "password_hash", "role", "disabled"], row, strict=True))
    user["disabled"] = bool(user["disabled"])
    user["projects"] = [
        r[0]
        for r in ws.conn.execute(
            "SELECT project FROM user_projects WHERE user_id = ? ORDER BY project", (row[0],)
        )
    ]
    return user


def user_by_id(ws, user_id: int) -> dict | None:
    """The account with this id, as :func:`find_user`."""
    row = ws.conn.execute("SELECT username FROM users WHERE id = ?", (int(user_id),)).fetchone()
    return find_user(ws, row[0]) if row else None


def users(ws) -> pd.DataFrame:
    """Every account (:data:`USER_COLUMNS`; ``projects`` comma-separated), by username."""
    frame = engine.query_frame(
        ws.conn,
        "SELECT u.id, u.username, u.role, COALESCE(GROUP_CONCAT(p.project, ', '), '') AS "
        "projects, u.created_at, u.disabled FROM users u LEFT JOIN user_projects p ON "
        "p.user_id = u.id GROUP BY u.id ORDER BY u.username",
    )
    return frame.reindex(columns=USER_COLUMNS)


def count_admins(ws) -> int:
    """Accounts with the admin role that are not disabled."""
    return int(
        ws.conn.execute(
            "SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0"
        ).fetchone()[0]
    )


def has_users(ws) -> bool:
    """Whether the workspace has any account (then every page asks for a login)."""
    return ws.conn.execute("SELECT 1 FROM users LIMIT 1").fetchone() is not None


def set_password_hash(ws, username: str, password_hash: str) -> None:
    """Replace an account's password hash."""
    with ws.transaction() as conn:
        conn.execute(
            "UPDATE users SET password_hash = ? WHERE username = ?", (password_hash, username)
        )


def set_disabled(ws, username: str, disabled: bool) -> None:
    """Disable or enable an account (a disabled account cannot log in)."""
    with ws.transaction() as conn:
        conn.execute("UPDATE users SET disabled = ? WHERE username = ?", (int(disabled), username))


def remove_user(ws, username: str) -> None:
    """Delete an account and its project list (the audit log keeps its name)."""
    with ws.transaction() as conn:
        conn.execute("DELETE FROM users WHERE username = ?", (username,))


def log_action(ws, username: str, action: str, detail: dict | None = None) -> None:
    """Append a row to the audit log (its own transaction)."""
    with ws.transaction() as conn:
        conn.execute(
            "INSERT INTO audit_log (at, username, action, detail) VALUES (?, ?, ?, ?)",
            (now_iso(), username, action, json.dumps(detail or {}, ensure_ascii=False)),
        )


def audit_log(ws, limit: int | None = None) -> pd.DataFrame:
    """The audit log, newest first (:data:`AUDIT_COLUMNS`; ``detail`` JSON text)."""
    sql = "SELECT id, at, username, action, detail FROM audit_log ORDER BY id DESC"
    params: list = []
    if limit is not None:
        sql += " LIMIT ?"
        params.append(int(limit))
    return engine.query_frame(ws.conn, sql, params).reindex(columns=AUDIT_COLUMNS)
