"""The bot's own permissions, channel by channel (issue 19), end to end: its role holds exactly the README's invite
permissions, and channel overwrites stand in its way. Before it promises something it must do later (update a poll
when it closes, open its thread) it checks; what fails later is reported with its real cause, and the poll's buttons
are retired by the next press on them."""

from __future__ import annotations

import asyncio
import logging
import re
from datetime import UTC, datetime, timedelta

import pytest

from bot.client import StrangersBot
from bot.permissions import INVITE
from standin import INVITE_PERMISSIONS, Perm, Reply, StandIn, message_buttons, message_text

THREE = "adams-screenplay, adam-conjured-everyone, the-ghosts-are-real"


async def run_poll_command(api: StandIn, bot: StrangersBot, channel: str, **options: object) -> Reply:
    """/theory poll as the moderator, waited on until the bot has finished with it (message, thread, notes)."""
    finished = asyncio.create_task(
        bot.wait_for("app_command_completion", check=lambda i, c: c.qualified_name == "theory poll", timeout=10)
    )
    await asyncio.sleep(0)
    reply = await api.slash("theory poll", user=api.world.moderator, channel=channel, theories=THREE, **options)
    if not reply.ephemeral:
        await finished
    else:
        finished.cancel()
    return reply


def poll_number(message: dict) -> int:
    match = re.search(r"Theory poll #(\d+)", message_text(message))
    assert match, message_text(message)
    return int(match.group(1))


def is_closed(message: dict) -> bool:
    votes = [b for b in message_buttons(message) if b["custom_id"].startswith("poll:")]
    return bool(votes) and all(b.get("disabled") for b in votes) and "final results" in message_text(message)


def mention(api: StandIn, name: str) -> str:
    return f"<#{api.channel(name).id}>"


def channel_calls(api: StandIn, name: str) -> list[tuple[str, str]]:
    prefix = f"/channels/{api.channel(name).id}/"
    return [(method, path) for method, path in api.calls if path.startswith(prefix)]


async def retired_by_next_press(api: StandIn, message: dict) -> None:
    """A member presses a vote button on the stale message: the answer updates it to the final results."""
    fan = api.world.add_member("fan")
    press = await api.click(message, "1", user=fan)
    assert press.callback_type == 7  # UPDATE_MESSAGE: through the interaction, no channel permission needed
    await press.wait(lambda r: len(r.followups) == 1)
    assert "no longer counted" in press.followups[0]["content"]
    assert is_closed(message)


def test_the_bot_asks_for_what_the_readme_invite_link_gives() -> None:
    assert INVITE == INVITE_PERMISSIONS == 309237771264


async def test_a_poll_is_refused_where_the_bot_cannot_see_the_channel(bot, discord_api: StandIn) -> None:
    reply = await run_poll_command(discord_api, bot, "hidden")
    hidden = mention(discord_api, "hidden")
    assert reply.ephemeral
    assert f"I can't see {hidden}" in reply.content
    assert "View Channel" in reply.content and "Edit Channel > Permissions" in reply.content
    assert "another channel" in reply.content
    assert await bot.store.poll_summaries(discord_api.guild.id) == []
    assert channel_calls(discord_api, "hidden") == []


async def test_a_poll_is_refused_where_the_bot_cannot_send(bot, discord_api: StandIn) -> None:
    reply = await run_poll_command(discord_api, bot, "read-only")
    assert reply.ephemeral
    # what the role lacks there, and only that: an overwrite denies it Send Messages (Embed Links depends on it)
    assert f"I don't have Send Messages in {mention(discord_api, 'read-only')}" in reply.content
    assert "Give my role Send Messages in" in reply.content
    assert mention(discord_api, "read-only") in reply.content and "can't see" not in reply.content
    assert await bot.store.poll_summaries(discord_api.guild.id) == []


async def test_no_thread_where_the_bot_may_not_open_one_and_the_moderator_is_told(bot, discord_api: StandIn) -> None:
    reply = await run_poll_command(discord_api, bot, "no-threads")
    assert not reply.ephemeral and poll_number(reply.message)
    await reply.wait(lambda r: len(r.followups) == 1)
    note = reply.followups[0]
    assert note["flags"] & 64  # only the moderator reads it
    assert "discussion thread" in note["content"] and "Create Public Threads" in note["content"]
    assert mention(discord_api, "no-threads") in note["content"]
    assert not any(path.endswith("/threads") for _, path in discord_api.calls)


async def test_no_thread_without_read_message_history_and_the_moderator_is_told(bot, discord_api: StandIn) -> None:
    bot_role = discord_api.world.guild.bot_role(discord_api.world.bot)
    await discord_api.edit_permissions("general", bot_role, deny=Perm.READ_MESSAGE_HISTORY)
    reply = await run_poll_command(discord_api, bot, "general")
    await reply.wait(lambda r: len(r.followups) == 1)
    note = reply.followups[0]["content"]
    assert f"I don't have Read Message History in {mention(discord_api, 'general')}" in note
    assert not any(path.endswith("/threads") for _, path in discord_api.calls)


