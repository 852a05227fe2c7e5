"""The demo on PostgreSQL writes the same report bytes as on SQLite (``SOURCE_DATE_EPOCH``
fixed): every file of its report folder — HTML pages, Excel workbooks, and the Word and PDF
versions of one project's report and the programme report."""

from __future__ import annotations

from pathlib import Path

import pytest
from store_engines import pg_test_url

from evaltool.store.postgres import scratch_schema
from evaltool.store.workspace import Workspace

CHROMIUM = Path("/usr/bin/chromium")
#: What the demo writes besides the HTML pages (Word and PDF need Chromium for the charts).
FORMATS = (".html", ".xlsx", ".docx", ".pdf")


def _demo(root, database=None) -> dict[str, bytes]:
    from evaltool.demo import build_demo

    mp = pytest.MonkeyPatch()
    mp.setenv("SOURCE_DATE_EPOCH", "1710547200")
    try:
        build_demo(root, progress=False, database=database)
    finally:
        mp.undo()
    return {
        p.relative_to(root / "reports").as_posix(): p.read_bytes()
        for p in sorted((root / "reports").rglob("*"))
        if p.is_file()
    }


@pytest.mark.skipif(not CHROMIUM.exists(), reason="/usr/bin/chromium not installed")
def test_the_demo_on_postgresql_writes_the_same_report_bytes(tmp_path):
    url = pg_test_url()
    on_sqlite = _demo(tmp_path / "sqlite")
    with scratch_schema(url) as schema_url:
        on_pg = _demo(tmp_path / "pg", schema_url)
        with Workspace.open(tmp_path / "pg") as ws:
            assert ws.engine_name == "postgresql"
    assert sorted(on_pg) == sorted(on_sqlite)
    for suffix in FORMATS:
        assert any(n.endswith(suffix) for n in on_pg), f"the demo wrote no {suffix} report"
    assert {"programme.fi.docx", "programme.fi.pdf"} <= set(on_pg)
    # The PDF is compared byte for byte too: Chromium (Skia) writes no random document /ID,
    # and the report writer sets its CreationDate and ModDate from SOURCE_DATE_EPOCH; Word
    # files are zip archives whose member times are set the same way.
    differ = [name for name in on_sqlite if on_sqlite[name] != on_pg[name]]
    assert differ == [], differ
