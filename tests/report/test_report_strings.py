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
    parts = [path, *sorted(path.parent.glob("strings-*.toml"))]
    assert len(parts) > 1
    union: dict = {}
    for part in parts:
        with part.open("rb") as f:
            table = tomllib.load(f)
        # a key defined in two files is an error, not a silent override
        assert not set(table) & set(union), (part.name, sorted(set(table) & set(union)))
        union.update(table)
    # strings() is exactly strings.toml and every strings-<part>.toml beside it, merged
    assert union == strings()


def test_a_key_defined_in_two_strings_files_is_an_error(tmp_path, monkeypatch):
    (tmp_path / STRINGS_FILE).write_text('[k]\nfi = "a"\nsv = "a"\nen = "a"\n', "utf-8")
    (tmp_path / "strings-x.toml").write_text('[k]\nfi = "b"\nsv = "b"\nen = "b"\n', "utf-8")
    monkeypatch.setattr(i18n, "data_file", lambda kind, name: tmp_path / name)
    i18n.strings.cache_clear()
    try:
        with pytest.raises(ValueError, match="strings-x.toml"):
            i18n.strings()
    finally:
        i18n.strings.cache_clear()


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


#: Finnish (and Swedish) as the evaluators wrote it: (key, wrong, right) seen in the demo.
LANGUAGE = [
    ("report_project", "Vaikuttavuusraportti", "Arviointiraportti"),
    ("col_ci", "95 % luottamusväli", "95 %:n luottamusväli"),
    ("col_ci_low", "95 % LV", "95 %:n luottamusvälin alaraja"),
    ("col_d_av", "d_av", "keskihajontojen keskiarvolla"),
    ("made_with", "Laadittu", "evaltool-ohjelmalla"),
    ("s_largest", "oli osa-alueella {domain}", "oli {domain}"),
    ("coop_s_org_degree", "kierroksella {r2}", "{at1}"),
]


@pytest.mark.parametrize(("key", "wrong", "right"), LANGUAGE)
def test_finnish_reads_as_an_evaluator_writes(key, wrong, right):
    fi = strings()[key]["fi"]
    assert wrong not in fi and right in fi


def test_finnish_domain_in_the_adessive():
    from evaltool.report.chapters.summary import fi_on_domain

    assert fi_on_domain("psyykkinen") == "psyykkisellä osa-alueella"
    assert fi_on_domain("sosiaalinen") == "sosiaalisella osa-alueella"
    assert fi_on_domain("ympäristö") == "ympäristön osa-alueella"


def test_swedish_names_the_domain_and_no_band():
    sv = strings()
    assert "gällde \\\n" not in sv["s_largest"]["sv"] and "domänen" in sv["s_largest"]["sv"]
    assert " band " not in sv["coop_s_org_degree"]["sv"]


def test_no_english_and_no_raw_code_in_finnish_or_swedish():
    english = re.compile(r"\b(the|and|with|of|report|clients?)\b")
    raw = re.compile(r"\b[a-z]+_[a-z_]+\b")
    for key, texts in strings().items():
        if key.startswith("web_"):
            continue
        for lang in ("fi", "sv"):
            text = re.sub(r"\{[a-z0-9_]+\}", "", texts[lang])
            text = re.sub(r"evaltool( report)?( --[a-z]+)?", "", text)  # the command's name
            assert not english.search(text), (key, lang, text)
            assert not raw.search(text), (key, lang, text)
