"""Each client's background at entry: the first wave's answer, later waves filling gaps."""

from __future__ import annotations

import pandas as pd

from evaltool.indicators.workspace_tables import first_answers, wide_background


def _answers(rows):
    return pd.DataFrame(
        rows, columns=["response_id", "project", "respondent", "wave", "field", "value"]
    )


def test_first_wave_wins_blank_answers_do_not_count_and_later_waves_fill_gaps():
    answers = _answers(
        [
            (7, "P", "r1", 2, "gender", "female"),  # stored first, but a later wave
            (9, "P", "r1", 1, "gender", " male "),
            (9, "P", "r1", 1, "education", "   "),  # blank: no answer
            (7, "P", "r1", 2, "education", "basic"),
            (3, "P", "r2", 1, "gender", "female"),
            (4, "P", "r2", 1, "gender", "male"),  # same wave: the response stored first wins
            (5, "P", "r2", 1, "other", "x"),  # not asked for
        ]
    )
    first = first_answers(answers, ["gender", "education"])
    got = {(r.respondent, r.field): r.value for r in first.itertuples()}
    assert got == {
        ("r1", "gender"): "male",
        ("r1", "education"): "basic",
        ("r2", "gender"): "female",
    }


def test_wide_background_is_one_row_per_client_in_code_point_order():
    first = pd.DataFrame(
        {
            "project": ["Ä", "Z", "a", "Z", "Z"],
            "respondent": ["r1", "r2", "r1", "r1", "r2"],
            "field": ["gender", "gender", "age_group", "age_group", "age_group"],
            "value": ["male", "female", "25-29", "30-39", "18-24"],
        }
    )
    wide = wide_background(first)
    assert list(wide.columns) == ["project", "respondent", "age_group", "gender"]
    # Python's order of text: "Z" < "a" < "Ä"
    assert list(zip(wide["project"], wide["respondent"], strict=True)) == [
        ("Z", "r1"),
        ("Z", "r2"),
        ("a", "r1"),
        ("Ä", "r1"),
    ]
    gender = wide["gender"].tolist()
    assert pd.isna(gender[0]) and pd.isna(gender[2]) and gender[1::2] == ["female", "male"]
    age = wide["age_group"].tolist()
    assert age[:3] == ["30-39", "18-24", "25-29"] and pd.isna(age[3])
    assert wide_background(first.iloc[:0]).columns.tolist() == ["project", "respondent"]
