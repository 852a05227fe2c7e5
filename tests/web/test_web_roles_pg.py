"""The role tests of :mod:`test_web_roles` on a workspace whose store is PostgreSQL: every
route answers every role (and no login) as the table of :mod:`web_routes` says, project
staff see only their projects' rows, logins are throttled and logged, actions are in the
audit log."""

from __future__ import annotations

import pytest
import test_web_roles as roles
from test_web_roles import (  # noqa: F401  (the tests, collected here again)
    test_actions_are_written_to_the_audit_log,
    test_another_accounts_job_is_not_shown,
    test_every_route_answers_each_role_as_the_table_says,
    test_failed_logins_are_throttled_and_logged,
    test_project_staff_see_only_their_projects_rows,
)
from web_pg import workspaces_on_postgresql

from evaltool.store.workspace import Workspace

team = roles.team  # the fixture, here on PostgreSQL


@pytest.fixture(scope="module", autouse=True)
def _on_postgresql():
    with workspaces_on_postgresql():
        yield


def test_the_team_workspace_is_on_postgresql(team):
    with Workspace.open(team["root"]) as ws:
        assert ws.engine_name == "postgresql" and ws.is_server_database
        assert len(ws.imports()) == 4
