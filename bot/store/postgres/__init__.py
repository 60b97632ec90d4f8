"""The server state's schema and statements in PostgreSQL's dialect (asyncpg): the first part of running the store
on PostgreSQL (``DATABASE_URL=postgresql://...``), not wired into the bot yet.

What is here is tested against a real PostgreSQL (tests/test_postgres_schema.py): the schema, in step with the SQLite
store's server-state tables after every migration, and the statements whose PostgreSQL form differs from SQLite's
(the vote, the withdraw, closing a poll into the standings). Everything else the store says is the same text in both
dialects once ``?`` placeholders become ``$1, $2...`` (``numbered``).

Concurrency: SQLite serialises writers; PostgreSQL runs them at once under READ COMMITTED. The vote statement takes
a share lock on its poll's row (``FOR SHARE``), and closing takes the row's write lock, so a vote either commits
before the close reads the counts or sees the poll closed: counts at close are exact, as in SQLite.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import Any

_MIGRATION_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+\.sql$")

OPEN = "closed_at IS NULL AND closes_at > $2"

VOTE = (
    "INSERT INTO votes (poll_id, user_id, position, voted_at) "
    "SELECT id, $3::bigint, $4::integer, $2 FROM polls WHERE id = $1 AND closed_at IS NULL AND closes_at > $2 "
    "FOR SHARE "
    "ON CONFLICT (poll_id, user_id) DO UPDATE "
    "SET previous = votes.position, position = excluded.position, voted_at = excluded.voted_at "
    "RETURNING previous"
)  # $1 poll, $2 now, $3 user, $4 position; no row: the poll is closed

WITHDRAW = (
    "DELETE FROM votes WHERE poll_id = $1 AND user_id = $3 "
    "AND EXISTS (SELECT 1 FROM polls WHERE id = $1 AND closed_at IS NULL AND closes_at > $2 FOR SHARE) "
    "RETURNING position"
)  # $1 poll, $2 now, $3 user

CLOSE = "UPDATE polls SET closed_at = $2 WHERE id = $1 AND closed_at IS NULL"  # $1 poll, $2 now

ADD_TO_STANDINGS = (
    "INSERT INTO theory_standings (guild_id, theory_key, title, title_poll, spoiler, votes, polls, wins) "
    "SELECT o.guild_id, o.theory_key, o.title, o.poll_id, o.spoiler, o.votes, 1, "
    "CASE WHEN t.top > 0 AND o.votes = t.top THEN 1 ELSE 0 END "
    "FROM poll_options o, (SELECT MAX(votes) AS top FROM poll_options WHERE poll_id = $1) t "
    "WHERE o.poll_id = $1 AND t.top > 0 "
    "ON CONFLICT (guild_id, theory_key) DO UPDATE SET "
    "votes = theory_standings.votes + excluded.votes, polls = theory_standings.polls + 1, "
    "wins = theory_standings.wins + excluded.wins, "
    "spoiler = GREATEST(theory_standings.spoiler, excluded.spoiler), "
    "title = CASE WHEN excluded.title_poll >= theory_standings.title_poll THEN excluded.title "
    "ELSE theory_standings.title END, "
    "title_poll = GREATEST(theory_standings.title_poll, excluded.title_poll)"
)  # $1 poll, in the same transaction as CLOSE


def numbered(sql: str) -> str:
    """SQLite's ``?`` placeholders as PostgreSQL's ``$1, $2...`` (outside quoted text)."""
    out: list[str] = []
    count = 0
    quoted = False
    for char in sql:
        if char == "'":
            quoted = not quoted
        if char == "?" and not quoted:
            count += 1
            out.append(f"${count}")
        else:
            out.append(char)
    return "".join(out)


def migrations() -> list[tuple[int, str, str]]:
    """The PostgreSQL schema's numbered scripts, in order: (version, file name, SQL)."""
    found = []
    for entry in resources.files(__package__).iterdir():
        match = _MIGRATION_NAME.match(entry.name)
        if match:
            found.append((int(match.group(1)), entry.name, entry.read_text(encoding="utf-8")))
    return sorted(found)


async def migrate(conn: Any) -> list[str]:
    """Apply every script not applied yet (an asyncpg connection, in the schema of its ``search_path``), each in
    its own transaction with its record in ``schema_migrations``; the names applied now."""
    await conn.execute("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL)")
    applied = {row[0] for row in await conn.fetch("SELECT version FROM schema_migrations")}
    done = []
    for version, name, sql in migrations():
        if version in applied:
            continue
        async with conn.transaction():
            await conn.execute(sql)
            await conn.execute("INSERT INTO schema_migrations (version, name) VALUES ($1, $2)", version, name)
        done.append(name)
    return done
