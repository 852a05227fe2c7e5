"""Time what the browser workspace does before an import: the inspection of an uploaded
export, in this process and as the whole page over HTTP.

A 500-row WHOQOL-BREF workbook (the layout of :mod:`bench_import`) is uploaded once to a web
workspace served on a free local port; then, each repeated ``--runs`` times in the same run:

1. :func:`evaltool.imports.inspection.inspect_file` on the file, in this process;
2. ``GET /import/<upload>``: the import page with the inspection, measured from the request to
   the last byte by a client in this process;
3. ``POST /import/<upload>/preview``: the part of the page that changes when the user changes
   a column's target (a re-inspection with the new mapping).

Minimum, median and maximum are printed in milliseconds, with the median page time over the
in-process inspection as a ratio. Goals: inspection ≤ 0.3 s, page well under 1 s.

    python benchmarks/bench_web.py [--rows 500] [--runs 15]
"""

from __future__ import annotations

import argparse
import re
import statistics
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
sys.path.insert(0, str(ROOT / "tests" / "web"))

from bench_import import make_workbook  # noqa: E402
from web_server import serving  # noqa: E402

from evaltool.imports.inspection import inspect_file  # noqa: E402
from evaltool.store.workspace import Workspace  # noqa: E402


def _times(fn, runs: int) -> list[float]:
    out = []
    for _ in range(runs):
        t0 = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t0)
    return out


def _multipart(fields: dict[str, str], name: str, data: bytes) -> tuple[bytes, str]:
    boundary = "evaltoolbench"
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{k}"\r\n\r\n{v}\r\n'.encode()
        for k, v in fields.items()
    ]
    parts.append(
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="{name}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n".encode()
        + data
        + b"\r\n"
    )
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


def _show(label: str, seconds: list[float]) -> float:
    ms = sorted(s * 1000 for s in seconds)
    med = statistics.median(ms)
    print(f"{label:44s} min {ms[0]:7.1f}  median {med:7.1f}  max {ms[-1]:7.1f} ms")
    return med


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rows", type=int, default=500)
    ap.add_argument("--runs", type=int, default=15)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        book = make_workbook(tmp / "kysely.xlsx", args.rows)
        root = tmp / "ws"
        Workspace.init(root).close()
        with serving(root) as url:
            opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
            page = opener.open(f"{url}/import").read().decode()
            token = re.search(r'name="csrf-token" content="([^"]+)"', page).group(1)
            body, ctype = _multipart(
                {"csrf_token": token, "kind": "clients"}, book.name, book.read_bytes()
            )
            req = urllib.request.Request(
                f"{url}/import", data=body, headers={"Content-Type": ctype}
            )
            landed = opener.open(req).geturl()
            upload = landed.rsplit("/", 1)[-1]
            form = urllib.parse.urlencode({"csrf_token": token, "target_C": "skip"}).encode()

            def page_get():
                opener.open(f"{url}/import/{upload}").read()

            def preview():
                opener.open(f"{url}/import/{upload}/preview", data=form).read()

            inspect_file(book)  # warm the imports
            page_get()
            print(f"{args.rows}-row WHOQOL-BREF workbook, {args.runs} runs each")
            base = _show("inspect_file (in-process)", _times(lambda: inspect_file(book), args.runs))
            whole = _show("GET /import/<upload> (whole page)", _times(page_get, args.runs))
            _show("POST /import/<upload>/preview (remap)", _times(preview, args.runs))
            print(f"page / in-process inspection: {whole / base:.2f} x")


if __name__ == "__main__":
    main()
