"""The film's facts: written once per change of the facts file, read whole at start-up, searched by /ask."""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence

from ..models import ArcStep, Character, Fact, Film, FilmData, IndexRow, Level, Moment, Quote, SearchHit, Theory
from .base import META_UPSERT, StoreBase

FACTS_DIGEST_KEY = "facts_digest"


def _dump(items: Iterable[str]) -> str:
    return json.dumps(list(items), ensure_ascii=False)


def _load(raw: str) -> tuple[str, ...]:
    return tuple(json.loads(raw))


class FilmStore(StoreBase):
    async def facts_digest(self) -> str | None:
        return await self.get_meta(FACTS_DIGEST_KEY)

    async def replace_facts(self, data: FilmData, digest: str, index: Sequence[IndexRow]) -> bool:
        """Store a new version of the facts file; returns False (and writes nothing) if it is unchanged.

        Only the fact tables are rewritten: guild settings, theories, polls and votes are left alone.
        """
        if await self.facts_digest() == digest:
            return False
        async with self.transaction() as db:
            tables = ("character_arc", "characters", "moments", "facts", "theories", "quotes", "quote_topics", "film")
            for table in tables:
                await db.execute(f"DELETE FROM {table}")
            await db.execute("DELETE FROM search_index")
            f = data.film
            await db.execute(
                "INSERT INTO film VALUES (1, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    f.title,
                    f.year,
                    f.writer_director,
                    f.based_on_title,
                    f.based_on_author,
                    f.based_on_year,
                    f.premise,
                    f.setting,
                    f.distributor,
                    _dump(f.director_known_for),
                    _dump(f.streaming),
                    _dump(f.recognition),
                ),
            )
            await db.executemany(
                "INSERT INTO characters VALUES (?, ?, ?, ?, ?, ?)",
                [(c.id, i, c.name, c.actor, _dump(c.aliases), c.summary) for i, c in enumerate(data.characters)],
            )
            await db.executemany(
                "INSERT INTO character_arc VALUES (?, ?, ?, ?)",
                [(c.id, i, s.text, int(s.spoiler)) for c in data.characters for i, s in enumerate(c.arc)],
            )
            await db.executemany(
                "INSERT INTO moments VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (m.id, m.position, m.title, m.summary, int(m.spoiler), _dump(m.keywords), int(m.title_spoiler))
                    for m in data.moments
                ],
            )
            await db.executemany(
                "INSERT INTO facts VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (x.id, i, x.topic, x.question, _dump(x.keywords), x.answer, int(x.spoiler), int(x.topic_spoiler))
                    for i, x in enumerate(data.facts)
                ],
            )
            await db.executemany(
                "INSERT INTO theories VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (t.id, i, t.title, t.claim, _dump(t.evidence), t.source, int(t.spoiler), int(t.title_spoiler))
                    for i, t in enumerate(data.theories)
                ],
            )
            await db.executemany(
                "INSERT INTO quotes VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (q.id, i, q.speaker, q.outlet, q.text, q.context, _dump(q.topics), int(q.spoiler))
                    for i, q in enumerate(data.quotes)
                ],
            )
            await db.executemany(
                "INSERT INTO quote_topics VALUES (?, ?, ?)",
                [(topic, i, int(level)) for i, (topic, level) in enumerate(data.quote_topics)],
            )
            await db.executemany(
                "INSERT INTO search_index (kind, ref, title, keywords, body) VALUES (?, ?, ?, ?, ?)",
                [(r.kind, r.ref, r.title, r.keywords, r.body) for r in index],
            )
            await db.execute(META_UPSERT, (FACTS_DIGEST_KEY, digest))
        return True

    async def load_film(self) -> FilmData:
        """Read every fact back as rows: SQLite is the source of truth the commands serve from."""
        f = await self._row("SELECT * FROM film WHERE id = 1")
        if f is None:
            raise LookupError("the film's facts have not been loaded into the database")
        film = Film(
            title=f["title"],
            year=f["year"],
            writer_director=f["writer_director"],
            based_on_title=f["based_on_title"],
            based_on_author=f["based_on_author"],
            based_on_year=f["based_on_year"],
            premise=f["premise"],
            setting=f["setting"],
            distributor=f["distributor"],
            director_known_for=_load(f["director_known_for"]),
            streaming=_load(f["streaming"]),
            recognition=_load(f["recognition"]),
        )
        arcs: dict[str, list[ArcStep]] = {}
        rows = await self._rows("SELECT * FROM character_arc ORDER BY character_id, position")
        for row in rows:
            arcs.setdefault(row["character_id"], []).append(ArcStep(row["text"], Level(row["spoiler"])))
        rows = await self._rows("SELECT * FROM characters ORDER BY position")
        characters = tuple(
            Character(r["id"], r["name"], r["actor"], _load(r["aliases"]), r["summary"], tuple(arcs.get(r["id"], ())))
            for r in rows
        )
        rows = await self._rows("SELECT * FROM moments ORDER BY position")
        moments = tuple(
            Moment(
                r["id"],
                r["position"],
                r["title"],
                r["summary"],
                Level(r["spoiler"]),
                _load(r["keywords"]),
                Level(r["title_spoiler"]),
            )
            for r in rows
        )
        rows = await self._rows("SELECT * FROM facts ORDER BY position")
        facts = tuple(
            Fact(
                r["id"],
                r["topic"],
                r["question"],
                _load(r["keywords"]),
                r["answer"],
                Level(r["spoiler"]),
                Level(r["topic_spoiler"]),
            )
            for r in rows
        )
        rows = await self._rows("SELECT * FROM theories ORDER BY position")
        theories = tuple(
            Theory(
                r["id"],
                r["title"],
                r["claim"],
                _load(r["evidence"]),
                r["source"],
                Level(r["spoiler"]),
                Level(r["title_spoiler"]),
            )
            for r in rows
        )
        rows = await self._rows("SELECT * FROM quotes ORDER BY position")
        quotes = tuple(
            Quote(r["id"], r["speaker"], r["outlet"], r["text"], r["context"], _load(r["topics"]), Level(r["spoiler"]))
            for r in rows
        )
        rows = await self._rows("SELECT topic, spoiler FROM quote_topics ORDER BY position")
        topics = tuple((r["topic"], Level(r["spoiler"])) for r in rows)
        return FilmData(film, characters, moments, facts, theories, quotes, topics)

    async def search(self, match: str, limit: int = 8) -> list[SearchHit]:
        """Rank entries for an FTS5 MATCH expression (built by ``bot.search``) with bm25; best first."""
        if not match:
            return []
        sql = (
            "SELECT kind, ref, bm25(search_index, 0, 0, 8.0, 5.0, 1.0) AS score FROM search_index "
            "WHERE search_index MATCH ? ORDER BY score LIMIT ?"
        )
        rows = await self._rows(sql, (match, limit))
        return [SearchHit(r["kind"], r["ref"], r["score"]) for r in rows]
