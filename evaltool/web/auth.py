"""Logins and permission checks of the browser workspace.

A workspace without accounts is served to this computer only and every request acts as the
local user (:data:`~evaltool.access.roles.LOCAL_USER`). Once the workspace has an account,
every route except the login page and the static files needs a logged-in account whose role
allows the route's action (:func:`guarded`); routes that touch a project check it as well
(:func:`require_project`). Failed logins are throttled per name and per address and, like
every login, written to the audit log.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable

from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from evaltool.access.roles import LOCAL_USER, User, project_aliases
from evaltool.errors import UserError
from evaltool.store import users as accounts

#: Session key of the logged-in account's id.
USER_KEY = "user_id"


class NotAllowed(Exception):
    """The account may not do this (answered with 403 and a message)."""


class LoginRequired(Exception):
    """No account is logged in (answered with a redirect to the login page)."""


class NotFound(UserError):
    """No such thing for this account: it does not exist, or it is another account's
    (answered with 404 and the message, the same for both, so that ids cannot be probed)."""


def current_user(request: Request) -> User:
    """The account of the request (the local user in a workspace without accounts).

    Raises
    ------
    LoginRequired
        When the workspace has accounts and nobody is logged in (or the account has gone or
        is disabled).
    """
    cached = request.scope.get("evaltool.user")
    if cached is not None:
        return cached
    w = request.app.state.web
    with w.workspace() as ws:
        if not accounts.has_users(ws):
            user = LOCAL_USER
        else:
            user_id = request.session.get(USER_KEY)
            record = accounts.user_by_id(ws, user_id) if user_id else None
            if record is None or record["disabled"]:
                request.session.pop(USER_KEY, None)
                raise LoginRequired
            projects = project_aliases(ws, record["projects"])
            user = User(record["username"], record["role"], projects)
    request.scope["evaltool.user"] = user
    return user


def require(request: Request, action: str) -> User:
    """The request's account if its role allows ``action``; :class:`NotAllowed` otherwise."""
    user = current_user(request)
    if not user.may(action):
        raise NotAllowed(action)
    return user


def require_project(request: Request, project: str | None, action: str) -> User:
    """As :func:`require`, and the account must see ``project``."""
    user = require(request, action)
    if not user.sees(project):
        raise NotAllowed(f"{action} on {project}")
    return user


def guarded(action: str) -> Callable:
    """Decorate a route: a login and the ``action`` permission are checked before it runs."""

    def wrap(endpoint: Callable[[Request], Awaitable[Response]]):
        @functools.wraps(endpoint)
        async def checked(request: Request) -> Response:
            require(request, action)
            return await endpoint(request)

        checked.action = action  # the route test reads it
        return checked

    return wrap


def audit(request: Request, action: str, detail: dict | None = None) -> None:
    """Write ``action`` by the request's account to the workspace's audit log."""
    user = current_user(request)
    w = request.app.state.web
    with w.workspace() as ws:
        accounts.log_action(ws, user.username, action, detail)


def client_address(request: Request) -> str:
    """The client's address (as the server saw it; behind a proxy, the proxy's)."""
    return request.client.host if request.client else "unknown"


def login_redirect(request: Request) -> RedirectResponse:
    """To the login page, coming back here afterwards."""
    from urllib.parse import quote

    back = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(back)}", status_code=303)
