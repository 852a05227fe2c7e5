"""What every route of the browser workspace answers each role: the table of the role test.

:data:`PROBES` holds, for every route and method of the application, one or more requests
(own and another account's upload, job, import or report …) and the answer expected for
each role — ``admin``, ``evaluator``, ``staff`` (project staff of :data:`MINE`), ``viewer``
(of :data:`MINE`) and ``anonymous`` (no login): a status, or :data:`LOGIN` for a redirect to
the login page. A probe with ``scope`` also checks, on a 200 answer, that the page shows the
account's own rows and shows another's only to the roles that see every project.
"""

from __future__ import annotations

import re
import urllib.error
import urllib.parse
import urllib.request
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from http.cookiejar import CookieJar

from starlette.routing import Match

from evaltool.report.i18n import t

MINE, OTHER = "Polku", "Toinen"
PASSWORD = "oikein hyvä salasana"
#: The accounts of the team workspace (name = role) and their projects.
ROLES = {"admin": (), "evaluator": (), "staff": (MINE,), "viewer": (MINE,)}
#: No login.
ANONYMOUS = "anonymous"
EVERYONE = (*ROLES, ANONYMOUS)
#: Another account of the same project as ``staff``: its uploads and jobs are not staff's.
COLLEAGUE = "colleague"
#: The expected answer "303 to the login page, coming back to the path".
LOGIN = "login"
#: Roles that see every project.
ALL_PROJECTS = ("admin", "evaluator")
#: The shown rows: the account's projects and another project.
PROJECTS = (MINE, OTHER)
#: The listed uploads and jobs: the account's own and the colleague's.
UPLOADS = ("upload-of-{user}", f"upload-of-{COLLEAGUE}")
JOBS = ("job-of-{user}", f"job-of-{COLLEAGUE}")
MAPPING = b"# a mapping file with no column of its own\n[columns]\n"


def roles(admin, evaluator, staff, viewer, anonymous=LOGIN) -> dict[str, int | str]:
    """The expected answer of each role, in the order of the table's columns."""
    return dict(zip(EVERYONE, (admin, evaluator, staff, viewer, anonymous), strict=True))


@dataclass(frozen=True)
class Probe:
    """One request of the table and the answer each role gets."""

    method: str
    #: The route's path as the application declares it.
    route: str
    #: The request's path, ``{placeholders}`` filled per role (see :func:`placeholders`).
    path: str
    expect: dict[str, int | str]
    form: dict = field(default_factory=dict)
    #: Files of a multipart form: field → (file name, content).
    files: dict = field(default_factory=dict)
    #: (own marker, other marker): on a 200 answer the body holds the first and holds the
    #: second only for the roles that see every project.
    scope: tuple[str, str] | None = None
    #: Run on a session of its own (logging in or out ends the one the others use).
    own_session: bool = False


OWN_AND_OTHER_UPLOAD = {
    "{own_upload}": roles(200, 200, 200, 403),
    "{other_upload}": roles(200, 200, 404, 403),
    "0123456789abcdef": roles(404, 404, 404, 403),
}


def _upload_probes(method: str, tail: str, ok: int, form=None, files=None) -> list[Probe]:
    """The probes of one ``/import/{upload_id}…`` route: the account's own upload, a
    colleague's, and one that does not exist (status ``ok`` where the role may use it)."""
    out = []
    for upload, answers in OWN_AND_OTHER_UPLOAD.items():
        expect = {role: ok if want == 200 else want for role, want in answers.items()}
        out.append(
            Probe(method, "/import/{upload_id:str}" + tail, f"/import/{upload}{tail}", expect,
                  form or {}, files or {})
        )  # fmt: skip
    return out


CLIENT_FILE = ("new-upload.csv", "{client_csv}")

