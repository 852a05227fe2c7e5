"""``evaltool serve``: the browser workspace on this computer."""

from __future__ import annotations

import os
import socket
import threading
import webbrowser
from pathlib import Path

import click

from evaltool.cli.app import main
from evaltool.errors import UserError

#: The demo workspace ``serve`` opens when no workspace is given or found.
DEMO_DIR = Path("evaltool-demo")


def _workspace_to_serve(workspace: Path | None) -> Path:
    """-w, else $EVALTOOL_WORKSPACE, else the current folder if it is a workspace, else the
    demo workspace (built on first use)."""
    from evaltool.store.workspace import is_workspace_dir

    if workspace is not None:
        return workspace
    if os.environ.get("EVALTOOL_WORKSPACE"):
        return Path(os.environ["EVALTOOL_WORKSPACE"])
    if is_workspace_dir(Path(".")):
        return Path(".")
    if not is_workspace_dir(DEMO_DIR):
        from evaltool.demo import build_demo

        click.echo(f"No workspace here: building the demo workspace in {DEMO_DIR} …", err=True)
        build_demo(DEMO_DIR, progress=True)
    click.echo(f"Serving the demo workspace {DEMO_DIR} (give -w for your own)", err=True)
    return DEMO_DIR


def _check_port(host: str, port: int) -> None:
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET) as probe:
        try:
            probe.bind((host.strip("[]"), port))
        except OSError as exc:
            raise UserError(f"port {port} on {host} cannot be used ({exc.strerror}); try --port")


@main.command()
@click.option(
    "-w",
    "--workspace",
    type=click.Path(file_okay=False, path_type=Path),
    default=None,
    help="Workspace folder (default: $EVALTOOL_WORKSPACE, the current folder if it is one, "
    "else the demo workspace ./evaltool-demo, built on first use).",
)
@click.option("--port", type=click.IntRange(1, 65535), default=8765, show_default=True)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on: 127.0.0.1 (this computer); another address (0.0.0.0) only "
    "for a team workspace (PostgreSQL and an admin account), behind a reverse proxy with TLS.",
)
@click.option(
    "--allowed-host",
    "allowed_hosts",
    multiple=True,
    help="Team mode: the public host name the reverse proxy forwards (repeatable).",
)
@click.option("--no-browser", is_flag=True, help="Do not open the browser.")
@click.option(
    "--max-upload-mb",
    type=click.IntRange(1, 10_000),
    default=200,
    show_default=True,
    help="Largest file that can be uploaded, megabytes.",
)
def serve(workspace, port, host, allowed_hosts, no_browser, max_upload_mb) -> None:
    """Open the browser workspace: import files and fix their mapping, see outcomes and
    cooperation, build and download reports."""
    import logging

    import uvicorn

    from evaltool.web.app import create_app
    from evaltool.web.security import check_bind_host, is_loopback

    root = _workspace_to_serve(workspace)
    # served beyond this computer: another address, or a proxy forwarding a public name
    exposed = not is_loopback(host) or bool(allowed_hosts)
    check_bind_host(host if not allowed_hosts else allowed_hosts[0], root)
    public = exposed
    app = create_app(
        root, upload_limit_mb=max_upload_mb, public=public, allowed_hosts=tuple(allowed_hosts)
    )
    _check_port(host, port)
    shown = f"[{host}]" if ":" in host else host
    url = f"http://{shown}:{port}/"
    log_file = root / "logs" / "web.log"
    log_file.parent.mkdir(mode=0o700, exist_ok=True)
    handler = logging.FileHandler(log_file, encoding="utf-8")
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    logging.getLogger("evaltool.web").addHandler(handler)
    click.echo(f"evaltool workspace {root} at {url} (Ctrl+C stops)")
    if not no_browser and not public:
        threading.Timer(0.8, webbrowser.open, args=(url,)).start()
    uvicorn.run(app, host=host.strip("[]"), port=port, log_level="warning", access_log=False)
