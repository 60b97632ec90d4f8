"""Forged component ids, sent as raw interactions carrying the forged button: refused politely and privately, and
nothing changes (no vote, no review, no message edited, nothing of another server shown).

A hostile client can put any custom id on a button of a message it presses; ``press_forged`` does exactly that
through the stand-in: the message keeps its id, channel and server, and carries one button with the forged id.
"""

from __future__ import annotations

import copy

import pytest
from test_theories_e2e import THREE, open_poll, poll_number

from bot.models import Level, Review
from bot.render import errors
from standin import Reply, StandIn

BIG = "99999999999999999999"  # beyond 64 bits: SQLite cannot hold it


async def press_forged(api: StandIn, message: dict, custom_id: str, user=None) -> Reply:
    """Press a button with ``custom_id`` on ``message`` (which Discord would never have shown with it)."""
    key = int(message["id"])
    original = api.messages.get(key)
    forged = copy.deepcopy(original or message)
    forged["components"] = [{"type": 1, "components": [{"type": 2, "style": 1, "label": "1", "custom_id": custom_id}]}]
    if original is not None:
        api.messages[key] = forged
    try:
        return await api.click(forged, custom_id, user=user)
    finally:
        if original is not None:
            api.messages[key] = original


def refused(reply: Reply, message: str) -> None:
    """A private answer of its own (not an update of the pressed message) saying ``message``."""
    assert reply.callback_type == 4, f"the pressed message was changed (callback type {reply.callback_type})"
    assert reply.ephemeral and reply.content == message, reply.content
    assert reply.followups == []


async def test_a_vote_id_of_one_poll_pressed_on_another_message_changes_nothing(bot, discord_api: StandIn) -> None:
    member = discord_api.world.member
    first = await open_poll(discord_api, bot, theories=THREE)
    second = await open_poll(discord_api, bot, theories=THREE, hidden_results=True)
    film = await discord_api.slash("film", channel="spoilers")
    await bot.get_cog("Theories").close_and_show(await bot.store.poll(poll_number(first.message)), bot.now())
    closed_id, open_id = poll_number(first.message), poll_number(second.message)
    before = {k: copy.deepcopy(v) for k, v in discord_api.messages.items()}

    # the closed poll's vote pressed on the open poll's message: once rewrote it with the closed poll's results
    refused(await press_forged(discord_api, second.message, f"poll:{closed_id}:1", member), errors.NOT_THIS_POLL)
    # the open poll's vote on the closed poll's message and on a /film card
    refused(await press_forged(discord_api, first.message, f"poll:{open_id}:2", member), errors.NOT_THIS_POLL)
    refused(await press_forged(discord_api, film.message, f"poll:{open_id}:2", member), errors.NOT_THIS_POLL)
    for custom_id in (f"poll:{BIG}:1", f"poll:{open_id}:{BIG}", f"poll:{open_id}:11", f"poll:0{open_id}:1", "poll:x"):
        refused(await press_forged(discord_api, second.message, custom_id, member), errors.BROKEN_BUTTON)
    refused(await press_forged(discord_api, second.message, f"poll:{open_id}:9", member), errors.POLL_GONE)
    # the Withdraw button is checked the same way
    refused(await press_forged(discord_api, first.message, f"poll:{open_id}:withdraw", member), errors.NOT_THIS_POLL)
    refused(await press_forged(discord_api, film.message, f"poll:{open_id}:withdraw", member), errors.NOT_THIS_POLL)
    for custom_id in (f"poll:{BIG}:withdraw", f"poll:{open_id}:WITHDRAW", f"poll:{open_id}:withdraw:1"):
        refused(await press_forged(discord_api, second.message, custom_id, member), errors.BROKEN_BUTTON)

    assert await bot.store.tallies(open_id) == {} and await bot.store.tallies(closed_id) == {}
    assert discord_api.messages == before


async def test_a_forged_withdraw_never_takes_back_a_vote(bot, discord_api: StandIn) -> None:
    member = discord_api.world.member
    poll = await open_poll(discord_api, bot, theories=THREE)
    other = await open_poll(discord_api, bot, theories=THREE)
    number = poll_number(poll.message)
    vote = await discord_api.click(poll.message, "2", user=member)
    assert vote.ephemeral and "Your vote is on" in vote.content
    refused(await press_forged(discord_api, other.message, f"poll:{number}:withdraw", member), errors.NOT_THIS_POLL)
    assert await bot.store.tallies(number) == {2: 1}


