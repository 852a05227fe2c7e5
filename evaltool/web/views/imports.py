"""Uploading, inspecting, mapping and importing files; deleting an import.

A client questionnaire is shown before anything is stored exactly as ``evaltool inspect``
sees it — layout and confidence, header rows, respondents, every column with where it went
and why — and every choice the user makes (layout, instrument, sheet, project and wave or
their columns, any column's target) is applied to that preview at once. The import itself
runs in the background through the same library call as ``evaltool import clients``, with a
mapping file written from the user's choices; the mapping can be downloaded for the next wave.
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

from starlette.requests import Request
from starlette.responses import HTMLResponse, Response
from starlette.routing import Route

from evaltool.errors import UserError
from evaltool.report.i18n import fmt_num, has_string
from evaltool.web.app import flash, posted_form, redirect, web
from evaltool.web.auth import NotAllowed, NotFound, audit, current_user, guarded, require
from evaltool.web.security import CSRF_FIELD, check_csrf
from evaltool.web.uploads import KINDS, Upload
from evaltool.web.views.workspace import w_t

#: The client-import choices a form may set (names of ClientImportOptions).
CLIENT_CHOICES = (
    "instrument",
    "layout",
    "sheet",
    "project",
    "project_column",
    "wave",
    "wave_column",
    "id_column",
    "date_column",
    "rule",
)
#: Yes/no client-import choices.
CLIENT_FLAGS = ("complete_only", "replace", "force", "new_project", "anonymous")
#: Partner-round choices.
PARTNER_CHOICES = ("round_label", "survey", "layout", "sheet", "org_column")
_TARGET = re.compile(r"^target_([A-Z]{1,3})$")
#: The name of the roster file kept beside a partner-survey upload.
ROSTER_PREFIX = "roster-"


async def _stream(part):
    while chunk := await part.read(1 << 20):
        yield chunk


async def _save(w, part, kind: str, limit: int) -> Upload:
    chunks = []
    async for chunk in _stream(part):
        chunks.append(chunk)
    return w.uploads.save(part.filename or "upload", chunks, kind, limit=limit)


#: Kinds of import that hold programme-wide data (not one project's).
PROGRAMME_KINDS = ("partners", "projects")


def _kinds(user) -> tuple[str, ...]:
    return tuple(k for k in KINDS if k not in PROGRAMME_KINDS or user.may("import_programme"))


def _no_upload(request: Request) -> NotFound:
    """An upload that is not there, or is another account's: the same answer for both."""
    return NotFound(w_t(request, "web_no_upload"))


def _upload_of(request: Request) -> Upload:
    """The upload of the path, if the account may use it (its own, or any for evaluators);
    :class:`NotFound` otherwise, the same answer as for an upload that does not exist."""
    user = require(request, "import")
    try:
        upload = web(request).uploads.get(request.path_params["upload_id"])
    except UserError:
        raise _no_upload(request) from None
    if not (user.all_projects or upload.choices.get("owner") == user.username):
        raise _no_upload(request)
    return upload


@guarded("import")
async def upload_page(request: Request) -> Response:
    """The upload form and the files waiting to be imported."""
    w = web(request)
    user = current_user(request)
    mine = [
        u for u in w.uploads.all() if user.all_projects or u.choices.get("owner") == user.username
    ]
    return w.render(request, "upload.html.j2", uploads=mine, kinds=_kinds(user))


@guarded("import")
async def upload(request: Request) -> Response:
    """Store the uploaded file(s) and open the first one's import page."""
    w = web(request)
    user = current_user(request)
    form = await request.form(max_files=50)
    check_csrf(request, form.get(CSRF_FIELD))
    kind = str(form.get("kind") or "clients")
    if kind in PROGRAMME_KINDS and not user.may("import_programme"):
        raise NotAllowed("import_programme")
    files = [f for f in form.getlist("files") if hasattr(f, "read") and f.filename]
    if not files:
        raise UserError(w_t(request, "web_no_file"))
    saved = [await _save(w, f, kind, w.config.upload_limit) for f in files]
    for up in saved:
        w.uploads.set_choices(up, {**up.choices, "owner": user.username})
    roster = form.get("roster")
    if kind == "partners" and hasattr(roster, "read") and roster.filename:
        data = b"".join([c async for c in _stream(roster)])
        for up in saved:
            name = ROSTER_PREFIX + up.stored_name.split(".")[0] + Path(roster.filename).suffix
            (up.folder / name).write_bytes(data)
            w.uploads.set_choices(up, {**up.choices, "roster": name})
    if len(saved) > 1:
        flash(request, w_t(request, "web_uploaded_n", n=len(saved)))
        return redirect("/import")
    return redirect(f"/import/{saved[0].id}")


