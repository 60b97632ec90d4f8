"""The limits in bot.limits, pure: sliding windows, the heavy-command gate, the review caps, and the expiry test."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

import discord
import pytest

from bot import limits
from bot.errors import UserError
from bot.limits import Gate, Limits, Rate, waiting_refusal
from bot.overload import Expired, expired, is_expiry
from bot.render import errors

T0 = datetime(2026, 11, 23, 12, 0, tzinfo=UTC)


def test_a_window_allows_so_many_then_says_how_long_to_wait() -> None:
    rate = Rate(3, timedelta(minutes=10), errors.suggesting_too_fast(3))
    key = (1, 2)
    for minute in range(3):
        rate.take(key, T0 + timedelta(minutes=minute))
    with pytest.raises(UserError) as refused:
        rate.take(key, T0 + timedelta(minutes=4))
    assert "suggest another in 6 minutes" in refused.value.message and "Nothing was saved" in refused.value.message
    rate.take((1, 3), T0 + timedelta(minutes=4))  # another member, unaffected
    rate.take((9, 2), T0 + timedelta(minutes=4))  # the same member in another server, unaffected
    rate.take(key, T0 + timedelta(minutes=10, seconds=1))  # the first one has left the window


def test_a_refused_write_gives_its_place_back() -> None:
    rate = Rate(1, timedelta(hours=1), errors.polling_too_fast(1))
    stamp = rate.take((1, 2), T0)
    rate.give_back((1, 2), stamp)
    rate.take((1, 2), T0 + timedelta(seconds=1))
    with pytest.raises(UserError):
        rate.take((1, 2), T0 + timedelta(seconds=2))


def test_stale_keys_are_swept_so_memory_stays_bounded() -> None:
    rate = Rate(1, timedelta(seconds=1), errors.polling_too_fast(1))
    for member in range(limits.SWEEP_AT + 5):
        rate.take((1, member), T0)
    rate.take((1, -1), T0 + timedelta(seconds=5))
    assert len(rate._taken) <= 2


def test_the_gate_lets_a_member_run_so_many_at_once() -> None:
    gate = Gate(2, errors.still_answering)
    with gate.slot(7), gate.slot(7):
        with pytest.raises(UserError) as refused:
            with gate.slot(7):
                pass
        assert "still answering your 2 questions" in refused.value.message
        with gate.slot(8):  # another member is not held up
            assert gate.running(8) == 1
    assert gate.running(7) == 0 and gate._running == {}


def test_the_member_cap_is_named_before_the_server_cap() -> None:
    caps = Limits()
    assert waiting_refusal(0, 0, caps) is None
    mine = waiting_refusal(caps.waiting_per_member, caps.waiting_per_server, caps)
    assert mine == errors.too_many_waiting_of_yours(caps.waiting_per_member)
    assert waiting_refusal(1, caps.waiting_per_server, caps) == errors.too_many_waiting_here(caps.waiting_per_server)


@pytest.mark.parametrize(
    ("seconds", "words"), [(0.2, "1 second"), (40.1, "41 seconds"), (60, "1 minute"), (61, "2 minutes")]
)
def test_waits_are_rounded_up_in_words(seconds: float, words: str) -> None:
    assert errors.wait_words(seconds) == words


def _interaction(age: timedelta, *, answered: bool) -> discord.Interaction:
    fake = SimpleNamespace(created_at=discord.utils.utcnow() - age, response=SimpleNamespace(is_done=lambda: answered))
    return fake  # type: ignore[return-value]


def test_an_interaction_expires_after_3_seconds_unanswered_and_15_minutes_answered() -> None:
    assert not expired(_interaction(timedelta(seconds=1), answered=False))
    assert expired(_interaction(timedelta(seconds=3.5), answered=False))
    assert not expired(_interaction(timedelta(minutes=14), answered=True))
    assert expired(_interaction(timedelta(minutes=16), answered=True))


def test_discords_refusals_of_a_forgotten_interaction_are_recognised() -> None:
    response = SimpleNamespace(status=404, reason="Not Found")
    assert is_expiry(discord.NotFound(response, {"code": 10062, "message": "Unknown interaction"}))  # type: ignore[arg-type]
    assert is_expiry(Expired())
    assert not is_expiry(discord.NotFound(response, {"code": 10008, "message": "Unknown Message"}))  # type: ignore[arg-type]
