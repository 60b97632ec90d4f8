"""Shared fixtures: a temporary database, the local Discord stand-in, and the real bot running against it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from bot_under_test import running_bot

from bot.client import StrangersBot
from bot.settings import DEFAULT_FACTS, Settings
from bot.store import Store
from standin import StandIn


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(token="unused", database_path=tmp_path / "bot.db", facts_path=DEFAULT_FACTS)


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    s = await Store.open(tmp_path / "store.db")
    yield s
    await s.close()


@pytest.fixture
async def discord_api() -> AsyncIterator[StandIn]:
    """The stand-in, checked at the end: any rule the bot broke or route it used that Discord lacks fails the test."""
    async with StandIn() as standin:
        yield standin
        assert standin.problems == [], "the stand-in saw problems:\n" + "\n".join(standin.problems)


@pytest.fixture
async def bot(discord_api: StandIn, settings: Settings) -> AsyncIterator[StrangersBot]:
    async with running_bot(discord_api, settings) as running:
        yield running


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """One line when the PostgreSQL tests were skipped (no server reachable), so a green run says what it left out."""
    skipped = [r for r in terminalreporter.stats.get("skipped", []) if "PostgreSQL not reachable" in str(r.longrepr)]
    if skipped:
        reason = str(skipped[0].longrepr[2]) if isinstance(skipped[0].longrepr, tuple) else "PostgreSQL not reachable"
        terminalreporter.write_line(f"{len(skipped)} PostgreSQL tests skipped: {reason.removeprefix('Skipped: ')}")