PROBES: list[Probe] = [
    # -- public: the login page, logging in and out, the style sheet and script, no icon
    Probe("GET", "/login", "/login", roles(200, 200, 200, 200, 200)),
    Probe("POST", "/login", "/login", roles(303, 303, 303, 303, 303),
          {"username": "{login_name}", "password": PASSWORD}, own_session=True),
    Probe("POST", "/logout", "/logout", roles(303, 303, 303, 303, 303), own_session=True),
    Probe("GET", "/static/{name:str}", "/static/web.css", roles(200, 200, 200, 200, 200)),
    Probe("GET", "/static/{name:str}", "/static/web.js", roles(200, 200, 200, 200, 200)),
    Probe("GET", "/favicon.ico", "/favicon.ico", roles(204, 204, 204, 204, 204)),
    # -- the workspace, settings, language and jobs
    Probe("GET", "/", "/", roles(200, 200, 200, 403), scope=PROJECTS),
    Probe("POST", "/settings", "/settings", roles(303, 403, 403, 403), {"min_n": "5"}),
    Probe("POST", "/lang", "/lang", roles(303, 303, 303, 303), {"lang": "fi", "next": "/"}),
    Probe("GET", "/jobs", "/jobs", roles(200, 200, 200, 200), scope=JOBS),
    Probe("GET", "/jobs/{job_id:str}", "/jobs/{own_job}", roles(200, 200, 200, 200)),
    Probe("GET", "/jobs/{job_id:str}", "/jobs/{other_job}", roles(200, 200, 404, 404)),
    Probe("GET", "/jobs/{job_id:str}.json", "/jobs/{own_job}.json", roles(200, 200, 200, 200)),
    Probe("GET", "/jobs/{job_id:str}.json", "/jobs/{other_job}.json",
          roles(200, 200, 404, 404)),
    Probe("GET", "/audit", "/audit", roles(200, 200, 403, 403)),
    # -- uploads and imports
    Probe("GET", "/import", "/import", roles(200, 200, 200, 403), scope=UPLOADS),
    Probe("POST", "/import", "/import", roles(303, 303, 303, 403), {"kind": "clients"},
          {"files": CLIENT_FILE}),
    Probe("POST", "/import", "/import", roles(303, 303, 403, 403), {"kind": "partners"},
          {"files": CLIENT_FILE}),  # programme-wide data: not for project staff
    *_upload_probes("GET", "", 200),
    *_upload_probes("POST", "/preview", 200, {"wave": "1"}),
    *_upload_probes("POST", "/choices", 303, {"wave": "1"}),
    *_upload_probes("GET", "/mapping.toml", 200),
    *_upload_probes("POST", "/run", 303),  # the upload is for MINE, wave 1 (already stored)
    Probe("POST", "/import/{upload_id:str}/run", "/import/{own_upload}/run",
          roles(303, 303, 403, 403), {"project": OTHER}),  # staff: only into MINE
    *_upload_probes("POST", "/mapping", 303, files={"mapping": ("m.toml", MAPPING)}),
    *_upload_probes("POST", "/discard", 303),
    Probe("GET", "/imports/{import_id:int}/delete", "/imports/{mine_import}/delete",
          roles(200, 200, 200, 403)),
    Probe("GET", "/imports/{import_id:int}/delete", "/imports/{other_import}/delete",
          roles(200, 200, 403, 403)),
    # the confirmation left unticked: an allowed role is answered 400, nothing deleted
    Probe("POST", "/imports/{import_id:int}/delete", "/imports/{mine_import}/delete",
          roles(400, 400, 400, 403), {"confirm": ""}),
    Probe("POST", "/imports/{import_id:int}/delete", "/imports/{other_import}/delete",
          roles(400, 400, 403, 403), {"confirm": ""}),
    # -- results
    Probe("GET", "/outcomes", "/outcomes?table=paired", roles(200, 200, 200, 403),
          scope=PROJECTS),
    Probe("GET", "/outcomes", "/outcomes?table=linkage", roles(200, 200, 200, 403),
          scope=PROJECTS),
    Probe("GET", "/outcomes/download", "/outcomes/download?table=paired&format=csv",
          roles(200, 200, 200, 403), scope=PROJECTS),
    Probe("GET", "/cooperation", "/cooperation", roles(200, 200, 200, 403)),
    Probe("GET", "/cooperation/download", "/cooperation/download?table=all&format=xlsx",
          roles(200, 200, 200, 403)),
    # -- reports
    Probe("GET", "/reports", "/reports", roles(200, 200, 200, 200), scope=PROJECTS),
    Probe("GET", "/reports/files/plotly.min.js", "/reports/files/plotly.min.js",
          roles(200, 200, 200, 200)),
    Probe("GET", "/reports/files/{name:str}", "/reports/files/{mine_report}",
          roles(200, 200, 200, 200)),
    Probe("GET", "/reports/files/{name:str}", "/reports/files/{other_report}",
          roles(200, 200, 403, 403)),
    Probe("GET", "/reports/files/{name:str}", "/reports/files/{programme_report}",
          roles(200, 200, 200, 403)),  # programme figures as the reports release them
    # building last, so that no file above is read while a build rewrites it
    Probe("POST", "/reports/build", "/reports/build", roles(303, 303, 303, 403),
          {"what": "project", "project": MINE}),
    # an unknown language: an allowed role is answered 400 and nothing is built
    Probe("POST", "/reports/build", "/reports/build", roles(400, 400, 403, 403),
          {"what": "project", "project": OTHER, "lang": "xx"}),
    Probe("POST", "/reports/build", "/reports/build", roles(400, 400, 403, 403),
          {"what": "programme", "lang": "xx"}),
    Probe("POST", "/reports/build", "/reports/build", roles(400, 400, 403, 403),
          {"what": "all", "lang": "xx"}),
]  # fmt: skip


