"""Answers follow the channel's spoiler setting, end to end through the stand-in with the real /ending.

Which sentences are spoilers is read from the film's own facts (every entry carries its level), so these tests
check what a member would see without depending on how /ending words or orders its answer.
"""

from __future__ import annotations

import re

from bot_under_test import running_bot

from bot.models import FilmData, Level
from bot.render.markup import escape
from bot.settings import Settings
from standin import Reply, StandIn, message_buttons, message_text

# A spoiler span: ||...|| whose bars are not escaped (an escaped bar, \|, is text).
SPOILER = re.compile(r"(?<!\\)\|\|(.+?)(?<!\\)\|\|", re.DOTALL)


def leveled_texts(film: FilmData) -> list[tuple[str, Level]]:
    """Every sentence of the facts with its spoiler level, escaped as the bot shows it."""
    found = [(m.summary, m.spoiler) for m in film.moments]
    found += [(step.text, step.spoiler) for c in film.characters for step in c.arc]
    found += [(f.answer, f.spoiler) for f in film.facts]
    found += [(t.claim, t.spoiler) for t in film.theories]
    found += [(q.text, q.spoiler) for q in film.quotes]
    return [(escape(text), level) for text, level in found]


def everything(reply: Reply) -> str:
    return "\n".join(message_text(m) for m in [reply.message or {}, *reply.followups])


def split_spoilers(text: str) -> tuple[list[str], str]:
    """The spoiler spans of a text, and the text with them taken out."""
    return SPOILER.findall(text), SPOILER.sub(" ", text)


def safe_parts(reply: Reply) -> str:
    """Titles, field names and footers: where spoiler markup does not work, so no spoiler may ever appear."""
    parts = []
    for message in [reply.message or {}, *reply.followups]:
        for embed in message.get("embeds") or []:
            parts += [embed.get("title") or "", (embed.get("footer") or {}).get("text") or ""]
            parts += [f.get("name") or "" for f in embed.get("fields") or []]
    return "\n".join(parts)


async def set_channel(discord_api: StandIn, channel: str, allowed: str, style: str | None = None) -> None:
    options = {"style": style} if style else {}
    reply = await discord_api.slash(
        "spoilers set", user=discord_api.world.moderator, channel_=channel, allowed=allowed, **options
    )
    assert not reply.ephemeral and "now shows" in reply.text


async def plain_spoilers(bot, reply: Reply) -> list[str]:
    """The plot/ending sentences an answer shows, having checked that it shows them plainly (no spoiler bars)."""
    text = everything(reply)
    spans, _ = split_spoilers(text)
    assert spans == [], f"expected no spoiler bars, found {spans[:2]}"
    shown = [t for t, level in leveled_texts(bot.film) if level > Level.NONE and t in text]
    assert any(level is Level.ENDING and t in shown for t, level in leveled_texts(bot.film))
    return shown


def assert_all_wrapped(reply: Reply, sentences: list[str]) -> None:
    spans, outside = split_spoilers(everything(reply))
    for sentence in sentences:
        assert any(sentence in span for span in spans), f"not inside ||: {sentence[:60]}"
        assert sentence not in outside, f"shown plainly: {sentence[:60]}"
    assert not any(sentence in safe_parts(reply) for sentence in sentences)


def assert_none_shown(reply: Reply, sentences: list[str]) -> None:
    text = everything(reply)
    assert not any(sentence in text for sentence in sentences)


async def test_ending_is_plain_where_allowed_and_every_spoiler_is_wrapped_by_default(bot, discord_api: StandIn) -> None:
    await set_channel(discord_api, "ending-talk", "ending")
    plain = await discord_api.slash("ending", channel="ending-talk")
    assert not plain.ephemeral
    sentences = await plain_spoilers(bot, plain)
    assert plain.buttons == []

    wrapped = await discord_api.slash("ending", channel="general")
    assert not wrapped.ephemeral
    assert_all_wrapped(wrapped, sentences)
    assert wrapped.buttons == []  # wrap style: the bars are the reveal

    # A plot-only channel: /ending is all ending, so all of it stays wrapped.
    await set_channel(discord_api, "spoilers", "plot")
    assert_all_wrapped(await discord_api.slash("ending", channel="spoilers"), sentences)


