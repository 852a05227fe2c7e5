"""The instruments package: model, loading and header numbers in their modules, the names
moved to mapping and scoring still importable from it, and no import order circular."""

from __future__ import annotations

import subprocess
import sys

import pytest

import evaltool.instruments as instruments
from evaltool.instruments import load, model
from evaltool.mapping import decode
from evaltool.scoring import rules
from evaltool.text import fold


@pytest.mark.parametrize("name", ["decode_items", "parse_number", "Problem", "Decoded"])
def test_decoding_names_are_the_mapping_modules(name: str):
    assert getattr(instruments, name) is getattr(decode, name)


@pytest.mark.parametrize("name", ["score", "reversed_values"])
def test_scoring_names_are_the_scoring_modules(name: str):
    import evaltool.scoring as scoring

    assert getattr(instruments, name) is getattr(rules, name) is getattr(scoring, name)


def test_norm_text_is_fold():
    assert instruments.norm_text is fold
    assert fold(" Eläm\u00e4n\u00a0 LAATU ") == "elämän laatu"


def test_the_face_holds_the_model_and_loading_names():
    assert instruments.Instrument is model.Instrument
    assert instruments.InstrumentError is model.InstrumentError
    assert instruments.load_instrument is load.load_instrument
    assert not hasattr(instruments, "match_columns")
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
        "from evaltool.instruments import decode_items, score\n"
        "from evaltool.scoring import score as s\n"
        "assert s is score\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


def test_label_map_folds_the_labels_of_every_language():
    inst = load.load_instrument("whoqol-bref")
    labels = inst.label_map(inst.item("q1"))
    assert labels["erittäin huono"] == labels["mycket dålig"] == labels["very poor"] == 1.0
    assert labels["hyvä"] == labels["bra"] == labels["good"] == 4.0
    assert labels[fold(" Erittäin\u00a0HYVÄ ")] == 5.0
