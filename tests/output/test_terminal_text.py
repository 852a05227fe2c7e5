"""Text from data made safe to show: personal data masked (the one implementation, also used
by reports), control characters escaped before they reach a terminal."""

from __future__ import annotations

import pytest

from evaltool.output import emit
from evaltool.text import mask_personal, terminal_safe


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("Soita 040 123 4567!", "Soita […]!"),
        ("+358 40 1234567 tai 09-123 4567", "[…] tai […]"),
        ("posti: a.b@esim.fi.", "posti: […]."),
        ("hetu 010190-123A ok", "hetu […] ok"),
        ("katso www.esimerkki.fi", "katso […]"),
        ("Jakso kesti 3 kk ja 2 viikkoa, 40 h.", "Jakso kesti 3 kk ja 2 viikkoa, 40 h."),
        ("2024-01-05 12.03.2024 004711 1001.0 3,5", "2024-01-05 12.03.2024 004711 1001.0 3,5"),
    ],
)
def test_mask_personal_as_reports_use_it(text, masked):
    assert mask_personal(text, mask="[…]", web=True) == masked


def test_mask_personal_names_the_kind():
    assert mask_personal("matti@example.fi, 040-1234567, 131052-308T") == (
        "<e-mail>, <phone>, <henkilötunnus>"
    )
    assert mask_personal(5) == "5"


def test_terminal_safe_escapes_control_characters_only():
    assert terminal_safe("a\x1b]0;title\x07b") == "a\\x1b]0;title\\x07b"
    assert terminal_safe("x\ry\x9b2J") == "x\\x0dy\\x9b2J"
    assert terminal_safe("rivi\n\tsarake ääkköset –") == "rivi\n\tsarake ääkköset –"


def test_table_output_to_the_terminal_is_escaped_but_files_keep_the_data(tmp_path):
    import pandas as pd

    tables = {"t": pd.DataFrame({"project": ["P\x1b[2J"], "n": [3]})}
    for fmt in ("table", "csv", "json"):
        shown = emit(tables, fmt, None)
        assert "\x1b" not in shown and ("\\x1b[2J" in shown or "\\u001b[2J" in shown), fmt
    emit(tables, "csv", tmp_path / "t.csv")
    assert "\x1b" in (tmp_path / "t.csv").read_text(encoding="utf-8")
