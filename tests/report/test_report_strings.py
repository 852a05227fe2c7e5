"""The report's strings as data: reports/strings.toml, read through evaltool.report.i18n."""

from __future__ import annotations

import re
import string
import tomllib
from pathlib import Path

import pytest

from evaltool.report import i18n
from evaltool.report.i18n import LANGS, STRINGS_FILE, has_string, strings, t
from evaltool.resources import data_file

REPORT_CODE = Path(i18n.__file__).parent
#: A literal key handed to ``t(key, lang)`` or ``b.t(key)``.
_LITERAL_KEY = re.compile(r"\bt\(\s*\"([a-z0-9_]+)\"")


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name is not None}


def test_the_strings_file_is_a_built_in_report_file():
    path = data_file("reports", STRINGS_FILE)
    assert path is not None
    with path.open("rb") as f:
        assert tomllib.load(f) == strings()


def test_every_key_has_a_text_in_each_language():
    table = strings()
    assert len(table) > 200
    for key, texts in table.items():
        assert set(texts) == set(LANGS), key
        assert all(isinstance(texts[lang], str) for lang in LANGS), key


def test_every_language_of_a_key_has_the_same_placeholders():
    for key, texts in strings().items():
        fi = placeholders(texts["fi"])
        assert placeholders(texts["sv"]) == fi and placeholders(texts["en"]) == fi, key


def test_every_key_the_report_code_names_exists():
    named = set()
    for path in REPORT_CODE.rglob("*.py"):
        named |= set(_LITERAL_KEY.findall(path.read_text(encoding="utf-8")))
    assert len(named) > 100
    assert sorted(k for k in named if not has_string(k)) == []


def test_t_fills_placeholders_in_the_asked_language():
    assert t("wave_n", "fi", n=2) == "2. mittaus"
    assert t("wave_n", "sv", n=2) == "Mätning 2"
    assert t("wave_n", "en", n=2) == "Wave 2"
    assert t("ch_qol", "sv") == "Livskvalitet"


def test_texts_keep_their_special_characters():
    # the en dash, the ellipsis and Swedish/Finnish letters come through as written
    assert t("min_n_note", "fi", min_n=5).startswith("– = tieto jätetty pois")
    assert "alle 5 vastaajaan" in t("min_n_note", "fi", min_n=5)
    assert t("s_tests", "fi", min_n=5).count("\n") == 0


def test_unknown_key_is_an_error_and_not_a_string():
    assert not has_string("no_such_key")
    with pytest.raises(KeyError):
        t("no_such_key", "fi")


def test_strings_are_read_once():
    assert strings() is strings()
