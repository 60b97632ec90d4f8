"""Free-typed option values resolve as the autocomplete would, or say what they could mean (pure, on the real facts)."""

from __future__ import annotations

from functools import cache

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot import resolve
from bot.facts import load_facts
from bot.models import OPEN, FilmData, Level, Policy
from bot.names import matching_moments, moment_choices, moment_name
from bot.polls import TheoryEntry, complete_last, filter_theories, listed_name, member_key, resolve_theory
from bot.progress import filter_progress_moments, moment_safe_name
from bot.quotes import topic_choices
from bot.render import errors
from bot.render.progress import unresolved_moment
from bot.search import filter_characters
from bot.settings import DEFAULT_FACTS


def open_name(moment) -> str:  # a name as it reads where the whole film is readable
    return moment_name(moment).shown(OPEN)


def open_theory(entry: TheoryEntry) -> str:
    return listed_name(entry, catalog().index(entry) + 1, OPEN)


PROPERTIES = settings(max_examples=150, deadline=None)
TYPED = st.text(alphabet="abcdeghilmnorstuy :#.-'1234567890", max_size=14)


@cache
def film() -> FilmData:
    return load_facts(DEFAULT_FACTS).data


@cache
def catalog() -> tuple[TheoryEntry, ...]:
    """Curated theories, then members' ones as a server lists them: member:1 is number 8 and so on."""
    curated = [TheoryEntry(t.id, t.title, t.spoiler, title_level=t.title_spoiler) for t in film().theories]
    members = [
        TheoryEntry(member_key(i), title, Level.ENDING, author_id=40 + i)
        for i, title in enumerate(("Harry is a metaphor", "Nobody in the flat is alive", "The cat did it"), start=1)
    ]
    return (*curated, *members)


# -- /quote topic -----------------------------------------------------------------------------------------------------


def test_a_topic_typed_in_part_finds_it_like_the_autocomplete() -> None:
    quotes = film().quotes
    assert resolve.topic(quotes, "song").found == resolve.Topic("the song", 1)  # the issue's own example
    assert resolve.topic(quotes, "  The   SONG ").found == resolve.Topic("the song", 1)
    assert resolve.topic(quotes, "queer").found is not None
    assert resolve.topic(quotes, "queer").found.name == "queer history"
    assert resolve.topic(quotes, "ildh").found.name == "childhood"  # inside a word


def test_an_ambiguous_or_unknown_topic_lists_the_choices() -> None:
    quotes = film().quotes
    lo = resolve.topic(quotes, "lo")
    assert lo.found is None and lo.ambiguous
    assert {t.name for t in lo.could_mean} == {"love", "loneliness"}
    said = errors.unresolved_topic(lo, "Topics: every one.")
    assert "“lo” could be more than one topic:" in said and "“love”" in said and "“loneliness”" in said
    assert "Topics: every one." in said
    typo = resolve.topic(quotes, "lonelyness")
    assert typo.found is None and not typo.ambiguous and [t.name for t in typo.near] == ["loneliness"]
    assert "Did you mean “loneliness”?" in errors.unresolved_topic(typo, "Topics: every one.")
    assert resolve.topic(quotes, "   ").found is None


@PROPERTIES
@given(TYPED)
def test_a_topic_found_is_one_the_autocomplete_offers(typed: str) -> None:
    quotes = film().quotes
    found = resolve.topic(quotes, typed).found
    if found is not None:
        assert found.name in [value for _, value in topic_choices(quotes, typed)]


# -- /plot moment and /progress set moment ------------------------------------------------------------------------


def test_a_moment_by_id_label_title_number_or_a_unique_match() -> None:
    moments = film().moments
    for typed in ("the-diner", "15. The diner", "the diner", "15", "#15", "15.", "diner", "family special"):
        assert resolve.moment(moments, typed, OPEN).found.id == "the-diner", typed
    assert resolve.moment(moments, "   ", OPEN).found is None
    assert resolve.moment(moments, "99", OPEN).found is None


