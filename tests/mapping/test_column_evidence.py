"""Column placement, one evidence step at a time: each step claims the columns its evidence
points at and records how (``ColumnMap.how``)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from evaltool.instruments import load_instrument
from evaltool.layouts import plain
from evaltool.layouts.table import SurveyTable
from evaltool.mapping.columns import ColumnMapper, map_columns
from evaltool.read import RawTable

ANSWERS = ["1", "2", "3", "4", "5", "3"]


@pytest.fixture(scope="module")
def kevat():
    return load_instrument("kevat-client")


def table(columns: dict[str, list[str]]) -> SurveyTable:
    """A plain sheet: one header row over the given columns."""
    rows = [list(columns)] + [list(r) for r in zip(*columns.values(), strict=True)]
    return plain.normalise(RawTable(Path("test.csv"), "text", pd.DataFrame(rows)))


def test_mapping_file_claims_items_fields_and_skips(kevat):
    t = table({"Kysymys A": ANSWERS, "Sp": ["1", "2"] * 3, "Muistiinpano": ["x"] * 6})
    mapper = ColumnMapper(
        t, kevat, {"kysymys a": "p3", "SP": "gender", "Nope": "p1", "Muistiinpano ": "p99"}
    )
    mapper.by_mapping_file()
    result = mapper.result
    assert result.items == {0: "p3"} and result.fields == {1: "gender"}
    assert result.how == {0: "mapping", 1: "mapping"}
    assert result.warnings == ["mapping 'Nope': no column of the file has this header"]
    assert len(result.problems) == 1 and "'p99' is neither an item" in result.problems[0]


def test_mapping_file_letter_skips_a_column(kevat):
    t = table({"Kysymys A": ANSWERS, "Kysymys B": ANSWERS})
    mapper = ColumnMapper(t, kevat, {"B": "skip"})
    mapper.by_mapping_file()
    assert mapper.result.skipped == {1} and mapper.result.how == {1: "mapping"}
    assert mapper.result.target(1) == "skip"


def test_template_code_places_item_and_field_option(kevat):
    t = table({"Sain tietoa (p1)": ANSWERS, "Työ (goals:work)": ["1", ""] * 3})
    mapper = ColumnMapper(t, kevat)
    mapper.by_template_code()
    assert mapper.result.items == {0: "p1"}
    assert mapper.result.options == {1: ("goals", "work")}
    assert mapper.result.how == {0: "template", 1: "template"}


def test_field_by_label_after_a_question_number_and_by_pattern(kevat):
    t = table({"1. Sukupuoli": ["1", "2"] * 3, "Kotikunta": ["Oulu"] * 6})
    mapper = ColumnMapper(t, kevat, patterns={"municipality": r"(?:koti)?kunta"})
    mapper.fields_by_label()
    assert mapper.result.fields == {0: "gender", 1: "municipality"}
    assert mapper.result.how == {0: "label", 1: "pattern"}


def test_multi_select_grid_options_by_label_and_other_skipped(kevat):
    stem = "Tavoitteet tukijaksolle"
    t = table(
        {
            f"{stem} [Työllistyminen]": ["1", ""] * 3,
            f"{stem} [Päivärytmi]": ["", "1"] * 3,
            f"{stem} [Muu]": ["", "x"] * 3,
        }
    )
    mapper = ColumnMapper(t, kevat)
    mapper.options_by_grid()
    assert mapper.result.options == {0: ("goals", "work"), 1: ("goals", "routine")}
    assert mapper.result.skipped == {2}
    assert mapper.result.how == {0: "label", 1: "label", 2: "other"}


def test_item_by_label_of_a_grid_statement(kevat):
    t = table({"Arvioi [Sain riittävästi ohjausta]": ANSWERS, "Arvioi [jotain muuta]": ANSWERS})
    mapper = ColumnMapper(t, kevat)
    mapper.items_by_label()
    assert mapper.result.items == {0: "p4"} and mapper.result.how == {0: "label"}


def test_item_by_code_only_over_answers(kevat):
    t = table({"e2": ANSWERS, "e3": ["hyvä", "huono", "ok", "jotain", "muuta", "vielä"]})
    mapper = ColumnMapper(t, kevat)
    mapper.items_by_code()
    assert mapper.result.items == {0: "e2"} and mapper.result.how == {0: "code"}


def test_grid_position_in_the_block_named_by_the_stem(kevat):
    stem = "Koetut vaikutukset"
    t = table({f"{stem} [väite {k}]": ANSWERS for k in range(1, 9)})
    mapper = ColumnMapper(t, kevat)
    mapper.items_by_position()
    assert mapper.result.items == {k: f"e{k + 1}" for k in range(8)}
    assert set(mapper.result.how.values()) == {"position"}


def test_unlabelled_grid_is_not_placed_by_guess(kevat):
    # Two blocks of eight items: one unlabelled grid of eight could be either.
    t = table({f"Oma kysely [väite {k}]": ANSWERS for k in range(1, 9)})
    mapper = ColumnMapper(t, kevat)
    mapper.items_by_position()
    assert mapper.result.items == {} and mapper.result.how == {}


def test_numbered_headers_outside_grids(kevat):
    # k1 … k16 number the questionnaire's 16 items: number n is the n-th item
    t = table({f"k{n}": ANSWERS for n in range(1, 17)})
    mapper = ColumnMapper(t, kevat)
    mapper.items_by_number()
    assert mapper.result.items == dict(enumerate(kevat.item_codes))
    assert set(mapper.result.how.values()) == {"number"}


def test_a_number_alone_is_no_evidence(kevat):
    # a few numbered questions, one beyond the instrument: another questionnaire's numbering
    mapper = ColumnMapper(table({"k1": ANSWERS, "k9": ANSWERS, "k17": ANSWERS}), kevat)
    mapper.items_by_number()
    assert mapper.result.items == {}
    # one question numbered 9 is not item 9
    mapper = ColumnMapper(table({"question 9": ANSWERS, "Sukupuoli": ["1", "2"] * 3}), kevat)
    mapper.items_by_number()
    assert mapper.result.items == {}


def test_variable_names_ending_in_a_digit_are_not_item_numbers(kevat):
    # a hotel survey's v1 … v5 and legacy Qualtrics V7 (Status), V10 (Finished)
    hotel = table({f"v{n}": ANSWERS for n in range(1, 17)})
    assert map_columns(hotel, kevat).items == {}
    legacy = table({"V7": ["0"] * 6, "V10": ["1"] * 6, **{f"V{n}": ANSWERS for n in range(11, 17)}})
    assert map_columns(legacy, kevat).items == {}


def test_a_number_with_the_instruments_own_prefix_names_that_item():
    # WHOQOL-BREF's codes are q1 … q26: Q03 is q3 even alone
    t = table({"Q03": ANSWERS, "Q07": ANSWERS})
    result = map_columns(t, load_instrument("whoqol-bref"))
    assert result.items == {0: "q3", 1: "q7"} and set(result.how.values()) == {"number"}


def test_claim_takes_a_column_and_a_target_once(kevat):
    mapper = ColumnMapper(table({"a": ANSWERS, "b": ANSWERS}), kevat)
    assert mapper._claim(0, "item", "p1", "code")
    assert not mapper._claim(1, "item", "p1", "code")
    assert not mapper._claim(0, "field", "gender", "label")
    assert mapper.result.items == {0: "p1"} and mapper.result.how == {0: "code"}


def test_background_field_is_claimed_before_a_numbered_item(kevat):
    # "1. Sukupuoli" answered 1 / 2 looks like item 1; the field step comes first.
    t = table({"1. Sukupuoli": ["1", "2"] * 3, **{f"{n}.": ANSWERS for n in range(2, 17)}})
    result = map_columns(t, kevat)
    assert result.fields == {0: "gender"} and result.how[0] == "label"
    assert result.items == {k: kevat.item_codes[k] for k in range(1, 16)}
    assert result.how[1] == "number" and "p1" in result.missing_items


def test_an_item_named_like_a_background_field_stays_an_item():
    from evaltool.instruments import parse_instrument

    text = (Path(__file__).parent / "user_sex_instrument.toml").read_text(encoding="utf-8")
    inst = parse_instrument(text, "user_sex_instrument.toml")
    patterns = {"gender": r"(?:sex|gender)"}
    result = map_columns(table({"sex": ["1", "2"] * 3, "mood": ANSWERS}), inst, patterns=patterns)
    assert result.items == {0: "sex", 1: "mood"} and result.fields == {}


def test_leftovers_are_unplaced_and_item_like(kevat):
    t = table({"p1": ANSWERS, "Oma": ANSWERS, "Vapaa": ["x"] * 6, "Tyhjä": [""] * 6})
    result = map_columns(t, kevat)
    assert result.items == {0: "p1"}
    assert result.unplaced == [1, 2] and result.item_like == [1]
    assert result.missing_items == [c for c in kevat.item_codes if c != "p1"]
