"""The browser workspace driven in headless Chromium (Playwright with /usr/bin/chromium):
upload a survey-tool export, see its layout, change a column's target and see the preview
change, import, see the import listed, open outcomes, build a report and open it, delete the
import and see it gone; a broken file's validation issues with row and column; a cross-site
POST without the token refused; labels, headings and the keyboard checked on every page."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from web_server import ARGS, CHROMIUM, serving

from evaltool.store.workspace import Workspace

pytestmark = pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium not installed")

PROJECT = "Sosiaalinen yritys Kehrä"
STEM = "SYNTEETTINEN_sosiaalinen-yritys-kehra_webropol_mittaus"


@pytest.fixture(scope="module")
def demo_data(tmp_path_factory):
    from evaltool.demo.build import generate_data

    return generate_data(tmp_path_factory.mktemp("exports"))


@pytest.fixture(scope="module")
def exports(demo_data) -> Path:
    return next(p.parent for p in demo_data.root.rglob(f"{STEM}1.xlsx"))


@pytest.fixture(scope="module")
def site(tmp_path_factory, demo_data):
    """A new workspace holding the demo's two partner rounds (imported by the library)."""
    from evaltool.imports.partners import import_partners

    root = tmp_path_factory.mktemp("web") / "ws"
    Workspace.init(root).close()
    with Workspace.open(root) as ws:
        for pf in demo_data.partners:
            import_partners(ws, pf.path, pf.round, roster=demo_data.roster)
    with serving(root) as url:
        yield url, root


@pytest.fixture(scope="module")
def browser():
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def page(browser, site):
    context = browser.new_context(base_url=site[0], accept_downloads=True)
    pg = context.new_page()
    errors: list[str] = []
    pg.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    pg.on("pageerror", lambda e: errors.append(str(e)))
    pg.console_errors = errors
    yield pg
    context.close()


def upload(page, path: Path, kind: str = "clients") -> None:
    page.goto("/import")
    page.check(f"#kind-{kind}")
    page.set_input_files("#files", str(path))
    page.click("form.upload button[type=submit]")
    page.wait_for_url(re.compile(r"/import/[0-9a-f]{16}$"))


def run_import(page, project: str, wave: int) -> str:
    page.fill("#project", project)
    page.fill("#wave", str(wave))
    page.click("#run-import")
    page.wait_for_url(re.compile(r"/jobs/"))
    page.wait_for_selector("#h-result, #h-failed", timeout=60_000)
    return page.inner_text("main")


def test_upload_inspect_remap_and_import(page, exports, site):
    upload(page, exports / f"{STEM}1.xlsx")
    found = page.inner_text("dl.found")
    assert "webropol" in found
    assert page.inner_text("#n-respondents") == "30"
    items_before = int(page.inner_text("#n-items").split()[0])
    assert items_before == 26
    # the first WHOQOL-BREF item column is skipped: the preview drops it from the items
    row = page.locator("#columns tbody tr.role-item").first
    letter = row.get_attribute("data-column")
    page.select_option(f"#target_{letter}", "skip")
    page.wait_for_function(
        "n => parseInt(document.querySelector('#n-items').textContent) === n", arg=items_before - 1
    )
    assert "ohitetaan" in page.inner_text(f"#columns tr[data-column={letter}]")
    # and back: the automatic placement returns
    page.select_option(f"#target_{letter}", "")
    page.wait_for_function(
        "n => parseInt(document.querySelector('#n-items').textContent) === n", arg=items_before
    )
    text = run_import(page, PROJECT, 1)

    assert "30" in page.inner_text("#job-summary")
    assert "failed" not in text.lower()
    page.goto("/")
    listed = page.inner_text("#imports")
    assert f"{STEM}1.xlsx" in listed
    with Workspace.open(site[1]) as ws:
        assert ws.row_counts(["responses"])["responses"] == 30
    assert not page.console_errors


def test_mapping_file_download(page, exports):
    upload(page, exports / f"{STEM}2.xlsx")
    with page.expect_download() as dl:
        page.click("text=" + "Tallenna sarakemääritys (seuraavaa mittauskertaa varten)")
    text = Path(dl.value.path()).read_text(encoding="utf-8")
    assert text.startswith("# evaltool mapping") and "[columns]" in text
    run_import(page, PROJECT, 2)
    assert page.locator("#h-result").count() == 1


def test_outcomes_show_the_change_between_waves(page):
    page.goto(f"/outcomes?table=paired&project={PROJECT}")
    table = page.inner_text("#outcome-table")
    assert PROJECT in table
    rows = page.locator("#outcome-table tbody tr")
    assert rows.count() >= 4  # four WHOQOL-BREF domains at least
    with page.expect_download() as dl:
        page.click("text=Lataa CSV")
    csv = Path(dl.value.path()).read_text(encoding="utf-8-sig")
    assert csv.splitlines()[0].startswith("instrument,project,domain")


def test_report_is_built_in_the_background_and_opens(page):
    page.goto("/reports")
    page.select_option("#r-project", PROJECT)
    page.click("#build-report")
    page.wait_for_selector("#open-report", timeout=60_000)
    page.click("#open-report")
    page.wait_for_load_state()
    assert "WHOQOL" in page.inner_text("body")
    page.goto("/reports")
    assert ".html" in page.inner_text("#report-files")


