"""/theory end to end through the stand-in: suggestions and review, polls, concurrent votes, restarts and deadlines."""

from __future__ import annotations

import asyncio
import copy
import re
from datetime import UTC, datetime, timedelta

from bot_under_test import running_bot
from readers import plain_and_hidden, title_of

from bot.client import StrangersBot
from bot.models import Level, Policy, Review, Style
from bot.settings import Settings
from bot.store import Store
from standin import ChannelType, Reply, StandIn, message_buttons, message_text

THREE = "adams-screenplay, adam-conjured-everyone, the-ghosts-are-real"
COUNT = re.compile(r"(\d+) votes? · [<>]?\d+%")


async def open_poll(api: StandIn, bot: StrangersBot, channel: str = "spoilers", **options: object) -> Reply:
    """Open a poll as the moderator and wait until the bot has finished with it (message recorded, thread opened)."""
    finished = asyncio.create_task(
        bot.wait_for("app_command_completion", check=lambda i, c: c.qualified_name == "theory poll", timeout=10)
    )
    await asyncio.sleep(0)  # let wait_for register before the command runs
    reply = await api.slash("theory poll", user=api.world.moderator, channel=channel, **options)
    assert not reply.ephemeral, reply.text
    await finished
    return reply


def poll_number(message: dict) -> int:
    match = re.search(r"Theory poll #(\d+)", message_text(message))
    assert match, message_text(message)
    return int(match.group(1))


def shown_counts(message: dict) -> list[int]:
    return [int(n) for n in COUNT.findall(message_text(message))]


def is_closed(message: dict) -> bool:
    votes = [b for b in message_buttons(message) if b["custom_id"].startswith("poll:")]
    return bool(votes) and all(b.get("disabled") for b in votes) and "final results" in message_text(message)


async def click_and_confirm(api: StandIn, message: dict, label: str, user) -> Reply:
    """Press a vote button: one REST call, the private note saying what the press did (no follow-up); the poll's
    message is updated apart from it (``until_shown``)."""
    reply = await api.click(message, label, user=user)
    assert reply.callback_type == 4 and reply.ephemeral, reply.text
    assert not reply.followups
    return reply


async def until_shown(api: StandIn, message: dict, counts: list[int]) -> None:
    """The poll's public message shows these counts (live updates are coalesced: one edit every 2 s at most)."""
    await api.wait_until(lambda: shown_counts(message) == counts, timeout=10)


async def test_fifty_members_vote_move_and_withdraw_concurrently(bot, discord_api: StandIn) -> None:
    poll = await open_poll(discord_api, bot, theories=THREE)
    message = discord_api.messages[int(poll.message["id"])]
    assert [b["label"] for b in poll.buttons] == ["1", "2", "3", "Withdraw my vote"]
    assert shown_counts(message) == [0, 0, 0]
    # a discussion thread was opened on the poll message
    thread = discord_api.guild.channel(int(poll.message["id"]))
    assert thread is not None and thread.type == ChannelType.PUBLIC_THREAD
    assert thread.parent_id == discord_api.channel("spoilers").id

    members = [discord_api.world.add_member(f"fan{i}") for i in range(50)]
    first = {m.id: i % 3 + 1 for i, m in enumerate(members)}
    await asyncio.gather(*(click_and_confirm(discord_api, message, str(first[m.id]), m) for m in members))
    assert await bot.store.tallies(poll_number(message)) == {1: 17, 2: 17, 3: 16}

    movers, leavers, again = members[:20], members[20:30], members[30:40]
    moved = {m.id: first[m.id] % 3 + 1 for m in movers}
    replies = await asyncio.gather(
        *(click_and_confirm(discord_api, message, str(moved[m.id]), m) for m in movers),
        *(click_and_confirm(discord_api, message, "Withdraw my vote", m) for m in leavers),
        *(click_and_confirm(discord_api, message, str(first[m.id]), m) for m in again),
    )
    assert all("withdrew" in r.content for r in replies[20:30])
    assert all("Your vote moved to" in r.content for r in replies[:20])
    assert all("already on" in r.content and "stays there" in r.content for r in replies[30:])

    expected = {1: 0, 2: 0, 3: 0}
    for m in members[30:]:
        expected[first[m.id]] += 1
    for choice in moved.values():
        expected[choice] += 1
    assert await bot.store.tallies(poll_number(message)) == expected

    # the message catches up with the exact counts (each live update reads the counts as they are when it runs)
    late = discord_api.world.add_member("late")
    await click_and_confirm(discord_api, message, "1", late)
    expected[1] += 1
    await until_shown(discord_api, message, [expected[1], expected[2], expected[3]])
    edits = [
        c for c in discord_api.calls if c == ("PATCH", f"/channels/{message['channel_id']}/messages/{message['id']}")
    ]
    assert len(edits) <= 8  # 81 presses, coalesced into a few edits of the public message

    results = await discord_api.slash("theory results", poll=poll_number(message))
    assert shown_counts(results.message) == [expected[1], expected[2], expected[3]]


