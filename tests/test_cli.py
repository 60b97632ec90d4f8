"""The command line in a child process: --help, usage errors, `check` and `backup` as a person meets them."""

from __future__ import annotations

import sqlite3
import sys
from pathlib import Path

from bot_under_test import bot_env, run_to_end

from bot.settings import DEFAULT_FACTS
from bot.store.base import latest_version

COMMANDS = ("run", "playground", "check", "backup")


async def _cli(tmp_path: Path, *args: str, **env: str) -> tuple[int, str, str]:
    return await run_to_end(bot_env(tmp_path / "bot.db", **env), tmp_path, command=[sys.executable, "-m", "bot", *args])


def _one_sentence(err: str) -> str:
    assert "Traceback" not in err
    lines = err.strip().splitlines()
    assert len(lines) == 1, err
    return lines[0]


async def test_help_lists_every_command_on_one_line_and_needs_no_token(tmp_path: Path) -> None:
    code, out, err = await _cli(tmp_path, "--help")
    assert code == 0 and err == ""
    listed = [line.split()[0] for line in out.splitlines() if line.startswith("  ") and not line.startswith("  -")]
    assert tuple(listed) == COMMANDS
    for name in COMMANDS:
        line = next(line for line in out.splitlines() if line.startswith(f"  {name} "))
        assert len(line.split(maxsplit=1)[1]) > 20  # a summary, on the same line as the name
    assert "(the default)" in next(line for line in out.splitlines() if line.startswith("  run "))
    assert not (tmp_path / "bot.db").exists()


async def test_each_command_has_its_own_help(tmp_path: Path) -> None:
    for name in ("run", "check", "backup"):
        code, out, err = await _cli(tmp_path, name, "--help")
        assert code == 0 and err == "" and out.startswith(f"usage: python -m bot {name}")
    code, out, _err = await _cli(tmp_path, "playground", "--help")
    assert code == 0 and "--script" in out  # the playground parses its own options


async def test_unknown_command_or_argument_is_a_usage_error(tmp_path: Path) -> None:
    for args in (("frobnicate",), ("--verbose",), ("run", "now"), ("check", "--deep"), ("backup", "a.db", "b.db")):
        code, out, err = await _cli(tmp_path, *args)
        assert code == 2, args
        assert out == "" and "Traceback" not in err
        usage, error = err.strip().splitlines()
        assert usage.startswith("usage: python -m bot")
        assert error.startswith("python -m bot") and "error:" in error
    assert not (tmp_path / "bot.db").exists()


async def test_check_without_a_token_reports_and_exits_0(tmp_path: Path) -> None:
    code, out, err = await _cli(tmp_path, "check")
    assert code == 0, err
    assert err == ""
    assert "Token: not set" in out
    assert "Facts: fine." in out and "Database: fine (created)." in out and f"schema version {latest_version()}" in out
    assert out.strip().splitlines()[-1].startswith("All fine")
    with sqlite3.connect(tmp_path / "bot.db") as conn:  # the facts were loaded as a start would
        assert conn.execute("SELECT count(*) FROM facts").fetchone()[0] > 0


async def test_check_counts_what_the_database_holds(tmp_path: Path) -> None:
    await _cli(tmp_path, "check")
    with sqlite3.connect(tmp_path / "bot.db") as conn:
        conn.execute("INSERT INTO polls VALUES (1, 1, 2, NULL, 3, 0, 'now', 'later', NULL)")
        conn.execute(
            "INSERT INTO poll_options (poll_id, position, theory_key, title, spoiler, guild_id) "
            "VALUES (1, 1, 'member:1', 'A theory', 0, 1)"
        )
        conn.executemany(
            "INSERT INTO votes (poll_id, user_id, position, voted_at) VALUES (1, ?, 1, 'now')", [(u,) for u in range(5)]
        )
    conn.close()
    code, out, _err = await _cli(tmp_path, "check", DISCORD_TOKEN="abc")
    assert code == 0
    assert "0 member theories, 1 poll, 5 votes." in out and "Token: set" in out and "abc" not in out


async def test_check_failures_are_one_sentence_and_exit_2(tmp_path: Path) -> None:
    code, out, err = await _cli(tmp_path, "check", LOG_LEVEL="loud")
    assert code == 2 and out == ""
    assert _one_sentence(err).startswith("Check failed: LOG_LEVEL must be one of")

    facts = tmp_path / "film.toml"
    facts.write_text(DEFAULT_FACTS.read_text(encoding="utf-8").replace('spoiler = "ending"', 'spoiler = "x"', 1))
    code, _out, err = await _cli(tmp_path, "check", FACTS_PATH=str(facts))
    assert code == 2 and _one_sentence(err).startswith(f"Check failed: {facts}: ")

    (tmp_path / "junk.db").write_bytes(b"this is not a database" * 500)
    code, _out, err = await _cli(tmp_path, "check", DATABASE_PATH=str(tmp_path / "junk.db"))
    assert code == 2 and "not a usable SQLite database" in _one_sentence(err)
