"""The web application: routes, page rendering, sessions, errors.

:func:`create_app` builds a Starlette application over one workspace folder. Pages are
rendered on the server from Jinja2 templates (autoescaped: every open answer, name and header
is shown as text); the few scripts and the style sheet are files of this package, plotly.js
comes from the plotly package; nothing is fetched from the internet. Every page calls the
same library functions as the command line — the web adds no statistics of its own.
"""

from __future__ import annotations

import logging
import secrets
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

from jinja2 import Environment, FileSystemLoader, select_autoescape
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, RedirectResponse, Response
from starlette.routing import Route

from evaltool.access.accounts import LoginThrottle
from evaltool.errors import NotAWorkspace, UserError
from evaltool.report.i18n import LANGS, fmt_num, has_string, t
from evaltool.store.workspace import Workspace
from evaltool.web.jobs import JobRunner
from evaltool.web.security import (
    CSRF_FIELD,
    LOOPBACK_HOSTS,
    BodyLimit,
    CSRFRefused,
    check_csrf,
    csrf_token,
)
from evaltool.web.uploads import UploadStore

log = logging.getLogger("evaltool.web")
HERE = Path(__file__).parent
#: Default upload limit, megabytes.
DEFAULT_UPLOAD_MB = 200
#: Session key of the interface language.
LANG_KEY = "lang"


@dataclass
class WebConfig:
    """What the application serves and how."""

    workspace: Path
    upload_limit: int = DEFAULT_UPLOAD_MB * 1_000_000
    allowed_hosts: tuple[str, ...] = LOOPBACK_HOSTS


class Web:
    """Shared state of the running application: the workspace folder, templates, uploads and
    background jobs."""

    def __init__(self, config: WebConfig):
        self.config = config
        self.root = Path(config.workspace)
        self.uploads = UploadStore(self.root)
        self.jobs = JobRunner()
        self.throttle = LoginThrottle()
        self.env = Environment(
            loader=FileSystemLoader(HERE / "templates"),
            autoescape=select_autoescape(["html", "j2"], default=True),
            trim_blocks=True,
            lstrip_blocks=True,
        )

    def workspace(self) -> Workspace:
        """The workspace, opened for one request (close it with ``with``)."""
        return Workspace.open(self.root)

    def lang(self, request: Request) -> str:
        """The interface language: the session's choice, else the workspace's setting."""
        chosen = request.session.get(LANG_KEY)
        if chosen in LANGS:
            return chosen
        try:
            with self.workspace() as ws:
                lang = ws.get_setting("lang")
        except UserError:
            lang = "fi"
        return lang if lang in LANGS else "fi"

    def render(
        self, request: Request, template: str, status_code: int = 200, **context
    ) -> HTMLResponse:
        """A page from ``template`` with the language, CSRF token and flash messages."""
        lang = self.lang(request)

        def tr(key: str, **kwargs) -> str:
            return t(key, lang, **kwargs)

        def tr_or(key: str, default: str) -> str:
            return t(key, lang) if has_string(key) else default

        flashes = request.session.pop("flash", [])
        from evaltool.web.auth import LoginRequired, current_user

        try:
            user = current_user(request)
        except LoginRequired:
            user = None
        html = self.env.get_template(template).render(
            request=request,
            lang=lang,
            langs=LANGS,
            t=tr,
            tx=tr_or,
            num=lambda x, d=1: fmt_num(x, lang, d),
            csrf_field=CSRF_FIELD,
            csrf=csrf_token(request),
            flashes=flashes,
            path=request.url.path,
            user=user,
            **context,
        )
        return HTMLResponse(html, status_code=status_code)


def flash(request: Request, message: str, kind: str = "info") -> None:
    """A message shown once on the next page."""
    request.session.setdefault("flash", []).append({"kind": kind, "text": message})


def redirect(path: str, **query) -> RedirectResponse:
    """A 303 redirect (after a POST) to ``path`` with ``query``."""
    query = {k: v for k, v in query.items() if v not in (None, "")}
    return RedirectResponse(path + (f"?{urlencode(query)}" if query else ""), status_code=303)


async def posted_form(request: Request) -> dict:
    """The submitted form (text fields only), after the CSRF check."""
    form = await request.form()
    check_csrf(request, form.get(CSRF_FIELD))
    return {k: v for k, v in form.multi_items() if isinstance(v, str)}


