"""Files written beside their name and moved onto it in one step: a reader never sees a file
cut short, and a failed write leaves the old file."""

from __future__ import annotations

import pytest

from evaltool.output.paths import replacing


def test_a_finished_write_replaces_the_file_and_leaves_nothing_beside_it(tmp_path):
    target = tmp_path / "S1.fi.html"
    target.write_text("old", encoding="utf-8")
    with replacing(target) as tmp:
        tmp.write_text("new", encoding="utf-8")
        assert target.read_text(encoding="utf-8") == "old"  # readers still get the old one
        assert tmp.parent == target.parent and tmp != target
    assert target.read_text(encoding="utf-8") == "new"
    assert [p.name for p in tmp_path.iterdir()] == ["S1.fi.html"]


def test_a_failed_write_keeps_the_old_file_and_removes_the_partial_one(tmp_path):
    target = tmp_path / "S1.fi.html"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(RuntimeError), replacing(target) as tmp:
        tmp.write_text("half", encoding="utf-8")
        raise RuntimeError("the build failed")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["S1.fi.html"]