def test_delete_import_states_what_goes_then_removes_it(page, site):
    page.goto("/")
    first = page.locator("#imports tbody tr", has_text=f"{STEM}1.xlsx")
    import_id = first.get_attribute("data-import")
    page.click(f"#imports tr[data-import='{import_id}'] a")
    what = page.inner_text("#delete-what")
    assert "30" in what and "vastausta" in what
    page.check("#confirm")
    page.click("button.danger")
    page.wait_for_url(re.compile(r"/$"))
    assert page.locator(f"#imports tr[data-import='{import_id}']").count() == 0
    assert "poistettiin" in page.inner_text(".flash")
    with Workspace.open(site[1]) as ws:
        assert int(import_id) not in ws.imports()["id"].tolist()
        assert int(import_id) in ws.import_deletions()["import_id"].tolist()


def test_broken_file_shows_its_issues_with_row_and_column(page, tmp_path):
    bad = tmp_path / "rikki.csv"
    header = ";".join(["id"] + [f"q{i}" for i in range(1, 27)])
    good = ";".join(["1"] + ["3"] * 26)
    broken = ";".join(["2"] + ["3"] * 10 + ["7"] + ["3"] * 15)
    bad.write_text("\n".join([header, good, broken, good.replace("1;", "3;", 1)]) + "\n")
    upload(page, bad)
    page.select_option("#instrument", "whoqol-bref")
    page.wait_for_function("() => document.querySelector('#n-items').textContent.startsWith('26')")
    run_import(page, "Rikki", 1)
    assert page.locator("#h-failed").count() == 1
    assert page.locator("#issues tbody tr").count() >= 1
    issue = page.inner_text("#issues tbody tr >> nth=0")
    assert "7" in issue and "L" in issue  # the value and its column letter (q11 is L)
    assert re.search(r"\b3\b", issue)  # the spreadsheet row
    # the issues table sorts and filters
    page.fill("#issue-filter", "zzzz-nothing")
    assert page.locator("#issues tbody tr:not([hidden])").count() == 0


def test_cooperation_page_draws_a_network_map_per_round(page):
    page.goto("/cooperation")
    maps = page.locator("figure.network")
    assert maps.count() == 2
    page.wait_for_selector("figure.network .main-svg")
    assert page.locator("figure.network .main-svg").count() >= 2
    assert "syksy 2012" in page.inner_text("#h-net-1") + page.inner_text("#h-net-2")
    assert page.locator("#coop-networks tbody tr").count() == 2
    assert not page.console_errors


def test_participant_records_are_imported_from_the_page(page, demo_data, site):
    upload(page, demo_data.participants, kind="participants")
    page.click("#run-import")
    page.wait_for_selector("#h-result, #h-failed", timeout=60_000)
    assert "190" in page.inner_text("#job-summary")
    page.goto("/")
    assert demo_data.participants.name in page.inner_text("#imports")


def test_cross_site_post_without_token_is_refused(page, site):
    url = site[0]
    res = page.request.post(f"{url}/settings", form={"min_n": "1"})
    assert res.status == 403
    res = page.request.post(
        f"{url}/settings",
        form={"min_n": "1", "csrf_token": "forged"},
        headers={"Origin": "http://evil.example"},
    )
    assert res.status == 403
    with Workspace.open(site[1]) as ws:
        assert ws.min_n == 5


PAGES = ["/", "/import", "/outcomes", "/cooperation", "/reports", "/jobs"]

A11Y_CHECK = """() => {
  const problems = [];
  for (const el of document.querySelectorAll('input, select, textarea, button')) {
    if (el.type === 'hidden' || el.offsetParent === null) continue;
    const named = (el.labels && el.labels.length) || el.getAttribute('aria-label')
      || el.getAttribute('aria-labelledby') || (el.tagName === 'BUTTON' && el.textContent.trim());
    if (!named) problems.push('unlabelled ' + el.tagName + '#' + el.id + '[' + el.name + ']');
  }
  const levels = [...document.querySelectorAll('h1, h2, h3, h4')].map(h => +h.tagName[1]);
  if (levels.filter(l => l === 1).length !== 1) problems.push('h1 count ' + levels);
  if (levels[0] !== 1) problems.push('first heading is not h1');
  for (let i = 1; i < levels.length; i++)
    if (levels[i] > levels[i - 1] + 1) problems.push('heading skips ' + levels.join(','));
  return problems;
}"""


@pytest.mark.parametrize("path", PAGES)
def test_pages_have_labels_and_ordered_headings(page, path):
    page.goto(path)
    assert page.evaluate(A11Y_CHECK) == []
    assert page.get_attribute("html", "lang") == "fi"


def test_keyboard_reaches_every_control_of_the_upload_form(page):
    page.goto("/import")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    seen = set()
    for _ in range(40):
        page.keyboard.press("Tab")
        seen.add(page.evaluate("document.activeElement.id || document.activeElement.textContent"))
    assert {"kind-clients", "files", "roster"} <= seen
    assert "Lataa" in seen  # the submit button