def web(request: Request) -> Web:
    """The application's shared state."""
    return request.app.state.web


async def _user_error(request: Request, exc: UserError) -> Response:
    w = web(request)
    return w.render(request, "error.html.j2", status_code=400, message=str(exc))


async def _csrf_refused(request: Request, exc: CSRFRefused) -> Response:
    w = web(request)
    return w.render(
        request, "error.html.j2", status_code=403, message=t("web_csrf_refused", w.lang(request))
    )


async def _not_found(request: Request, exc: UserError) -> Response:
    w = web(request)
    return w.render(request, "error.html.j2", status_code=404, message=str(exc))


async def _login_required(request: Request, exc: Exception) -> Response:
    from evaltool.web.auth import login_redirect

    return login_redirect(request)


async def _not_allowed(request: Request, exc: Exception) -> Response:
    w = web(request)
    return w.render(
        request, "error.html.j2", status_code=403, message=t("web_not_allowed", w.lang(request))
    )


async def _unexpected(request: Request, exc: Exception) -> Response:
    ref = secrets.token_hex(4)
    log.exception("%s %s failed, reference %s", request.method, request.url.path, ref)
    w = web(request)
    try:
        return w.render(
            request,
            "error.html.j2",
            status_code=500,
            message=t("web_unexpected", w.lang(request), ref=ref),
        )
    except Exception:  # the error page itself failed: plain text, still no traceback
        return HTMLResponse(f"Unexpected error (reference {ref} in the log)", status_code=500)


def routes() -> list[Route]:
    """Every route of the application."""
    from evaltool.web.views import account, imports, reports, results, workspace

    return [
        *account.ROUTES,
        *workspace.ROUTES,
        *imports.ROUTES,
        *results.ROUTES,
        *reports.ROUTES,
    ]


def create_app(
    workspace: str | Path,
    *,
    upload_limit_mb: int = DEFAULT_UPLOAD_MB,
    session_secret: str | None = None,
    public: bool = False,
    allowed_hosts: tuple[str, ...] = (),
) -> Starlette:
    """The web workspace application over the workspace folder ``workspace``.

    Parameters
    ----------
    workspace : str or Path
        An evaltool workspace folder (created with ``evaltool init`` or ``evaltool demo``).
    upload_limit_mb : int
        Largest request body, megabytes (an upload over it is refused with a message).
    session_secret : str, optional
        Key signing the session cookie (default: a new random key per start, so sessions
        end with the server).
    public : bool
        Served to other computers (team mode, behind a reverse proxy with TLS): the session
        cookie is sent over HTTPS only and ``allowed_hosts`` are answered besides loopback.
    allowed_hosts : tuple of str
        Host names the server answers to besides the loopback ones (the proxy's public name).

    Returns
    -------
    starlette.applications.Starlette

    Raises
    ------
    NotAWorkspace
        When the folder is not a workspace.
    """
    from evaltool.web.auth import LoginRequired, NotAllowed, NotFound

    root = Path(workspace)
    Workspace.open(root).close()  # a clear error now rather than on the first page
    config = WebConfig(
        root,
        upload_limit=int(upload_limit_mb) * 1_000_000,
        allowed_hosts=LOOPBACK_HOSTS + tuple(allowed_hosts),
    )
    state = Web(config)
    middleware = [
        Middleware(TrustedHostMiddleware, allowed_hosts=list(config.allowed_hosts)),
        Middleware(BodyLimit, limit=config.upload_limit),
        Middleware(
            SessionMiddleware,
            secret_key=session_secret or secrets.token_urlsafe(32),
            session_cookie="evaltool_session",
            same_site="strict",
            https_only=public,
        ),
    ]

    @asynccontextmanager
    async def lifespan(app):
        yield
        state.jobs.shutdown()

    app = Starlette(
        routes=routes(),
        middleware=middleware,
        exception_handlers={
            UserError: _user_error,
            NotAWorkspace: _user_error,
            CSRFRefused: _csrf_refused,
            LoginRequired: _login_required,
            NotAllowed: _not_allowed,
            NotFound: _not_found,
            Exception: _unexpected,
        },
        lifespan=lifespan,
    )
    app.state.web = state
    return app
