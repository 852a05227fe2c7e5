"""Building reports in the background and opening or downloading them.

One project's report, the programme report or all of them (``report --all``) are built by
the same library functions as ``evaltool report``, in the chosen language, into the
workspace's ``reports/`` folder; the page lists what is there to open (HTML) or download
(workbooks and documents).
"""

from __future__ import annotations

import mimetypes
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, Response
from starlette.routing import Route

from evaltool.errors import UserError
from evaltool.report.i18n import LANGS
from evaltool.web.app import posted_form, redirect, web
from evaltool.web.auth import NotAllowed, audit, current_user, guarded, require
from evaltool.web.views.workspace import w_t

#: Report files listed, by extension.
REPORT_SUFFIXES = (".html", ".xlsx", ".docx", ".pdf")
#: Files shown in the browser rather than downloaded.
INLINE_SUFFIXES = (".html", ".pdf")


def reports_dir(root: Path) -> Path:
    """The workspace's report folder."""
    return Path(root) / "reports"


def report_files(root: Path) -> list[dict]:
    """The report files of the workspace, newest first: name, suffix, size, modified."""
    folder = reports_dir(root)
    if not folder.is_dir():
        return []
    files = [p for p in folder.iterdir() if p.is_file() and p.suffix in REPORT_SUFFIXES]
    files.sort(key=lambda p: (-p.stat().st_mtime, p.name))
    return [
        {"name": p.name, "suffix": p.suffix[1:], "size": p.stat().st_size,
         "modified": p.stat().st_mtime}
        for p in files
    ]  # fmt: skip


def may_read(user, name: str) -> bool:
    """Whether the account may open the report file ``name``: every file for evaluators and
    admins; for project staff and viewers the files of their projects (named by the
    project's key, then the language), and for staff the programme report too (its figures
    are suppressed as in every report)."""
    from evaltool.report.html import safe_name

    if user.all_projects:
        return True
    stem = name.split(".", 1)[0]
    if stem == "programme":
        return user.may("build_reports")
    return any(stem == safe_name(p) for p in user.projects)


@guarded("read_reports")
async def reports_page(request: Request) -> Response:
    """The build form, the jobs building reports and the report files."""
    from evaltool.store.overview import response_counts

    w = web(request)
    user = current_user(request)
    with w.workspace() as ws:
        projects = sorted(set(response_counts(ws)["project"]))
        register = ws.project_register()
    codes = [c for c in register["code"].tolist() if c not in projects] if len(register) else []
    choices = [p for p in projects + codes if user.sees(p)]
    jobs = [
        j.to_record()
        for j in w.jobs.recent()
        if j.kind == "report" and (user.all_projects or j.owner == user.username)
    ]
    return w.render(
        request,
        "reports.html.j2",
        projects=choices if user.may("build_reports") else [],
        files=[f for f in report_files(w.root) if may_read(user, f["name"])],
        jobs=jobs,
    )


def _report_work(root: Path, what: str, project: str, lang: str):
    from evaltool.report import write_all_reports, write_programme_report, write_project_report
    from evaltool.store.workspace import Workspace

    def work(job) -> dict:
        with Workspace.open(root) as ws:
            if what == "project":
                job.progress(0, 1, project)
                path = write_project_report(ws, project, None, lang)
            elif what == "programme":
                job.progress(0, 1, what)
                path = write_programme_report(ws, None, lang)
            else:
                path = write_all_reports(ws, None, lang, progress=job.progress)
        job.progress(max(job.total, 1), max(job.total, 1), "")
        return {"file": Path(path).name}

    return work


@guarded("build_reports")
async def build(request: Request) -> Response:
    """Start building a report (or all of them) in the background."""
    w = web(request)
    user = current_user(request)
    form = await posted_form(request)
    what = form.get("what", "project")
    lang = form.get("lang", "") or w.lang(request)
    project = form.get("project", "").strip()
    # the account's rights first: a refused request learns nothing about what else was wrong
    if what == "project" and project and not user.sees(project):
        raise NotAllowed("report of a project not yours")
    if what in ("programme", "all"):
        require(request, "build_programme")
    if what not in ("project", "programme", "all"):
        raise UserError(f"unknown report {what!r}")
    if lang not in LANGS:
        raise UserError(f"unknown language {lang!r}")
    if what == "project" and not project:
        raise UserError(w_t(request, "web_choose_project"))
    label = project if what == "project" else w_t(request, f"web_report_{what}")
    audit(request, "report_built", {"report": label, "lang": lang})
    job = w.jobs.submit(
        "report", label, _report_work(w.root, what, project, lang), owner=user.username
    )
    return redirect(f"/jobs/{job.id}")


@guarded("read_reports")
async def report_file(request: Request) -> Response:
    """A report file from the workspace's report folder (nothing outside it)."""
    w = web(request)
    name = request.path_params["name"]
    if not may_read(current_user(request), name):
        raise NotAllowed(f"report {name}")
    folder = reports_dir(w.root).resolve()
    path = (folder / name).resolve()
    if path.parent != folder or not path.is_file() or path.suffix not in REPORT_SUFFIXES:
        raise UserError(w_t(request, "web_no_report", name=name))
    media = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    disposition = "inline" if path.suffix in INLINE_SUFFIXES else "attachment"
    if disposition == "attachment":
        audit(request, "download", {"file": path.name})
    return FileResponse(path, media_type=media, content_disposition_type=disposition)


@guarded("read_reports")
async def report_asset(request: Request) -> Response:
    """plotly.min.js beside the reports of ``report --all``."""
    folder = reports_dir(web(request).root).resolve()
    path = folder / "plotly.min.js"
    if not path.is_file():
        return Response("not found", status_code=404)
    return FileResponse(path, media_type="text/javascript")


ROUTES = [
    Route("/reports", reports_page),
    Route("/reports/build", build, methods=["POST"]),
    Route("/reports/files/plotly.min.js", report_asset),
    Route("/reports/files/{name:str}", report_file),
]