def _instrument_choices(ws) -> list[str]:
    from evaltool.instruments import builtin_names

    names = [n for n in builtin_names() if n != "partner-survey"]
    return names + [n for n in ws.instrument_names() if n not in names]


def client_options(upload: Upload, inspected: str | None = None) -> dict:
    """The library's options for importing the upload, from the user's choices
    (``inspected``: the instrument the inspection placed the columns on, used when the user
    left the instrument to be recognised)."""
    from evaltool.imports.clients import ClientImportOptions

    known = {f.name for f in dataclasses.fields(ClientImportOptions)}
    ch = upload.choices
    opts = {k: ch[k] for k in CLIENT_CHOICES if ch.get(k) not in (None, "") and k in known}
    opts.update({k: True for k in CLIENT_FLAGS if ch.get(k) and k in known})
    if inspected and not opts.get("instrument"):
        opts["instrument"] = inspected
    return opts


#: Name of a saved mapping file the user gave for an upload, kept in its folder.
MAPPING_NAME = "saved-mapping.toml"


def _saved_mapping(upload: Upload):
    """The mapping file the user gave for this upload (an empty mapping when none)."""
    from evaltool.mapping.mapping_file import load_mapping

    if not upload.choices.get("mapping_file"):
        return load_mapping(None)
    return load_mapping(upload.folder / MAPPING_NAME)


def column_mapping(upload: Upload) -> dict[str, str]:
    """Header or column letter → target: the saved mapping file's columns with the targets
    chosen in the page on top (a choice for a column replaces the file's entry for it)."""
    saved = _saved_mapping(upload).columns
    targets = upload.choices.get("targets") or {}
    if not saved:
        return dict(targets)
    from evaltool.imports.inspection import inspect_file

    plain = inspect_file(upload.path, sheet=upload.choices.get("sheet") or None)
    header_of = {c["column"]: c["header"] for c in plain["columns"]}
    merged = {k: v for k, v in saved.items() if k not in {header_of.get(x) for x in targets}}
    merged.update(targets)
    return merged


def inspect_upload(upload: Upload) -> dict:
    """What the importer sees in the upload under the user's choices."""
    from evaltool.imports.inspection import inspect_file

    ch = upload.choices
    saved = _saved_mapping(upload)
    return inspect_file(
        upload.path,
        sheet=ch.get("sheet") or None,
        layout=ch.get("layout") or saved.options.get("layout") or None,
        instrument=ch.get("instrument") or None,
        mapping=column_mapping(upload) or None,
    )


def _targets(info: dict, lang: str) -> list[tuple[str, str]]:
    """The targets a column can be given: its instrument's items and fields, then skip."""
    from evaltool.imports.clients import BACKGROUND_FIELDS
    from evaltool.instruments import load_instrument

    out: list[tuple[str, str]] = []
    if info.get("instrument"):
        inst = load_instrument(info["instrument"])
        for item in inst.items:
            label = item.labels.get(lang) or next(iter(item.labels.values()), "")
            out.append((item.code, f"{item.code} – {label[:60]}"))
        fields = [f.name for f in inst.fields] or list(BACKGROUND_FIELDS)
    else:
        fields = list(BACKGROUND_FIELDS)
    out += [(name, name) for name in dict.fromkeys(fields)]
    seen = {code for code, _ in out}
    for col in info["columns"]:
        m = col.get("maps_to")
        if m and m not in seen and m != "skip":
            out.append((m, m))
            seen.add(m)
    return out


