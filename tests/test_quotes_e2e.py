"""/quote end to end through the stand-in: topics, search, the rotation across a restart, spoilers, bad input."""

from __future__ import annotations

import re

from bot_under_test import running_bot
from readers import footer_of, title_of

from bot.models import Level, Policy, Quote, Style
from bot.render.markup import HIDDEN_NOTE, escape
from bot.settings import Settings
from standin import StandIn

SPOILER_SPANS = re.compile(r"\|\|.*?\|\|", re.DOTALL)


def shown_quote(reply, quotes: tuple[Quote, ...]) -> Quote:
    """The one quote whose words (as escaped for Discord) the answer shows."""
    found = [q for q in quotes if escape(q.text) in reply.text]
    assert len(found) == 1, f"expected exactly one quote in the answer, found {[q.id for q in found]}:\n{reply.text}"
    return found[0]


async def test_topic_autocomplete_offers_list_first_and_counts(bot, discord_api: StandIn) -> None:
    choices = await discord_api.autocomplete("quote", "topic", "")
    assert choices[0] == {"name": "list — every topic with its count", "value": "list"}
    names = {c["value"]: c["name"] for c in choices[1:]}
    ending = sum("ending" in q.topics for q in bot.film.quotes)
    assert names["ending"] == f"ending ({ending} quotes)"
    assert {"harry", "parents", "the song", "grief", "queer history"} <= set(names)

    assert await discord_api.autocomplete("quote", "topic", "END") == [
        {"name": f"ending ({ending} quotes)", "value": "ending"}
    ]


async def test_topic_list_shows_every_topic_with_its_count(bot, discord_api: StandIn) -> None:
    reply = await discord_api.slash("quote", topic="list")
    assert not reply.ephemeral
    assert reply.embeds[0]["title"] == "Andrew Haigh: quotes by topic"
    for topic in {t for q in bot.film.quotes for t in q.topics}:
        count = sum(topic in q.topics for q in bot.film.quotes)
        name = f"**{topic}**" if bot.film.topic_level(topic) is Level.NONE else f"||**{topic}**||"
        assert f"{name} — {count} quote" in reply.text  # a topic that tells the plot is wrapped
    assert await bot.store.quotes_shown(discord_api.channel("general").id) == {}  # a listing shows no quote


async def test_topic_filter_walks_through_its_matches(bot, discord_api: StandIn) -> None:
    quotes = bot.film.quotes
    ending = [q for q in quotes if "ending" in q.topics]
    assert len(ending) >= 2
    seen = []
    for _ in ending:
        reply = await discord_api.slash("quote", topic="ending")
        assert not reply.ephemeral
        seen.append(shown_quote(reply, quotes))
        assert footer_of(reply) == f"{len(ending)} quotes about ending; ask again for the next."
    assert sorted(q.id for q in seen) == sorted(q.id for q in ending)
    again = await discord_api.slash("quote", topic="Ending")  # any case; every match seen: the one seen longest ago
    assert shown_quote(again, quotes) == seen[0]


async def test_search_matches_words_in_the_quote(bot, discord_api: StandIn) -> None:
    quotes = bot.film.quotes
    reply = await discord_api.slash("quote", search="the LP")
    assert shown_quote(reply, quotes).id == "protection-and-comfort"
    # "lp" is only ever used by a plot-level quote: a channel at the default level is not told it was searched for
    assert footer_of(reply) == "1 quote with your search words."

    reply = await discord_api.slash("quote", search="conjuring")  # stems: "conjured" is in the quote
    assert shown_quote(reply, quotes).id == "conjured-everybody"

    reply = await discord_api.slash("quote", topic="ending", search="parents")
    assert shown_quote(reply, quotes).id == "conjured-everybody"


async def test_rotation_never_repeats_and_survives_a_restart(discord_api: StandIn, settings: Settings) -> None:
    async with running_bot(discord_api, settings) as first:
        quotes = first.film.quotes
        shown = [shown_quote(await discord_api.slash("quote"), quotes) for _ in quotes[:-1]]
    assert len({q.id for q in shown}) == len(quotes) - 1

    async with running_bot(discord_api, settings) as second:
        last = shown_quote(await discord_api.slash("quote"), second.film.quotes)
        assert last.id not in {q.id for q in shown}  # the one quote the channel has not seen yet
        # Every quote shown: a new round starts, and not with the quote that closed the last one.
        opener = shown_quote(await discord_api.slash("quote"), second.film.quotes)
        assert opener != last
        # Another channel has its own round.
        elsewhere = await discord_api.slash("quote", channel="spoilers")
        shown_quote(elsewhere, second.film.quotes)
        assert len(await second.store.quotes_shown(discord_api.channel("spoilers").id)) == 1


