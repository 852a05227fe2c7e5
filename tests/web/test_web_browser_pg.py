"""The browser workspace's upload → inspect → remap → import flow of :mod:`test_web_browser`
in headless Chromium, on a workspace whose store is PostgreSQL."""

from __future__ import annotations

import pytest
import test_web_browser as browser_tests
from test_web_browser import (  # noqa: F401  (fixtures and the test, collected here again)
    browser,
    demo_data,
    exports,
    pytestmark,
    test_upload_inspect_remap_and_import,
)
from web_pg import workspaces_on_postgresql

from evaltool.store.workspace import Workspace

page, site = browser_tests.page, browser_tests.site  # the fixtures, here on PostgreSQL


@pytest.fixture(scope="module", autouse=True)
def _on_postgresql():
    with workspaces_on_postgresql():
        yield


def test_the_import_landed_in_postgresql(page, site):
    with Workspace.open(site[1]) as ws:
        assert ws.engine_name == "postgresql"
        counts = ws.row_counts(["responses", "partner_ties"])
    assert counts["responses"] > 0 and counts["partner_ties"] > 0
