"""The PostgreSQL server the web tests' PostgreSQL variants run on."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import pytest

TEST_DATABASE_ENV = "EVALTOOL_TEST_DATABASE"


@contextmanager
def workspaces_on_postgresql() -> Iterator[str]:
    """While the block lasts, :meth:`Workspace.init` creates workspaces in a fresh schema of
    ``$EVALTOOL_TEST_DATABASE`` (as if every caller passed ``database=``). Without the
    variable the test is skipped, or fails when ``$CI`` is set."""
    url = os.environ.get(TEST_DATABASE_ENV, "").strip()
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {TEST_DATABASE_ENV} is not: the PostgreSQL tests must run")
        pytest.skip(f"{TEST_DATABASE_ENV} is not set (no PostgreSQL server to test on)")
    from evaltool.store.postgres import scratch_schema
    from evaltool.store.workspace import Workspace

    init = Workspace.__dict__["init"]
    with scratch_schema(url) as schema_url:

        def on_postgresql(cls, root, database=None):
            return init.__func__(cls, root, database=database or schema_url)

        Workspace.init = classmethod(on_postgresql)
        try:
            yield schema_url
        finally:
            Workspace.init = init
