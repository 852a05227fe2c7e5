"""The browser workspace driven in headless Chromium (Playwright with /usr/bin/chromium):
upload a survey-tool export, see its layout, change a column's target and see the preview
change, import, see the import listed, open outcomes, build a report and open it, delete the
import and see it gone; a broken file's validation issues with row and column, the issue
table sorted by a header clicked or entered; a cross-site POST without the token refused.
Every page: form controls labelled, headings in order, every control reached with Tab in
document order with a visible focus; the main actions (upload, import, build and open a
report, delete, filter, download, settings, language, log in) done from the keyboard."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from web_keyboard import tab_to, tab_walk
from web_server import ARGS, CHROMIUM, serving

from evaltool.store.overview import response_counts
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
    """By keyboard: the project chosen with the arrow keys, Enter on Build, Enter on the
    link to the report."""
    page.goto("/reports")
    tab_to(page, "#r-project")
    choices = page.eval_on_selector_all("#r-project option", "os => os.map(o => o.value)")
    for _ in range(choices.index(PROJECT)):
        page.keyboard.press("ArrowDown")
    assert page.input_value("#r-project") == PROJECT
    tab_to(page, "#build-report")
    page.keyboard.press("Enter")
    page.wait_for_selector("#open-report", timeout=60_000)
    tab_to(page, "#open-report")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/reports/files/"))
    page.wait_for_load_state()
    assert "WHOQOL" in page.inner_text("body")
    page.goto("/reports")
    assert ".html" in page.inner_text("#report-files")


def test_delete_import_states_what_goes_then_removes_it(page, site):
    """By keyboard: Enter on the import's Delete link, Space on the confirmation, Enter on
    the button."""
    page.goto("/")
    first = page.locator("#imports tbody tr", has_text=f"{STEM}1.xlsx")
    import_id = first.get_attribute("data-import")
    tab_to(page, f"#imports tr[data-import='{import_id}'] a")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(rf"/imports/{import_id}/delete$"))
    what = page.inner_text("#delete-what")
    assert "30" in what and "vastausta" in what
    tab_to(page, "#confirm")
    page.keyboard.press("Space")
    assert page.is_checked("#confirm")
    tab_to(page, "button.danger")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/$"))
    assert page.locator(f"#imports tr[data-import='{import_id}']").count() == 0
    assert "poistettiin" in page.inner_text(".flash")
    with Workspace.open(site[1]) as ws:
        assert int(import_id) not in ws.imports()["id"].tolist()
        assert int(import_id) in ws.import_deletions()["import_id"].tolist()
    # the log of deletions opens from the keyboard too
    tab_to(page, "details summary")
    page.keyboard.press("Enter")
    assert page.get_attribute("details", "open") is not None


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


def test_upload_and_import_by_keyboard_keep_the_focus_where_it_is(page, exports, site):
    """The upload form and an import page used with the keyboard only: the kind chosen
    with the arrow keys, the file chooser opened with Space, Enter to upload; a column's
    target changed with the arrow keys (the preview changes, the focus stays on it); the
    project typed, Tab to the wave (the preview that the change brings keeps the focus and
    the typing there); Enter to import."""
    page.goto("/import")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip"
    tab_to(page, "#kind-clients")
    page.keyboard.press("ArrowDown")
    assert page.is_checked("#kind-partners")
    page.keyboard.press("ArrowUp")
    assert page.is_checked("#kind-clients")
    tab_to(page, "#files")
    with page.expect_file_chooser() as chooser:
        page.keyboard.press("Space")
    chooser.value.set_files(str(exports / f"{STEM}3.xlsx"))
    tab_to(page, "form.upload button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/import/[0-9a-f]{16}$"))

    items = int(page.inner_text("#n-items").split()[0])
    letter = page.locator("#columns tbody tr.role-item").first.get_attribute("data-column")
    tab_to(page, f"#target_{letter}")
    page.keyboard.press("ArrowDown")  # automatic → skip
    page.wait_for_function(
        "n => parseInt(document.querySelector('#n-items').textContent) === n", arg=items - 1
    )
    assert page.evaluate("document.activeElement.id") == f"target_{letter}"
    page.keyboard.press("ArrowUp")  # and back
    page.wait_for_function(
        "n => parseInt(document.querySelector('#n-items').textContent) === n", arg=items
    )
    tab_to(page, "#project")
    page.keyboard.type(PROJECT)
    page.keyboard.press("Tab")  # to the wave; leaving the project re-inspects the file
    page.wait_for_function("() => !document.querySelector('#choices[aria-busy]')")
    assert page.evaluate("document.activeElement.id") == "wave"
    page.keyboard.type("3")
    assert page.input_value("#wave") == "3" and page.input_value("#project") == PROJECT
    tab_to(page, "#run-import")
    page.keyboard.press("Enter")
    page.wait_for_selector("#h-result, #h-failed", timeout=60_000)
    assert page.locator("#h-result").count() == 1, page.inner_text("main")
    with Workspace.open(site[1]) as ws:
        stored = response_counts(ws)
    assert 3 in stored.loc[stored["project"] == PROJECT, "wave"].tolist()


# -- the keyboard on every page, and the sortable issue table


@pytest.fixture(scope="module")
def issues_job(page, tmp_path_factory) -> str:
    """The page of a failed import with four out-of-range values (listed by column)."""
    bad = tmp_path_factory.mktemp("sorting") / "lajittelu.csv"
    planted = {1: (11, "7"), 4: (1, "8"), 5: (3, "0"), 6: (20, "12")}  # data row → (q, value)
    lines = [";".join(["id"] + [f"q{i}" for i in range(1, 27)])]
    for n in range(1, 7):
        cells = ["3"] * 26
        if n in planted:
            cells[planted[n][0] - 1] = planted[n][1]
        lines.append(";".join([str(n)] + cells))
    bad.write_text("\n".join(lines) + "\n", encoding="utf-8")
    upload(page, bad)
    page.select_option("#instrument", "whoqol-bref")
    page.wait_for_function("() => document.querySelector('#n-items').textContent.startsWith('26')")
    run_import(page, "Lajittelu", 1)
    assert page.locator("#issues tbody tr").count() == 4
    return page.url


def issue_rows(page) -> list[tuple[str, str, str]]:
    """(row, column, value) of the issue table's rows, top to bottom."""
    return [
        tuple(r[i] for i in (4, 5, 7))
        for r in page.eval_on_selector_all(
            "#issues tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent))"
        )
    ]


