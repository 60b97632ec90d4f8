"""Shared fixtures: a temporary database, the local Discord stand-in, and the real bot running against it."""

from __future__ import annotations

import logging
import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from bot_under_test import running_bot

from bot.client import StrangersBot
from bot.settings import DEFAULT_FACTS, Settings
from bot.store import Store
from standin import StandIn

if TYPE_CHECKING:
    import asyncpg

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


POSTGRES_URL = os.environ.get("POSTGRES_TEST_URL", "postgresql://postgres@127.0.0.1:5432/test")
POSTGRES_SKIPPED = (
    "PostgreSQL not reachable at " + POSTGRES_URL.rsplit("@", 1)[-1] + ": the PostgreSQL tests were skipped"
)


async def postgres_admin(url: str = POSTGRES_URL) -> asyncpg.Connection:
    """A connection to the test PostgreSQL server, for creating and dropping what a test uses. Without a reachable
    server (or without asyncpg) the test is skipped, one line in the summary saying so; with ``CI=true`` it fails."""
    ci = os.environ.get("CI") == "true"
    try:
        import asyncpg
    except ImportError:
        if ci:
            pytest.fail("asyncpg is not installed; with CI=true the PostgreSQL tests must run")
        pytest.skip(POSTGRES_SKIPPED + " (asyncpg not installed)")
    try:
        return await asyncpg.connect(url, timeout=3)
    except (OSError, asyncpg.PostgresError, TimeoutError) as exc:
        if ci:
            pytest.fail(f"{POSTGRES_SKIPPED} ({exc}); with CI=true they must run")
        pytest.skip(POSTGRES_SKIPPED)


@asynccontextmanager
async def postgres_schema() -> AsyncIterator[str]:
    """A DATABASE_URL whose ``search_path`` is a fresh schema of the test database, dropped after (skipped or failed
    as ``postgres_admin`` says without a server)."""
    admin = await postgres_admin()
    schema = f"test_{uuid.uuid4().hex[:12]}"
    await admin.execute(f"CREATE SCHEMA {schema}")
    try:
        joiner = "&" if "?" in POSTGRES_URL else "?"
        yield f"{POSTGRES_URL}{joiner}search_path={schema}"
    finally:
        await admin.execute(f"DROP SCHEMA {schema} CASCADE")
        await admin.close()


@pytest.fixture(params=["sqlite", "postgres"])
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    """The store, once with server state in its SQLite file and once in PostgreSQL (a schema of its own)."""
    if request.param == "sqlite":
        s = await Store.open(tmp_path / "store.db")
        yield s
        await s.close()
        return
    async with postgres_schema() as url:
        s = await Store.open(tmp_path / "store.db", database_url=url)
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


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Iterator[None]:
    """Every PostgreSQL skip reported from one place, so that ``-ra`` (the default options) sums them up in one line:
    "SKIPPED [n] tests/conftest.py: PostgreSQL not reachable at ...: the PostgreSQL tests were skipped"."""
    outcome = yield
    report = outcome.get_result()
    if report.skipped and isinstance(report.longrepr, tuple) and POSTGRES_SKIPPED in str(report.longrepr[2]):
        report.longrepr = (__file__, postgres_schema.__wrapped__.__code__.co_firstlineno, report.longrepr[2])
