"""Accounts and roles of the browser workspace: every route of the application, tried as
every role and without a login, answers as the table of :mod:`web_routes` says — another
project's import, report, rows; another account's upload and job; settings, the audit log
and programme-wide imports and reports refused; the pages of the account's own projects
working — and a route added without a line in that table fails the test. Logins are
throttled and logged."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from web_routes import (
    COLLEAGUE,
    EVERYONE,
    MINE,
    OTHER,
    PASSWORD,
    PROBES,
    ROLES,
    Client,
    route_keys,
    try_every_route,
)
from web_server import serving_app

from evaltool.access.accounts import create_user
from evaltool.imports.clients import ClientImportOptions, import_clients
from evaltool.report import write_programme_report, write_project_report
from evaltool.store import users as accounts
from evaltool.store.workspace import Workspace
from evaltool.web.app import create_app, routes

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
PUBLIC = {"/login", "/logout", "/static/{name:str}", "/favicon.ico"}
#: The account whose password the throttling test guesses (no other test logs in with it).
GUESSED = "guessed"


def _standing_uploads_and_jobs(web, client_csv: bytes) -> tuple[dict, Callable[..., str]]:
    """An upload and a finished job of every account (and the colleague's), and a maker of
    new uploads: a client file for MINE, wave 1 (already stored: importing it changes
    nothing)."""

    def make_upload(owner: str, name: str = "probe") -> str:
        upload = web.uploads.save(f"{name}-of-{owner}.csv", [client_csv], "clients")
        choices = {"owner": owner, "project": MINE, "wave": "1", "instrument": "whoqol-bref",
                   "id_column": "Asiakasnumero"}  # fmt: skip
        web.uploads.set_choices(upload, choices)
        return upload.id

    jobs = {}
    for owner in (*ROLES, COLLEAGUE):
        make_upload(owner, "upload")
        jobs[owner] = web.jobs.submit("report", f"job-of-{owner}", lambda job: {}, owner).id
    return jobs, make_upload


@pytest.fixture(scope="module")
def team(tmp_path_factory):
    root = tmp_path_factory.mktemp("team") / "ws"
    Workspace.init(root).close()
    with Workspace.open(root) as ws:
        for project in (MINE, OTHER):
            for wave in (1, 2):
                import_clients(
                    ws,
                    [EXAMPLES / f"clients-wave{wave}.csv"],
                    ClientImportOptions(
                        instrument="whoqol-bref",
                        project=project,
                        wave=wave,
                        id_column="Asiakasnumero",
                        force=True,
                    ),
                )
        mine_import = int(ws.imports()["id"].iloc[0])
        other_import = int(ws.imports()["id"].iloc[-1])
        other_report = write_project_report(ws, OTHER, root / "reports").name
        mine_report = write_project_report(ws, MINE, root / "reports").name
        programme_report = write_programme_report(ws, root / "reports").name
        for role, projects in ROLES.items():
            create_user(ws, role, PASSWORD, role, list(projects))
        create_user(ws, COLLEAGUE, PASSWORD, "staff", [MINE])
        create_user(ws, GUESSED, PASSWORD, "viewer", [MINE])
    (root / "reports" / "plotly.min.js").write_text("/* plotly */\n")  # as report --all
    app = create_app(root)
    client_csv = (EXAMPLES / "clients-wave1.csv").read_bytes()
    jobs, make_upload = _standing_uploads_and_jobs(app.state.web, client_csv)
    with serving_app(app) as url:
        yield {
            "url": url,
            "app": app,
            "root": root,
            "mine_import": mine_import,
            "other_import": other_import,
            "other_report": other_report,
            "mine_report": mine_report,
            "programme_report": programme_report,
            "jobs": jobs,
            "make_upload": make_upload,
            "client_csv": client_csv,
        }


def _when_idle(runner, timeout: float = 120) -> list:
    """The jobs of ``runner`` once none is queued or running."""
    deadline = time.monotonic() + timeout
    while any(job.finished is None for job in runner.recent()):
        assert time.monotonic() < deadline, "background jobs still running"
        time.sleep(0.05)
    return runner.recent()


def as_role(team, role: str) -> Client:
    client = Client(team["url"])
    assert client.login(role) == 303
    client.request("GET", "/reports")  # a page with the session's token
    return client


def test_every_route_and_method_has_an_answer_for_every_role(tmp_path):
    """The table of :mod:`web_routes` names every route of the application (a new route
    without a line there fails here), no route that is gone, and every role."""
    Workspace.init(tmp_path / "ws").close()
    app = create_app(tmp_path / "ws")
    in_table = {(probe.method, probe.route) for probe in PROBES}
    assert route_keys(app) - in_table == set(), "routes without an expected answer per role"
    assert in_table - route_keys(app) == set(), "expected answers for routes that are gone"
    for probe in PROBES:
        assert set(probe.expect) == set(EVERYONE), probe


def test_every_route_but_login_and_static_files_is_guarded():
    for route in routes():
        if route.path in PUBLIC:
            continue
        assert getattr(route.endpoint, "action", None), route.path


@pytest.mark.parametrize("role", EVERYONE)
def test_every_route_answers_each_role_as_the_table_says(team, role):
    with Workspace.open(team["root"]) as ws:
        before = ws.imports()["id"].tolist()
    problems = try_every_route(team["app"], team["url"], team, role, team["make_upload"])
    assert problems == [], "\n".join(problems)
    jobs = _when_idle(team["app"].state.web.jobs)
    started = [j for j in jobs if j.owner == role and j.kind in ("import", "report")]
    assert all(j.state == "done" for j in started), [(j.label, j.message) for j in started]
    with Workspace.open(team["root"]) as ws:
        assert ws.imports()["id"].tolist() == before  # nothing deleted, no import twice
        assert ws.min_n == 5


def test_project_staff_see_only_their_projects_rows(team):
    client = as_role(team, "staff")
    for path in ("/", "/outcomes?table=paired", "/outcomes?table=linkage", "/reports"):
        status, body = client.request("GET", path)
        assert status == 200 and OTHER not in body, path
        assert MINE in body, path
    _, csv = client.request("GET", "/outcomes/download?table=paired&format=csv")
    assert OTHER not in csv and MINE in csv
    status, _ = client.request(
        "POST", "/import", {"kind": "partners"}
    )  # programme-wide data: not for project staff
    assert status in (400, 403)
    evaluator = as_role(team, "evaluator")
    _, body = evaluator.request("GET", "/outcomes?table=paired")
    assert OTHER in body and MINE in body
    # the settings: a form for admins only, the values for the others
    for role, form in (("admin", True), ("evaluator", False), ("staff", False)):
        _, body = as_role(team, role).request("GET", "/")
        assert ('action="/settings"' in body) == form, role
        assert 'id="min_n"' in body if form else 'id="settings"' in body, role


def test_another_accounts_job_is_not_shown(team):
    evaluator = as_role(team, "evaluator")
    status, _ = evaluator.request("POST", "/reports/build", {"what": "project", "project": MINE})
    assert status == 303
    _, jobs = evaluator.request("GET", "/jobs")
    job_id = re.search(r'href="/jobs/([0-9a-f]{16})"', jobs).group(1)
    staff = as_role(team, "staff")
    assert staff.request("GET", f"/jobs/{job_id}")[0] == 404
    assert staff.request("GET", f"/jobs/{job_id}.json")[0] == 404
    assert job_id not in staff.request("GET", "/jobs")[1]


def test_failed_logins_are_throttled_and_logged(team):
    client = Client(team["url"])
    statuses = [client.login(GUESSED, "väärä salasana!") for _ in range(6)]
    assert statuses[:5] == [401] * 5
    assert statuses[5] == 429
    assert client.login(GUESSED) == 429  # the right password too, while the name is blocked
    with Workspace.open(team["root"]) as ws:
        log = accounts.audit_log(ws)
    mine = log[log["username"] == GUESSED]
    assert (mine["action"] == "login_failed").sum() == 5
    assert (mine["action"] == "login_throttled").sum() >= 2
    logins = mine[mine["action"].str.startswith("login")]
    assert all("address" in json.loads(d) for d in logins["detail"])


def test_actions_are_written_to_the_audit_log(team):
    admin = as_role(team, "admin")
    admin.request("POST", "/settings", {"min_n": "6"})
    admin.request("GET", "/outcomes/download?table=paired&format=csv")
    with Workspace.open(team["root"]) as ws:
        log = accounts.audit_log(ws)
        assert ws.min_n == 6
        ws.set_setting("min_n", "5")
    actions = log[log["username"] == "admin"]["action"].tolist()
    assert {"login", "setting_changed", "download"} <= set(actions)


def test_project_staff_get_the_programme_rows_the_reports_release(team, tmp_path):
    """With a small third project (its rows withheld), the programme rows staff see rest on
    the shown projects only, as in the reports; an evaluator sees every client's."""
    import csv
    import io

    from evaltool.imports.deletion import delete_import
    from evaltool.indicators.workspace_tables import workspace_outcomes

    small = []
    with Workspace.open(team["root"]) as ws:
        for wave in (1, 2):
            lines = (EXAMPLES / f"clients-wave{wave}.csv").read_text(encoding="utf-8").splitlines()
            path = tmp_path / f"pieni{wave}.csv"
            path.write_text("\n".join(lines[:4]) + "\n", encoding="utf-8")
            result = import_clients(
                ws,
                [path],
                ClientImportOptions(
                    instrument="whoqol-bref", project="Pieni", wave=wave,
                    id_column="Asiakasnumero", new_project=True,
                ),
            )  # fmt: skip
            small.append(result.files[0].import_id)
        released = workspace_outcomes(ws, release=True)["paired"]
        everyone = workspace_outcomes(ws)["paired"]
    try:
        query = "/outcomes/download?table=paired&format=csv&project=__programme__"

        def programme_n(role):
            _, text = as_role(team, role).request("GET", query)
            rows = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
            return [float(r["n"]) for r in rows if r["n"]]

        def n_of(frame):
            return frame.loc[frame["project"].isna(), "n"].astype(float).tolist()

        assert n_of(released) != n_of(everyone)  # the small project is left out
        assert programme_n("staff") == n_of(released)
        assert programme_n("evaluator") == n_of(everyone)
    finally:
        with Workspace.open(team["root"]) as ws:
            for import_id in small:
                delete_import(ws, import_id, deleted_by="test")