def sorted_by(page) -> dict[int, str]:
    """Column index → aria-sort of the issue table's headers that have one."""
    found = page.eval_on_selector_all(
        "#issues thead th", "ths => ths.map(th => th.getAttribute('aria-sort'))"
    )
    return {k: v for k, v in enumerate(found) if v}


def test_issue_table_sorts_by_a_header_clicked_or_entered(page, issues_job):
    page.goto(issues_job)
    # the importer lists the issues by column: B, D, L, U
    assert issue_rows(page) == [("5", "B", "8"), ("6", "D", "0"), ("2", "L", "7"),
                                ("7", "U", "12")]  # fmt: skip
    assert sorted_by(page) == {}
    row_header = page.locator("#issues thead th >> nth=4").locator("button")
    row_header.click()
    assert issue_rows(page) == [("2", "L", "7"), ("5", "B", "8"), ("6", "D", "0"),
                                ("7", "U", "12")]  # fmt: skip
    assert sorted_by(page) == {4: "ascending"}
    row_header.click()
    assert [r[0] for r in issue_rows(page)] == ["7", "6", "5", "2"]
    assert sorted_by(page) == {4: "descending"}
    # by keyboard: Tab to the value column's header, Enter; numbers sort as numbers
    tab_to(page, "#issues thead th:nth-child(8) button")
    page.keyboard.press("Enter")
    assert [r[2] for r in issue_rows(page)] == ["0", "7", "8", "12"]
    assert sorted_by(page) == {7: "ascending"}
    page.keyboard.press("Enter")
    assert [r[2] for r in issue_rows(page)] == ["12", "8", "7", "0"]
    assert sorted_by(page) == {7: "descending"}
    page.keyboard.press("Space")
    assert [r[2] for r in issue_rows(page)] == ["0", "7", "8", "12"]


@pytest.fixture(scope="module")
def waiting(page, demo_data, exports) -> dict[str, str]:
    """An import page of each kind of upload (the files are not imported)."""
    files = {
        "clients": exports / f"{STEM}3.xlsx",
        "partners": demo_data.partners[0].path,
        "projects": demo_data.register,
        "participants": demo_data.participants,
    }
    pages = {}
    for kind, path in files.items():
        upload(page, path, kind)
        pages[kind] = page.url
    return pages