async def test_restart_mid_poll_keeps_buttons_working(discord_api: StandIn, settings: Settings) -> None:
    alice, bob = discord_api.world.add_member("alice"), discord_api.world.add_member("bob")
    async with running_bot(discord_api, settings) as bot:
        poll = await open_poll(discord_api, bot, theories=THREE)
        message = discord_api.messages[int(poll.message["id"])]
        await click_and_confirm(discord_api, message, "2", alice)
        await until_shown(discord_api, message, [0, 1, 0])
    async with running_bot(discord_api, settings) as again:
        await click_and_confirm(discord_api, message, "2", bob)
        await until_shown(discord_api, message, [0, 2, 0])
        reply = await click_and_confirm(discord_api, message, "2", alice)  # pressing her own vote again keeps it
        assert "stays there" in reply.content
        reply = await click_and_confirm(discord_api, message, "Withdraw my vote", alice)
        assert "withdrew" in reply.content
        reply = await click_and_confirm(discord_api, message, "Withdraw my vote", alice)
        assert "no vote in this poll to withdraw" in reply.content
        await until_shown(discord_api, message, [0, 1, 0])
        assert await again.store.tallies(poll_number(message)) == {2: 1}


async def test_poll_past_its_deadline_during_downtime_is_closed_on_start(
    discord_api: StandIn, settings: Settings
) -> None:
    fan = discord_api.world.add_member("fan")
    async with running_bot(discord_api, settings) as bot:
        poll = await open_poll(discord_api, bot, theories=THREE, hours=2)
        message = discord_api.messages[int(poll.message["id"])]
        await click_and_confirm(discord_api, message, "3", fan)
    stale = copy.deepcopy(message)  # what a member's screen still shows
    # while the bot is down, the deadline passes (set through the store: setup, not a change to the bot)
    store = await Store.open(settings.database_path)
    try:
        assert await store.reschedule_poll(poll_number(message), datetime.now(UTC) - timedelta(minutes=5))
    finally:
        await store.close()
    async with running_bot(discord_api, settings) as again:
        await discord_api.wait_until(lambda: is_closed(message))
        assert shown_counts(message) == [0, 0, 1]
        assert "1 member voted." in message_text(message)
        closed = await again.store.poll(poll_number(message))
        assert closed is not None and closed.closed_at == closed.closes_at
        # someone whose screen still shows the open poll presses a button: refused politely, nothing counted
        reply = await discord_api.click(stale, "1", user=fan)
        await reply.wait(lambda r: len(r.followups) == 1)
        assert "no longer counted" in reply.followups[0]["content"]
        assert reply.followups[0]["flags"] & 64
        assert await again.store.tallies(poll_number(message)) == {3: 1}


async def test_poll_closes_itself_at_its_deadline(bot, discord_api: StandIn) -> None:
    poll = await open_poll(discord_api, bot, theories=THREE, hours=1)
    message = discord_api.messages[int(poll.message["id"])]
    fan = discord_api.world.add_member("fan")
    await click_and_confirm(discord_api, message, "1", fan)
    # bring the deadline close, then tell the closer deadlines changed (what the cog does when polls open or close)
    assert await bot.store.reschedule_poll(poll_number(message), datetime.now(UTC) + timedelta(seconds=0.3))
    bot.get_cog("Theories").closer.wake()
    await discord_api.wait_until(lambda: is_closed(message), timeout=10)
    assert shown_counts(message) == [1, 0, 0]
    assert ("PATCH", f"/channels/{message['channel_id']}/messages/{message['id']}") in discord_api.calls


