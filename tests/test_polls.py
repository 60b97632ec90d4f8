"""Pure poll logic (choosing theories, suggestions, percentages, bars, standings) and the poll's rendered text."""

from __future__ import annotations

import random
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import UserError
from bot.models import OPEN, Level, OptionVotes, Policy, Poll, PollOption, Style
from bot.polls import (
    BAR_WIDTH,
    MAX_OPTIONS,
    TheoryEntry,
    bar,
    button_rows,
    check_suggestion,
    choose_theories,
    competition_ranks,
    complete_last,
    leaders,
    member_id,
    member_key,
    option_ranks,
    percent,
    rank_standings,
)
from bot.render.limits import CHOICE_NAME_LIMIT, CHOICES_LIMIT, render_pages
from bot.render.phrases import ordinal
from bot.render.theories import poll_blocks

ENTRIES = [
    TheoryEntry("adams-screenplay", "It was all Adam's screenplay", Level.ENDING),
    TheoryEntry("adam-conjured-everyone", "Adam conjured everyone", Level.ENDING),
    TheoryEntry("conjured-each-other", "They all conjured each other", Level.ENDING),
    TheoryEntry("the-ghosts-are-real", "The ghosts are real", Level.ENDING),
    TheoryEntry("member:7", "Harry is the real ghost", Level.ENDING, author_id=42),
]
WHEN = datetime(2026, 5, 1, 12, 0, tzinfo=UTC)


def test_member_keys_round_trip() -> None:
    assert member_key(12) == "member:12"
    assert member_id("member:12") == 12
    assert member_id("adams-screenplay") is None
    assert member_id("member:x") is None


def test_choose_theories_default_is_every_approved_one_up_to_ten() -> None:
    assert choose_theories(None, ENTRIES) == ENTRIES
    many = [TheoryEntry(f"t{i}", f"Theory number {i}", Level.NONE) for i in range(14)]
    assert choose_theories("  ", many) == many[:MAX_OPTIONS]
    with pytest.raises(UserError, match="at least 2"):
        choose_theories(None, ENTRIES[:1])


def test_choose_theories_from_a_list() -> None:
    chosen = choose_theories("ghosts, screenplay , member:7", ENTRIES)
    assert [e.key for e in chosen] == ["the-ghosts-are-real", "adams-screenplay", "member:7"]
    with pytest.raises(UserError, match="listed twice"):
        choose_theories("ghosts, the-ghosts-are-real", ENTRIES)
    with pytest.raises(UserError, match="2 to 10"):
        choose_theories("ghosts", ENTRIES)
    # the numbers /theory list shows, never a digit inside a member theory's key
    chosen = choose_theories("1, #5, 4.", ENTRIES)
    assert [e.key for e in chosen] == ["adams-screenplay", "member:7", "the-ghosts-are-real"]
    with pytest.raises(UserError, match=r"could mean several theories: “2\. Adam conjured everyone” or “3\. They all"):
        choose_theories("conjured, ghosts", ENTRIES)
    with pytest.raises(UserError, match=r"numbered “7”.*1 to 5"):
        choose_theories("1, 7", ENTRIES)
    many = [TheoryEntry(f"t{i}", f"Theory {i}", Level.NONE) for i in range(11)]
    with pytest.raises(UserError, match="you listed 11"):
        choose_theories(",".join(e.key for e in many), many)


def test_complete_last_completes_only_the_last_item() -> None:
    pairs = complete_last("screenplay, ghosts ar", ENTRIES)
    assert pairs == [("1 chosen + The ghosts are real", "screenplay, the-ghosts-are-real")]
    # nothing typed yet after the comma: every theory not chosen already
    values = [v for _, v in complete_last("adams-screenplay, ", ENTRIES)]
    assert "adams-screenplay, adams-screenplay" not in values
    assert len(values) == len(ENTRIES) - 1
    assert all(v.startswith("adams-screenplay, ") for v in values)
    assert [v for _, v in complete_last("", ENTRIES)] == [e.key for e in ENTRIES]
    # a number completes to the theory /theory list numbers so; "7" is no theory's number here
    assert complete_last("1, 5", ENTRIES) == [("1 chosen + Harry is the real ghost", "1, member:7")]
    assert complete_last("7", ENTRIES) == []


def test_complete_last_respects_discord_limits() -> None:
    many = [TheoryEntry(f"theory-with-a-rather-long-id-{i}", "T" * 150 + str(i), Level.NONE) for i in range(40)]
    pairs = complete_last("", many)
    assert len(pairs) == CHOICES_LIMIT
    assert all(len(n) <= CHOICE_NAME_LIMIT and len(v) <= CHOICE_NAME_LIMIT for n, v in pairs)
    long_prefix = ", ".join(e.key for e in many[:3]) + ", "
    assert complete_last(long_prefix, many) == []  # the value would not fit: the member keeps typing