#: Every page of the workspace (a GET route answering HTML) and how to reach it.
KEYBOARD_PAGES = {
    "/": "/",
    "/import": "/import",
    "/import/{upload_id:str}": ["clients", "partners", "projects", "participants"],
    "/imports/{import_id:int}/delete": "delete",
    "/outcomes": "/outcomes?table=paired",
    "/cooperation": "/cooperation",
    "/reports": "/reports",
    "/jobs": "/jobs",
    "/jobs/{job_id:str}": "issues",
    "/audit": "/audit",
    "/login": "/login",
}
#: The GET routes that are not pages (files, downloads, polling).
NOT_PAGES = {
    "/static/{name:str}", "/favicon.ico", "/jobs/{job_id:str}.json", "/outcomes/download",
    "/cooperation/download", "/import/{upload_id:str}/mapping.toml",
    "/reports/files/plotly.min.js", "/reports/files/{name:str}",
}  # fmt: skip
PAGE_CASES = [
    (route, target)
    for route, targets in KEYBOARD_PAGES.items()
    for target in (targets if isinstance(targets, list) else [targets])
] + [("error page", "/jobs/0000000000000000")]


def test_every_page_is_walked_with_the_keyboard():
    from evaltool.web.app import routes

    gets = {r.path for r in routes() if "GET" in (r.methods or ())}
    assert gets - NOT_PAGES == set(KEYBOARD_PAGES)


def _page_url(page, target: str, waiting: dict, issues_job: str) -> str:
    if target in waiting:
        return waiting[target]
    if target == "issues":
        return issues_job
    if target == "delete":
        page.goto("/")
        return page.locator("#imports tbody tr a").first.get_attribute("href")
    return target


@pytest.mark.parametrize(("route", "target"), PAGE_CASES, ids=[t for _, t in PAGE_CASES])
def test_keyboard_reaches_every_control_in_order_with_a_visible_focus(
    page, waiting, issues_job, route, target
):
    page.goto(_page_url(page, target, waiting, issues_job))
    page.wait_for_load_state()
    n, problems = tab_walk(page)
    assert problems == [], f"{route}: " + "\n".join(problems)
    assert n >= 3  # the skip link, the brand and the language switch at least
    assert page.evaluate(A11Y_CHECK) == [], route  # labels and headings here too


def test_skip_link_settings_and_language_by_keyboard(page):
    page.goto("/")
    page.keyboard.press("Tab")
    page.keyboard.press("Enter")  # the skip link: on to the page's own content
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('main') !== null")
    tab_to(page, "#min_n")
    page.keyboard.press("Enter")  # the settings form submits from its field
    page.wait_for_selector(".flash")
    assert page.inner_text(".flash") == "Asetukset tallennettu."
    tab_to(page, "#ui-lang")
    page.keyboard.press("ArrowDown")  # suomi → svenska
    tab_to(page, "form.lang button")
    page.keyboard.press("Space")
    page.wait_for_function("() => document.documentElement.lang === 'sv'")
    tab_to(page, "#ui-lang")
    page.keyboard.press("ArrowUp")
    tab_to(page, "form.lang button")
    page.keyboard.press("Enter")
    page.wait_for_function("() => document.documentElement.lang === 'fi'")


def test_outcome_filters_and_downloads_by_keyboard(page):
    page.goto("/outcomes?table=paired")
    tab_to(page, "#f-table")
    page.keyboard.press("ArrowDown")  # the next table: linkage
    tab_to(page, "form.filters button[type=submit]")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"table=linkage"))
    assert page.input_value("#f-table") == "linkage"
    tab_to(page, "p.downloads a")
    with page.expect_download() as dl:
        page.keyboard.press("Enter")
    assert dl.value.suggested_filename == "outcomes-linkage.csv"
    page.goto("/cooperation")
    tab_to(page, "p.downloads a")
    with page.expect_download() as dl:
        page.keyboard.press("Enter")
    assert dl.value.suggested_filename == "cooperation-all.xlsx"


def test_discard_and_login_by_keyboard(page, waiting):
    page.goto(waiting["projects"])
    tab_to(page, "form[action$='/discard'] button")
    page.keyboard.press("Enter")
    page.wait_for_url(re.compile(r"/import$"))
    assert "poistettiin tuomatta" in page.inner_text(".flash")
    assert page.goto(waiting["projects"]).status == 404
    page.goto("/login")
    tab_to(page, "#username")
    page.keyboard.type("nobody")
    page.keyboard.press("Tab")
    page.keyboard.type("not a password")
    page.keyboard.press("Enter")  # the form submits from its last field
    page.wait_for_selector("#login-error")
