"""The PostgreSQL server the store's tests run on (``$EVALTOOL_TEST_DATABASE``)."""

from __future__ import annotations

import os

import pytest

TEST_DATABASE_ENV = "EVALTOOL_TEST_DATABASE"


def pg_test_url() -> str:
    """``$EVALTOOL_TEST_DATABASE``; skips the calling test without it, fails it when ``$CI``
    is set (CI must run the PostgreSQL tests, not skip them)."""
    url = os.environ.get(TEST_DATABASE_ENV, "").strip()
    if not url:
        if os.environ.get("CI"):
            pytest.fail(f"CI is set but {TEST_DATABASE_ENV} is not: the PostgreSQL tests must run")
        pytest.skip(f"{TEST_DATABASE_ENV} is not set (no PostgreSQL server to test on)")
    return url