def test_check_suggestion_limits_spacing_and_duplicates() -> None:
    assert check_suggestion("  Harry  was   real ", " He  was there all along. ", []) == (
        "Harry was real",
        "He was there all along.",
    )
    with pytest.raises(UserError, match="3 to 80"):
        check_suggestion("ab", "long enough claim here", [])
    with pytest.raises(UserError, match="3 to 80"):
        check_suggestion("x" * 81, "long enough claim here", [])
    with pytest.raises(UserError, match="10 to 400"):
        check_suggestion("Fine title", "too short", [])
    with pytest.raises(UserError, match="10 to 400"):
        check_suggestion("Fine title", "y" * 401, [])
    with pytest.raises(UserError, match="already exists"):
        check_suggestion("the ghosts  ARE real", "a claim of some length", ["The ghosts are real"])


@given(st.integers(min_value=0, max_value=10_000), st.integers(min_value=0, max_value=10_000))
def test_each_share_is_rounded_on_its_own(count: int, rest: int) -> None:
    total = count + rest
    shown = percent(count, total)
    if count == 0:
        assert shown == "0%"
    elif rest == 0:
        assert shown == "100%"
    elif shown == "<1%":
        assert 0 < count * 100 / total < 0.5
    elif shown == ">99%":
        assert 99.5 <= count * 100 / total < 100
    else:
        assert abs(int(shown.rstrip("%")) - count * 100 / total) <= 0.5


def test_percent_examples_equal_counts_read_the_same() -> None:
    assert [percent(1, 3)] * 3 == ["33%", "33%", "33%"]  # adds up to 99: ties never differ
    assert (percent(0, 5), percent(5, 5), percent(1, 2), percent(2, 3)) == ("0%", "100%", "50%", "67%")
    assert (percent(1, 1000), percent(999, 1000), percent(0, 0)) == ("<1%", ">99%", "0%")


@given(st.integers(min_value=0, max_value=500), st.integers(min_value=0, max_value=500))
def test_bar_has_a_fixed_width(count: int, extra: int) -> None:
    drawn = bar(count, count + extra)
    assert len(drawn) == BAR_WIDTH
    filled = drawn.count("█")
    assert (filled == 0) if count == 0 else (filled >= 1)


