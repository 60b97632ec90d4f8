"""The playground: typed lines parsed like Discord's prompt, answers shown readably, a script run end to end."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path

import pytest

from bot import PROJECT_ROOT
from bot.playground.parse import Action, CommandLine, parse_line
from bot.playground.render import Screen


def test_parsing_commands_and_actions() -> None:
    assert parse_line("/plot moment: diner") == CommandLine(("plot",), {"moment": "diner"})
    assert parse_line("/theory poll hours: 2 hidden_results: true") == CommandLine(
        ("theory", "poll"), {"hours": "2", "hidden_results": "true"}
    )
    assert parse_line('/ask question: "what: is this?"') == CommandLine(("ask",), {"question": "what: is this?"})
    assert parse_line("/ask question: who plays harry, really") == CommandLine(
        ("ask",), {"question": "who plays harry, really"}
    )
    assert parse_line("as moderator") == Action("as", "moderator")
    assert parse_line("in #spoilers") == Action("in", "#spoilers")
    assert parse_line("exit") == Action("quit")
    assert parse_line("   ") is None and parse_line("# a comment") is None
    with pytest.raises(ValueError, match="unknown instruction"):
        parse_line("dance")
    with pytest.raises(ValueError, match="given twice"):
        parse_line("/plot moment: a moment: b")


def test_screen_hides_spoilers_until_revealed_and_numbers_buttons() -> None:
    message = {
        "flags": 64,
        "embeds": [
            {
                "title": "The ending",
                "description": "Safe part. ||Harry \\| is a ghost.|| More.",
                "footer": {"text": "spoiler-free footer"},
            }
        ],
        "components": [
            {
                "type": 1,
                "components": [
                    {"type": 2, "label": "Reveal to me", "custom_id": "reveal:ending:all", "emoji": {"name": "👁"}},
                    {"type": 2, "label": "Closed", "custom_id": "x", "disabled": True},
                ],
            }
        ],
    }
    screen = Screen()
    text = screen.show([message])
    assert "(only you can see this)" in text and "┏━ The ending" in text
    assert "ghost" not in text and "[spoiler 1]" in text
    assert "[1] 👁 Reveal to me" in text and "[2] Closed (disabled)" in text
    assert [b["custom_id"] for _, b in screen.buttons] == ["reveal:ending:all", "x"]
    assert "‹Harry | is a ghost.›" in screen.reveal(1)
    with pytest.raises(ValueError):
        screen.reveal(2)


async def test_a_script_runs_through_the_real_bot(tmp_path: Path) -> None:
    script = tmp_path / "demo.txt"
    script.write_text("\n".join(["/film", "as moderator", "in #ending-talk", "/nope", "reveal", "click 3"]))
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "bot",
        "playground",
        "--script",
        str(script),
        "--database",
        str(tmp_path / "pg.db"),
        cwd=PROJECT_ROOT,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.PIPE,
    )
    out, err = await asyncio.wait_for(proc.communicate(), 120)
    transcript = out.decode()
    assert proc.returncode == 0, err.decode()
    assert "member@#general> /film" in transcript
    assert "┏━ All of Us Strangers (2023)" in transcript
    assert "moderator@#ending-talk> /nope" in transcript
    assert "(playground) /nope is not registered" in transcript
    assert "(playground) nothing on screen is hidden" in transcript
    assert "(playground) there is no button 3 on screen" in transcript
    # Nothing written outside the configured database.
    assert all(name.startswith("pg.db") for name in _files(tmp_path) if name != "demo.txt")


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())
