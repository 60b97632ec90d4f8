"""Custom ids, built and read back in one place: every id the bot makes reads back; anything else is refused."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.component_ids import (
    CUSTOM_ID_LIMIT,
    HIGHEST,
    RevealKey,
    parse_reveal,
    parse_review,
    parse_vote,
    reveal_id,
    review_id,
    vote_id,
    withdraw_id,
)
from bot.errors import UserError
from bot.polls import MAX_OPTIONS
from bot.render import errors

GUILD, OTHER = 1_100_000_000_000_000_001, 1_100_000_000_000_000_002


@given(st.integers(1, HIGHEST), st.integers(1, MAX_OPTIONS))
def test_vote_ids_read_back(poll_id: int, position: int) -> None:
    custom_id = vote_id(poll_id, position)
    assert len(custom_id) <= CUSTOM_ID_LIMIT
    parsed = parse_vote(custom_id)
    assert (parsed.poll_id, parsed.position) == (poll_id, position)


@given(st.integers(1, HIGHEST))
def test_withdraw_ids_read_back(poll_id: int) -> None:
    custom_id = withdraw_id(poll_id)
    assert len(custom_id) <= CUSTOM_ID_LIMIT
    parsed = parse_vote(custom_id)
    assert (parsed.poll_id, parsed.position, parsed.withdraw) == (poll_id, None, True)


@given(st.integers(1, HIGHEST), st.booleans())
def test_review_ids_read_back(theory_id: int, approve: bool) -> None:
    review = parse_review(review_id(theory_id, approve))
    assert (review.theory_id, review.approve) == (theory_id, approve)


@pytest.mark.parametrize(
    "custom_id",
    [
        "poll:99999999999999999999:1",  # beyond 64 bits: SQLite cannot even hold it
        f"poll:{HIGHEST + 1}:1",
        "poll:1:11",  # no poll has an 11th option
        "poll:1:0",
        "poll:0:1",
        "poll:01:1",  # one spelling per poll
        "poll:-1:1",
        "poll:1:1:1",
        "poll:1",
        "poll:one:1",
        "poll:1:1\n",
        "poll:١:1",  # a digit, but not an ASCII one
        "poll:1:Withdraw",  # one spelling of the Withdraw button
        "poll:1:withdraw:1",
        "poll:01:withdraw",
        f"poll:{HIGHEST + 1}:withdraw",
        "poll::withdraw",
    ],
)
def test_forged_vote_ids_are_refused(custom_id: str) -> None:
    with pytest.raises(UserError) as refused:
        parse_vote(custom_id)
    assert refused.value.message == errors.BROKEN_BUTTON


@pytest.mark.parametrize(
    "custom_id",
    [
        "theory:review:9999999999999999999999:approve",
        "theory:review:1:delete",
        "theory:review:1",
        "theory:review::reject",
    ],
)
def test_forged_review_ids_are_refused(custom_id: str) -> None:
    with pytest.raises(UserError, match="isn't one this bot made"):
        parse_review(custom_id)


@pytest.mark.parametrize(
    "key",
    [
        "moment:the-diner",
        "character:harry",
        "quote:" + "q" * 40,
        "ending:all",
        "ask:f.the-song,m.the-power-of-love,c.harry",
        "poll:12",
        f"theories:{GUILD}",
        f"standings:{GUILD}",
        f"theory:{GUILD}:the-ghosts-are-real",
        f"theory:{GUILD}:member:3",
    ],
)
def test_every_kind_of_reveal_key_reads_back(key: str) -> None:
    assert parse_reveal(reveal_id(key), GUILD) == RevealKey(*key.split(":", 1))


@pytest.mark.parametrize(
    "key",
    [
        "moment:" + "a" * 41,  # longer than any id in the facts file
        "somelongerkind:" + "a" * 80,  # reveal:<key> would pass Discord's 100 characters
        "no spaces:here",
        "unknown:thing",
        "ending:some",
        "ask:x.the-song",
        "poll:99999999999999999999",
        f"theory:{GUILD}:member:99999999999999999999",
        f"theory:{GUILD}:Not A Key",
    ],
)
def test_bad_reveal_keys_are_refused_when_built_and_when_pressed(key: str) -> None:
    with pytest.raises(ValueError):
        reveal_id(key)
    with pytest.raises(UserError, match="isn't one this bot made"):
        parse_reveal(f"reveal:{key}", GUILD)


@pytest.mark.parametrize("key", [f"theories:{OTHER}", f"standings:{OTHER}", f"theory:{OTHER}:member:1"])
def test_a_reveal_naming_another_server_is_refused(key: str) -> None:
    with pytest.raises(UserError) as refused:
        parse_reveal(reveal_id(key), GUILD)
    assert refused.value.message == errors.OTHER_SERVER
    with pytest.raises(UserError):
        parse_reveal(reveal_id(key), None)  # outside any server too


@given(st.text(max_size=CUSTOM_ID_LIMIT))
def test_any_text_is_read_or_refused_never_crashes(custom_id: str) -> None:
    for parse in (parse_vote, parse_review, lambda c: parse_reveal(c, GUILD)):
        try:
            parse(custom_id)
        except UserError:
            pass
