"""The curated public API in ``evaltool/__init__.py``: every name resolves to the object the
stage defines, and ``import evaltool`` alone loads no stage (the command line starts fast)."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

import evaltool


@pytest.mark.parametrize("name", sorted(evaltool._API))
def test_public_name_is_the_stage_object(name):
    defined = getattr(importlib.import_module(evaltool._API[name]), name)
    assert getattr(evaltool, name) is defined
    assert name in evaltool.__all__


def test_all_lists_exactly_the_api():
    assert evaltool.__all__ == ["__version__", *evaltool._API]


def test_unknown_name_is_an_attribute_error():
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        evaltool.nothing_here  # noqa: B018


def test_importing_the_package_loads_no_stage():
    code = (
        "import sys, evaltool; "
        "print(sorted(m for m in sys.modules if m.startswith(('evaltool.', 'pandas'))))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