def test_a_moment_that_matches_several_lists_them() -> None:
    harry = resolve.moment(film().moments, "harry", OPEN)
    assert harry.found is None and harry.ambiguous
    assert [m.position for m in harry.could_mean] == sorted(m.position for m in harry.could_mean)
    said = errors.unresolved_moment(harry, open_name)
    assert said.startswith("“harry” matches several moments: “") and "Type more of its name, or its number." in said
    assert len(harry.could_mean) > errors.LISTED and f"and {len(harry.could_mean) - errors.LISTED} more" in said


def test_a_misspelt_moment_suggests_the_nearest() -> None:
    typo = resolve.moment(film().moments, "the dinner", OPEN)
    assert typo.found is None and [m.id for m in typo.near][:1] == ["the-diner"]
    assert "Did you mean “15. The diner”" in errors.unresolved_moment(typo, open_name)


@PROPERTIES
@given(TYPED)
def test_a_moment_found_by_a_part_is_one_the_autocomplete_offers(typed: str) -> None:
    moments = film().moments
    found = resolve.moment(moments, typed, OPEN).found
    if found is not None and resolve.number(typed) is None:
        assert (
            found in matching_moments(moments, typed, OPEN) or resolve.moment(moments, found.title, OPEN).found == found
        )


def test_progress_moments_match_only_spoiler_free_names() -> None:
    moments = film().moments
    last = moments[-1]
    assert last.spoiler is Level.ENDING
    assert resolve.progress_moment(moments, str(last.position)).found == last
    assert resolve.progress_moment(moments, last.id).found == last
    assert resolve.progress_moment(moments, last.title).found is None  # its title is never a way in
    several = resolve.progress_moment(moments, "ending")
    assert several.ambiguous and all(m.spoiler is Level.ENDING for m in several.could_mean)
    said = unresolved_moment(several, len(moments))
    assert all(moment_safe_name(m) in said for m in several.could_mean[: errors.LISTED])
    assert all(m.title not in said for m in several.could_mean)
    nothing = resolve.progress_moment(moments, "zzz")
    assert nothing.found is None and nothing.near == ()
    assert f"(1 to {len(moments)})" in unresolved_moment(nothing, len(moments))


@PROPERTIES
@given(TYPED)
def test_a_progress_moment_found_by_name_is_offered_by_its_autocomplete(typed: str) -> None:
    moments = film().moments
    found = resolve.progress_moment(moments, typed).found
    if found is not None and resolve.number(typed) is None and typed.strip() != found.id:
        assert found in filter_progress_moments(moments, typed)


# -- /character name ---------------------------------------------------------------------------------------------


def test_characters_by_name_actor_alias_or_a_unique_match() -> None:
    characters = film().characters
    for typed in ("mum", "mom", "Mother", "claire foy", "Adam's mum", "Claire Foy", "foy"):
        assert resolve.character(characters, typed).found.id == "mum", typed
    assert resolve.character(characters, "dad").found.id == "dad"
    assert resolve.character(characters, "Andrew Scott").found.id == "adam"
    assert resolve.character(characters, "mescal").found.id == "harry"


def test_characters_ambiguous_or_misspelt() -> None:
    characters = film().characters
    several = resolve.character(characters, "a")
    assert several.ambiguous and several.could_mean == tuple(filter_characters(characters, "a"))
    assert "matches several characters:" in errors.unresolved_character(several)
    typo = resolve.character(characters, "Paul Mescall")
    assert typo.found is None and [c.id for c in typo.near] == ["harry"]
    assert "Did you mean “Harry (Paul Mescal)”?" in errors.unresolved_character(typo)
    assert resolve.character(characters, "qqqq").near == ()


# -- /theory show and /theory poll -----------------------------------------------------------------------------------


def test_theories_by_the_numbers_theory_list_shows() -> None:
    entries = catalog()
    for number, entry in enumerate(entries, start=1):
        for typed in (str(number), f"#{number}", f"{number}.", f" {number} "):
            assert resolve_theory(entries, typed).found == entry, typed
    beyond = resolve_theory(entries, str(len(entries) + 1))
    assert beyond.found is None and beyond.could_mean == ()
    assert f"a number from /theory list (1 to {len(entries)})" in errors.unresolved_theory(
        beyond, open_theory, len(entries)
    )