def _choices_from_form(form: dict, upload: Upload, info_columns: set[str] | None) -> dict:
    ch = dict(upload.choices)
    names = CLIENT_CHOICES + PARTNER_CHOICES
    for key in names:
        if key in form:
            ch[key] = form[key].strip()
    for flag in CLIENT_FLAGS:
        ch[flag] = form.get(flag) == "on"
    targets = dict(ch.get("targets") or {})
    for key, value in form.items():
        m = _TARGET.match(key)
        if not m:
            continue
        letter = m.group(1)
        if info_columns is not None and letter not in info_columns:
            raise UserError(f"no column {letter} in the file")
        if value == "":
            targets.pop(letter, None)
        elif re.fullmatch(r"[\w:.\-]{1,80}", value):
            targets[letter] = value
        else:
            raise UserError(f"column {letter}: {value!r} is not a target")
    ch["targets"] = targets
    return ch


def _page_context(request: Request, upload: Upload) -> dict:
    w = web(request)
    lang = w.lang(request)
    context: dict = {"upload": upload, "choices": upload.choices}
    with w.workspace() as ws:
        context["projects"] = ws.projects_seen()
        context["instruments"] = _instrument_choices(ws)
        context["rounds"] = ws.partner_rounds()
    if upload.kind != "clients":
        return context
    try:
        info = inspect_upload(upload)
    except UserError as exc:
        context["inspect_error"] = str(exc)
        return context
    context.update(info=info, targets=_targets(info, lang))
    return context


@guarded("import")
async def import_page(request: Request) -> Response:
    """An upload's import page: the inspection and the choices (clients), or the options of
    a partner round or the register."""
    w = web(request)
    upload = _upload_of(request)
    return w.render(request, "import.html.j2", **_page_context(request, upload))


async def _apply(request: Request) -> tuple[Upload, dict]:
    w = web(request)
    upload = _upload_of(request)
    form = await posted_form(request)
    letters = None
    if upload.kind == "clients" and any(_TARGET.match(k) for k in form):
        try:
            letters = {c["column"] for c in inspect_upload(upload)["columns"]}
        except UserError:
            letters = None
    upload = w.uploads.set_choices(upload, _choices_from_form(form, upload, letters))
    return upload, form


@guarded("import")
async def preview(request: Request) -> Response:
    """Save the choices and answer with the inspection part of the page (the page's script
    swaps it in)."""
    w = web(request)
    upload, _ = await _apply(request)
    html = w.env.get_template("inspection.html.j2").render(
        **_page_context(request, upload),
        t=lambda key, **kw: w_t(request, key, **kw),
        tx=lambda key, default: w_t(request, key) if has_string(key) else default,
        num=lambda x, d=1: fmt_num(x, w.lang(request), d),
        lang=w.lang(request),
    )
    return HTMLResponse(html)


@guarded("import")
async def save_choices(request: Request) -> Response:
    """Save the choices (the page without its script) and show the page again."""
    upload, _ = await _apply(request)
    return redirect(f"/import/{upload.id}")


@guarded("import")
async def mapping_file(request: Request) -> Response:
    """The user's mapping as a mapping file (TOML) to reuse for the next wave."""
    from evaltool.imports.inspection import mapping_toml

    upload = _upload_of(request)
    text = mapping_toml(inspect_upload(upload))  # every placed column, to edit and reuse
    stem = re.sub(r"[^\w.-]+", "_", Path(upload.stored_name).stem)[:80]
    return Response(
        text,
        media_type="application/toml",
        headers={"content-disposition": f'attachment; filename="{stem}.mapping.toml"'},
    )


def _client_work(root: Path, upload: Upload, mapping_path: Path, instrument: str | None):
    from evaltool.imports.clients import ClientImportOptions, import_clients
    from evaltool.store.workspace import Workspace

    opts = ClientImportOptions(**client_options(upload, instrument), mapping=mapping_path)

    def work(job) -> dict:
        job.progress(0, 1, upload.name)
        with Workspace.open(root) as ws:
            result = import_clients(ws, [upload.path], opts)
        job.progress(1, 1, upload.name)
        return _result_record(result, job)

    return work