def route_keys(app) -> set[tuple[str, str]]:
    """(method, path) of every route of ``app`` (HEAD is answered as GET: not listed)."""
    keys = set()
    for route in app.routes:
        methods = set(route.methods or ())
        assert "HEAD" not in methods or "GET" in methods, route.path
        keys |= {(m, route.path) for m in methods - {"HEAD"}}
    return keys


def routed_to(app, method: str, path: str) -> str | None:
    """The path of the route ``app`` answers ``method path`` with (the first full match)."""
    scope = {"type": "http", "method": method, "path": urllib.parse.urlsplit(path).path,
             "root_path": ""}  # fmt: skip
    for route in app.routes:
        match, _ = route.matches(scope)
        if match == Match.FULL:
            return route.path
    return None


@dataclass
class Answer:
    status: int
    body: str
    location: str = ""


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

    def send(self, method: str, path: str, form: dict | None = None, files=None) -> Answer:
        """``method path`` with ``form`` (and the page's CSRF token) and ``files``
        (field → (name, bytes), as multipart)."""
        data, headers = None, {}
        if method == "POST":
            fields = {"csrf_token": self.token, **(form or {})}
            if files:
                data, headers["Content-Type"] = _multipart(fields, files)
            else:
                data = urllib.parse.urlencode(fields).encode()
        req = urllib.request.Request(self.url + path, data=data, method=method, headers=headers)
        try:
            with self.opener.open(req) as res:
                answer = Answer(res.status, res.read().decode("utf-8", "replace"))
        except urllib.error.HTTPError as exc:
            body = exc.read().decode("utf-8", "replace")
            answer = Answer(exc.code, body, exc.headers.get("location", ""))
        found = re.search(r'name="csrf-token" content="([^"]+)"', answer.body)
        if found:
            self.token = found.group(1)
        return answer

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, str]:
        """``method path``: (status, body)."""
        answer = self.send(method, path, form)
        return answer.status, answer.body

    def login(self, name: str, password: str = PASSWORD) -> int:
        self.request("GET", "/login")
        return self.request("POST", "/login", {"username": name, "password": password})[0]


