"""The README's quick start works as written (commands run in a temporary copy)."""

from __future__ import annotations

import re
import shlex
import shutil
from pathlib import Path

from click.testing import CliRunner

from evaltool.cli import main

ROOT = Path(__file__).resolve().parents[2]


def quick_start_commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Quick start with your own files", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    joined = block.replace("\\\n", " ")
    return [line.split("#", 1)[0].strip() for line in joined.splitlines() if line.strip()]


def test_quick_start_runs_as_written(tmp_path, monkeypatch):
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("EVALTOOL_WORKSPACE", raising=False)
    runner = CliRunner()
    outputs = []
    for command in quick_start_commands():
        if command.startswith("cd "):
            monkeypatch.chdir(Path.cwd() / command[3:].strip())
            continue
        args = shlex.split(command)
        assert args[0] == "evaltool"
        result = runner.invoke(main, args[1:], catch_exceptions=False)
        assert result.exit_code == 0, (command, result.output)
        outputs.append(result.output)
    scores_out = outputs[3]
    # 15 entry responses and 12 follow-ups, scored; no source id (K001…) is shown.
    assert scores_out.count("whoqol-bref") == 27
    assert "K001" not in scores_out
    assert "clients-wave2.csv" in outputs[4]
