"""Hostile text in every free-text option, end to end: controls refused at the boundary, markup never live.

Every free-text option of every command (the slash command's own options; autocomplete is swept elsewhere) gets
control characters, which are refused privately with the character named and nothing stored, and markup, which
is either answered as plain words or echoed escaped: masked links, spoiler bars, code fences, mentions and bold
never render from a member's text in the bot's voice.
"""

from __future__ import annotations

import re

import pytest
from test_theories_e2e import open_poll

from bot.models import Review
from bot.render.errors import SORRY
from bot.render.markup import escape
from standin import Reply, StandIn

# (command, the free-text option, other options that make the command otherwise valid, run as moderator?)
OPTIONS: list[tuple[str, str, dict[str, str], bool]] = [
    ("ask", "question", {}, False),
    ("plot", "moment", {}, False),
    ("character", "name", {}, False),
    ("quote", "topic", {}, False),
    ("quote", "search", {}, False),
    ("theory show", "theory", {}, False),
    ("theory suggest", "title", {"claim": "A claim that is long enough to count."}, False),
    ("theory suggest", "claim", {"title": "A title of its own"}, False),
    ("theory poll", "theories", {}, True),
]
CONTROLS = {
    "NUL": "harry\x00 adam",
    "right-to-left override": "who plays \u202eyrrah",
    "isolate": "\u2066harry\u2069 adam",
    "unpaired surrogate": "harry \ud83d adam",
    "escape sequence": "\x1b[2Jharry adam",
}
MARKUP = {
    "masked link": "[Vote here](http://evil.test) harry",
    "spoiler bars": "harry || dies at the end",
    "code fence": "```harry``` adam",
    "mentions": "<@123456789012345678> @everyone harry",
    "bold": "**harry** __adam__ claims",
}
# A piece of each markup payload that can only appear when it is live (escaping puts a backslash inside it).
LIVE = {
    "masked link": re.compile(r"(?<!\\)\[Vote here(?<!\\)\]\((?!\\)"),
    "spoiler bars": re.compile(r"harry (?<!\\)\|(?<!\\)\|"),
    "code fence": re.compile(r"(?<!\\)`(?<!\\)`"),
    "mentions": re.compile(r"(?<!\\)<@123456789012345678|(?<!\\)@everyone"),
    "bold": re.compile(r"(?<!\\)\*(?<!\\)\*harry"),
}


ECHOED = {"moment", "name", "topic", "theory"}  # options whose unknown value is quoted back in the refusal


def everything(reply: Reply) -> str:
    parts = [reply.text, *(f.get("content") or "" for f in reply.followups)]
    parts += [e.get("description") or "" for f in reply.followups for e in f.get("embeds") or []]
    return "\n".join(parts)


@pytest.mark.parametrize(("command", "option", "others", "moderator"), OPTIONS)
@pytest.mark.parametrize("kind", sorted(CONTROLS))
async def test_control_characters_are_refused_where_they_come_in(
    bot, discord_api: StandIn, command: str, option: str, others: dict[str, str], moderator: bool, kind: str
) -> None:
    user = discord_api.world.moderator if moderator else discord_api.world.member
    reply = await discord_api.slash(command, user=user, channel="general", **others, **{option: CONTROLS[kind]})
    assert reply.ephemeral and reply.callback_type == 4, reply.text
    assert reply.content.startswith("Your ") and " contains " in reply.content and "type it again" in reply.content
    assert await bot.store.member_theories(discord_api.guild.id, Review.PENDING) == []
    assert await bot.store.poll_summaries(discord_api.guild.id) == []


@pytest.mark.parametrize(("command", "option", "others", "moderator"), OPTIONS)
@pytest.mark.parametrize("kind", sorted(MARKUP))
async def test_markup_in_member_text_is_never_live(
    bot, discord_api: StandIn, command: str, option: str, others: dict[str, str], moderator: bool, kind: str
) -> None:
    user = discord_api.world.moderator if moderator else discord_api.world.member
    reply = await discord_api.slash(command, user=user, channel="ending-talk", **others, **{option: MARKUP[kind]})
    assert SORRY not in reply.text
    assert not LIVE[kind].search(everything(reply)), everything(reply)
    if option in ECHOED:  # refused with the member's words quoted back: escaped, in full
        assert reply.ephemeral and escape(MARKUP[kind]) in reply.content, reply.content


@pytest.mark.parametrize("kind", sorted(MARKUP))
async def test_a_members_theory_full_of_markup_reads_as_words_everywhere(bot, discord_api: StandIn, kind: str) -> None:
    member, mod = discord_api.world.member, discord_api.world.moderator
    title = MARKUP[kind][:60]
    claim = f"{MARKUP[kind]} and more words so that the claim is long enough"
    suggested = await discord_api.slash("theory suggest", title=title, claim=claim, user=member)
    assert suggested.ephemeral and "suggestion #" in suggested.content
    queue = await discord_api.slash("theory review", user=mod, channel="ending-talk")
    approved = await discord_api.click(queue.message, "Approve", user=mod)
    theory = (await bot.store.member_theories(discord_api.guild.id, Review.APPROVED))[0]
    assert (theory.title, theory.claim) == (title, claim)  # stored as typed: the escape is for showing

    shown = [queue, approved]
    shown.append(await discord_api.slash("theory list", user=member, channel="ending-talk"))
    shown.append(
        await discord_api.slash("theory show", theory=f"member:{theory.id}", user=member, channel="ending-talk")
    )
    both = f"the-ghosts-are-real, member:{theory.id}"
    poll = await open_poll(discord_api, bot, channel="ending-talk", theories=both)
    shown.append(poll)
    vote = await discord_api.click(discord_api.messages[int(poll.message["id"])], "2", user=member)
    assert vote.ephemeral and "Your vote is on" in vote.content  # the press's one answer: a private note
    shown.append(vote)
    for reply in shown:
        assert not LIVE[kind].search(everything(reply)), everything(reply)