def _result_record(result, job) -> dict:
    job.issues = [issue.to_record() for issue in result.report.issues]
    return {
        "summary": result.summary(),
        "import_ids": [f.import_id for f in result.files if f.import_id is not None],
        "rows_stored": sum(f.rows_stored for f in result.files),
    }


def _partner_work(root: Path, upload: Upload):
    from evaltool.imports.partners import import_partners
    from evaltool.store.workspace import Workspace

    ch = upload.choices
    if not ch.get("round_label"):
        raise UserError("give the round's name (e.g. 'syksy 2024')")
    roster = upload.folder / ch["roster"] if ch.get("roster") else None

    def work(job) -> dict:
        job.progress(0, 1, upload.name)
        with Workspace.open(root) as ws:
            result = import_partners(
                ws,
                upload.path,
                ch["round_label"],
                roster=roster,
                survey=ch.get("survey") or None,
                layout=ch.get("layout") or None,
                sheet=ch.get("sheet") or None,
                replace=bool(ch.get("replace")),
                org_column=ch.get("org_column") or None,
            )
        job.progress(1, 1, upload.name)
        return _result_record(result, job)

    return work


def _register_work(root: Path, upload: Upload):
    from evaltool.imports.register import import_projects
    from evaltool.store.workspace import Workspace

    ch = upload.choices

    def work(job) -> dict:
        with Workspace.open(root) as ws:
            result = import_projects(
                ws, upload.path, replace=bool(ch.get("replace")), sheet=ch.get("sheet") or None
            )
        return _result_record(result, job)

    return work


def overrides_toml(upload: Upload) -> str:
    """The mapping file the import uses: the saved mapping's options and "don't know"
    answers, and :func:`column_mapping` (every other column is placed by the importer as the
    preview showed)."""
    import json

    saved = _saved_mapping(upload)
    lines = ["# Column targets chosen in the browser workspace", "[options]"]
    lines += [f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in saved.options.items()]
    if saved.dont_know:
        lines.insert(1, f"dont_know = {json.dumps(saved.dont_know, ensure_ascii=False)}")
    lines.append("[columns]")
    for key, target in column_mapping(upload).items():
        lines.append(f"{json.dumps(key, ensure_ascii=False)} = {json.dumps(target)}")
    return "\n".join(lines) + "\n"


@guarded("import")
async def use_mapping(request: Request) -> Response:
    """Apply a saved mapping file (from ``Save the column mapping`` or ``evaltool inspect
    --write-mapping``) to the upload; the preview shows its effect."""
    from evaltool.mapping.mapping_file import load_mapping

    w = web(request)
    upload = _upload_of(request)
    form = await request.form(max_files=1)
    check_csrf(request, form.get(CSRF_FIELD))
    part = form.get("mapping")
    if not hasattr(part, "read") or not part.filename:
        raise UserError(w_t(request, "web_no_file"))
    data = await part.read(1_000_001)
    if len(data) > 1_000_000:
        raise UserError(f"{part.filename}: a mapping file is at most 1 MB")
    target = upload.folder / MAPPING_NAME
    target.write_bytes(data)
    try:
        load_mapping(target)
    except UserError as exc:
        target.unlink()
        raise UserError(str(exc).replace(str(target), part.filename))
    choices = {**upload.choices, "mapping_file": part.filename, "targets": {}}
    w.uploads.set_choices(upload, choices)
    flash(request, w_t(request, "web_mapping_applied", name=part.filename))
    return redirect(f"/import/{upload.id}")


def _participant_work(root: Path, upload: Upload):
    from evaltool.imports.participants import import_participants
    from evaltool.store.workspace import Workspace

    ch = upload.choices

    def work(job) -> dict:
        with Workspace.open(root) as ws:
            result = import_participants(
                ws,
                upload.path,
                project=ch.get("project") or None,
                sheet=ch.get("sheet") or None,
                replace=bool(ch.get("replace")),
            )
        return _result_record(result, job)

    return work


def _check_import_scope(user, upload: Upload) -> None:
    """Project staff import one project of theirs at a time, named in the page."""
    if upload.kind in PROGRAMME_KINDS and not user.may("import_programme"):
        raise NotAllowed("import_programme")
    if user.all_projects:
        return
    project = upload.choices.get("project") or ""
    if upload.choices.get("project_column") or not project or not user.sees(project):
        raise NotAllowed("import into a project not yours")


