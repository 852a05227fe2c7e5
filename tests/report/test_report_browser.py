"""Reports opened in headless Chromium (Playwright driving /usr/bin/chromium): no console
errors, no network request, every chart rendered, Finnish headings present, an open answer
holding ``<script>`` shown as text and never run. Skipped when Chromium or Playwright is
missing."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_report import EPOCH, FI_HEADINGS, SCRIPT_ANSWER, build_workspace

from evaltool.report import write_all_reports, write_project_report
from evaltool.report.documents import CHROMIUM_ARGS
from evaltool.store.workspace import Workspace

CHROMIUM = Path("/usr/bin/chromium")
ARGS = list(CHROMIUM_ARGS)

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium not installed")


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def written(tmp_path_factory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("browser")
    ws_dir = build_workspace(root)
    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", EPOCH)
    try:
        with Workspace.open(ws_dir) as ws:
            single = write_project_report(ws, "S10246", root / "single")
            index = write_all_reports(ws, root / "all", progress=False)
    finally:
        mp.undo()
    return {
        "single": single,
        "index": index,
        "batch": index.parent / "S10246.fi.html",
        "programme": index.parent / "programme.fi.html",
    }


def open_report(browser, path: Path) -> tuple[object, list[str], list[str]]:
    """Open ``path``; returns the page, console errors and every requested URL."""
    page = browser.new_page(viewport={"width": 1200, "height": 900})
    errors: list[str] = []
    requests: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri(), wait_until="load")
    page.wait_for_function(
        "() => [...document.querySelectorAll('.plotly-graph-div')]"
        ".every(d => d.querySelector('.main-svg'))",
        timeout=20_000,
    )
    return page, errors, requests


@pytest.mark.parametrize("which", ["single", "batch", "programme"])
def test_report_renders_offline_without_errors(browser, written, which):
    path = written[which]
    page, errors, requests = open_report(browser, path)
    try:
        assert errors == []
        allowed = {path.as_uri(), (path.parent / "plotly.min.js").as_uri()}
        assert set(requests) <= allowed, set(requests) - allowed
        n_charts = page.locator(".plotly-graph-div").count()
        assert n_charts >= 8
        assert page.locator(".plotly-graph-div .main-svg").count() >= n_charts
        # every chart drew its data (bars, markers or lines), not just empty axes
        drawn = page.evaluate(
            "() => [...document.querySelectorAll('.plotly-graph-div')].map(d => "
            "d.querySelectorAll('.point, .scatterlayer path.js-line, .bars path').length)"
        )
        assert all(n > 0 for n in drawn), drawn
        h2 = page.locator("main h2").all_inner_texts()
        if which == "programme":
            assert any("Hankkeet rinnakkain" in h for h in h2)
        else:
            assert [h.split(" ", 1)[1].strip() for h in h2] == FI_HEADINGS
    finally:
        page.close()


def test_open_answer_with_script_is_text(browser, written):
    page, errors, _ = open_report(browser, written["single"])
    try:
        assert errors == []
        assert page.evaluate("() => window.__pwned") is None
        shown = page.locator(".answers .answer", has_text=SCRIPT_ANSWER)
        assert shown.count() == 1 and shown.inner_text() == SCRIPT_ANSWER
    finally:
        page.close()


def test_index_links_open(browser, written):
    page = browser.new_page()
    try:
        page.goto(written["index"].as_uri())
        links = page.locator("a").evaluate_all("els => els.map(e => e.getAttribute('href'))")
        assert "programme.fi.html" in links and "S10246.fi.html" in links
        for href in links:
            assert (written["index"].parent / href).is_file()
    finally:
        page.close()
