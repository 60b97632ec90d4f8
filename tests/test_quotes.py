"""Quote topics, search and the no-repeat rotation: the pure functions, and the rotation kept in the store."""

from __future__ import annotations

import asyncio
import itertools
import random
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.facts import load_facts
from bot.models import Level, Pick, Quote
from bot.quotes import (
    LIST_CHOICE_NAME,
    LIST_TOPIC,
    choose_next,
    matching_quotes,
    search_terms,
    search_words,
    topic_choices,
    topic_counts,
)
from bot.settings import DEFAULT_FACTS
from bot.store import Store

REAL = load_facts(DEFAULT_FACTS).data.quotes


def quote(quote_id: str, text: str = "words", topics: tuple[str, ...] = ("misc",)) -> Quote:
    return Quote(quote_id, "Andrew Haigh", "Time", text, "context", topics, Level.NONE)


T0 = datetime(2024, 1, 1, tzinfo=UTC)


def at(minutes: int) -> datetime:
    return T0 + timedelta(minutes=minutes)


# -- topics ---------------------------------------------------------------------------------------------------------


def test_topic_counts_count_each_quote_once_per_topic() -> None:
    quotes = [quote("a", topics=("ending", "love")), quote("b", topics=("love", "love")), quote("c", topics=("grief",))]
    assert topic_counts(quotes) == [("love", 2), ("ending", 1), ("grief", 1)]


def test_real_topics_never_clash_with_the_list_entry() -> None:
    topics = {topic for topic, _ in topic_counts(REAL)}
    assert LIST_TOPIC not in topics, "a topic named 'list' would be hidden by /quote topic:list"
    assert {"ending", "harry", "parents", "the song", "grief", "queer history"} <= topics


def test_topic_choices_offer_list_first_then_topics_with_counts() -> None:
    quotes = [quote("a", topics=("ending", "love")), quote("b", topics=("ending",))]
    assert topic_choices(quotes, "") == [
        (LIST_CHOICE_NAME, "list"),
        ("ending (2 quotes)", "ending"),
        ("love (1 quote)", "love"),
    ]


def test_topic_choices_filter_on_what_is_typed_prefix_first() -> None:
    quotes = [quote("a", topics=("queer history", "ending")), quote("b", topics=("childhood", "history"))]
    assert topic_choices(quotes, " HIST") == [
        ("history (1 quote)", "history"),
        ("queer history (1 quote)", "queer history"),
    ]
    assert topic_choices(quotes, "li") == [(LIST_CHOICE_NAME, "list")]
    assert topic_choices(quotes, "zombies") == []


def test_topic_choices_never_exceed_discord_limits() -> None:
    quotes = [quote(f"q{i}", topics=(f"topic {i:02d} " + "x" * 18,)) for i in range(40)]
    choices = topic_choices(quotes, "")
    assert len(choices) == 25
    assert all(1 <= len(name) <= 100 and 1 <= len(value) <= 100 for name, value in choices)


# -- search ---------------------------------------------------------------------------------------------------------


def test_search_words_drop_common_words_and_markup() -> None:
    assert search_words("The **PARENTS** and the <@123> song!") == ["parents", "123", "song"]
    assert search_terms("parents parent's conjuring") == ["parent", "conjur"]
    assert search_words("the and of a") == []


def test_matching_needs_every_word_and_the_topic() -> None:
    a = quote("a", "He conjured up his parents", ("ending",))
    b = quote("b", "His parents came back", ("parents",))
    assert matching_quotes([a, b], None, search_terms("parents")) == [a, b]
    assert matching_quotes([a, b], None, search_terms("conjuring parent")) == [a]
    assert matching_quotes([a, b], "parents", search_terms("conjured")) == []
    assert matching_quotes([a, b], "ending") == [a]


def test_search_finds_real_quotes_by_their_words() -> None:
    assert [q.id for q in matching_quotes(REAL, None, search_terms("LP"))] == ["protection-and-comfort"]
    assert [q.id for q in matching_quotes(REAL, "ending", search_terms("parents"))] == ["conjured-everybody"]


# -- the rotation ---------------------------------------------------------------------------------------------------