async def test_click_after_the_deadline_is_refused_before_the_closer_runs(bot, discord_api: StandIn) -> None:
    poll = await open_poll(discord_api, bot, theories=THREE, hours=3)
    message = discord_api.messages[int(poll.message["id"])]
    fan, late = discord_api.world.add_member("fan"), discord_api.world.add_member("late")
    await click_and_confirm(discord_api, message, "2", fan)
    # the deadline passes; the closer still sleeps towards the old one, so only the click can notice
    await bot.store.reschedule_poll(poll_number(message), datetime.now(UTC) - timedelta(seconds=1))
    reply = await discord_api.click(message, "1", user=late)
    assert reply.callback_type == 7  # the refusal brings the message up to date: final results, buttons disabled
    await reply.wait(lambda r: len(r.followups) == 1)
    assert "no longer counted" in reply.followups[0]["content"]
    assert is_closed(message) and shown_counts(message) == [0, 1, 0]
    assert await bot.store.tallies(poll_number(message)) == {2: 1}
    assert (await bot.store.poll(poll_number(message))).closed_at is not None


async def test_hidden_results_stay_hidden_until_close(bot, discord_api: StandIn) -> None:
    poll = await open_poll(discord_api, bot, theories=THREE, hidden_results=True)
    message = discord_api.messages[int(poll.message["id"])]
    number = poll_number(message)
    assert shown_counts(message) == [] and "hidden until it closes" in message_text(message)
    fans = [discord_api.world.add_member(f"fan{i}") for i in range(3)]
    for fan, label in zip(fans, ["1", "1", "3"], strict=True):
        reply = await discord_api.click(message, label, user=fan)
        assert reply.callback_type == 4 and reply.ephemeral  # a private note; the poll message is not edited
        assert "hidden until the poll closes" in reply.content
    assert message["edited_timestamp"] is None and shown_counts(message) == []

    for user in (discord_api.world.member, discord_api.world.moderator):
        results = await discord_api.slash("theory results", poll=number, user=user)
        assert results.ephemeral and "stay hidden" in results.content and shown_counts(results.message) == []
    choices = await discord_api.autocomplete("theory results", "poll", "")
    assert any(c["value"] == number and "results hidden" in c["name"] for c in choices)
    history = await discord_api.slash("theory show", theory="adams-screenplay")
    assert f"Poll #{number}" in history.text and "results hidden until it closes" in history.text
    assert "2 votes" not in history.text

    closing = await discord_api.slash("theory close", poll=number, user=discord_api.world.moderator)
    assert closing.ephemeral and "final results" in closing.text
    assert is_closed(message) and shown_counts(message) == [2, 0, 1]
    results = await discord_api.slash("theory results", poll=number)
    assert not results.ephemeral and shown_counts(results.message) == [2, 0, 1]


async def test_plain_member_cannot_open_close_or_review(bot, discord_api: StandIn) -> None:
    theory = discord_api.find_command("theory")
    assert theory["contexts"] == [0] and theory["dm_permission"] is False  # server only
    assert [o["name"] for o in theory["options"]] == ["list", "show", "suggest", "review", "poll", "close", "results"]
    member = discord_api.world.member
    before = dict(discord_api.messages)
    refused = await discord_api.slash("theory poll", theories=THREE, user=member)
    assert refused.ephemeral and "Only moderators" in refused.content
    assert discord_api.messages == before
    assert await bot.store.poll_summaries(discord_api.guild.id) == []

    poll = await open_poll(discord_api, bot, theories=THREE)
    number = poll_number(poll.message)
    refused = await discord_api.slash("theory close", poll=number, user=member)
    assert refused.ephemeral and "Only moderators" in refused.content
    assert (await bot.store.poll(number)).closed_at is None

    refused = await discord_api.slash("theory review", user=member)
    assert refused.ephemeral and "Only moderators" in refused.content

    suggested = await discord_api.slash(
        "theory suggest", title="Harry is a memory", claim="Harry is a memory of someone Adam once knew.", user=member
    )
    assert suggested.ephemeral and "suggestion #" in suggested.content
    queue = await discord_api.slash("theory review", user=discord_api.world.moderator)
    labels = ["Approve", "Reject", "Spoiler: none", "Spoiler: plot", "Spoiler: ending"]
    assert queue.ephemeral and [b["label"] for b in queue.buttons] == labels
    # the buttons check who presses them, too
    press = await discord_api.click(queue.message, "Approve", user=member)
    assert press.callback_type == 4 and press.ephemeral and "Only moderators" in press.content
    assert await bot.store.count_member_theories(discord_api.guild.id, Review.PENDING) == 1


