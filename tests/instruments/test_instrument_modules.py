"""The instruments package: model, loading and header numbers in their modules, the names
decoding in mapping and the scoring rules in scoring, and no import order circular."""

from __future__ import annotations

import subprocess
import sys

import pytest

import evaltool.instruments as instruments
from evaltool.instruments import load, model
from evaltool.text import fold


def test_the_face_holds_the_model_and_loading_names():
    assert instruments.Instrument is model.Instrument
    assert instruments.InstrumentError is model.InstrumentError
    assert instruments.load_instrument is load.load_instrument
    assert not hasattr(instruments, "match_columns")
    assert not hasattr(instruments, "score")  # the scoring rules live in evaltool.scoring
    with pytest.raises(AttributeError):
        instruments.no_such_name  # noqa: B018


@pytest.mark.parametrize(
    "first",
    [
        "evaltool.scoring",
        "evaltool.scoring.rules",
        "evaltool.mapping.decode",
        "evaltool.instruments.model",
        "evaltool.instruments.load",
        "evaltool.instruments",
    ],
)
def test_any_module_can_be_imported_first(first: str):
    code = (
        f"import {first}\n"
        "from evaltool.instruments import load_instrument\n"
        "from evaltool.mapping.decode import decode_items\n"
        "from evaltool.scoring import score as s\n"
        "from evaltool.scoring.rules import score\n"
        "assert s is score\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_label_map_folds_the_labels_of_every_language():
    inst = load.load_instrument("whoqol-bref")
    labels = inst.label_map(inst.item("q1"))
    assert labels["erittäin huono"] == labels["mycket dålig"] == labels["very poor"] == 1.0
    assert labels["hyvä"] == labels["bra"] == labels["good"] == 4.0
    assert labels[fold(" Erittäin\u00a0HYVÄ ")] == 5.0
