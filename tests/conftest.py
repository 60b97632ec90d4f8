"""Shared fixtures: a temporary database, the local Discord stand-in, and the real bot running against it."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator
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


class _Tracebacks(logging.Handler):
    """Keeps every ERROR record that carries a traceback."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if record.exc_info:
            self.records.append(record)


@pytest.fixture(autouse=True)
def no_traceback_in_adversarial_tests(request: pytest.FixtureRequest) -> Iterator[None]:
    """An adversarial test fails on any ERROR logged with a traceback: a crash, however well it was answered."""
    if request.node.get_closest_marker("adversarial") is None:
        yield
        return
    handler = _Tracebacks()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield
    finally:
        root.removeHandler(handler)
    crashes = [f"{r.name}: {r.getMessage()}" for r in handler.records]
    assert not crashes, "tracebacks were logged:\n" + "\n".join(crashes)


# asyncio's own words for a coroutine's work lost without anyone awaiting it. A coroutine never awaited is a
# RuntimeWarning, an error here (pyproject's filterwarnings); these two asyncio only logs, so they are caught here.
LOST_WORK = ("Task exception was never retrieved", "Task was destroyed but it is pending")


class _LostWork(logging.Handler):
    """Keeps asyncio's reports of a task lost unawaited (see ``LOST_WORK``)."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        if str(record.msg).startswith(LOST_WORK):
            self.records.append(record)


@pytest.fixture(autouse=True)
def no_task_lost_unawaited() -> Iterator[None]:
    """Any test fails when asyncio reports a task whose exception nobody retrieved, or a pending task destroyed:
    the same class of bug as a coroutine never awaited, which asyncio only logs."""
    handler = _LostWork()
    logger = logging.getLogger("asyncio")
    logger.addHandler(handler)
    try:
        yield
    finally:
        logger.removeHandler(handler)
    lost = [r.getMessage().splitlines()[0] for r in handler.records]
    assert not lost, "asyncio reported work lost unawaited:\n" + "\n".join(lost)


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