def test_bar_examples() -> None:
    assert bar(0, 0) == "░" * BAR_WIDTH
    assert bar(5, 5) == "█" * BAR_WIDTH
    assert bar(1, 2) == "█" * (BAR_WIDTH // 2) + "░" * (BAR_WIDTH // 2)


def test_ranks_leaders_and_ordinals() -> None:
    assert competition_ranks([5, 3, 3, 1]) == [1, 2, 2, 4]
    assert option_ranks([3, 5, 3, 0]) == [2, 1, 2, 4]
    assert leaders([2, 4, 4, 1]) == [1, 2]
    assert leaders([0, 0]) == []
    assert [ordinal(n) for n in (1, 2, 3, 4, 11, 12, 13, 21, 22, 101, 111)] == [
        "1st",
        "2nd",
        "3rd",
        "4th",
        "11th",
        "12th",
        "13th",
        "21st",
        "22nd",
        "101st",
        "111th",
    ]


def _rows() -> list[OptionVotes]:
    return [
        # poll 1: a leads, b and c tie
        OptionVotes(1, "a", "Alpha", Level.ENDING, 5),
        OptionVotes(1, "b", "Beta", Level.PLOT, 2),
        OptionVotes(1, "c", "Gamma", Level.NONE, 2),
        # poll 2: b and c share the lead; d got nothing
        OptionVotes(2, "b", "Beta (renamed)", Level.ENDING, 3),
        OptionVotes(2, "c", "Gamma", Level.NONE, 3),
        OptionVotes(2, "d", "Delta", Level.NONE, 0),
        # poll 3: nobody voted, so it ranks nobody: it counts as a poll for neither a nor d
        OptionVotes(3, "a", "Alpha", Level.ENDING, 0),
        OptionVotes(3, "d", "Delta", Level.NONE, 0),
    ]


def test_rank_standings_totals_wins_and_ties() -> None:
    standings = rank_standings(_rows())
    # a, b and c have 5 votes and 1 win each; a needed 1 poll, b and c 2 (they share 2nd place, in title order)
    assert [(s.rank, s.theory_key, s.title, s.votes, s.polls, s.wins) for s in standings] == [
        (1, "a", "Alpha", 5, 1, 1),
        (2, "b", "Beta (renamed)", 5, 2, 1),  # the latest poll's title
        (2, "c", "Gamma", 5, 2, 1),
        (4, "d", "Delta", 0, 1, 0),
    ]
    assert standings[1].level is Level.ENDING  # the highest level any poll gave it


def test_rank_standings_breaks_ties_by_wins_then_fewer_polls() -> None:
    rows = [
        OptionVotes(1, "x", "X", Level.NONE, 4),
        OptionVotes(1, "y", "Y", Level.NONE, 1),
        OptionVotes(2, "y", "Y", Level.NONE, 3),
        OptionVotes(2, "z", "Z", Level.NONE, 4),
        OptionVotes(3, "z", "Z", Level.NONE, 0),
        OptionVotes(3, "w", "W", Level.NONE, 1),
    ]
    standings = rank_standings(rows)
    # x, y, z have 4 votes each; x and z won once, y never; x needed one poll, z two
    assert [(s.rank, s.theory_key) for s in standings] == [(1, "x"), (2, "z"), (3, "y"), (4, "w")]


@given(st.randoms(use_true_random=False))
def test_rank_standings_does_not_depend_on_row_order(rnd: random.Random) -> None:
    rows = _rows()
    shuffled = rows[:]
    rnd.shuffle(shuffled)
    assert rank_standings(shuffled) == rank_standings(rows)


def test_rank_standings_of_nothing() -> None:
    assert rank_standings([]) == []


def test_a_poll_nobody_voted_in_ranks_nobody() -> None:
    empty = [OptionVotes(9, "e", "Empty", Level.NONE, 0), OptionVotes(9, "a", "Alpha", Level.NONE, 0)]
    assert rank_standings(empty) == []
    # with a voted poll beside it: the empty poll adds no poll to anyone's count, and "e" stays unranked
    voted = [OptionVotes(1, "a", "Alpha", Level.NONE, 2), OptionVotes(1, "b", "Beta", Level.NONE, 0)]
    standings = rank_standings(empty + voted)
    assert [(s.rank, s.theory_key, s.votes, s.polls, s.wins) for s in standings] == [
        (1, "a", 2, 1, 1),
        (2, "b", 0, 1, 0),
    ]


def _view(
    counts: dict[int, int] | None = None, *, hidden: bool = False, closed_at: datetime | None = None
) -> tuple[Poll, dict[int, int] | None]:
    options = (
        PollOption(1, "adams-screenplay", "It was all Adam's screenplay", Level.ENDING),
        PollOption(2, "member:1", "A harmless title", Level.NONE),
    )
    return Poll(3, 10, 20, None, 30, hidden, WHEN, WHEN, closed_at, options), counts


def _text(view: tuple[Poll, dict[int, int] | None], policy: Policy = OPEN) -> str:
    return "\n".join(render_pages(poll_blocks(*view), policy))


def test_poll_text_live_results_show_bars_counts_and_deadline() -> None:
    text = _text(_view(counts={1: 3, 2: 1}))
    assert "`" + bar(3, 4) + "` 3 votes · 75%" in text
    assert "`" + bar(1, 4) + "` 1 vote · 25%" in text
    assert f"<t:{int(WHEN.timestamp())}:R>" in text
    assert "Press a number to vote" in text


def test_poll_text_hidden_results_show_no_counts() -> None:
    text = _text(_view(hidden=True, counts=None))
    assert "vote ·" not in text and "votes ·" not in text and "█" not in text
    assert "hidden until it closes" in text


def test_poll_text_closed_shows_winner_and_total() -> None:
    text = _text(_view(counts={1: 2, 2: 2}, closed_at=WHEN))
    assert text.count("\N{TROPHY}") == 2  # a tie: both lead
    assert "4 members voted." in text
    assert "Press a number" not in text
    empty = _text(_view(counts={}, closed_at=WHEN))
    assert "Nobody voted" in empty and "\N{TROPHY}" not in empty


def test_poll_text_hides_each_title_at_its_own_level() -> None:
    text = _text(_view(counts={}), Policy(Level.NONE, Style.WRAP))
    assert "||It was all Adam's screenplay||" in text
    assert "A harmless title" in text and "||A harmless title||" not in text


def test_poll_text_without_instructions_for_results() -> None:
    blocks = poll_blocks(*_view(counts={}), instructions=False)
    text = "\n".join(render_pages(blocks, OPEN))
    assert "Press" not in text and "Closes" in text


@pytest.mark.parametrize(
    ("count", "rows"),
    [(2, [0, 0]), (5, [0] * 5), (6, [0, 0, 0, 1, 1, 1]), (7, [0, 0, 0, 0, 1, 1, 1]), (10, [0] * 5 + [1] * 5)],
)
def test_button_rows(count: int, rows: list[int]) -> None:
    assert button_rows(count) == rows
    assert all(rows.count(r) <= 5 for r in set(rows))