def run_rotation(ids: list[str], picks: int, seed: int) -> list[str]:
    """Play the rotation the way the store keeps it: a round's shown quotes, cleared when a new round starts."""
    rng = random.Random(seed)
    shown: dict[str, datetime] = {}
    order: list[str] = []
    for step in range(picks):
        pick = choose_next(ids, ids, shown, rng)
        if pick.new_round:
            shown.clear()
        shown[pick.quote_id] = at(step)
        order.append(pick.quote_id)
    return order


@settings(max_examples=40, deadline=None)
@given(count=st.integers(min_value=1, max_value=7), seed=st.integers(min_value=0, max_value=2**32))
def test_every_round_shows_every_quote_once_and_never_repeats_at_the_seam(count: int, seed: int) -> None:
    ids = [f"q{i}" for i in range(count)]
    order = run_rotation(ids, count * 4, seed)
    rounds = [order[i : i + count] for i in range(0, len(order), count)]
    assert all(sorted(r) == ids for r in rounds)
    if count > 1:
        assert all(a != b for a, b in itertools.pairwise(order))


def test_new_round_starts_only_once_all_are_shown() -> None:
    rng = random.Random(1)
    assert choose_next(["a", "b"], ["a", "b"], {"a": at(0)}, rng) == Pick("b")
    assert choose_next(["a", "b"], ["a", "b"], {"a": at(0), "b": at(1)}, rng) == Pick("a", new_round=True)
    assert choose_next(["a"], ["a"], {"a": at(0)}, rng) == Pick("a", new_round=True)  # nothing else to show


def test_a_filter_walks_through_its_matches_without_ending_the_round() -> None:
    rng = random.Random(2)
    ids = ["a", "b", "c", "d"]
    shown = {"a": at(1), "b": at(0)}
    # Both matches seen, the round not over: the match seen longest ago, and no new round.
    assert choose_next(ids, ["a", "b"], shown, rng) == Pick("b")
    assert choose_next(ids, ["a", "b", "c"], shown, rng) == Pick("c")


def test_a_filter_at_the_end_of_a_round_starts_the_next_one() -> None:
    rng = random.Random(3)
    shown = {"a": at(0), "b": at(1), "c": at(2)}
    assert choose_next(["a", "b", "c"], ["b", "c"], shown, rng) == Pick("b", new_round=True)


def test_quotes_removed_from_the_facts_are_ignored() -> None:
    rng = random.Random(4)
    shown = {"gone": at(5), "a": at(0), "b": at(1)}
    assert choose_next(["a", "b"], ["a", "b"], shown, rng) == Pick("a", new_round=True)


def test_no_candidates_is_a_bug() -> None:
    with pytest.raises(ValueError):
        choose_next(["a"], [], {}, random.Random(5))


# -- the rotation in the store --------------------------------------------------------------------------------------


async def test_store_keeps_each_channels_round(store: Store) -> None:
    ids = ["a", "b", "c"]
    rng = random.Random(6)

    def chooser(shown):
        return choose_next(ids, ids, shown, rng)

    first = [(await store.take_next_quote(10, chooser, datetime.now(UTC))).quote_id for _ in ids]
    assert sorted(first) == ids
    assert set(await store.quotes_shown(10)) == set(ids)
    assert await store.quotes_shown(11) == {}  # another channel has its own round

    fourth = await store.take_next_quote(10, chooser, datetime.now(UTC))
    assert fourth.new_round and fourth.quote_id != first[-1]
    assert list(await store.quotes_shown(10)) == [fourth.quote_id]


async def test_store_times_strictly_increase_even_against_the_clock(store: Store) -> None:
    # A round recorded by an earlier run whose clock was a day ahead (written before this store reads channel 20).
    future = datetime.now(UTC) + timedelta(days=1)
    await store._conn.execute(
        "INSERT INTO quote_rotation (channel_id, quote_id, shown_at) VALUES (20, 'a', ?)", (future.isoformat(),)
    )
    await store.take_next_quote(20, lambda shown: Pick("b"), datetime.now(UTC))
    shown = await store.quotes_shown(20)
    assert shown["b"] > shown["a"] == future


async def test_store_gives_simultaneous_askers_different_quotes(store: Store) -> None:
    ids = [f"q{i}" for i in range(6)]
    rng = random.Random(7)
    now = datetime.now(UTC)
    picks = await asyncio.gather(
        *(store.take_next_quote(30, lambda s: choose_next(ids, ids, s, rng), now) for _ in ids)
    )
    assert sorted(p.quote_id for p in picks) == ids