async def test_ending_quote_is_wrapped_in_a_default_channel(bot, discord_api: StandIn) -> None:
    reply = await discord_api.slash("quote", topic="ending", channel="general")
    quote = shown_quote(reply, bot.film.quotes)
    assert quote.spoiler is Level.ENDING
    assert title_of(reply) == f"Andrew Haigh, to {quote.outlet}"  # the attribution: spoiler-free, plain
    description = reply.text  # the quote card: one container marked as a spoiler, read as one spoiler bar
    outside = SPOILER_SPANS.sub("", description)
    for words in (escape(quote.text), escape(quote.context)):
        assert words in description
        assert words[:40] not in outside, "quote or context shown outside spoiler bars"
    assert "||" not in title_of(reply) + footer_of(reply)
    # one click opens the quote and its context; its topics (spoiler-free names here) read plainly below
    assert len([c for c in reply.message["components"] if c["type"] == 17 and c.get("spoiler")]) == 1
    assert "**Topics:** ending" in SPOILER_SPANS.sub("", reply.text)
    assert reply.buttons == []  # the wrap style needs no reveal button


async def test_private_channel_hides_the_quote_and_reveals_it_on_request(bot, discord_api: StandIn) -> None:
    channel = discord_api.channel("spoilers")
    await bot.store.set_channel(
        discord_api.guild.id, channel.id, Policy(Level.NONE, Style.PRIVATE), discord_api.world.moderator.id, bot.now()
    )
    reply = await discord_api.slash("quote", topic="ending", channel=channel)
    assert HIDDEN_NOTE in reply.text
    assert not any(escape(q.text)[:40] in reply.text for q in bot.film.quotes)
    assert title_of(reply).startswith("Andrew Haigh, to ")

    revealed = await discord_api.click(reply.message, "Reveal to me")
    assert revealed.ephemeral
    quote = shown_quote(revealed, bot.film.quotes)
    assert "ending" in quote.topics
    assert escape(quote.context) in revealed.text and "||" not in revealed.text


async def test_a_topic_typed_in_part_finds_it_as_the_autocomplete_would(bot, discord_api: StandIn) -> None:
    song = await discord_api.slash("quote", topic="song")
    assert not song.ephemeral and "the song" in shown_quote(song, bot.film.quotes).topics


async def test_bad_input_gets_a_polite_private_answer(bot, discord_api: StandIn) -> None:
    general = discord_api.channel("general")

    several = await discord_api.slash("quote", topic="lo")
    assert several.ephemeral and "could be more than one topic: “love” or “loneliness”" in several.text

    unknown = await discord_api.slash("quote", topic="zombies")
    assert unknown.ephemeral
    assert "no quote topic called “zombies”" in unknown.text
    for topic in ("ending", "parents", "the song"):  # the topics, listed with their counts
        assert f"{topic} ({sum(topic in q.topics for q in bot.film.quotes)})" in unknown.text

    long = await discord_api.slash(
        "quote", search="love " * 30, past_the_client=True
    )  # Discord would stop this; the bot checks too
    assert long.ephemeral
    assert "100 characters or fewer (yours has 150)" in long.text

    pinging = await discord_api.slash("quote", search="@everyone <@&1> **bold** ||x||")
    assert pinging.ephemeral
    assert r"“\@everyone \<\@&1\> \*\*bold\*\* \|\|x\|\|”" in pinging.text  # echoed, escaped, pinging nobody
    assert "Topics:" in pinging.text

    nothing = await discord_api.slash("quote", search="the and of")
    assert nothing.ephemeral and "no words to look for" in nothing.text

    both = await discord_api.slash("quote", topic="the song", search="conjured")
    assert both.ephemeral and "No quote about the song has all the words of “conjured”" in both.text

    assert await bot.store.quotes_shown(general.id) == {}  # refusals leave the rotation alone
