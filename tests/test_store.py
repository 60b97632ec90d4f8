"""The store on a temporary database: migrations, pragmas, facts round trip and reload rules."""

from __future__ import annotations

import dataclasses
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.facts import load_facts
from bot.models import Level, Policy, Style
from bot.search import index_rows
from bot.settings import DEFAULT_FACTS
from bot.store import Store, StoreError
from bot.store.base import latest_version

LOADED = load_facts(DEFAULT_FACTS)


async def test_schema_pragmas_and_version(store: Store) -> None:
    assert await store.schema_version() == latest_version()
    assert str(await store._scalar("PRAGMA journal_mode")).lower() == "wal"
    assert await store._scalar("PRAGMA foreign_keys") == 1
    assert await store.integrity_check() == "ok"


async def test_reopening_applies_nothing_twice(tmp_path: Path) -> None:
    path = tmp_path / "again.db"
    first = await Store.open(path)
    await first.close()
    second = await Store.open(path)
    assert await second.schema_version() == latest_version()
    await second.close()


async def test_facts_round_trip_through_sqlite(store: Store) -> None:
    assert await store.replace_facts(LOADED.data, LOADED.digest, index_rows(LOADED.data)) is True
    assert await store.load_film() == LOADED.data


async def test_unchanged_file_is_not_reloaded_and_guild_data_survives_a_reload(store: Store) -> None:
    await store.replace_facts(LOADED.data, LOADED.digest, index_rows(LOADED.data))
    await store.set_channel(
        1, 10, Policy(Level.ENDING, Style.PRIVATE), actor_id=5, now=datetime(2026, 1, 1, tzinfo=UTC)
    )
    assert await store.replace_facts(LOADED.data, LOADED.digest, index_rows(LOADED.data)) is False

    edited = dataclasses.replace(LOADED.data, film=dataclasses.replace(LOADED.data.film, setting="Elsewhere"))
    assert await store.replace_facts(edited, "another-digest", index_rows(edited)) is True
    assert (await store.load_film()).film.setting == "Elsewhere"
    assert await store.channel_setting(10) == Policy(Level.ENDING, Style.PRIVATE)
    assert len(await store.recent_changes(1)) == 1


async def test_a_failed_reload_leaves_the_old_facts(store: Store) -> None:
    await store.replace_facts(LOADED.data, LOADED.digest, index_rows(LOADED.data))
    twice = dataclasses.replace(LOADED.data, moments=LOADED.data.moments + LOADED.data.moments[:1])
    with pytest.raises(sqlite3.IntegrityError):
        await store.replace_facts(twice, "broken", index_rows(twice))
    assert await store.load_film() == LOADED.data
    assert await store.facts_digest() == LOADED.digest


async def test_search_ranks_with_bm25(store: Store) -> None:
    await store.replace_facts(LOADED.data, LOADED.digest, index_rows(LOADED.data))
    hits = await store.search('"diner"')
    assert hits and hits == sorted(hits, key=lambda h: h.score)
    assert any(h.ref == "the-diner" for h in hits[:3])
    assert await store.search("") == []


async def test_not_a_database_gives_one_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "junk.db"
    path.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(StoreError, match="not a usable SQLite database"):
        await Store.open(path)
    assert path.read_bytes() == b"this is not sqlite at all" * 100
