"""A sweep of answers only one member reads, under each progress value: nothing beyond their progress shows plainly.

The oracle is the facts file itself: every moment summary (with its position), character arc step, fact, theory
claim and quote with its level. For each progress value, every moment, character and the ending are asked for in
the member's DM with the bot (where every answer is theirs alone) and through "Reveal to me" in a private-style
channel; any sentence shown outside spoiler bars and spoiler containers must be within what their progress allows.
"""

from __future__ import annotations

import pytest
from bot_under_test import module_bot
from readers import plain_and_hidden

from bot.models import FilmData, Level, Policy, Style
from bot.render.markup import escape
from standin import Reply, StandIn
from standin.elsewhere import bot_dm

pytestmark = pytest.mark.asyncio(loop_scope="module")

# (watched, moment) -> (level read plainly, last moment seen or None)
PROGRESS = {
    "no progress": (None, None),
    "not seen it": ("not_seen", None),
    "part way, up to 10": ("part_way", 10),
    "part way, up to 15": ("part_way", 15),
    "seen it all": ("seen_all", None),
}


discord_api, db_path, bot, after_each = module_bot("sweep")


def oracle(film: FilmData) -> list[tuple[str, Level, int]]:
    """Every sentence of the facts, escaped as shown, with its level and its moment's position (0: none)."""
    found = [(m.summary, m.spoiler, m.position) for m in film.moments]
    found += [(step.text, step.spoiler, 0) for c in film.characters for step in c.arc]
    found += [(f.answer, f.spoiler, 0) for f in film.facts]
    found += [(t.claim, t.spoiler, 0) for t in film.theories]
    found += [(q.text, q.spoiler, 0) for q in film.quotes]
    return [(escape(text), level, position) for text, level, position in found]


def reader_allows(bot, watched: str | None, last: int | None) -> tuple[Level, int | None]:
    if watched in (None, "not_seen"):
        return Level.NONE, None
    if watched == "seen_all":
        return Level.ENDING, None
    assert last is not None
    return max(m.spoiler for m in bot.film.moments[:last]), last


def check(reply: Reply, facts: list[tuple[str, Level, int]], allowed: Level, horizon: int | None, what: str) -> int:
    """Every sentence shown plainly is allowed; returns how many were shown plainly (so the sweep can't be empty)."""
    plain, _ = plain_and_hidden(reply)
    shown = 0
    for text, level, position in facts:
        if text in plain:
            shown += 1
            assert level <= allowed, f"{what}: level {level.label} shown plainly: {text[:60]}"
            if horizon is not None and position:
                assert position <= horizon, f"{what}: moment {position} shown to a reader at {horizon}"
    return shown


@pytest.mark.parametrize("progress", PROGRESS)
async def test_private_answers_never_go_past_the_members_progress(bot, discord_api: StandIn, progress: str) -> None:
    member = discord_api.world.member
    watched, last = PROGRESS[progress]
    await bot.store.clear_progress(member.id)
    dm = bot_dm(member)
    if watched is not None:
        moment = {"moment": bot.film.moments[last - 1].id} if last else {}
        await discord_api.slash("progress set", watched=watched, where=dm, **moment)
    allowed, horizon = reader_allows(bot, watched, last)
    facts = oracle(bot.film)
    shown = 0
    for moment in bot.film.moments:
        reply = await discord_api.slash("plot", moment=moment.id, where=dm)
        shown += check(reply, facts, allowed, horizon, f"/plot {moment.id}")
    for character in bot.film.characters:
        reply = await discord_api.slash("character", name=character.id, where=dm)
        shown += check(reply, facts, allowed, horizon, f"/character {character.id}")
    ending = await discord_api.slash("ending", where=dm)
    await ending.wait(lambda r: "spoiler level ending" in "".join(str(m) for m in [r.message, *r.followups]))
    shown += check(ending, facts, allowed, horizon, "/ending")

    # "Reveal to me" in a channel that leaves every spoiler out of the public answer
    channel = discord_api.channel("spoilers")
    await bot.store.set_channel(discord_api.guild.id, channel.id, Policy(Level.NONE, Style.PRIVATE), 1, bot.now())
    public = await discord_api.slash("plot", moment="the-diner", channel="spoilers")
    revealed = await discord_api.click(public.message, "Reveal to me")
    if watched is None:
        assert "||" not in revealed.text  # without progress, "Reveal to me" shows everything, as it always did
    else:
        shown += check(revealed, facts, allowed, horizon, "Reveal to me")
    assert shown > 0  # something plain was read, so the checks above had something to judge
    assert discord_api.problems == []
