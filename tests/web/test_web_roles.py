"""Accounts and roles of the browser workspace: every route needs a login once accounts exist,
and every role is refused what is not its own — another project's import, report, rows and
jobs; settings, the audit log and programme-wide imports and reports — while the pages of
its own projects work. Logins are throttled and logged."""

from __future__ import annotations

import json
import re
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

import pytest
from web_server import serving

from evaltool.access.accounts import create_user
from evaltool.imports.clients import ClientImportOptions, import_clients
from evaltool.report import write_project_report
from evaltool.store import users as accounts
from evaltool.store.workspace import Workspace
from evaltool.web.app import routes

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
MINE, OTHER = "Polku", "Toinen"
PASSWORD = "oikein hyvä salasana"
ROLES = {"admin": (), "evaluator": (), "staff": (MINE,), "viewer": (MINE,)}
PUBLIC = {"/login", "/logout", "/static/{name:str}", "/favicon.ico"}


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
        other_import = int(ws.imports()["id"].iloc[-1])
        other_report = write_project_report(ws, OTHER, root / "reports").name
        mine_report = write_project_report(ws, MINE, root / "reports").name
        for role, projects in ROLES.items():
            create_user(ws, role, PASSWORD, role, list(projects))
    with serving(root) as url:
        yield {
            "url": url,
            "root": root,
            "other_import": other_import,
            "other_report": other_report,
            "mine_report": mine_report,
        }


class Client:
    """A browser-like client: cookies, the CSRF token of the last page, no redirects."""

    def __init__(self, url: str):
        self.url = url
        self.token = ""

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(CookieJar()), NoRedirect
        )

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        data = None
        if method == "POST":
            data = urllib.parse.urlencode({"csrf_token": self.token, **(form or {})}).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method)
        try:
            with self.opener.open(req) as res:
                status, body = res.status, res.read().decode("utf-8", "replace")
        except urllib.error.HTTPError as exc:
            status, body = exc.code, exc.read().decode("utf-8", "replace")
        found = re.search(r'name="csrf-token" content="([^"]+)"', body)
        if found:
            self.token = found.group(1)
        return status, body

    def login(self, name: str, password: str = PASSWORD) -> int:
        self.request("GET", "/login")
        return self.request("POST", "/login", {"username": name, "password": password})[0]


def as_role(team, role: str) -> Client:
    client = Client(team["url"])
    assert client.login(role) == 303
    client.request("GET", "/reports")  # a page with the session's token
    return client


def test_every_route_but_login_and_static_files_is_guarded():
    for route in routes():
        if route.path in PUBLIC:
            continue
        assert getattr(route.endpoint, "action", None), route.path


def test_without_a_login_every_guarded_route_redirects_to_the_login(team):
    client = Client(team["url"])
    for path in ("/", "/import", "/outcomes", "/cooperation", "/reports", "/jobs", "/audit",
                 f"/reports/files/{team['mine_report']}", f"/imports/{team['other_import']}/delete",
                 "/outcomes/download?table=paired&format=csv"):  # fmt: skip
        status, _ = client.request("GET", path)
        assert status == 303, path
    assert client.request("GET", "/login")[0] == 200


# (method, path template, form) → the roles allowed; every other role is refused (403).
CASES = [
    ("GET", "/", None, {"admin", "evaluator", "staff"}),
    ("GET", "/import", None, {"admin", "evaluator", "staff"}),
    ("GET", "/outcomes", None, {"admin", "evaluator", "staff"}),
    ("GET", "/outcomes/download?table=paired&format=csv", None, {"admin", "evaluator", "staff"}),
    ("GET", "/cooperation", None, {"admin", "evaluator", "staff"}),
    ("GET", "/reports", None, {"admin", "evaluator", "staff", "viewer"}),
    ("GET", "/jobs", None, {"admin", "evaluator", "staff", "viewer"}),
    ("GET", "/audit", None, {"admin", "evaluator"}),
    ("GET", "/reports/files/{other_report}", None, {"admin", "evaluator"}),
    ("GET", "/reports/files/{mine_report}", None, {"admin", "evaluator", "staff", "viewer"}),
    ("GET", "/imports/{other_import}/delete", None, {"admin", "evaluator"}),
    ("POST", "/imports/{other_import}/delete", {"confirm": ""}, {"admin", "evaluator"}),
    ("POST", "/settings", {"min_n": "5"}, {"admin"}),
    ("POST", "/reports/build", {"what": "project", "project": OTHER}, {"admin", "evaluator"}),
    ("POST", "/reports/build", {"what": "programme"}, {"admin", "evaluator"}),
    ("POST", "/reports/build", {"what": "project", "project": MINE},
     {"admin", "evaluator", "staff"}),
]  # fmt: skip


@pytest.mark.parametrize("role", list(ROLES))
def test_each_role_is_refused_what_is_not_its_own(team, role):
    client = as_role(team, role)
    for method, template, form, allowed in CASES:
        path = template.format(**team)
        status, body = client.request(method, path, form)
        if role in allowed:
            assert status in (200, 303, 400), (role, method, path, status)
            if status == 400:  # allowed, refused for its content (the unticked confirmation)
                assert "vahvista" in body.lower() or "tick" in body.lower(), body[:300]
        else:
            assert status == 403, (role, method, path, status)
            assert "Traceback" not in body
    with Workspace.open(team["root"]) as ws:
        assert team["other_import"] in ws.imports()["id"].tolist()


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


def test_another_accounts_job_is_not_shown(team):
    evaluator = as_role(team, "evaluator")
    status, _ = evaluator.request("POST", "/reports/build", {"what": "project", "project": MINE})
    assert status == 303
    _, jobs = evaluator.request("GET", "/jobs")
    job_id = re.search(r'href="/jobs/([0-9a-f]{16})"', jobs).group(1)
    staff = as_role(team, "staff")
    assert staff.request("GET", f"/jobs/{job_id}")[0] == 400
    assert staff.request("GET", f"/jobs/{job_id}.json")[0] == 404
    assert job_id not in staff.request("GET", "/jobs")[1]


def test_failed_logins_are_throttled_and_logged(team):
    client = Client(team["url"])
    statuses = [client.login("viewer", "väärä salasana!") for _ in range(6)]
    assert statuses[:5] == [401] * 5
    assert statuses[5] == 429
    assert client.login("viewer") == 429  # the right password too, while the name is blocked
    with Workspace.open(team["root"]) as ws:
        log = accounts.audit_log(ws)
    mine = log[log["username"] == "viewer"]
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
