"""Accounts: Argon2id hashes (never the password), checks on names, roles and passwords, the
login throttle, and the `evaltool users` / `evaltool audit` commands."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from evaltool.access.accounts import LoginThrottle, authenticate, change_password, create_user
from evaltool.access.roles import PERMISSIONS, ROLES, User
from evaltool.cli import main
from evaltool.errors import UserError
from evaltool.store import users as store
from evaltool.store.workspace import Workspace

PASSWORD = "pitkä ja hyvä salasana"


@pytest.fixture
def ws(tmp_path):
    Workspace.init(tmp_path / "ws").close()
    with Workspace.open(tmp_path / "ws") as ws:
        yield ws


def test_passwords_are_stored_as_argon2id_hashes(ws):
    create_user(ws, "anna", PASSWORD, "admin")
    record = store.find_user(ws, "anna")
    assert record["password_hash"].startswith("$argon2id$")
    assert PASSWORD not in record["password_hash"]
    assert authenticate(ws, "anna", PASSWORD) == User("anna", "admin", ())
    assert authenticate(ws, "anna", PASSWORD + "x") is None
    assert authenticate(ws, "nobody", PASSWORD) is None
    change_password(ws, "anna", "toinen pitkä salasana")
    assert authenticate(ws, "anna", PASSWORD) is None
    assert authenticate(ws, "anna", "toinen pitkä salasana") is not None


def test_a_disabled_account_cannot_log_in(ws):
    create_user(ws, "pekka", PASSWORD, "evaluator")
    store.set_disabled(ws, "pekka", True)
    assert authenticate(ws, "pekka", PASSWORD) is None


@pytest.mark.parametrize(
    "name, password, role, projects, message",
    [
        ("a b", PASSWORD, "admin", (), "user name"),
        ("anna", "lyhyt", "admin", (), "at least 12"),
        ("anna", PASSWORD, "boss", (), "unknown role"),
        ("anna", PASSWORD, "staff", (), "needs at least one --project"),
    ],
)
def test_bad_accounts_are_refused(ws, name, password, role, projects, message):
    with pytest.raises(UserError, match=message):
        create_user(ws, name, password, role, projects)
    assert not store.has_users(ws)


def test_a_name_can_be_taken_once(ws):
    create_user(ws, "anna", PASSWORD, "admin")
    with pytest.raises(UserError, match="already"):
        create_user(ws, "anna", PASSWORD, "viewer", ["P"])


def test_roles_and_projects():
    staff = User("s", "staff", ("Polku",))
    assert staff.may("import") and not staff.may("settings") and not staff.may("audit")
    assert staff.sees("polku ") and not staff.sees("Toinen") and staff.sees(None)
    viewer = User("v", "viewer", ("Polku",))
    assert viewer.may("read_reports") and not viewer.may("view_results")
    assert all(User("a", "admin").may(action) for action in PERMISSIONS)
    assert set(ROLES) == {"admin", "evaluator", "staff", "viewer"}


def test_the_throttle_counts_names_and_addresses_apart():
    throttle = LoginThrottle(max_failures=3, window=60, max_address_failures=5)
    for _ in range(3):
        throttle.failed("anna", "10.0.0.1")
    assert throttle.blocked("anna", "10.0.0.9")  # the name, from anywhere
    assert not throttle.blocked("pekka", "10.0.0.1")  # the address: not yet
    throttle.failed("pekka", "10.0.0.1")
    throttle.failed("liisa", "10.0.0.1")
    assert throttle.blocked("pekka", "10.0.0.1")
    throttle.succeeded("anna")
    assert not throttle.blocked("anna", "10.0.0.9")


def test_users_and_audit_commands(tmp_path):
    runner = CliRunner()
    ws = str(tmp_path / "ws")
    runner.invoke(main, ["init", ws])
    res = runner.invoke(
        main, ["users", "add", "anna", "-w", ws, "--role", "admin", "--password-stdin"],
        input=PASSWORD + "\n",
    )  # fmt: skip
    assert res.exit_code == 0, res.output
    res = runner.invoke(
        main,
        ["users", "add", "s", "-w", ws, "--role", "staff", "--password-stdin"],
        input=PASSWORD + "\n",
    )
    assert res.exit_code == 2 and "--project" in res.output
    listed = runner.invoke(main, ["users", "list", "-w", ws, "--format", "csv"]).output
    assert "anna,admin" in listed and "argon2" not in listed
    res = runner.invoke(main, ["users", "remove", "anna", "-w", ws, "--yes"])
    assert res.exit_code == 0
    log = runner.invoke(main, ["audit", "-w", ws, "--format", "csv"]).output
    assert "account_created" in log and "account_removed" in log
