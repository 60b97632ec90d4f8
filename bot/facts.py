"""Reads and validates the human-edited facts file (TOML) into plain rows.

Every error names the file, the entry and the field, so whoever edited the file can fix it at once.
"""

from __future__ import annotations

import hashlib
import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, NoReturn, TypeVar

from .errors import ConfigError
from .models import ArcStep, Character, Fact, Film, FilmData, Level, Moment, Quote, Theory

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9-]{0,39}$")
_LEVEL_NAMES = frozenset(level.label for level in Level)
T = TypeVar("T")


class FactsError(ConfigError):
    """The facts file is missing, malformed or inconsistent."""


@dataclass(frozen=True, slots=True)
class LoadedFacts:
    data: FilmData
    digest: str
    # How members ask about each entry ("asks" in the file), keyed by (kind, id): what /ask matches questions
    # against. Search data, not something the bot shows, so it is read from the file at start-up, not stored.
    phrasings: Mapping[tuple[str, str], tuple[str, ...]] = field(default_factory=dict)


class _Entry:
    """Typed access to one TOML table, raising errors that say where the problem is."""

    def __init__(self, path: Path, where: str, raw: Any) -> None:
        self.path = path
        self.where = where
        if not isinstance(raw, dict):
            self.fail(None, "must be a table")
        self.raw: dict[str, Any] = raw

    def fail(self, field: str | None, problem: str) -> NoReturn:
        place = f"{self.where}, field '{field}'" if field else self.where
        raise FactsError(f"{self.path}: {place}: {problem}")

    def text(self, field: str, *, max_len: int = 1000, no_pipes: bool = False) -> str:
        value = self.raw.get(field)
        if not isinstance(value, str) or not value.strip():
            self.fail(field, "is required and must be non-empty text")
        value = " ".join(value.split())
        if len(value) > max_len:
            self.fail(field, f"is {len(value)} characters long; the limit is {max_len}")
        if no_pipes and "|" in value:
            self.fail(field, "must not contain '|' (it is shown outside spoiler markup)")
        return value

    def integer(self, field: str, low: int, high: int) -> int:
        value = self.raw.get(field)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            self.fail(field, f"must be a whole number from {low} to {high}")
        return value

    def texts(self, field: str, *, required: bool = True, max_len: int = 200) -> tuple[str, ...]:
        value = self.raw.get(field, None if required else [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            self.fail(field, "must be a list of non-empty texts")
        if required and not value:
            self.fail(field, "must not be empty")
        for item in value:
            if len(item) > max_len:
                self.fail(field, f"has an item longer than {max_len} characters")
        return tuple(" ".join(v.split()) for v in value)

    def ident(self) -> str:
        value = self.raw.get("id")
        if not isinstance(value, str) or not ID_PATTERN.match(value):
            self.fail("id", "must be lowercase letters, digits and dashes (at most 40)")
        return value

    def level(self, field: str = "spoiler", default: Level | None = None) -> Level:
        value = self.raw.get(field)
        if value is None and default is not None:
            return default
        if isinstance(value, str) and value in _LEVEL_NAMES:
            return Level.parse(value)
        self.fail(field, f"must be one of none, plot, ending (got {value!r})")


def _table(path: Path, doc: dict[str, Any], name: str, build: Callable[[_Entry], T]) -> tuple[T, ...]:
    rows = doc.get(name)
    if not isinstance(rows, list) or not rows:
        raise FactsError(f"{path}: [[{name}]] is missing or empty")
    built: list[T] = []
    seen: set[str] = set()
    for index, raw in enumerate(rows):
        label = raw.get("id") if isinstance(raw, dict) else None
        entry = _Entry(path, f"{name}[{index}]" + (f" (id '{label}')" if label else ""), raw)
        row = build(entry)
        row_id = getattr(row, "id", None)
        if isinstance(row_id, str):
            if row_id in seen:
                entry.fail("id", f"'{row_id}' is used twice in [[{name}]]")
            seen.add(row_id)
        built.append(row)
    return tuple(built)


def _film(e: _Entry) -> Film:
    return Film(
        title=e.text("title", max_len=100, no_pipes=True),
        year=e.integer("year", 1888, 2100),
        writer_director=e.text("writer_director", max_len=100, no_pipes=True),
        based_on_title=e.text("based_on_title", max_len=100, no_pipes=True),
        based_on_author=e.text("based_on_author", max_len=100, no_pipes=True),
        based_on_year=e.integer("based_on_year", 1000, 2100),
        premise=e.text("premise", max_len=600),
        setting=e.text("setting", max_len=300),
        distributor=e.text("distributor", max_len=100, no_pipes=True),
        director_known_for=e.texts("director_known_for"),
        streaming=e.texts("streaming"),
        recognition=e.texts("recognition", max_len=300),
    )


def _character(e: _Entry) -> Character:
    arc_raw = e.raw.get("arc")
    if not isinstance(arc_raw, list) or not arc_raw:
        e.fail("arc", "must list at least one [[characters.arc]] step")
    arc = []
    for i, step in enumerate(arc_raw):
        s = _Entry(e.path, f"{e.where} arc[{i}]", step)
        arc.append(ArcStep(text=s.text("text", max_len=400), spoiler=s.level()))
    return Character(
        id=e.ident(),
        name=e.text("name", max_len=60, no_pipes=True),
        actor=e.text("actor", max_len=60, no_pipes=True),
        aliases=e.texts("aliases", required=False, max_len=60),
        summary=e.text("summary", max_len=400),
        arc=tuple(arc),
    )


def _moment_builder() -> Callable[[_Entry], Moment]:
    position = 0

    def build(e: _Entry) -> Moment:
        nonlocal position
        position += 1
        spoiler = e.level()
        return Moment(
            id=e.ident(),
            position=position,
            title=e.text("title", max_len=60, no_pipes=True),
            summary=e.text("summary", max_len=500),
            spoiler=spoiler,
            keywords=e.texts("keywords", required=False, max_len=60),
            title_spoiler=e.level("title_spoiler", default=spoiler),
        )

    return build


def _fact(e: _Entry) -> Fact:
    return Fact(
        id=e.ident(),
        topic=e.text("topic", max_len=60, no_pipes=True),
        question=e.text("question", max_len=200),
        keywords=e.texts("keywords", max_len=60),
        answer=e.text("answer", max_len=700),
        spoiler=e.level(),
        topic_spoiler=e.level("topic_spoiler", default=e.level()),
    )


def _theory(e: _Entry) -> Theory:
    return Theory(
        id=e.ident(),
        title=e.text("title", max_len=80, no_pipes=True),
        claim=e.text("claim", max_len=500),
        evidence=e.texts("evidence", required=False, max_len=40),
        source=e.text("source", max_len=200),
        spoiler=e.level(),
        title_spoiler=e.level("title_spoiler", default=e.level()),
    )


def _quote(e: _Entry) -> Quote:
    return Quote(
        id=e.ident(),
        speaker=e.text("speaker", max_len=60, no_pipes=True),
        outlet=e.text("outlet", max_len=60, no_pipes=True),
        text=e.text("text", max_len=1000),
        context=e.text("context", max_len=400),
        topics=tuple(t.lower() for t in e.texts("topics", max_len=30)),
        spoiler=e.level(),
    )


def _quote_topics(path: Path, doc: dict[str, Any], quotes: tuple[Quote, ...]) -> tuple[tuple[str, Level], ...]:
    """Every topic the quotes use, with its level: as ``[quote_topics]`` says, else the lowest level of the quotes
    that carry it (a topic shown beside a quote is never above that quote)."""
    raw = doc.get("quote_topics", {})
    if not isinstance(raw, dict):
        raise FactsError(f"{path}: [quote_topics] must be a table of topic = level")
    used = list(dict.fromkeys(t for q in quotes for t in q.topics))
    listed: dict[str, Level] = {}
    for name, value in raw.items():
        topic = " ".join(str(name).lower().split())
        if topic not in used:
            raise FactsError(f"{path}: [quote_topics], '{name}': no quote has this topic")
        if not isinstance(value, str) or value not in _LEVEL_NAMES:
            raise FactsError(f"{path}: [quote_topics], '{name}': must be one of none, plot, ending (got {value!r})")
        listed[topic] = Level.parse(value)
    return tuple((topic, listed.get(topic, min(q.spoiler for q in quotes if topic in q.topics))) for topic in used)


def _document(path: Path, raw: bytes) -> dict[str, Any]:
    try:
        doc = tomllib.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise FactsError(f"{path}: is not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except tomllib.TOMLDecodeError as exc:
        raise FactsError(f"{path}: is not valid TOML: {exc}") from None
    return doc


def parse_facts(path: Path, raw: bytes) -> FilmData:
    """Validate the file's bytes and build the rows; raises FactsError naming file, entry and field."""
    return _rows(path, _document(path, raw))


def _rows(path: Path, doc: dict[str, Any]) -> FilmData:
    if "film" not in doc:
        raise FactsError(f"{path}: the [film] table is missing")
    data = FilmData(
        film=_film(_Entry(path, "[film]", doc["film"])),
        characters=_table(path, doc, "characters", _character),
        moments=_table(path, doc, "moments", _moment_builder()),
        facts=_table(path, doc, "facts", _fact),
        theories=_table(path, doc, "theories", _theory),
        quotes=_table(path, doc, "quotes", _quote),
    )
    data = replace(data, quote_topics=_quote_topics(path, doc, data.quotes))
    moment_ids = {m.id for m in data.moments}
    for index, theory in enumerate(data.theories):
        for ref in theory.evidence:
            if ref not in moment_ids:
                raise FactsError(
                    f"{path}: theories[{index}] (id '{theory.id}'), field 'evidence': "
                    f"'{ref}' is not the id of any [[moments]] entry"
                )
    return data


def read_facts(path: Path) -> tuple[bytes, str]:
    """The facts file's bytes and their digest, which lets the store skip an unchanged file without parsing it."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise FactsError(f"{path}: cannot be read ({exc.strerror})") from None
    return raw, hashlib.sha256(raw).hexdigest()


def load_facts(path: Path) -> LoadedFacts:
    """Read and check the facts file; the digest lets the store skip reloading an unchanged file."""
    raw, digest = read_facts(path)
    doc = _document(path, raw)
    return LoadedFacts(_rows(path, doc), digest, _phrasings(path, doc))


def parse_phrasings(path: Path, raw: bytes) -> dict[tuple[str, str], tuple[str, ...]]:
    """How members ask about each entry, from the facts file's bytes (``asks``; see ``LoadedFacts.phrasings``)."""
    return _phrasings(path, _document(path, raw))


# The tables whose entries may say how members ask about them, and the kind /ask gives their entries.
_ASKABLE = {"facts": "fact", "characters": "character", "moments": "moment"}


def _phrasings(path: Path, doc: dict[str, Any]) -> dict[tuple[str, str], tuple[str, ...]]:
    """Each entry's optional ``asks``: a list of questions as members would type them (checked like the rest)."""
    found: dict[tuple[str, str], tuple[str, ...]] = {}
    for table, kind in _ASKABLE.items():
        for index, raw in enumerate(doc.get(table, [])):
            entry = _Entry(path, f"{table}[{index}] (id '{raw.get('id')}')", raw)
            asks = entry.texts("asks", required=False, max_len=200)
            if asks:
                found[(kind, entry.ident())] = asks
    return found