@guarded("import")
async def run(request: Request) -> Response:
    """Start the import in the background and show its progress."""
    from evaltool.store import users as accounts
    from evaltool.store.workspace import Workspace

    w = web(request)
    user = current_user(request)
    upload, _ = await _apply(request)
    _check_import_scope(user, upload)
    if upload.kind == "clients":
        mapping_path = upload.folder / "mapping.toml"
        info = inspect_upload(upload)
        mapping_path.write_text(overrides_toml(upload), encoding="utf-8")
        work = _client_work(w.root, upload, mapping_path, info.get("instrument"))
    elif upload.kind == "partners":
        work = _partner_work(w.root, upload)
    elif upload.kind == "participants":
        work = _participant_work(w.root, upload)
    else:
        work = _register_work(w.root, upload)

    def work_then_forget(job) -> dict:
        result = work(job)
        w.uploads.remove(upload.id)  # stored: the raw file with its identifiers goes
        return result

    def audited(job) -> dict:
        result = work_then_forget(job)
        with Workspace.open(w.root) as ws:
            accounts.log_action(ws, user.username, "import", {
                "file": upload.name, "kind": upload.kind, "imports": result.get("import_ids")
            })  # fmt: skip
        return result

    job = w.jobs.submit("import", upload.name, audited, owner=user.username)
    return redirect(f"/jobs/{job.id}", upload=upload.id)


@guarded("import")
async def discard(request: Request) -> Response:
    """Remove an upload without importing it."""
    w = web(request)
    upload = _upload_of(request)
    await posted_form(request)
    w.uploads.remove(upload.id)
    flash(request, w_t(request, "web_upload_discarded", name=upload.name))
    return redirect("/import")


def _deletable(request: Request, ws):
    """What the import of the path holds, if the account may delete it."""
    from evaltool.imports.deletion import describe_import

    user = require(request, "delete_import")
    what = describe_import(ws, int(request.path_params["import_id"]))
    if what.kind in PROGRAMME_KINDS and not user.may("import_programme"):
        raise NotAllowed("delete a programme-wide import")
    if not user.all_projects and not (what.projects and all(user.sees(p) for p in what.projects)):
        raise NotAllowed("delete an import of a project not yours")
    return what


@guarded("delete_import")
async def delete_page(request: Request) -> Response:
    """What deleting an import removes, and the confirmation."""
    w = web(request)
    with w.workspace() as ws:
        what = _deletable(request, ws)
    return w.render(request, "delete.html.j2", what=what)


@guarded("delete_import")
async def delete(request: Request) -> Response:
    """Delete the import (everything it stored), logged in the workspace."""
    from evaltool.imports.deletion import delete_import

    w = web(request)
    user = current_user(request)
    form = await posted_form(request)
    with w.workspace() as ws:
        _deletable(request, ws)
        if form.get("confirm") != "yes":
            raise UserError(w_t(request, "web_delete_unconfirmed"))
        gone = delete_import(ws, int(request.path_params["import_id"]), deleted_by=user.username)
    audit(request, "import_deleted", {"import": gone.import_id, "file": gone.source_name})
    flash(request, w_t(request, "web_deleted", id=gone.import_id, n=gone.n_responses))
    return redirect("/")


ROUTES = [
    Route("/import", upload_page),
    Route("/import", upload, methods=["POST"]),
    Route("/import/{upload_id:str}", import_page),
    Route("/import/{upload_id:str}/preview", preview, methods=["POST"]),
    Route("/import/{upload_id:str}/choices", save_choices, methods=["POST"]),
    Route("/import/{upload_id:str}/mapping.toml", mapping_file),
    Route("/import/{upload_id:str}/run", run, methods=["POST"]),
    Route("/import/{upload_id:str}/mapping", use_mapping, methods=["POST"]),
    Route("/import/{upload_id:str}/discard", discard, methods=["POST"]),
    Route("/imports/{import_id:int}/delete", delete_page),
    Route("/imports/{import_id:int}/delete", delete, methods=["POST"]),
]
