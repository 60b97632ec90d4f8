"""Poll pictures end to end through the stand-in: a closed poll's final message and /theory results carry a PNG chart
(the stand-in's stored bytes decode), named and described for the channel's spoiler level and style."""

from __future__ import annotations

import io
from datetime import UTC, datetime, timedelta

from PIL import Image
from test_theories_e2e import THREE, click_and_confirm, is_closed, open_poll, poll_number, until_shown

from bot.client import StrangersBot
from bot.models import Level, Policy, Style
from standin import Perm, Reply, StandIn, message_text

TITLES = ("It was all Adam's screenplay", "Adam conjured everyone", "The ghosts are real")  # THREE, all ending-level


def png_of(api: StandIn, attachment: dict) -> Image.Image:
    """The uploaded file as the stand-in kept it, decoded: it must be a whole PNG of the size it says."""
    data = api.file_bytes(attachment)
    assert len(data) == attachment["size"] and attachment["content_type"] == "image/png"
    image = Image.open(io.BytesIO(data))
    image.load()
    assert image.format == "PNG" and image.size == (attachment["width"], attachment["height"])
    assert image.width == 800 and 150 < image.height < 1200 and len(data) < 60_000
    return image


def only_picture(message: dict) -> dict:
    [attachment] = message["attachments"]
    return attachment


async def set_policies(api: StandIn, bot: StrangersBot) -> None:
    """#general keeps the server default (nothing allowed, wrapped); #spoilers: private; #ending-talk: the ending."""
    guild = api.guild.id
    await bot.store.set_channel(guild, api.channel("spoilers").id, Policy(Level.NONE, Style.PRIVATE), 1, bot.now())
    await bot.store.set_channel(guild, api.channel("ending-talk").id, Policy(Level.ENDING, Style.WRAP), 1, bot.now())


async def voted_poll(api: StandIn, bot: StrangersBot, channel: str, votes: list[str]) -> Reply:
    poll = await open_poll(api, bot, channel=channel, theories=THREE)
    for index, label in enumerate(votes):
        await click_and_confirm(api, poll.message, label, api.world.add_member(f"voter{index}"))
    await until_shown(api, api.messages[int(poll.message["id"])], [votes.count(str(n)) for n in (1, 2, 3)])
    return poll


async def test_a_poll_closed_at_its_deadline_carries_its_results_picture(bot, discord_api: StandIn) -> None:
    await set_policies(discord_api, bot)
    poll = await voted_poll(discord_api, bot, "ending-talk", ["2", "2", "1"])
    message = discord_api.messages[int(poll.message["id"])]
    assert message["attachments"] == []  # an open poll has no picture: it changes with every vote
    await bot.store.reschedule_poll(poll_number(message), datetime.now(UTC) + timedelta(seconds=0.2))
    bot.get_cog("Theories").closer.wake()
    await discord_api.wait_until(lambda: is_closed(message) and bool(message["attachments"]))
    picture = only_picture(message)
    number = poll_number(message)
    assert picture["filename"] == f"poll-{number}-results.png"  # #ending-talk may read every title
    png_of(discord_api, picture)
    alt = picture["description"]
    assert alt.startswith(f"Bar chart: Theory poll #{number}: final results, 3 votes.")
    assert "2. Adam conjured everyone: 2 votes, 67%, the winner." in alt and f"Poll #{number} · opened" in alt
    assert "2 votes · 67%" in message_text(discord_api.messages[int(message["id"])])  # the text stays


async def test_spoiler_naming_follows_the_channels_level_and_style(bot, discord_api: StandIn) -> None:
    await set_policies(discord_api, bot)
    poll = await voted_poll(discord_api, bot, "general", ["3", "1", "3"])
    number = poll_number(poll.message)
    closing = await discord_api.slash("theory close", poll=number, user=discord_api.world.moderator)
    assert closing.ephemeral and "now shows the final results" in closing.content

    # #general (nothing allowed, wrapped): the full titles in a blurred file; the alt text names none of them
    final = only_picture(discord_api.messages[int(poll.message["id"])])
    assert final["filename"] == f"SPOILER_poll-{number}-results.png"
    assert not any(title in final["description"] for title in TITLES)
    assert "3. Theory 3 (ending): 2 votes, 67%, the winner." in final["description"]

    shown: dict[str, tuple[dict, bytes]] = {}
    for channel in ("general", "spoilers", "ending-talk"):
        reply = await discord_api.slash("theory results", poll=number, channel=channel)
        assert not reply.ephemeral and "final results" in reply.embeds[0]["title"]
        picture = only_picture(reply.message)
        png_of(discord_api, picture)
        shown[channel] = (picture, discord_api.file_bytes(picture))
        assert picture["description"] in reply.text  # alt text is read like the rest of the message

    wrapped, private, plain = shown["general"], shown["spoilers"], shown["ending-talk"]
    assert wrapped[0]["filename"] == f"SPOILER_poll-{number}-results.png"
    assert private[0]["filename"] == plain[0]["filename"] == f"poll-{number}-results.png"
    assert wrapped[1] == plain[1]  # wrap blurs the same picture: full titles drawn
    assert private[1] != plain[1]  # private draws the spoiler-free forms instead
    for picture, _ in (wrapped, private):
        assert not any(title in picture["description"] for title in TITLES)
        assert "1. Theory 1 (ending): 1 vote, 33%." in picture["description"]
    assert all(title in plain[0]["description"] for title in TITLES)
    assert wrapped[0]["description"] == private[0]["description"] == final["description"]


