"""The facts file: complete, valid, and every mistake reported with its file, entry and field."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from bot.facts import FactsError, load_facts, parse_facts
from bot.models import Level
from bot.settings import DEFAULT_FACTS

RAW = DEFAULT_FACTS.read_bytes()


def test_the_shipped_file_covers_the_film() -> None:
    data = load_facts(DEFAULT_FACTS).data
    assert data.film.title == "All of Us Strangers" and data.film.year == 2023
    assert data.film.writer_director == "Andrew Haigh"
    assert (data.film.based_on_title, data.film.based_on_author, data.film.based_on_year) == (
        "Strangers",
        "Taichi Yamada",
        1987,
    )
    assert {c.actor for c in data.characters} >= {"Andrew Scott", "Paul Mescal", "Jamie Bell", "Claire Foy"}
    assert len(data.moments) >= 15
    ids = [m.id for m in data.moments]
    # From the fire alarm and Harry's first visit to the final image, in film order.
    assert ids.index("fire-alarm") < ids.index("a-knock-at-the-door") < ids.index("the-diner")
    assert ids[-1] == "a-light-like-a-star"
    assert [m.position for m in data.moments] == list(range(1, len(data.moments) + 1))
    assert data.moments[-1].spoiler is Level.ENDING
    assert {q.outlet for q in data.quotes} == {"RogerEbert.com", "Time"}
    assert all(q.speaker == "Andrew Haigh" for q in data.quotes)
    levels = {f.spoiler for f in data.facts}
    assert levels == {Level.NONE, Level.PLOT, Level.ENDING}


def _broken(tmp_path: Path, edit) -> Path:
    doc = RAW.decode()
    path = tmp_path / "film.toml"
    path.write_text(edit(doc), encoding="utf-8")
    return path


def test_bad_spoiler_level_names_file_entry_and_field(tmp_path: Path) -> None:
    path = _broken(tmp_path, lambda d: d.replace('\nspoiler = "none"', '\nspoiler = "huge"', 1))
    with pytest.raises(FactsError) as err:
        load_facts(path)
    message = str(err.value)
    assert message.startswith(f"{path}: ")
    assert "field 'spoiler': must be one of none, plot, ending (got 'huge')" in message
    assert "(id '" in message  # names the entry by its id


def test_missing_field_and_unknown_evidence(tmp_path: Path) -> None:
    doc = tomllib.loads(RAW.decode())
    theory = doc["theories"][0]["id"]
    bad_ref = _broken(tmp_path, lambda d: d.replace("evidence = [", 'evidence = ["no-such-moment", ', 1))
    with pytest.raises(FactsError, match=rf"theories\[0\] \(id '{theory}'\), field 'evidence': 'no-such-moment'"):
        load_facts(bad_ref)


def test_duplicate_ids_and_bad_toml(tmp_path: Path) -> None:
    path = tmp_path / "film.toml"
    path.write_text("[film\n", encoding="utf-8")
    with pytest.raises(FactsError, match="is not valid TOML"):
        load_facts(path)
    with pytest.raises(FactsError, match="cannot be read"):
        load_facts(tmp_path / "missing.toml")
    doc = RAW.decode()
    first_fact_id = tomllib.loads(doc)["facts"][0]["id"]
    second_fact_id = tomllib.loads(doc)["facts"][1]["id"]
    dup = doc.replace(f'id = "{second_fact_id}"', f'id = "{first_fact_id}"', 1)
    with pytest.raises(FactsError, match=rf"facts\[1\].*'{first_fact_id}' is used twice"):
        parse_facts(path, dup.encode())


def test_pipes_are_refused_where_markup_cannot_go(tmp_path: Path) -> None:
    doc = tomllib.loads(RAW.decode())
    title = doc["moments"][0]["title"]
    path = _broken(tmp_path, lambda d: d.replace(f'title = "{title}"', 'title = "A || trick"', 1))
    with pytest.raises(FactsError, match=r"moments\[0\].*field 'title': must not contain '\|'"):
        load_facts(path)


def test_phrasings_are_read_and_checked(tmp_path: Path) -> None:
    loaded = load_facts(DEFAULT_FACTS)
    assert "who plays harry" in loaded.phrasings[("fact", "who-plays-harry")]
    assert "who is harry" in loaded.phrasings[("character", "harry")]
    known = {("fact", f.id) for f in loaded.data.facts} | {("character", c.id) for c in loaded.data.characters}
    known |= {("moment", m.id) for m in loaded.data.moments}
    assert set(loaded.phrasings) <= known
    assert all(("fact", f.id) in loaded.phrasings for f in loaded.data.facts), "every fact says how members ask"
    path = _broken(tmp_path, lambda d: d.replace("asks = [", "asks = [3, ", 1))
    with pytest.raises(FactsError, match=r"characters\[0\] \(id 'adam'\), field 'asks': must be a list of non-empty"):
        load_facts(path)


def test_the_year_fact_agrees_with_the_film_card() -> None:
    data = load_facts(DEFAULT_FACTS).data
    year = data.fact("film-year")
    assert year is not None and year.spoiler is Level.NONE
    assert str(data.film.year) in year.answer


def test_names_carry_levels_of_their_own() -> None:
    data = load_facts(DEFAULT_FACTS).data
    song = data.moment("the-power-of-love")
    assert song is not None and song.title_spoiler is Level.ENDING and song.safe_name == "Moment 20 (ending)"
    diner = data.moment("the-diner")
    assert diner is not None and diner.title_spoiler is Level.NONE  # a spoiler-free title shows anywhere
    assert all(m.title_spoiler <= m.spoiler for m in data.moments)  # a title never tells more than its scene
    assert data.fact("the-song").topic_spoiler is Level.NONE  # "The song" asks; its answer tells
    assert data.fact("was-harry-dead-all-along").topic_spoiler is Level.ENDING
    assert all(t.title_spoiler is Level.ENDING for t in data.theories)
    assert dict(data.quote_topics)["coming out"] is Level.PLOT
    assert {topic for topic, _ in data.quote_topics} == {t for q in data.quotes for t in q.topics}


def test_a_missing_name_level_is_taken_from_its_entry(tmp_path: Path) -> None:
    path = _broken(tmp_path, lambda d: d.replace('title_spoiler = "ending"\n', "", 1))
    data = load_facts(path).data
    assert data.moment("harry-appears").title_spoiler is Level.ENDING  # the moment's own level
    path = _broken(tmp_path, lambda d: d.replace('"coming out" = "plot"\n', ""))
    topics = dict(load_facts(path).data.quote_topics)
    assert topics["coming out"] is Level.PLOT  # the lowest level of the quotes that carry it


@pytest.mark.parametrize(
    ("edit", "problem"),
    [
        (lambda d: d.replace('"grief" = "none"', '"grief" = "huge"'), "'grief': must be one of none, plot, ending"),
        (lambda d: d.replace('"grief" = "none"', '"grief" = "none"\n"aliens" = "none"'), "no quote has this topic"),
        (lambda d: d.replace('title_spoiler = "none"', 'title_spoiler = "lots"', 1), "field 'title_spoiler'"),
    ],
)
def test_bad_name_levels_are_reported(tmp_path: Path, edit, problem: str) -> None:
    with pytest.raises(FactsError) as err:
        load_facts(_broken(tmp_path, edit))
    assert problem in str(err.value)