def _multipart(fields: dict, files: dict) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    parts = []
    for name, value in fields.items():
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
            .encode()
        )  # fmt: skip
    for name, (filename, content) in files.items():
        head = (
            f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"; '
            f'filename="{filename}"\r\nContent-Type: application/octet-stream\r\n\r\n'
        )
        parts.append(head.encode() + content + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def session(url: str, role: str) -> Client:
    """A client logged in as ``role`` (the account of that name), holding a page's token;
    for :data:`ANONYMOUS` a client that only opened the login page."""
    client = Client(url)
    if role == ANONYMOUS:
        client.request("GET", "/login")
        return client
    assert client.login(role) == 303, role
    client.request("GET", "/jobs")  # a page with the session's token
    return client


def placeholders(team: dict, role: str, make_upload: Callable[[str], str]) -> dict:
    """The values of a probe's ``{placeholders}`` for ``role``; ``own_upload`` and
    ``other_upload`` are new uploads (of the role's account and of the colleague's) made
    by ``make_upload(owner)`` when a probe uses them, as probes may discard or import them."""
    user = role if role in ROLES else COLLEAGUE

    class Fill(dict):
        def __missing__(self, key):
            if key == "own_upload":
                return make_upload(user)
            if key == "other_upload":
                return make_upload(COLLEAGUE)
            raise KeyError(key)

    return Fill(
        user=user,
        login_name=role if role in ROLES else "admin",
        mine=MINE,
        other=OTHER,
        own_job=team["jobs"][user],
        other_job=team["jobs"][COLLEAGUE],
        **{k: team[k] for k in ("mine_import", "other_import", "mine_report", "other_report",
                                "programme_report")},
    )  # fmt: skip


def check(probe: Probe, role: str, path: str, answer: Answer, fill: dict) -> str | None:
    """What is wrong with ``answer`` to ``probe`` (sent to ``path``) for ``role`` (None: as
    expected)."""
    want = probe.expect[role]
    where = f"{role}: {probe.method} {path} {probe.form or ''}"
    got = f"{answer.status} {answer.location}".strip()
    to_login = answer.status == 303 and answer.location.startswith("/login?next=")
    if want == LOGIN:  # to the login page, and from there back to the path
        back = "/login?next=" + urllib.parse.quote(path)
        return None if answer.location == back else f"{where}: {got}, expected {back}"
    if answer.status != want:
        return f"{where}: {got}, expected {want}"
    if to_login:
        return f"{where}: sent to the login page"
    if "Traceback" in answer.body:
        return f"{where}: a traceback in the page"
    if want == 403 and t("web_not_allowed", "fi") not in answer.body:
        return f"{where}: 403 but not for the role (the CSRF token?)"
    if want == 200 and probe.scope and role in ROLES:
        own, other = (marker.format_map(fill) for marker in probe.scope)
        if own not in answer.body:
            return f"{where}: {own!r} not shown"
        if (other in answer.body) != (role in ALL_PROJECTS):
            return f"{where}: {other!r} {'not ' if role in ALL_PROJECTS else ''}shown"
    return None


def try_every_route(app, url: str, team: dict, role: str, make_upload) -> list[str]:
    """Every probe of :data:`PROBES` as ``role`` on ``app`` served at ``url``: what went
    otherwise than expected (a probe answered by another route than its own included)."""
    fill = placeholders(team, role, make_upload)
    client = session(url, role)
    problems = []
    for probe in PROBES:
        path = probe.path.format_map(fill)
        if routed_to(app, probe.method, path) != probe.route:
            problems.append(f"{probe.method} {path}: not answered by the route {probe.route}")
            continue
        files = {
            name: (filename, team["client_csv"] if content == "{client_csv}" else content)
            for name, (filename, content) in probe.files.items()
        }
        form = {k: v.format_map(fill) for k, v in probe.form.items()}
        who = session(url, role) if probe.own_session else client
        answer = who.send(probe.method, path, form, files)
        problem = check(probe, role, path, answer, fill)
        if problem:
            problems.append(problem)
    return problems
