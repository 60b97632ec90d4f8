"""/progress end to end: each member's own progress, and what it changes in answers only they read.

Private answers ("Reveal to me", ephemeral answers, the member's DM with the bot) show plainly what the channel's
level or the member's progress allows, whichever is higher; public answers follow the channel alone.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from bot_under_test import MODERATOR_ID, forget_progress, module_bot, reset_channel_settings

from bot.models import Level, Policy, Style
from bot.progress import moment_safe_name
from bot.render.markup import escape
from standin import Reply, StandIn, message_text
from standin.elsewhere import bot_dm, group_dm, other_server

pytestmark = pytest.mark.asyncio(loop_scope="module")


discord_api, db_path, bot, after_each = module_bot("progress", forget_progress, reset_channel_settings)


def text_of(reply: Reply) -> str:
    return "\n".join(message_text(m) for m in [reply.message or {}, *reply.followups])


def plain_and_hidden(text: str) -> tuple[str, str]:
    """(what shows plainly, what sits inside ||...||), reading escapes as Discord does."""
    plain: list[str] = []
    hidden: list[str] = []
    inside = False
    i = 0
    while i < len(text):
        if text[i] == "\\" and i + 1 < len(text):
            (hidden if inside else plain).append(text[i : i + 2])
            i += 2
        elif text.startswith("||", i):
            inside = not inside
            i += 2
        else:
            (hidden if inside else plain).append(text[i])
            i += 1
    return "".join(plain), "".join(hidden)


def summary(bot, moment_id: str) -> str:
    return escape(bot.film.moment(moment_id).summary)


async def set_progress(discord_api: StandIn, watched: str, moment: str | None = None, **kw) -> Reply:
    options = {"moment": moment} if moment else {}
    return await discord_api.slash("progress set", watched=watched, **options, **kw)


async def private_channel(bot, discord_api: StandIn, name: str = "spoilers") -> None:
    channel = discord_api.channel(name)
    policy = Policy(Level.NONE, Style.PRIVATE)
    await bot.store.set_channel(discord_api.guild.id, channel.id, policy, MODERATOR_ID, bot.now())


def stored_row(db_path: Path, user_id: int) -> tuple | None:
    with sqlite3.connect(db_path) as conn:
        return conn.execute("SELECT watched, moment_id FROM progress WHERE user_id = ?", (user_id,)).fetchone()


# ---------------------------------------------------------------- the command as Discord sees it


async def test_progress_is_registered_for_every_place(bot, discord_api: StandIn) -> None:
    command = next(c for c in discord_api.global_commands if c["name"] == "progress")
    assert {o["name"] for o in command["options"]} == {"set", "show", "clear"}
    assert sorted(command["integration_types"]) == [0, 1]
    assert sorted(command["contexts"]) == [0, 1, 2]
    set_ = next(o for o in command["options"] if o["name"] == "set")
    watched, moment = set_["options"]
    assert [c["name"] for c in watched["choices"]] == ["not seen it", "part way", "seen it all"]
    assert watched["required"] and moment["autocomplete"] and not moment.get("required")


async def test_moment_autocomplete_names_nothing_that_spoils(bot, discord_api: StandIn) -> None:
    choices = await discord_api.autocomplete("progress set", "moment", "", watched="part_way")
    # a title that is not spoiler-free is named, and sent, by its number (an id says as much as the title)
    expected = [m.id if m.title_spoiler is Level.NONE else str(m.position) for m in bot.film.moments]
    assert [c["value"] for c in choices] == expected
    names = " ".join(c["name"] for c in choices)
    for moment in bot.film.moments:
        if moment.title_spoiler is not Level.NONE:
            assert moment.title not in names
            assert f"Moment {moment.position} ({moment.spoiler.label})" in names
    assert {"name": "15. The diner", "value": "the-diner"} in choices
    assert await discord_api.autocomplete("progress set", "moment", "diner", watched="part_way") == [
        {"name": "15. The diner", "value": "the-diner"}
    ]
    for probe in ("ghost", "dead", "power of love", "light in the sky", "harry's flat"):
        found = await discord_api.autocomplete("progress set", "moment", probe, watched="part_way")
        assert found == [], f"{probe!r} surfaced {found}"
    assert await discord_api.autocomplete("progress set", "moment", "x" * 100, watched="part_way") == []


# ---------------------------------------------------------------- set, show, clear


async def test_set_show_and_clear_keep_one_row_per_member(bot, discord_api: StandIn, db_path: Path) -> None:
    member = discord_api.world.member
    reply = await set_progress(discord_api, "part_way", "the-diner")
    assert reply.ephemeral and "**Saved:** part way, up to 15. The diner of 21" in reply.text
    assert "the ending stays hidden" in reply.text
    assert stored_row(db_path, member.id) == ("part_way", "the-diner")

    shown = await discord_api.slash("progress show")
    assert shown.ephemeral and "up to 15. The diner" in shown.text and "/progress clear" in shown.text
    assert "until you run /progress clear" in shown.text

    again = await set_progress(discord_api, "seen_all")
    assert "everything, the ending included" in again.text
    assert stored_row(db_path, member.id) == ("seen_all", None)

    cleared = await discord_api.slash("progress clear")
    assert cleared.ephemeral and "deleted" in cleared.text
    assert stored_row(db_path, member.id) is None
    nothing = await discord_api.slash("progress clear")
    assert nothing.ephemeral and "nothing to delete" in nothing.text
    empty = await discord_api.slash("progress show")
    assert "haven't said" in empty.text


async def test_progress_follows_the_member_to_another_server_and_dms(bot, discord_api: StandIn) -> None:
    other = discord_api.world.add_guild("Another server")
    other.members.append(type(other.members[0])(discord_api.world.member))
    await set_progress(discord_api, "part_way", "15", channel=other.channels[0])
    shown = await discord_api.slash("progress show")
    assert "up to 15. The diner" in shown.text
    in_dm = await discord_api.slash("progress show", where=bot_dm(discord_api.world.member))
    assert "up to 15. The diner" in in_dm.text
    mine_only = await discord_api.slash("progress show", user=discord_api.world.moderator)
    assert "haven't said" in mine_only.text


async def test_bad_input_is_refused_politely_and_nothing_is_saved(bot, discord_api: StandIn, db_path: Path) -> None:
    member = discord_api.world.member
    with_moment = await set_progress(discord_api, "not_seen", "the-diner")
    assert with_moment.ephemeral and "only goes with “part way”" in with_moment.text
    unknown = await set_progress(discord_api, "part_way", "the ghosts are real")
    assert unknown.ephemeral and "don't know that moment" in unknown.text and "Nothing was saved" in unknown.text
    for typed in ("0", "99", "harry's flat", "\u202eevil"):
        refused = await set_progress(discord_api, "part_way", typed)
        assert refused.ephemeral
    assert stored_row(db_path, member.id) is None
    no_moment = await set_progress(discord_api, "part_way")
    assert "no moment given" in no_moment.text and "the premise only" in no_moment.text


# ---------------------------------------------------------------- what progress changes, and what it does not


async def test_reveal_follows_progress(bot, discord_api: StandIn) -> None:
    await private_channel(bot, discord_api)
    public = await discord_api.slash("plot", channel="spoilers", moment="the-diner")
    diner, flat = summary(bot, "the-diner"), summary(bot, "harrys-flat")
    assert diner not in public.text and flat not in public.text

    everything = await discord_api.click(public.message, "Reveal to me")  # no progress: the whole answer
    assert diner in everything.text and flat in everything.text and "||" not in everything.text

    await set_progress(discord_api, "part_way", "the-diner")
    partway = await discord_api.click(public.message, "Reveal to me")
    plain, hidden = plain_and_hidden(partway.text)
    assert diner in plain and flat in hidden and flat not in plain

    await set_progress(discord_api, "not_seen")
    unseen = await discord_api.click(public.message, "Reveal to me")
    plain, hidden = plain_and_hidden(unseen.text)
    assert diner in hidden and diner not in plain

    await set_progress(discord_api, "seen_all")
    seen = await discord_api.click(public.message, "Reveal to me")
    assert diner in seen.text and flat in seen.text and "||" not in seen.text


async def test_public_answers_follow_the_channel_whatever_the_progress(bot, discord_api: StandIn) -> None:
    await set_progress(discord_api, "seen_all")
    public = await discord_api.slash("plot", moment="the-diner")  # #general: none, wrap
    plain, hidden = plain_and_hidden(public.text)
    assert not public.ephemeral
    assert summary(bot, "the-diner") in hidden and summary(bot, "the-diner") not in plain


async def test_dm_answers_follow_progress_and_group_dms_the_strictest_level(bot, discord_api: StandIn) -> None:
    member = discord_api.world.member
    dm = bot_dm(member)
    diner, flat = summary(bot, "the-diner"), summary(bot, "harrys-flat")

    before = await discord_api.slash("plot", moment="the-diner", where=dm)
    plain, hidden = plain_and_hidden(before.text)
    assert diner in hidden and diner not in plain

    await set_progress(discord_api, "part_way", "the-diner", where=dm)
    after = await discord_api.slash("plot", moment="the-diner", where=dm)
    plain, hidden = plain_and_hidden(after.text)
    assert diner in plain and flat in hidden and flat not in plain

    friends = group_dm(member, discord_api.world.moderator)
    shared = await discord_api.slash("plot", moment="the-diner", where=friends)
    plain, hidden = plain_and_hidden(shared.text)
    assert not shared.ephemeral and diner in hidden and diner not in plain

    stranger = other_server(member)
    elsewhere = await discord_api.slash("plot", moment="the-diner", where=stranger)
    plain, hidden = plain_and_hidden(elsewhere.text)
    assert diner in hidden and diner not in plain


async def test_progress_in_a_channel_that_shows_more_changes_nothing(bot, discord_api: StandIn) -> None:
    channel = discord_api.channel("ending-talk")
    policy = Policy(Level.ENDING, Style.WRAP)
    await bot.store.set_channel(discord_api.guild.id, channel.id, policy, MODERATOR_ID, bot.now())
    await set_progress(discord_api, "not_seen")
    reply = await discord_api.slash("ending", channel="ending-talk")
    assert "||" not in reply.text
    assert moment_safe_name(bot.film.moment("the-diner")) == "15. The diner"


async def test_moments_after_the_members_own_stay_hidden(bot, discord_api: StandIn) -> None:
    """Part way, up to moment 10: plot-level text about moments 1-10 shows, about 11 and later it stays hidden."""
    member = discord_api.world.member
    dm = bot_dm(member)
    moments = bot.film.moments
    ten, eleven, nine = moments[9], moments[10], moments[8]
    assert ten.spoiler is eleven.spoiler is Level.PLOT
    await set_progress(discord_api, "part_way", ten.id, where=dm)
    reply = await discord_api.slash("plot", moment=ten.id, where=dm)
    plain, hidden = plain_and_hidden(reply.text)
    assert escape(nine.summary) in plain and escape(ten.summary) in plain
    assert escape(eleven.summary) in hidden and escape(eleven.summary) not in plain
    asked = await discord_api.slash("ask", question=eleven.title, where=dm)
    plain, hidden = plain_and_hidden(asked.text)
    assert escape(eleven.summary) not in plain
