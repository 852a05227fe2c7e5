"""``evaltool users …`` and ``evaltool audit``: the accounts of a team workspace and its log."""

from __future__ import annotations

import sys

import click

from evaltool.cli.app import (
    FORMAT_OPTION,
    OUTPUT_OPTION,
    WORKSPACE_OPTION,
    _print,
    main,
    open_workspace,
)


def _password(from_stdin: bool) -> str:
    if from_stdin:
        return sys.stdin.readline().rstrip("\r\n")
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@main.group()
def users() -> None:
    """Accounts of a team workspace (once one exists, the browser workspace asks for a
    login): admin, evaluator, staff (their projects) and viewer (their projects' reports)."""


@users.command("add")
@click.argument("username")
@WORKSPACE_OPTION
@click.option(
    "--role",
    type=click.Choice(["admin", "evaluator", "staff", "viewer"]),
    required=True,
    help="admin: accounts and settings; evaluator: every project; staff: import and see "
    "their projects; viewer: read their projects' reports.",
)
@click.option("--project", "projects", multiple=True, help="A project of the account.")
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_add(username, workspace, role, projects, password_stdin) -> None:
    """Add an account (asks for its password, at least 12 characters)."""
    from evaltool.access.accounts import create_user

    password = _password(password_stdin)
    with open_workspace(workspace) as ws:
        user = create_user(ws, username, password, role, list(projects))
    click.echo(f"Added {user.username} ({user.role})")


@users.command("list")
@WORKSPACE_OPTION
@FORMAT_OPTION
@OUTPUT_OPTION
def users_list(workspace, fmt, output) -> None:
    """List the accounts with their roles and projects."""
    from evaltool.output import emit
    from evaltool.store.users import users as user_table

    with open_workspace(workspace) as ws:
        table = user_table(ws)
    _print(emit({"users": table}, fmt, output))


@users.command("password")
@click.argument("username")
@WORKSPACE_OPTION
@click.option("--password-stdin", is_flag=True, help="Read the password from standard input.")
def users_password(username, workspace, password_stdin) -> None:
    """Set a new password for an account."""
    from evaltool.access.accounts import change_password

    password = _password(password_stdin)
    with open_workspace(workspace) as ws:
        change_password(ws, username, password)
    click.echo(f"Password of {username} changed")


@users.command("remove")
@click.argument("username")
@WORKSPACE_OPTION
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
def users_remove(username, workspace, yes) -> None:
    """Remove an account (the audit log keeps its name)."""
    from evaltool.errors import UserError
    from evaltool.store import users as store

    with open_workspace(workspace) as ws:
        user = store.find_user(ws, username)
        if user is None:
            raise UserError(f"no account {username!r}")
        if user["role"] == "admin" and store.count_admins(ws) == 1 and store.has_users(ws):
            others = len(store.users(ws)) - 1
            if others:
                raise UserError(f"{username} is the last admin; add another admin first")
        if not yes:
            click.confirm(f"Remove the account {username} ({user['role']})?", abort=True)
        store.remove_user(ws, username)
        store.log_action(ws, "cli", "account_removed", {"username": username})
    click.echo(f"Removed {username}")


@main.command()
@WORKSPACE_OPTION
@click.option("--limit", type=click.IntRange(1), default=200, show_default=True)
@FORMAT_OPTION
@OUTPUT_OPTION
def audit(workspace, limit, fmt, output) -> None:
    """The audit log: who imported, deleted, changed a setting, downloaded a table or logged
    in, and when (newest first)."""
    from evaltool.output import emit
    from evaltool.store.users import audit_log

    with open_workspace(workspace) as ws:
        table = audit_log(ws, limit)
    _print(emit({"audit": table}, fmt, output))
