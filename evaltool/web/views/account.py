"""Logging in and out, and the audit log."""

from __future__ import annotations

import json
import secrets

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from evaltool.access.accounts import authenticate
from evaltool.store import users as accounts
from evaltool.web.app import posted_form, redirect, web
from evaltool.web.auth import USER_KEY, client_address, guarded
from evaltool.web.security import CSRF_KEY
from evaltool.web.views.workspace import w_t


def _safe_next(target: str | None) -> str:
    target = target or "/"
    return target if target.startswith("/") and not target.startswith("//") else "/"


async def login_page(request: Request) -> Response:
    """The login form."""
    w = web(request)
    return w.render(request, "login.html.j2", next=_safe_next(request.query_params.get("next")))


async def login(request: Request) -> Response:
    """Check the name and password (throttled), start the session, log it."""
    w = web(request)
    form = await posted_form(request)
    name = form.get("username", "").strip()[:64]
    address = client_address(request)
    throttle = w.throttle
    with w.workspace() as ws:
        if throttle.blocked(name, address):
            accounts.log_action(ws, name or "?", "login_throttled", {"address": address})
            return w.render(
                request,
                "login.html.j2",
                status_code=429,
                next=_safe_next(form.get("next")),
                error=w_t(request, "web_login_throttled"),
            )
        user = authenticate(ws, name, form.get("password", ""))
        if user is None:
            throttle.failed(name, address)
            accounts.log_action(ws, name or "?", "login_failed", {"address": address})
            return w.render(
                request,
                "login.html.j2",
                status_code=401,
                next=_safe_next(form.get("next")),
                error=w_t(request, "web_login_failed"),
            )
        throttle.succeeded(name)
        record = accounts.find_user(ws, user.username)
        accounts.log_action(ws, user.username, "login", {"address": address})
    request.session.clear()  # a new session: a token fixed before the login is worthless
    request.session[USER_KEY] = record["id"]
    request.session[CSRF_KEY] = secrets.token_urlsafe(32)
    return redirect(_safe_next(form.get("next")))


async def logout(request: Request) -> Response:
    """End the session."""
    await posted_form(request)
    request.session.clear()
    return redirect("/login")


@guarded("audit")
async def audit_page(request: Request) -> Response:
    """The audit log, newest first."""
    w = web(request)
    with w.workspace() as ws:
        rows = accounts.audit_log(ws, 500).to_dict("records")
    for row in rows:
        detail = json.loads(row["detail"] or "{}")
        row["detail"] = ", ".join(f"{k}: {v}" for k, v in detail.items())
    return w.render(request, "audit.html.j2", rows=rows)


ROUTES = [
    Route("/login", login_page),
    Route("/login", login, methods=["POST"]),
    Route("/logout", logout, methods=["POST"]),
    Route("/audit", audit_page),
]