async def test_plot_shows_plot_plainly_and_wraps_the_ending_in_a_plot_channel(bot, discord_api: StandIn) -> None:
    diner, before, after = (bot.film.moment(m) for m in ("the-diner", "stop-visiting", "harrys-flat"))
    assert (diner.spoiler, before.spoiler, after.spoiler) == (Level.PLOT, Level.PLOT, Level.ENDING)
    choices = await discord_api.autocomplete("plot", "moment", "diner")
    assert choices[0]["value"] == diner.id

    await set_channel(discord_api, "spoilers", "plot")
    reply = await discord_api.slash("plot", channel="spoilers", moment=diner.id)
    _, outside = split_spoilers(everything(reply))
    assert escape(diner.summary) in outside and escape(before.summary) in outside
    assert_all_wrapped(reply, [escape(after.summary)])

    # The default channel (none): every plot and ending sentence inside the bars.
    reply = await discord_api.slash("plot", channel="general", moment=diner.id)
    assert_all_wrapped(reply, [escape(m.summary) for m in (diner, before, after)])


async def test_private_style_shows_a_button_and_the_reveal_is_ephemeral(bot, discord_api: StandIn) -> None:
    await set_channel(discord_api, "ending-talk", "ending")
    sentences = await plain_spoilers(bot, await discord_api.slash("ending", channel="ending-talk"))

    await set_channel(discord_api, "spoilers", "none", "private")
    public = await discord_api.slash("ending", channel="spoilers")
    assert not public.ephemeral
    assert_none_shown(public, sentences)
    assert split_spoilers(everything(public))[0] == []
    last = public.followups[-1] if public.followups else public.message
    assert [b["label"] for b in message_buttons(last)] == ["Reveal to me"]
    before = dict(discord_api.messages[int(last["id"])])

    for who in (discord_api.world.member, discord_api.world.add_member("another-member")):
        revealed = await discord_api.click(last, "Reveal to me", user=who)
        assert revealed.ephemeral and revealed.callback_type == 4
        assert all(m["flags"] & 64 for m in revealed.followups)
        assert all(s in everything(revealed) for s in sentences)
        assert split_spoilers(everything(revealed))[0] == []
        assert revealed.buttons == []
    assert discord_api.messages[int(last["id"])] == before  # the public answer is untouched


async def test_the_reveal_button_works_after_a_restart(discord_api: StandIn, settings: Settings) -> None:
    async with running_bot(discord_api, settings) as bot:
        await set_channel(discord_api, "ending-talk", "ending")
        sentences = await plain_spoilers(bot, await discord_api.slash("ending", channel="ending-talk"))
        await set_channel(discord_api, "spoilers", "plot", "private")
        public = await discord_api.slash("ending", channel="spoilers")
        old_message = public.followups[-1] if public.followups else public.message
    async with running_bot(discord_api, settings):
        revealed = await discord_api.click(old_message, "Reveal to me")
        assert revealed.ephemeral
        assert all(s in everything(revealed) for s in sentences)


async def test_threads_follow_their_channel_unless_set(bot, discord_api: StandIn) -> None:
    await set_channel(discord_api, "general", "ending")
    in_thread = await discord_api.slash("ending", channel="general-thread")
    sentences = await plain_spoilers(bot, in_thread)

    await set_channel(discord_api, "general-thread", "none")
    assert_all_wrapped(await discord_api.slash("ending", channel="general-thread"), sentences)
    await plain_spoilers(bot, await discord_api.slash("ending", channel="general"))


async def test_answers_follow_settings_after_a_restart(discord_api: StandIn, settings: Settings) -> None:
    async with running_bot(discord_api, settings):
        await set_channel(discord_api, "ending-talk", "ending")
    async with running_bot(discord_api, settings) as bot:
        sentences = await plain_spoilers(bot, await discord_api.slash("ending", channel="ending-talk"))
        assert_all_wrapped(await discord_api.slash("ending", channel="general"), sentences)