def test_a_number_never_matches_inside_a_member_key() -> None:
    entries = catalog()
    # "1" is theory number 1 (a curated one), never member:1; member:1 is found by its whole key or its title
    assert resolve_theory(entries, "1").found == entries[0]
    assert resolve_theory(entries, "member:1").found.title == "Harry is a metaphor"
    assert resolve_theory(entries, "member").found is None
    assert filter_theories(entries, "member") == []
    assert [e.key for _, e in filter_theories(entries, "2")] == [entries[1].key]


def test_theories_by_key_title_or_a_unique_part() -> None:
    entries = catalog()
    assert resolve_theory(entries, "adams-screenplay").found.key == "adams-screenplay"
    assert resolve_theory(entries, "  ADAM CONJURED   everyone ").found.key == "adam-conjured-everyone"
    assert resolve_theory(entries, "screenplay").found.key == "adams-screenplay"
    assert resolve_theory(entries, "metaphor").found.key == "member:1"


def test_an_ambiguous_or_unknown_theory_names_the_numbers() -> None:
    entries = catalog()
    conjured = resolve_theory(entries, "conjured")
    assert conjured.ambiguous
    numbers = {e.key: n for n, e in enumerate(entries, start=1)}
    said = errors.unresolved_theory(conjured, open_theory, len(entries))
    for entry in conjured.could_mean:
        assert f"“{numbers[entry.key]}. {entry.title}”" in said
    assert said.endswith("Type more of the name, or its number.")
    typo = resolve_theory(entries, "The gohsts are real")
    assert [e.key for e in typo.near] == ["the-ghosts-are-real"]


@PROPERTIES
@given(TYPED)
def test_a_theory_found_is_one_the_autocomplete_offers(typed: str) -> None:
    entries = catalog()
    found = resolve_theory(entries, typed).found
    if found is not None:
        offered = [value for _, value in complete_last(typed, entries)]
        assert found.key in offered or found.title.casefold() == " ".join(typed.casefold().split())


def test_every_autocomplete_value_resolves_to_its_own_row() -> None:
    data = film()
    for m in data.moments:
        assert resolve.moment(data.moments, m.id, OPEN).found == m
        assert resolve.progress_moment(data.moments, m.id).found == m
    for c in data.characters:
        assert resolve.character(data.characters, c.id).found == c
    for _, value in topic_choices(data.quotes, "")[1:]:
        assert resolve.topic(data.quotes, value).found.name == value
    for entry in catalog():
        assert resolve_theory(catalog(), entry.key).found == entry


@pytest.mark.parametrize("typed", ["", "   ", ",", "\u200b", "#", "1.5", "99999999999999999999"])
def test_odd_input_resolves_to_nothing_without_raising(typed: str) -> None:
    data = film()
    assert resolve_theory(catalog(), typed).found is None
    assert resolve.moment(data.moments, typed, OPEN).found is None
    assert resolve.progress_moment(data.moments, typed).found is None
    assert resolve.character(data.characters, typed).found is None
    assert resolve.topic(data.quotes, typed).found is None


# -- names above the reader's level (issue 12): never matched in part, never listed ----------------------------------

NONE_HERE = Policy(Level.NONE)
PLOT_HERE = Policy(Level.PLOT)
WORDS = sorted(  # every word of every moment and theory title: the guesses a member might type
    {
        word
        for title in [*(m.title for m in film().moments), *(t.title for t in film().theories)]
        for word in title.casefold().replace("'", " ").replace(":", " ").split()
    }
)


def hidden_titles(policy: Policy) -> list[str]:
    moments = [m.title for m in film().moments if not policy.shows(m.title_spoiler)]
    theories = [e.title for e in catalog() if not policy.shows(e.name_level)]
    topics = [name for name, level in film().quote_topics if not policy.shows(level)]
    return [*moments, *theories, *topics]


