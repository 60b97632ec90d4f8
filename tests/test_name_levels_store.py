"""Migration 004: names carry levels in the store, and a database from before it keeps every member's theory."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path

from bot.facts import load_facts
from bot.models import Level, Review
from bot.search import index_rows
from bot.settings import DEFAULT_FACTS
from bot.store import Store
from bot.store.base import migrations

NOW = datetime(2026, 11, 1, 12, 0, tzinfo=UTC)


async def test_a_database_from_before_names_had_levels_is_upgraded(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    with sqlite3.connect(path) as db:  # the schema as it was at version 3, with a suggestion and loaded facts
        for version, _, sql in migrations():
            if version <= 3:
                db.executescript(f"{sql}\nPRAGMA user_version = {version};")
        db.execute(
            "INSERT INTO member_theories (guild_id, title, claim, author_id, created_at) VALUES (1, ?, ?, 5, ?)",
            ("Harry was dead all along", "Harry died before Adam met him.", NOW.isoformat()),
        )
        db.execute("INSERT INTO meta VALUES ('facts_digest', 'an older file')")
    store = await Store.open(path)
    try:
        (theory,) = await store.member_theories(1, Review.PENDING)
        assert theory.spoiler is Level.ENDING  # until a moderator says otherwise, as the old rule had it
        assert await store.facts_digest() is None  # the facts are written again, with their names' levels
        loaded = load_facts(DEFAULT_FACTS)
        assert await store.replace_facts(loaded.data, loaded.digest, index_rows(loaded.data))
        film = await store.load_film()
        assert film == loaded.data  # every name's level survives the round trip
        assert await store.set_member_theory_level(1, theory.id, Level.PLOT)
        assert (await store.member_theory(1, theory.id)).spoiler is Level.PLOT
        await store.review_member_theory(1, theory.id, Review.APPROVED, 9, NOW)
        assert not await store.set_member_theory_level(1, theory.id, Level.NONE)  # reviewed: no longer changed
        assert not await store.set_member_theory_level(2, theory.id, Level.NONE)  # another server's id
    finally:
        await store.close()
