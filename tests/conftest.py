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

# The adversarial suite (``pytest -m adversarial``): hostile input, forged ids, floods, damage and deletion.
ADVERSARIAL = {
    "test_adversarial.py",
    "test_bad_input_flood.py",
    "test_database_safety.py",
    "test_forged_ids_e2e.py",
    "test_member_text_e2e.py",
}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.name in ADVERSARIAL:
            item.add_marker(pytest.mark.adversarial)


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
