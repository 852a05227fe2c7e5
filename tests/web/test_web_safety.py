"""What keeps the web workspace safe: loopback only, safe upload names and folders, the upload
limit, no stack trace on an error, and `evaltool serve` refusing another host."""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request

import pytest
from click.testing import CliRunner
from web_server import serving

from evaltool.cli import main
from evaltool.errors import UserError
from evaltool.store.workspace import Workspace
from evaltool.web.security import check_bind_host
from evaltool.web.uploads import UploadStore, safe_name


@pytest.mark.parametrize(
    "name, safe",
    [
        ("../../etc/passwd", "passwd"),
        ("..\\..\\boot.ini", "boot.ini"),
        ("kysely\x1b]0;x\x07.xlsx", "kysely_0_x_.xlsx"),
        ("..", "upload"),
        (".bashrc", "bashrc"),
    ],
)
def test_upload_names_are_safe(name, safe):
    assert safe_name(name) == safe


def test_long_upload_names_are_bounded():
    assert len(safe_name("a" * 500 + ".csv")) == 120
    assert safe_name("a" * 500 + ".csv").endswith(".csv")


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"])
def test_loopback_hosts_are_served(host):
    check_bind_host(host)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.org", "::"])
def test_other_hosts_are_refused(host):
    with pytest.raises(UserError, match="team mode"):
        check_bind_host(host)


def test_serve_refuses_another_host_with_exit_2(tmp_path):
    Workspace.init(tmp_path / "ws").close()
    result = CliRunner().invoke(
        main, ["serve", "-w", str(tmp_path / "ws"), "--host", "0.0.0.0", "--no-browser"]
    )
    assert result.exit_code == 2
    assert "127.0.0.1" in result.output and "Traceback" not in result.output


def test_uploads_stay_in_the_workspace_and_private(tmp_path):
    store = UploadStore(tmp_path)
    up = store.save("../x.csv", [b"a;b\n", b"1;2\n"], "clients")
    assert up.path.parent.parent == tmp_path / ".uploads"
    assert up.path.read_bytes() == b"a;b\n1;2\n"
    assert (up.path.stat().st_mode & 0o777) == 0o600
    assert (up.path.parent.stat().st_mode & 0o777) == 0o700
    for bad in ("../../etc", "0123", up.id + "/..", "../" + up.id):
        with pytest.raises(UserError):
            store.get(bad)
    store.remove(up.id)
    assert not up.path.parent.exists()


def test_an_upload_over_the_limit_keeps_nothing(tmp_path):
    store = UploadStore(tmp_path)
    with pytest.raises(UserError, match="upload limit"):
        store.save("big.csv", [b"x" * 600, b"x" * 600], "clients", limit=1000)
    assert list((tmp_path / ".uploads").iterdir()) == []


def test_server_refuses_big_bodies_foreign_hosts_and_hides_errors(tmp_path):
    root = tmp_path / "ws"
    Workspace.init(root).close()
    with serving(root, upload_limit_mb=1) as url:
        # The server answers from the declared length, before the body is sent; a client
        # that kept sending would meet a closed socket, so send the headers only.
        host, port = url.removeprefix("http://").split(":")
        connection = http.client.HTTPConnection(host, int(port), timeout=15)
        connection.putrequest("POST", "/import")
        connection.putheader("Content-Length", "1500000")
        connection.putheader("Content-Type", "application/octet-stream")
        connection.endheaders()
        refused = connection.getresponse()
        assert refused.status == 413
        assert "upload limit" in refused.read().decode()
        connection.close()
        rebinding = urllib.request.Request(f"{url}/", headers={"Host": "evil.example"})
        with pytest.raises(urllib.error.HTTPError) as foreign:
            urllib.request.urlopen(rebinding)
        assert foreign.value.code == 400
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"{url}/import/0123456789abcdef")
        body = missing.value.read().decode()
        assert missing.value.code == 404 and "Traceback" not in body
        page = urllib.request.urlopen(f"{url}/").read().decode()
        assert 'name="csrf-token"' in page and "<h1>" in page
