"""Real export variants: the Qualtrics legacy exporter (``V1`` … codes over field names) and
LimeSurvey exports with French, Dutch or German headings."""

from __future__ import annotations

from pathlib import Path

import pytest
from layout_fixtures import FIXTURES, TRUTH, survey

from evaltool import layouts
from evaltool import read as readers
from evaltool.testing import exports, format_times


@pytest.fixture
def legacy(tmp_path: Path):
    path = tmp_path / "legacy.csv"
    FIXTURES["qualtrics_legacy"].write(path)
    return layouts.recognise(readers.read_raw(path))


def test_legacy_qualtrics_is_recognised_with_two_header_rows(legacy):
    assert legacy.layout == "qualtrics" and legacy.header_rows == 2
    assert legacy.layout_scores["qualtrics"] >= 0.95


def test_legacy_v_codes_are_metadata_named_by_their_field(legacy):
    roles = {legacy.columns[p].code: r for p, r in legacy.meta_columns.items()}
    assert roles["ResponseID"] == "response_id"
    assert roles["ExternalDataReference"] == "respondent_id"
    assert roles["Status"] == "status" and roles["Finished"] == "finished"
    assert roles["EmailAddress"] == "email" and roles["IPAddress"] == "ip"
    assert roles["ResponseSet"] == "tool" and roles["LocationAccuracy"] == "location"
    codes = {info.code for info in legacy.columns.values()}
    assert not {f"V{k}" for k in range(1, 11)} & codes


def test_legacy_test_and_preview_responses_are_dropped(legacy):
    reasons = [reason for _, reason in legacy.dropped]
    assert reasons == ["Qualtrics status 2 (survey test)", "Qualtrics status 1 (survey preview)"]
    ids = legacy.data[legacy.metadata["respondent_id"]].tolist()
    assert ids == [r.id for r in TRUTH]


def test_legacy_forced_layout_gives_the_same_table(tmp_path: Path, legacy):
    forced = layouts.recognise(legacy.raw, "qualtrics")
    assert forced.metadata == legacy.metadata and len(forced.data) == len(legacy.data)


# LimeSurvey's metadata headings in its French, Dutch and German translations.
HEADINGS = {
    "fr": [
        "ID de la réponse",
        "Date de soumission",
        "Dernière page",
        "Langue de départ",
        "Graine",
        "Date de début",
        "Date de la dernière action",
        "Adresse IP",
    ],
    "nl": [
        "Respons ID",
        "Datum verstuurd",
        "Laatste pagina",
        "Starttaal",
        "Seed",
        "Startdatum",
        "Datum laatste actie",
        "IP-adres",
    ],
    "de": [
        "Antwort ID",
        "Datum Abgeschickt",
        "Letzte Seite",
        "Start-Sprache",
        "Zufallsstartwert",
        "Datum gestartet",
        "Datum letzte Aktivität",
        "IP-Adresse",
    ],
}
ROLES = ["response_id", "submitted", "progress", "tool", "tool", "timestamp", "timestamp", "ip"]


@pytest.mark.parametrize("lang", sorted(HEADINGS))
def test_limesurvey_translated_headings_are_metadata(tmp_path: Path, lang: str):
    answers = survey().without("id")
    when = format_times(answers.when, "iso")
    n = len(TRUTH)
    values = [
        [str(k) for k in range(1, n + 1)],
        when,
        ["4"] * n,
        [lang] * n,
        ["1"] * n,
        when,
        when,
        ["192.0.2.1"] * n,
    ]
    meta = dict(zip(HEADINGS[lang], values, strict=True))
    path = tmp_path / f"limesurvey-{lang}.csv"
    exports.write_limesurvey(answers, path, meta, coding="codes")
    table = layouts.recognise(readers.read_raw(path))
    assert table.layout == "limesurvey"
    roles = [table.meta_columns.get(p) for p in range(len(ROLES))]
    assert roles == ROLES
    assert table.metadata["respondent_id"] == 0  # the response id links the waves
    assert table.metadata["ip"] == 7
