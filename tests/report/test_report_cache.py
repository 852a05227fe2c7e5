"""Report data computed once per state of the workspace: the same bytes as computed afresh,
and a new computation after a deletion or a change of a setting."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from test_report import EPOCH, build_workspace

from evaltool.imports.deletion import delete_import
from evaltool.report import cache, write_project_report
from evaltool.report.texts import TEXTS_DIR
from evaltool.store.workspace import Workspace


@pytest.fixture(scope="module")
def ws_path(tmp_path_factory) -> Path:
    return build_workspace(tmp_path_factory.mktemp("cache"), partners=False)


@pytest.fixture
def counted(monkeypatch):
    """The number of times the report data are computed."""
    calls = []
    real = cache.collect

    def counting(*args, **kwargs):
        calls.append(args[2] if len(args) > 2 else kwargs.get("projects"))
        return real(*args, **kwargs)

    monkeypatch.setattr(cache, "collect", counting)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", EPOCH)
    return calls


def test_a_second_report_reuses_the_data_and_gives_the_same_bytes(ws_path, tmp_path, counted):
    with Workspace.open(ws_path) as ws:
        first = write_project_report(ws, "S10246", tmp_path / "a")
        again = write_project_report(ws, "S10246", tmp_path / "b")
        assert len(counted) == 1
        cache.clear()
        fresh = write_project_report(ws, "S10246", tmp_path / "c")
        assert len(counted) == 2
    assert again.read_bytes() == first.read_bytes() == fresh.read_bytes()
    assert again.with_suffix(".xlsx").read_bytes() == fresh.with_suffix(".xlsx").read_bytes()


def test_each_project_language_and_the_programme_have_their_own_entry(ws_path, counted):
    with Workspace.open(ws_path) as ws:
        cache.report_data(ws, "fi", ["S10246"])
        cache.report_data(ws, "fi", ["S20002"])
        cache.report_data(ws, "sv", ["S10246"])
        cache.report_data(ws, None)  # the workspace's language: Finnish
        cache.report_data(ws, "fi")
    assert counted == [["S10246"], ["S20002"], ["S10246"], None]


def _figures(data) -> list:
    return [(i.name, i.waves, i.n_respondents) for i in data.instruments]


def test_a_changed_setting_or_a_deleted_import_makes_new_data(tmp_path, counted):
    root = build_workspace(tmp_path / "one", partners=False)
    with Workspace.open(root) as ws:
        before = cache.report_data(ws, "fi")
        ws.set_setting("min_n", "40")
        stricter = cache.report_data(ws, "fi")
        assert len(counted) == 2 and stricter.min_n == 40 and before.min_n == 5
        ws.set_setting("min_n", "5")
        cache.report_data(ws, "fi")  # the same settings as the first time
        assert len(counted) == 2
        imports = ws.imports()
        wave_3 = imports.loc[imports["kind"] == "clients", "id"].max()
        delete_import(ws, int(wave_3))
        fewer = cache.report_data(ws, "fi")
        assert len(counted) == 3
        assert _figures(fewer) != _figures(before)


def test_two_workspaces_with_the_same_content_do_not_share_data(tmp_path, counted):
    a = build_workspace(tmp_path / "a", partners=False)
    b = build_workspace(tmp_path / "b", partners=False)
    with Workspace.open(a) as wa, Workspace.open(b) as wb:
        assert wa.data_state() != wb.data_state()
        cache.report_data(wa, "fi")
        cache.report_data(wb, "fi")
    assert len(counted) == 2


def test_the_evaluators_text_is_read_anew(ws_path, tmp_path, counted):
    with Workspace.open(ws_path) as ws:
        texts = Path(ws.root) / TEXTS_DIR
        shutil.rmtree(texts, ignore_errors=True)
        without = cache.report_data(ws, "fi", ["S10246"])
        texts.mkdir()
        (texts / "S10246.md").write_text(
            "# Johdanto\n\nHanke eteni suunnitellusti.\n", encoding="utf-8"
        )
        try:
            with_text = cache.report_data(ws, "fi", ["S10246"])
        finally:
            shutil.rmtree(texts)
    assert len(counted) == 1
    assert "S10246" not in without.texts and "S10246" in with_text.texts