async def test_suggest_review_and_poll_the_approved_theories(bot, discord_api: StandIn) -> None:
    member, mod = discord_api.world.member, discord_api.world.moderator
    empty = await discord_api.slash("theory review", user=mod)
    assert empty.ephemeral and "No suggestions are waiting" in empty.content

    too_short = await discord_api.slash(
        "theory suggest", title="ok", claim="A claim that is long enough.", past_the_client=True
    )
    assert too_short.ephemeral and "3 to 80" in too_short.content
    taken = await discord_api.slash("theory suggest", title="the GHOSTS are real", claim="Copying a curated title.")
    assert taken.ephemeral and "already exists" in taken.content
    for title in ("Harry is a memory", "It is a dream of 1987", "Adam is the ghost"):
        ok = await discord_api.slash("theory suggest", title=title, claim=f"{title}: a claim with enough words.")
        assert ok.ephemeral and "suggestion #" in ok.content
    again = await discord_api.slash("theory suggest", title="harry IS a memory", claim="The same title in capitals.")
    assert again.ephemeral and "already exists" in again.content

    queue = await discord_api.slash("theory review", user=mod)
    assert "(3 waiting)" in queue.text and "Harry is a memory" in queue.text
    second_screen = copy.deepcopy(queue.message)  # another moderator's view of the same queue
    first = await discord_api.click(queue.message, "Approve", user=mod)
    assert first.callback_type == 7 and "Approved suggestion" in first.content
    assert "(2 waiting)" in first.text and "It is a dream of 1987" in first.text
    second = await discord_api.click(first.message, "Reject", user=mod)
    assert "Rejected suggestion" in second.content and "Adam is the ghost" in second.text
    # the other moderator's screen still shows the first suggestion, already reviewed
    stale = await discord_api.click(second_screen, "Reject", user=mod)
    assert "already reviewed" in stale.content
    last = await discord_api.click(stale.message, "Approve", user=mod)
    assert "No more" not in last.content and "No suggestions are waiting" in last.content and last.buttons == []

    listing = await discord_api.slash("theory list", user=member, channel="ending-talk")
    assert "Harry is a memory" in listing.text and "Adam is the ghost" in listing.text
    assert "It is a dream of 1987" not in listing.text  # rejected
    await bot.store.set_channel(
        discord_api.guild.id, discord_api.channel("ending-talk").id, Policy(Level.ENDING), 1, bot.now()
    )
    names = [
        c["name"] for c in await discord_api.autocomplete("theory show", "theory", "memory", channel="ending-talk")
    ]
    assert names == ["Harry is a memory"]
    # where the ending may not show, the member's theory (ending by default) is offered by number, never matched
    assert await discord_api.autocomplete("theory show", "theory", "memory") == []
    numbered = await discord_api.autocomplete("theory show", "theory", "")
    assert {"name": "Theory 7 (ending)", "value": "member:1"} in numbered

    # the default poll: every approved theory (6 curated + 2 members'), each in a section with its button beside it
    poll = await open_poll(discord_api, bot)
    assert [b["label"] for b in poll.buttons] == [*(str(i) for i in range(1, 9)), "Withdraw my vote"]
    (card,) = [c for c in poll.message["components"] if c["type"] == 17]
    sections = [c for c in card["components"] if c["type"] == 9]
    assert [s["accessory"]["label"] for s in sections] == [str(i) for i in range(1, 9)]
    assert "Harry is a memory" in poll.text and "Adam is the ghost" in poll.text

    # typed without the autocomplete: the numbers /theory list shows (member:1 and member:3 are 7 and 8 there)
    assert "**7.**" in listing.text and "**8.**" in listing.text
    numbered = await open_poll(discord_api, bot, theories="1, 3, 8")
    curated = bot.film.theories
    assert [curated[0].title in numbered.text, curated[2].title in numbered.text] == [True, True]
    assert "Adam is the ghost" in numbered.text and "Harry is a memory" not in numbered.text
    shown = await discord_api.slash("theory show", theory="7", user=member, channel="ending-talk")
    assert "Harry is a memory" in shown.text
    several = await discord_api.slash("theory show", theory="conjured", user=member, channel="ending-talk")
    assert several.ephemeral and "could mean several theories: “2." in several.content
    # where the ending may not show, a word of those titles finds nothing, and the refusal names none of them
    unseen = await discord_api.slash("theory show", theory="conjured", user=member)
    assert unseen.ephemeral and "No theory here is called or numbered “conjured”." in unseen.content
    assert "Adam conjured everyone" not in unseen.content