async def test_a_vote_id_pressed_in_another_server_is_refused(bot, discord_api: StandIn) -> None:
    poll = await open_poll(discord_api, bot, theories=THREE)
    number = poll_number(poll.message)
    other = discord_api.world.add_guild("Another server")
    card = await discord_api.slash("film", channel=other.channels[0], user=discord_api.world.moderator)
    reply = await press_forged(discord_api, card.message, f"poll:{number}:1", discord_api.world.moderator)
    refused(reply, errors.OTHER_SERVER)
    assert await bot.store.tallies(number) == {}


async def test_forged_review_ids_change_no_suggestion(bot, discord_api: StandIn) -> None:
    member, mod = discord_api.world.member, discord_api.world.moderator
    await discord_api.slash("theory suggest", title="Harry is a memory", claim="Harry is a memory of someone else.")
    queue = await discord_api.slash("theory review", user=mod)
    theory = (await bot.store.member_theories(discord_api.guild.id, Review.PENDING))[0]
    for custom_id in (f"theory:review:{BIG}:approve", f"theory:review:{theory.id}:delete", "theory:review:"):
        refused(await press_forged(discord_api, queue.message, custom_id, mod), errors.BROKEN_BUTTON)
    # the suggestion's own id, pressed by the owner of another server (a moderator there)
    other = discord_api.world.add_guild("Another server")
    card = await discord_api.slash("film", channel=other.channels[0], user=mod)
    for action in ("approve", "none", "plot"):  # deciding, or setting its spoiler level
        reply = await press_forged(discord_api, card.message, f"theory:review:{theory.id}:{action}", mod)
        refused(reply, errors.NO_SUCH_SUGGESTION)
        # and by a member of this server: the moderator check comes first
        refused(
            await press_forged(discord_api, queue.message, f"theory:review:{theory.id}:{action}", member),
            errors.MODERATORS_ONLY,
        )
    assert await bot.store.count_member_theories(discord_api.guild.id, Review.PENDING) == 1
    assert (await bot.store.member_theory(discord_api.guild.id, theory.id)).spoiler is Level.ENDING


async def test_reveals_of_another_server_show_nothing_of_it(bot, discord_api: StandIn) -> None:
    member, mod = discord_api.world.member, discord_api.world.moderator
    guild = discord_api.guild.id
    await discord_api.slash("theory suggest", title="Harry was dead all along", claim="Harry died before Adam met him.")
    queue = await discord_api.slash("theory review", user=mod)
    await discord_api.click(queue.message, "Approve", user=mod)
    theory = (await bot.store.member_theories(guild, Review.APPROVED))[0]
    poll = await open_poll(discord_api, bot, theories=f"{THREE}, member:{theory.id}")
    number = poll_number(poll.message)

    other = discord_api.world.add_guild("Another server")
    card = await discord_api.slash("film", channel=other.channels[0], user=mod)
    for key in (f"theory:{guild}:member:{theory.id}", f"theories:{guild}", f"standings:{guild}", f"poll:{number}"):
        reply = await press_forged(discord_api, card.message, f"reveal:{key}", mod)
        refused(reply, errors.OTHER_SERVER)
        assert "Harry was dead" not in reply.text
    # the same keys still work where they belong
    home = await discord_api.slash("film", channel="general", user=member)
    shown = await press_forged(discord_api, home.message, f"reveal:theory:{guild}:member:{theory.id}", member)
    assert shown.ephemeral and "Harry was dead all along" in shown.text


@pytest.mark.parametrize(
    "custom_id",
    [
        "reveal:poll:" + BIG,
        "reveal:theories:" + BIG,
        "reveal:moment:../../etc",
        "reveal:nothing:here",
        "reveal:ending:none",
        "reveal:",
        "admin:delete-everything",
        "",
        "\u202epoll:1:1",
        "poll:1:1\x00",
    ],
)
async def test_malformed_ids_of_every_kind_are_refused(bot, discord_api: StandIn, custom_id: str) -> None:
    card = await discord_api.slash("film", channel="general")
    refused(await press_forged(discord_api, card.message, custom_id), errors.BROKEN_BUTTON)
