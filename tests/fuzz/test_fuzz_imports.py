"""Property: a damaged export of any layout is either stored or refused with a message (exit
status 2), never a traceback or a crash, and a refused import leaves the workspace's database
unchanged. A bounded number of examples here; ``benchmarks/fuzz_imports.py`` runs thousands."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from layout_fixtures import FIXTURES

from evaltool.testing.fuzzing import REFUSED, STORED, ScratchWorkspace
from evaltool.testing.mutate import kinds_for, mutate

NAMES = sorted(FIXTURES)


@pytest.fixture(scope="module")
def originals(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("exports")
    out = {}
    for name, fx in FIXTURES.items():
        out[name] = folder / fx.filename
        fx.write(out[name])
    return out


@pytest.fixture(scope="module")
def scratch(tmp_path_factory: pytest.TempPathFactory):
    ws = ScratchWorkspace(tmp_path_factory.mktemp("fuzz") / "ws")
    yield ws
    ws.close()


@st.composite
def damage(draw):
    name = draw(st.sampled_from(NAMES))
    return name, draw(st.integers(0, 2**32 - 1)), draw(st.integers(0, 2**32 - 1))


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(case=damage())
def test_every_damaged_export_is_stored_or_refused_cleanly(case, originals, scratch, tmp_path):
    name, pick, seed = case
    original = originals[name]
    data = original.read_bytes()
    kinds = kinds_for(data)
    kind = kinds[pick % len(kinds)]
    path = tmp_path / f"{seed}-{original.name}"
    path.write_bytes(mutate(data, kind, seed))
    outcome = scratch.import_file(path)
    assert outcome.status in (STORED, REFUSED), (name, kind, seed, outcome)
    if outcome.status == REFUSED:
        assert outcome.message, (name, kind, seed)
        assert not outcome.changed, (name, kind, seed)


@pytest.mark.parametrize("name", NAMES)
def test_every_undamaged_export_is_stored(name, originals, scratch):
    assert scratch.import_file(originals[name]).status == STORED


def test_a_mutation_is_reproducible_from_its_seed(originals):
    data = originals["webropol_xlsx"].read_bytes()
    for kind in kinds_for(data):
        assert mutate(data, kind, 7) == mutate(data, kind, 7)
        assert mutate(data, kind, 7) != data or kind == "member_text"
