"""A web workspace served on a free local port in a background thread, for the browser tests."""

from __future__ import annotations

import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from evaltool.report.documents import CHROMIUM_ARGS
from evaltool.web.app import create_app

CHROMIUM = Path("/usr/bin/chromium")
ARGS = list(CHROMIUM_ARGS)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def serving(workspace: Path, **options):
    """Serve ``workspace``; yields the base URL."""
    with serving_app(create_app(workspace, **options)) as url:
        yield url


@contextmanager
def serving_app(app):
    """Serve the application ``app`` (made by :func:`create_app`); yields the base URL."""
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the web workspace did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
