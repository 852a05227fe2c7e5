"""Team mode: a workspace is served beyond this computer only when its store is PostgreSQL
and it has an admin account; a local SQLite workspace never is."""

from __future__ import annotations

import pytest
from web_pg import workspaces_on_postgresql

from evaltool.access.accounts import create_user
from evaltool.errors import UserError
from evaltool.store.workspace import Workspace
from evaltool.web.security import check_bind_host, team_mode_configured

PASSWORD = "pitkä ja hyvä salasana"


def test_team_mode_needs_postgresql_and_an_admin(tmp_path):
    local = tmp_path / "local"
    Workspace.init(local).close()
    with Workspace.open(local) as ws:
        create_user(ws, "anna", PASSWORD, "admin")
    with pytest.raises(UserError, match="team mode"):
        check_bind_host("0.0.0.0", local)
    with workspaces_on_postgresql():
        team = tmp_path / "team"
        Workspace.init(team).close()
        assert not team_mode_configured(team)
        with pytest.raises(UserError, match="PostgreSQL"):
            check_bind_host("evaltool.example.fi", team)
        with Workspace.open(team) as ws:
            assert ws.is_server_database
            create_user(ws, "anna", PASSWORD, "admin")
        assert team_mode_configured(team)
        check_bind_host("0.0.0.0", team)
        check_bind_host("evaltool.example.fi", team)