async def test_poll_input_is_checked(bot, discord_api: StandIn) -> None:
    one = await open_poll_refused(discord_api, theories="adams-screenplay")
    assert "2 to 10" in one
    unknown = await open_poll_refused(discord_api, theories="adams-screenplay, aliens")
    assert "No theory here" in unknown and "1 to 6" in unknown
    twice = await open_poll_refused(discord_api, theories="adams-screenplay, It was all Adam's screenplay")
    assert "listed twice" in twice
    assert await bot.store.poll_summaries(discord_api.guild.id) == []

    await bot.store.set_channel(
        discord_api.guild.id, discord_api.channel("ending-talk").id, Policy(Level.ENDING), 1, bot.now()
    )
    choices = await discord_api.autocomplete(
        "theory poll", "theories", "adams-screenplay, ghos", user=discord_api.world.moderator, channel="ending-talk"
    )
    assert {"name": "1 chosen + The ghosts are real", "value": "adams-screenplay, the-ghosts-are-real"} in choices
    assert all(not c["value"].endswith(", adams-screenplay") for c in choices)
    # in a channel at the default level the titles are hidden: nothing matches "ghos", numbers stand for them
    assert await discord_api.autocomplete("theory poll", "theories", "adams-screenplay, ghos") == []
    numbered = await discord_api.autocomplete("theory poll", "theories", "1, ")
    assert {"name": "1 chosen + Theory 5 (ending)", "value": "1, 5"} in numbered
    ambiguous = await open_poll_refused(discord_api, theories="theory, 2")
    assert "Theory 1 (ending)" in ambiguous and "screenplay" not in ambiguous


async def open_poll_refused(api: StandIn, **options: object) -> str:
    reply = await api.slash("theory poll", user=api.world.moderator, **options)
    assert reply.ephemeral
    return reply.content


async def test_spoiler_policy_applies_to_theory_text(bot, discord_api: StandIn) -> None:
    guild = discord_api.guild.id
    # general: the server default (nothing allowed, spoilers wrapped)
    shown = await discord_api.slash("theory show", theory="adam-conjured-everyone", channel="general")
    plain, hidden = plain_and_hidden(shown)
    assert "Adam conjured everyone" in hidden and "Adam conjured everyone" not in plain
    assert title_of(shown) == "A theory about the film"
    assert "Andrew Haigh's first reading" in plain  # the source is spoiler-free
    poll = await open_poll(discord_api, bot, channel="general", theories=THREE)
    assert "||Adam conjured everyone||" in poll.text and "Adam conjured everyone" not in title_of(poll)
    assert all(
        b["label"].isdigit() for b in poll.buttons if b["custom_id"] != f"poll:{poll_number(poll.message)}:withdraw"
    )

    # ending-talk allows the ending: plain text
    await bot.store.set_channel(guild, discord_api.channel("ending-talk").id, Policy(Level.ENDING), 1, bot.now())
    plain = await discord_api.slash("theory show", theory="adam-conjured-everyone", channel="ending-talk")
    assert "Adam conjured everyone" in plain.text and "||" not in plain.text

    # spoilers: private style, so the public message leaves the theories out and offers "Reveal to me"
    await bot.store.set_channel(
        guild, discord_api.channel("spoilers").id, Policy(Level.NONE, Style.PRIVATE), 1, bot.now()
    )
    private = await open_poll(discord_api, bot, channel="spoilers", theories=THREE)
    assert "Adam conjured everyone" not in private.text
    assert "Reveal to me" in [b["label"] for b in private.buttons]
    revealed = await discord_api.click(private.message, "Reveal to me")
    assert revealed.ephemeral and "Adam conjured everyone" in revealed.text and "||" not in revealed.text
    shown = await discord_api.slash("theory show", theory="the-ghosts-are-real", channel="spoilers")
    revealed = await discord_api.click(shown.message, "Reveal to me")
    assert revealed.ephemeral and "The ghosts are real" in revealed.text and "Polls here" in revealed.text
    # the voter's private note hides the title as the channel would, inside spoiler bars
    fan = discord_api.world.add_member("fan")
    vote = await click_and_confirm(discord_api, private.message, "2", fan)
    assert "||Adam conjured everyone||" in vote.content


