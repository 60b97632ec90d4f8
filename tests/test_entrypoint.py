"""The real entry point in a child process: clear start-up errors, no leaked token, clean shutdown on signals."""

from __future__ import annotations

import asyncio
import signal
import sys
from pathlib import Path

from bot_under_test import bot_env, bot_process, run_to_end

from bot.settings import DEFAULT_FACTS
from standin import StandIn


async def test_missing_token_is_one_clear_sentence(tmp_path: Path) -> None:
    code, _out, err = await run_to_end(bot_env(tmp_path / "bot.db"), tmp_path, command=[sys.executable, "-m", "bot"])
    assert code != 0
    assert err.strip().startswith("Cannot start: DISCORD_TOKEN is not set")
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert not (tmp_path / "bot.db").exists()


async def test_rejected_token_is_one_clear_sentence(tmp_path: Path) -> None:
    async with StandIn() as standin:
        env = bot_env(tmp_path / "bot.db", standin, DISCORD_TOKEN="not.the.right.token")
        code, out, err = await run_to_end(env, tmp_path)
    assert code != 0
    assert "Cannot start: Discord rejected DISCORD_TOKEN" in err
    assert "Traceback" not in err
    assert "not.the.right.token" not in err + out


async def test_sigterm_shuts_down_cleanly_and_never_logs_the_token(tmp_path: Path) -> None:
    async with StandIn() as standin:
        env = bot_env(tmp_path / "bot.db", standin, LOG_LEVEL="DEBUG", PYTHONWARNINGS="always")
        async with bot_process(env, tmp_path) as bot:
            await asyncio.wait_for(standin.connected.wait(), 60)
            reply = await standin.slash("film")
            assert "All of Us Strangers" in reply.text
            bot.proc.send_signal(signal.SIGTERM)
            code, out, err = await bot.finish(30)
        assert standin.problems == []
    text = out + err
    assert code == 0, text
    assert "Traceback" not in text
    assert "Unclosed" not in text
    assert standin.token not in text
    # The store was closed: SQLite removes the write-ahead log when the last connection closes.
    assert (tmp_path / "bot.db").exists() and not (tmp_path / "bot.db-wal").exists()


async def test_sigint_shuts_down_cleanly(tmp_path: Path) -> None:
    async with StandIn() as standin:
        async with bot_process(bot_env(tmp_path / "bot.db", standin), tmp_path) as bot:
            await asyncio.wait_for(standin.connected.wait(), 60)
            bot.proc.send_signal(signal.SIGINT)
            code, _out, err = await bot.finish(30)
    assert code == 0, err
    assert "Traceback" not in err and "Unclosed" not in err


async def test_bad_facts_file_is_one_clear_sentence_naming_the_entry(tmp_path: Path) -> None:
    facts = tmp_path / "film.toml"
    facts.write_text(DEFAULT_FACTS.read_text(encoding="utf-8").replace('spoiler = "ending"', 'spoiler = "finale"', 1))
    async with StandIn() as standin:
        env = bot_env(tmp_path / "bot.db", standin, FACTS_PATH=str(facts))
        code, _out, err = await run_to_end(env, tmp_path)
        assert standin.global_commands == []  # it stopped before syncing anything
    assert code != 0
    assert "Traceback" not in err
    line = err.strip().splitlines()[-1]
    assert line.startswith(f"Cannot start: {facts}: ")
    assert "(id '" in line and "field 'spoiler': must be one of none, plot, ending (got 'finale')" in line
