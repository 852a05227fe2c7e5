"""What keeps the local web workspace safe even on 127.0.0.1.

- **Hosts**: requests must name a loopback host (``127.0.0.1``, ``localhost``, ``[::1]``),
  which stops DNS-rebinding pages from reaching the server; :func:`check_bind_host` refuses
  to listen on any other address.
- **CSRF**: every state-changing request (POST) carries the session's token, as the form
  field ``csrf_token`` or the header ``X-CSRF-Token``, compared in constant time; a request
  whose ``Origin`` names another site is refused as well. The token lives in the signed
  session cookie (``SameSite=Strict``, ``HttpOnly``).
- **Upload size**: :class:`BodyLimit` stops reading a request body at the limit and answers
  413 with a message, so an oversized upload never fills the disk or memory.
"""

from __future__ import annotations

import ipaddress
import secrets
from urllib.parse import urlsplit

from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from evaltool.errors import UserError

#: Host names the server answers to.
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1", "[::1]")
#: Session key of the CSRF token.
CSRF_KEY = "csrf"
#: Form field and header carrying the token.
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this computer only (``localhost`` or a loopback address)."""
    name = host.strip("[]")
    if name == "localhost":
        return True
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return False


def team_mode_configured(workspace) -> bool:
    """Whether the workspace folder ``workspace`` may be served beyond this computer: its
    store is a database server (PostgreSQL) and it has at least one enabled admin."""
    from evaltool.store.users import count_admins
    from evaltool.store.workspace import Workspace

    with Workspace.open(workspace) as ws:
        return bool(ws.is_server_database) and count_admins(ws) >= 1


def check_bind_host(host: str, workspace=None) -> None:
    """Refuse to serve ``host`` (an address to listen on, or a public name a proxy forwards)
    unless it is a loopback address or team mode is configured.

    Raises
    ------
    UserError
        For another address when the workspace is not a team workspace: a PostgreSQL
        store (``evaltool init DIR --database …`` or ``evaltool workspace copy``) with at
        least one admin account (``evaltool users add … --role admin``).
    """
    if is_loopback(host):
        return
    if workspace is not None and team_mode_configured(workspace):
        return
    raise UserError(
        f"{host}: a local workspace is served on this computer only (127.0.0.1); "
        "serving it to other computers needs the team mode: a PostgreSQL workspace "
        "(evaltool init DIR --database postgresql://…, or evaltool workspace copy) with at "
        "least one admin account (evaltool users add NAME --role admin)"
    )


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use)."""
    token = request.session.get(CSRF_KEY)
    if not token:
        token = secrets.token_urlsafe(32)
        request.session[CSRF_KEY] = token
    return token


class CSRFRefused(Exception):
    """A state-changing request without the session's token or from another site."""


def check_csrf(request: Request, form_token: str | None) -> None:
    """Raise :class:`CSRFRefused` unless the request carries the session's token and comes
    from this site."""
    origin = request.headers.get("origin")
    if origin and origin != "null":
        parts = urlsplit(origin)
        if parts.netloc != request.headers.get("host", ""):
            raise CSRFRefused("the request came from another site")
    expected = request.session.get(CSRF_KEY)
    given = form_token or request.headers.get(CSRF_HEADER) or ""
    if not expected or not secrets.compare_digest(str(expected), str(given)):
        raise CSRFRefused("the form's security token is missing or out of date")


class BodyLimit:
    """ASGI middleware: a request body over ``limit`` bytes is answered with 413."""

    def __init__(self, app: ASGIApp, limit: int):
        self.app = app
        self.limit = int(limit)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None and declared.isdigit() and int(declared) > self.limit:
            await self._refuse(send)
            return
        seen = 0
        started = False

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        async def tracked_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, counted, tracked_send)
        except _TooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send: Send) -> None:
        mb = self.limit // 1_000_000
        body = (
            "<!doctype html><meta charset=utf-8><title>413</title><main><h1>413</h1>"
            f"<p>The file is larger than the upload limit ({mb} MB). "
            f"Tiedosto on suurempi kuin latausraja ({mb} Mt).</p></main>"
        ).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"text/html; charset=utf-8"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


__all__ = [
    "BodyLimit",
    "CSRFRefused",
    "LOOPBACK_HOSTS",
    "UserError",
    "check_bind_host",
    "check_csrf",
    "csrf_token",
]