async def test_standings_list_and_history(bot, discord_api: StandIn) -> None:
    mod = discord_api.world.moderator
    fans = [discord_api.world.add_member(f"fan{i}") for i in range(4)]
    first = await open_poll(discord_api, bot, theories=THREE)
    for fan, label in zip(fans, ["1", "1", "1", "2"], strict=True):
        await click_and_confirm(discord_api, first.message, label, fan)
    second = await open_poll(discord_api, bot, theories="adam-conjured-everyone, the-ghosts-are-real")
    for fan, label in zip(fans, ["1", "1", "2", "2"], strict=True):
        await click_and_confirm(discord_api, second.message, label, fan)
    assert "No theory is ranked yet" in (await discord_api.slash("theory results")).text

    for reply in (first, second):
        await discord_api.slash("theory close", poll=poll_number(reply.message), user=mod)
    again = await discord_api.slash("theory close", poll=poll_number(first.message), user=mod)
    assert again.ephemeral and "already closed" in again.content
    assert await discord_api.autocomplete("theory close", "poll", "", user=mod) == []

    await bot.store.set_channel(
        discord_api.guild.id, discord_api.channel("ending-talk").id, Policy(Level.ENDING), 1, bot.now()
    )
    standings = await discord_api.slash("theory results", channel="ending-talk")
    lines = standings.embeds[0]["description"].splitlines()
    # screenplay 3 votes (1 win); conjured everyone 1 + 2 = 3 votes (1 shared win) in 2 polls; ghosts 2 (1 shared)
    assert lines[0].startswith("**1st** It was all Adam's screenplay — 3 votes in 1 poll, 1 win")
    assert lines[1].startswith("**2nd** Adam conjured everyone — 3 votes in 2 polls, 1 win")
    assert lines[2].startswith("**3rd** The ghosts are real — 2 votes in 2 polls, 1 win")

    listing = await discord_api.slash("theory list", channel="ending-talk")
    assert "It was all Adam's screenplay — 1st of 3 all-time" in listing.text
    assert "not ranked yet" in listing.text

    shown = await discord_api.slash("theory show", theory="Adam conjured everyone", channel="ending-talk")
    assert f"Poll #{poll_number(first.message)}" in shown.text and "2nd of 3 with 1 vote of 4" in shown.text
    assert f"Poll #{poll_number(second.message)}" in shown.text and "1st of 2 with 2 votes of 4" in shown.text

    choices = await discord_api.autocomplete("theory results", "poll", "")
    assert [c["value"] for c in choices] == [poll_number(second.message), poll_number(first.message)]
    assert all("closed" in c["name"] and "Adam" not in c["name"] for c in choices)


async def test_a_poll_nobody_voted_in_ranks_nobody(bot, discord_api: StandIn) -> None:
    mod = discord_api.world.moderator
    await bot.store.set_channel(
        discord_api.guild.id, discord_api.channel("ending-talk").id, Policy(Level.ENDING), 1, bot.now()
    )
    poll = await open_poll(discord_api, bot, theories=THREE)
    await discord_api.slash("theory close", poll=poll_number(poll.message), user=mod)
    standings = await discord_api.slash("theory results", channel="ending-talk")
    assert "No theory is ranked yet" in standings.text and "1st" not in standings.text
    assert standings.attachments == []  # no standings picture either
    listing = await discord_api.slash("theory list", channel="ending-talk")
    assert "1st" not in listing.text and listing.text.count("not ranked yet") == len(bot.film.theories)
    shown = await discord_api.slash("theory show", theory="ghosts", channel="ending-talk")
    assert "**All-time here:** not ranked yet" in shown.text and "1st" not in shown.text
    assert (
        f"Poll #{poll_number(poll.message)}, closed" in shown.text and "nobody voted, so it ranks nobody" in shown.text
    )


