"""The workspace page (what it holds, its imports and settings), the language switch, jobs and
the static files."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from evaltool.errors import UserError
from evaltool.report.i18n import LANGS
from evaltool.store.overview import response_counts
from evaltool.web.app import HERE, LANG_KEY, flash, posted_form, redirect, web
from evaltool.web.auth import NotFound, audit, current_user, guarded

#: Static files of the package (name → content type).
STATIC = {"web.css": "text/css", "web.js": "text/javascript"}


def _imports_table(ws, user) -> list[dict]:
    """The imports the account may see: every import for evaluators and admins, those of
    the account's projects for project staff."""
    from evaltool.store.overview import import_projects

    table = ws.imports()
    of_import = import_projects(ws) if not user.all_projects else {}
    rows = []
    for rec in table.to_dict("records"):
        projects = of_import.get(int(rec["id"]), [])
        if not user.all_projects and not (projects and all(user.sees(p) for p in projects)):
            continue
        rec["n_warnings"] = len(json.loads(rec["warnings"] or "[]"))
        rows.append(rec)
    return rows


def _deletions(ws, user) -> list[dict]:
    rows = ws.import_deletions().to_dict("records")
    if user.all_projects:
        return rows
    mine = []
    for rec in rows:
        projects = json.loads(rec["detail"] or "{}").get("projects") or []
        if (
            rec["kind"] in ("clients", "participants")
            and projects
            and all(user.sees(p) for p in projects)
        ):
            mine.append(rec)
    return mine


@guarded("view_workspace")
async def overview(request: Request) -> Response:
    """Projects, waves and instruments; partner rounds; the register; imports; settings
    (project staff see their own projects' rows)."""
    w = web(request)
    user = current_user(request)
    with w.workspace() as ws:
        counts = [r for r in response_counts(ws).to_dict("records") if user.sees(r["project"])]
        rounds = ws.partner_rounds()
        register = ws.project_register()
        imports = _imports_table(ws, user)
        settings = ws.settings()
        deletions = _deletions(ws, user)
    if not user.all_projects and len(register):
        register = register[[user.sees(c) for c in register["code"]]]
    projects = sorted({r["project"] for r in counts})
    return w.render(
        request,
        "workspace.html.j2",
        counts=counts,
        projects=projects,
        rounds=rounds,
        register=register.to_dict("records"),
        imports=imports,
        settings=settings,
        deletions=deletions,
        uploads=[u for u in w.uploads.all() if _owns(user, u)],
    )


def _owns(user, upload) -> bool:
    """Whether the account may see an upload (its own; every upload for all-project roles)."""
    return user.all_projects or upload.choices.get("owner") == user.username


@guarded("settings")
async def save_settings(request: Request) -> Response:
    """Set min_n and the report language."""
    w = web(request)
    form = await posted_form(request)
    changed = {}
    with w.workspace() as ws:
        for key in ("min_n", "lang"):
            if key in form and form[key] != ws.get_setting(key):
                ws.set_setting(key, form[key].strip())
                changed[key] = form[key].strip()
    if changed:
        audit(request, "setting_changed", changed)
    flash(request, w_t(request, "web_settings_saved"))
    return redirect("/")


def w_t(request: Request, key: str, **kwargs) -> str:
    """A string in the request's language."""
    from evaltool.report.i18n import t

    return t(key, web(request).lang(request), **kwargs)


@guarded("read_reports")
async def set_lang(request: Request) -> Response:
    """Switch the interface language for this session."""
    form = await posted_form(request)
    lang = form.get("lang", "")
    if lang not in LANGS:
        raise UserError(f"unknown language {lang!r} (fi, sv or en)")
    request.session[LANG_KEY] = lang
    back = form.get("next", "/")
    return redirect(back if back.startswith("/") and not back.startswith("//") else "/")


def _job(request: Request):
    """The job of the path if the account may see it (its own, or any for all-project roles)."""
    job = web(request).jobs.get(request.path_params["job_id"])
    user = current_user(request)
    if job is not None and not (user.all_projects or job.owner == user.username):
        return None
    return job


@guarded("read_reports")
async def job_page(request: Request) -> Response:
    """A background job: its progress while it runs, then its result or its issues."""
    w = web(request)
    job = _job(request)
    if job is None:
        raise NotFound(w_t(request, "web_no_job"))
    return w.render(request, "job.html.j2", job=job, record=job.to_record())


@guarded("read_reports")
async def job_json(request: Request) -> Response:
    """A job's state for the polling page."""
    job = _job(request)
    if job is None:
        return JSONResponse({"state": "unknown"}, status_code=404)
    return JSONResponse(job.to_record())


@guarded("read_reports")
async def jobs_page(request: Request) -> Response:
    """The jobs of this server the account may see, newest first."""
    w = web(request)
    user = current_user(request)
    jobs = [j.to_record() for j in w.jobs.recent() if user.all_projects or j.owner == user.username]
    return w.render(request, "jobs.html.j2", jobs=jobs)


async def static(request: Request) -> Response:
    """The package's style sheet and script, and plotly.js from the plotly package."""
    name = request.path_params["name"]
    cache = {"cache-control": "max-age=3600"}
    if name == "plotly.min.js":
        from evaltool.report.html import plotly_js

        return Response(plotly_js(), media_type="text/javascript", headers=cache)
    if name not in STATIC:
        return Response("not found", status_code=404)
    body = (HERE / "static" / name).read_bytes()
    return Response(body, media_type=STATIC[name], headers=cache)


async def favicon(request: Request) -> Response:
    """No icon: an empty answer instead of a 404 in the browser's console."""
    return Response(status_code=204)


ROUTES = [
    Route("/favicon.ico", favicon),
    Route("/", overview),
    Route("/settings", save_settings, methods=["POST"]),
    Route("/lang", set_lang, methods=["POST"]),
    Route("/jobs", jobs_page),
    Route("/jobs/{job_id:str}.json", job_json),
    Route("/jobs/{job_id:str}", job_page),
    Route("/static/{name:str}", static),
]