async def test_a_poll_in_a_thread_whose_parent_forbids_threads_needs_none(bot, discord_api: StandIn) -> None:
    reply = await run_poll_command(discord_api, bot, "no-threads-thread")
    assert not reply.ephemeral and poll_number(reply.message)
    assert reply.followups == []
    closing = await discord_api.slash("theory close", poll=poll_number(reply.message), user=discord_api.world.moderator)
    assert "now shows the final results" in closing.content
    assert is_closed(discord_api.messages[int(reply.message["id"])])


async def test_closing_after_the_bot_lost_sight_of_the_channel_says_so(bot, discord_api: StandIn) -> None:
    reply = await run_poll_command(discord_api, bot, "general")
    message = discord_api.messages[int(reply.message["id"])]
    bot_role = discord_api.world.guild.bot_role(discord_api.world.bot)
    await discord_api.edit_permissions("general", bot_role, deny=Perm.VIEW_CHANNEL)

    closing = await discord_api.slash("theory close", poll=poll_number(message), user=discord_api.world.moderator)
    general = mention(discord_api, "general")
    assert closing.ephemeral
    assert f"I can't see {general} any more" in closing.content and "deleted" not in closing.content
    assert "View Channel" in closing.content and "Edit Channel > Permissions" in closing.content
    assert f"/theory results poll:{poll_number(message)}" in closing.content
    assert (await bot.store.poll(poll_number(message))).closed_at is not None
    assert not is_closed(message)  # Discord refused the edit (403, 50001) ...
    await retired_by_next_press(discord_api, message)  # ... so the next press retires the buttons


class Heard(logging.Handler):
    """Log records about one poll, and an event set at the first (the closer has no interaction to wait on)."""

    def __init__(self, needle: str) -> None:
        super().__init__(logging.INFO)
        self.needle = needle
        self.messages: list[str] = []
        self.event = asyncio.Event()

    def emit(self, record: logging.LogRecord) -> None:
        if self.needle in record.getMessage():
            self.messages.append(record.getMessage())
            self.event.set()


@pytest.mark.parametrize(
    ("where", "overwritten", "deny", "cause", "lacking"),
    [
        # Polls are Components V2 messages: editing one needs neither Embed Links nor Send Messages, only access.
        ("general", "general", Perm.VIEW_CHANNEL, "Missing Access", "View Channel"),
        # a poll in a thread: the overwrite is on its parent channel
        ("general-thread", "general", Perm.VIEW_CHANNEL, "Missing Access", "View Channel"),
    ],
)
async def test_the_closer_reports_a_lost_permission_once_and_the_next_press_retires_the_poll(
    bot, discord_api: StandIn, where: str, overwritten: str, deny: Perm, cause: str, lacking: str
) -> None:
    reply = await run_poll_command(discord_api, bot, where)
    message = discord_api.messages[int(reply.message["id"])]
    number = poll_number(message)
    bot_role = discord_api.world.guild.bot_role(discord_api.world.bot)
    await discord_api.edit_permissions(overwritten, bot_role, deny=deny)
    heard = Heard(f"poll #{number} ")
    logging.getLogger().addHandler(heard)
    try:
        assert await bot.store.reschedule_poll(number, datetime.now(UTC) + timedelta(seconds=0.2))
        bot.get_cog("Theories").closer.wake()
        await asyncio.wait_for(heard.event.wait(), 10)
        path = f"/channels/{message['channel_id']}/messages/{message['id']}"
        assert discord_api.calls.count(("PATCH", path)) == 1
        assert (await bot.store.poll(number)).closed_at is not None
        await retired_by_next_press(discord_api, message)
    finally:
        logging.getLogger().removeHandler(heard)
    assert len(heard.messages) == 1, heard.messages
    assert f"{cause}; the bot lacks {lacking} there" in heard.messages[0]
    assert "deleted" not in heard.messages[0]
    assert discord_api.calls.count(("PATCH", path)) == 1  # the press retired the buttons, not another edit


async def test_a_deleted_message_is_still_called_deleted(bot, discord_api: StandIn) -> None:
    reply = await run_poll_command(discord_api, bot, "general")
    del discord_api.messages[int(reply.message["id"])]
    closing = await discord_api.slash("theory close", poll=poll_number(reply.message), user=discord_api.world.moderator)
    assert "deleted" in closing.content and "Permissions" not in closing.content


async def test_answers_need_no_channel_permission_so_members_use_the_bot_where_it_cannot_see(
    bot, discord_api: StandIn
) -> None:
    for channel in ("hidden", "read-only"):
        film = await discord_api.slash("film", channel=channel)
        assert not film.ephemeral and "All of Us Strangers" in film.text
        ask = await discord_api.slash("ask", channel=channel, question="who plays Harry?")
        assert "Mescal" in ask.text
    assert channel_calls(discord_api, "hidden") == [] and channel_calls(discord_api, "read-only") == []


async def test_an_overwrite_for_the_bot_itself_is_named_as_the_thing_to_change(bot, discord_api: StandIn) -> None:
    """Hostile set-up: the channel denies the bot by name, so giving its role View Channel would change nothing."""
    await discord_api.edit_permissions("spoilers", discord_api.world.bot, deny=Perm.VIEW_CHANNEL)
    reply = await run_poll_command(discord_api, bot, "spoilers")
    spoilers = mention(discord_api, "spoilers")
    assert reply.ephemeral and f"I can't see {spoilers}" in reply.content
    assert f"Allow View Channel on the overwrite with my own name in {spoilers}" in reply.content
    assert "my role" not in reply.content