async def test_polls_belong_to_their_server(bot, discord_api: StandIn) -> None:
    poll = await open_poll(discord_api, bot, theories=THREE)
    number = poll_number(poll.message)
    other = discord_api.world.add_guild("Another server")
    mod = discord_api.world.moderator
    for command in ("theory results", "theory close"):
        reply = await discord_api.slash(command, poll=number, channel=other.channels[0], user=mod)
        assert reply.ephemeral and f"no poll #{number}" in reply.content
    assert await discord_api.autocomplete("theory results", "poll", "", channel=other.channels[0], user=mod) == []
    assert (await bot.store.poll(number)).closed_at is None


async def test_closing_a_poll_whose_message_is_gone_does_not_break(bot, discord_api: StandIn) -> None:
    gone = await open_poll(discord_api, bot, channel="ending-talk", theories=THREE)
    await discord_api.delete_channel(discord_api.channel("ending-talk"))
    closing = await discord_api.slash("theory close", poll=poll_number(gone.message), user=discord_api.world.moderator)
    assert closing.ephemeral and "could not be updated" in closing.content
    assert (await bot.store.poll(poll_number(gone.message))).closed_at is not None

    # the closer meets a vanished message too, logs it, and goes on closing the others
    vanished = await open_poll(discord_api, bot, theories=THREE)
    other = await open_poll(discord_api, bot, theories=THREE)
    del discord_api.messages[int(vanished.message["id"])]
    soon = datetime.now(UTC) + timedelta(seconds=0.2)
    for reply in (vanished, other):
        await bot.store.reschedule_poll(poll_number(reply.message), soon)
    bot.get_cog("Theories").closer.wake()
    other_message = discord_api.messages[int(other.message["id"])]
    await discord_api.wait_until(lambda: is_closed(other_message))
    assert (await bot.store.poll(poll_number(vanished.message))).closed_at is not None


async def test_no_thread_where_the_channel_cannot_have_one(bot, discord_api: StandIn) -> None:
    in_thread = await open_poll(discord_api, bot, channel="general-thread", theories=THREE)
    in_voice = await open_poll(discord_api, bot, channel="watch-party", theories=THREE)
    assert poll_number(in_thread.message) and poll_number(in_voice.message)
    assert not any(path.endswith("/threads") for _, path in discord_api.calls)


async def test_a_suggestion_carries_the_level_its_suggester_or_a_moderator_gives_it(bot, discord_api: StandIn) -> None:
    member, mod, guild = discord_api.world.member, discord_api.world.moderator, discord_api.guild.id
    title, claim = "The diner is a goodbye", "The family special is how the parents say goodbye to Adam."
    suggested = await discord_api.slash("theory suggest", title=title, claim=claim, spoiler="plot", user=member)
    assert suggested.ephemeral and "suggestion #" in suggested.content
    plain = await discord_api.slash("theory suggest", title="No level given", claim="The default is the ending.")
    assert "suggestion #" in plain.content
    pending = await bot.store.member_theories(guild, Review.PENDING)
    assert [t.spoiler for t in pending] == [Level.PLOT, Level.ENDING]

    queue = await discord_api.slash("theory review", user=mod)
    assert "Spoiler level:** plot" in queue.text.replace("\\", "")
    current = next(b for b in queue.buttons if b["label"] == "Spoiler: plot")
    assert current.get("disabled") is True  # the level it has now
    changed = await discord_api.click(queue.message, "Spoiler: none", user=mod)
    assert changed.callback_type == 7 and "spoiler level none" in changed.content
    assert (await bot.store.member_theory(guild, pending[0].id)).spoiler is Level.NONE
    approved = await discord_api.click(changed.message, "Approve", user=mod)
    assert "Approved suggestion" in approved.content

    # at level none its title and claim read plainly even where nothing else may show; the others stay hidden
    listing = await discord_api.slash("theory list", channel="general")
    assert f"{title} —" in listing.text and "||It was all Adam" in listing.text
    names = [c["name"] for c in await discord_api.autocomplete("theory show", "theory", "goodbye")]
    assert names == [title]
    shown = await discord_api.slash("theory show", theory="goodbye", channel="general")
    assert claim in shown.text and f"||{claim}||" not in shown.text