async def test_reveal_sends_the_full_picture_privately(bot, discord_api: StandIn) -> None:
    await set_policies(discord_api, bot)
    poll = await voted_poll(discord_api, bot, "spoilers", ["1"])
    number = poll_number(poll.message)
    await discord_api.slash("theory close", poll=number, user=discord_api.world.moderator)
    results = await discord_api.slash("theory results", poll=number, channel="spoilers")
    private = only_picture(results.message)
    revealed = await discord_api.click(results.message, "Reveal to me")
    assert revealed.ephemeral
    full = only_picture(revealed.message)
    assert full["filename"] == f"poll-{number}-results.png" and "It was all Adam's screenplay" in full["description"]
    assert discord_api.file_bytes(full) != discord_api.file_bytes(private)
    png_of(discord_api, full)


async def test_a_late_vote_brings_the_picture_with_the_final_results(bot, discord_api: StandIn) -> None:
    poll = await voted_poll(discord_api, bot, "general", ["2"])
    await bot.store.reschedule_poll(poll_number(poll.message), datetime.now(UTC) - timedelta(seconds=1))
    message = discord_api.messages[int(poll.message["id"])]
    late = await discord_api.click(message, "1", user=discord_api.world.add_member("late"))
    assert late.callback_type == 7  # the refusal updates the message: results, disabled buttons and the picture
    await late.wait(lambda r: len(r.followups) == 1)
    assert is_closed(message)
    png_of(discord_api, only_picture(message))


async def test_the_standings_picture_and_none_before_any_poll_closed(bot, discord_api: StandIn) -> None:
    await set_policies(discord_api, bot)
    empty = await discord_api.slash("theory results")
    assert "No theory is ranked yet" in empty.text and empty.attachments == []
    first = await voted_poll(discord_api, bot, "general", ["1", "1", "2"])
    second = await open_poll(discord_api, bot, theories="adam-conjured-everyone, the-ghosts-are-real")
    for poll in (first, second):
        await discord_api.slash("theory close", poll=poll_number(poll.message), user=discord_api.world.moderator)

    plain = await discord_api.slash("theory results", channel="ending-talk")
    picture = only_picture(plain.message)
    assert picture["filename"] == "theory-standings.png"
    png_of(discord_api, picture)
    assert "1. It was all Adam's screenplay: 2 votes, 67%, 1 win in 1 poll." in picture["description"]
    assert "**1st** It was all Adam's screenplay" in plain.text  # the text beside it

    wrapped = only_picture((await discord_api.slash("theory results", channel="general")).message)
    assert wrapped["filename"] == "SPOILER_theory-standings.png"
    # the spoiler-free names are the theories' numbers in /theory list (the curated ones come first, in file order)
    assert "1. Theory 1 (ending): 2 votes" in wrapped["description"]
    assert not any(title in wrapped["description"] for title in TITLES)


async def test_open_polls_show_votes_so_far_and_hidden_ones_no_picture(bot, discord_api: StandIn) -> None:
    live = await voted_poll(discord_api, bot, "general", ["1"])
    shown = await discord_api.slash("theory results", poll=poll_number(live.message))
    picture = only_picture(shown.message)
    assert "votes so far" in picture["description"] and "winner" not in picture["description"]
    png_of(discord_api, picture)
    hidden = await open_poll(discord_api, bot, theories=THREE, hidden_results=True)
    refused = await discord_api.slash("theory results", poll=poll_number(hidden.message))
    assert refused.ephemeral and refused.attachments == []


async def test_without_attach_files_the_results_go_up_as_text_in_one_edit(bot, discord_api: StandIn) -> None:
    """Where an overwrite takes Attach Files from the bot, it knows (the gateway told it) and sends no file at all."""
    poll = await voted_poll(discord_api, bot, "general", ["1"])
    message = discord_api.messages[int(poll.message["id"])]
    bot_role = discord_api.world.guild.bot_role(discord_api.world.bot)
    await discord_api.edit_permissions("general", bot_role, deny=Perm.ATTACH_FILES)
    closing = await discord_api.slash("theory close", poll=poll_number(message), user=discord_api.world.moderator)
    assert "now shows the final results" in closing.content
    path = f"/channels/{message['channel_id']}/messages/{message['id']}"
    assert discord_api.calls.count(("PATCH", path)) == 2  # the live update of the vote, then the final results
    assert is_closed(message) and message["attachments"] == []


async def test_a_picture_discord_finds_too_large_still_leaves_the_results_as_text(bot, discord_api: StandIn) -> None:
    """Where Discord refuses the file itself (413), the final results go up again without it."""
    poll = await voted_poll(discord_api, bot, "general", ["1"])
    message = discord_api.messages[int(poll.message["id"])]
    refused = discord_api.fail_next("PATCH", f"/channels/{message['channel_id']}/messages/{message['id']}$", 413)
    closing = await discord_api.slash("theory close", poll=poll_number(message), user=discord_api.world.moderator)
    assert "now shows the final results" in closing.content
    assert refused.hits == 1 and is_closed(message) and message["attachments"] == []