def refusals(typed: str, policy: Policy) -> list[str]:
    """Every refusal a typed value can earn on /plot, /theory and /quote at ``policy``."""
    data, entries = film(), catalog()
    said = []
    moment = resolve.moment(data.moments, typed, policy)
    if moment.found is None:
        said.append(errors.unresolved_moment(moment, lambda m: moment_name(m).shown(policy)))
    theory = resolve_theory(entries, typed, policy)
    if theory.found is None:
        said.append(errors.unresolved_theory(theory, lambda e: listed_name(e, entries.index(e) + 1, policy), 9))
    hidden = {name for name, level in data.quote_topics if not policy.shows(level)}
    topic = resolve.topic(data.quotes, typed, hidden)
    if topic.found is None:
        said.append(errors.unresolved_topic(topic, "Topics."))
    return said


@pytest.mark.parametrize("policy", [NONE_HERE, PLOT_HERE], ids=["none", "plot"])
def test_a_refusal_lists_only_names_readable_at_the_level(policy: Policy) -> None:
    hidden = [h.casefold() for h in hidden_titles(policy)]
    assert hidden
    for typed in [*WORDS, "the", "harry", "ghost", "love", "the dinner", "the ghost are real", "power of lov"]:
        for said in refusals(typed, policy):
            shown = said.casefold().replace(f"“{typed.casefold()}”", "")  # the member's own words, echoed
            assert not [h for h in hidden if h in shown], (typed, said)


def test_part_of_a_hidden_title_finds_nothing_but_the_whole_title_is_the_members_own() -> None:
    moments = film().moments
    power = next(m for m in moments if m.title == "The Power of Love")
    assert resolve.moment(moments, "power of", NONE_HERE).found is None
    assert resolve.moment(moments, "power of", OPEN).found == power
    assert resolve.moment(moments, "The Power of Love", NONE_HERE).found == power  # typed whole: theirs
    assert resolve.moment(moments, "20", NONE_HERE).found == power  # its number, as /plot lists it
    assert resolve.moment(moments, "moment 20 (ending)", NONE_HERE).found == power  # its spoiler-free name
    # nor suggested by spelling: "the powr of love" suggests it only where its title is readable
    assert power not in resolve.moment(moments, "the powr of love", NONE_HERE).near
    assert power in resolve.moment(moments, "the powr of love", OPEN).near


def test_an_ambiguous_moment_lists_hidden_ones_by_their_spoiler_free_names() -> None:
    moments = film().moments
    ending = resolve.moment(moments, "ending", NONE_HERE)  # matches only the spoiler-free forms "(ending)"
    assert ending.ambiguous
    said = errors.unresolved_moment(ending, lambda m: moment_name(m).shown(NONE_HERE))
    assert all(m.title not in said for m in ending.could_mean)
    # what is offered while typing is exactly what typing it whole would resolve among
    offered = [name for name, _ in moment_choices(moments, "ending", NONE_HERE)]
    assert [moment_name(m).shown(NONE_HERE) for m in ending.could_mean] == offered


def test_hidden_theories_and_topics_are_matched_only_by_what_the_reader_sees() -> None:
    entries = catalog()
    assert resolve_theory(entries, "ghosts", NONE_HERE).found is None
    assert resolve_theory(entries, "ghosts", OPEN).found.key == "the-ghosts-are-real"
    assert resolve_theory(entries, "The ghosts are real", NONE_HERE).found.key == "the-ghosts-are-real"  # whole
    assert filter_theories(entries, "ghosts", NONE_HERE) == []
    several = resolve_theory(entries, "theory", NONE_HERE)  # every spoiler-free name says "theory N (level)"
    said = errors.unresolved_theory(several, lambda e: listed_name(e, entries.index(e) + 1, NONE_HERE), 9)
    assert several.ambiguous and "“Theory 1 (ending)”" in said and "screenplay" not in said
    quotes = film().quotes
    assert resolve.topic(quotes, "coming", {"coming out"}).found is None
    assert resolve.topic(quotes, "coming", ()).found.name == "coming out"
    assert resolve.topic(quotes, "coming out", {"coming out"}).found.name == "coming out"  # typed whole
    assert all(t.name != "coming out" for t in resolve.topic(quotes, "comming out", {"coming out"}).near)
