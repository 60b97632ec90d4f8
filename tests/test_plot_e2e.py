"""/film, /plot, /character, /ask and /ending end to end: the real bot against the Discord stand-in."""

from __future__ import annotations

import pytest
from bot_under_test import MODERATOR_ID, module_bot, reset_channel_settings, running_bot

from bot.models import Level, Policy, Style
from bot.render.markup import HIDDEN_NOTE, escape
from bot.settings import Settings
from standin import StandIn, message_text

# One stand-in and one bot for the whole module (starting them is most of an end-to-end test's cost); each test
# still starts clean: channel settings are reset and the stand-in's problems are checked after every test.
pytestmark = pytest.mark.asyncio(loop_scope="module")


discord_api, db_path, bot, after_each = module_bot("plot", reset_channel_settings)


def split_spoilers(text: str) -> tuple[str, str]:
    """(what shows plainly, what sits inside ||...||) of a message, reading escapes as Discord does."""
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
            (hidden if inside else plain).append(" ")
            i += 2
        else:
            (hidden if inside else plain).append(text[i])
            i += 1
    assert not inside, f"unbalanced spoiler bars in {text!r}"
    return "".join(plain), "".join(hidden)


def assert_hidden(text: str, sentence_source: str) -> None:
    """The whole of ``sentence_source`` is inside spoiler bars, and none of its sentences shows plainly."""
    plain, hidden = split_spoilers(text)
    escaped = escape(sentence_source)
    assert escaped in hidden
    for sentence in escaped.split(". "):
        assert sentence not in plain, f"shown without spoiler bars: {sentence!r}"


def descriptions(reply) -> str:
    """Embed descriptions, or for a V2 message its text (a spoiler container reads as one spoiler bar)."""
    messages = [reply.message, *reply.followups]
    parts = []
    for m in messages:
        parts += [e.get("description") or "" for e in m.get("embeds") or []]
        if not m.get("embeds"):
            parts.append(message_text(m))
    return "\n".join(parts)


async def whole(reply, footer: str):
    """The reply once its last message (the one with the footer) has come: a long answer is several messages."""
    await reply.wait(lambda r: footer in all_text(r))
    return reply


def title_of(reply) -> str:
    """The embed's title, or a V2 message's heading (its first text display, "### title")."""
    if reply.embeds:
        return reply.embeds[0]["title"]
    first = next(c for c in reply.message["components"] if c["type"] == 10)
    return first["content"].removeprefix("### ")


def all_text(reply) -> str:
    return "\n".join(message_text(m) for m in [reply.message, *reply.followups])


def assert_safe_titles(reply) -> None:
    """Spoiler markup does not work in titles and footers, so none may ever carry any."""
    for message in [reply.message, *reply.followups]:
        for embed in message.get("embeds") or []:
            assert "||" not in (embed.get("title") or "")
            assert "||" not in ((embed.get("footer") or {}).get("text") or "")


async def open_channel(bot, discord_api: StandIn, name: str, allowed: Level, style: Style = Style.WRAP) -> None:
    channel = discord_api.channel(name)
    await bot.store.set_channel(discord_api.guild.id, channel.id, Policy(allowed, style), MODERATOR_ID, bot.now())


# ---------------------------------------------------------------- the commands as Discord sees them


async def test_commands_are_registered_with_their_options(bot, discord_api: StandIn) -> None:
    commands = {c["name"]: c for c in discord_api.global_commands}
    assert {"film", "plot", "character", "ask", "ending"} <= set(commands)
    (moment,) = commands["plot"]["options"]
    assert moment["name"] == "moment" and moment["autocomplete"] and not moment.get("required")
    (name,) = commands["character"]["options"]
    assert name["name"] == "name" and name["autocomplete"] and name["required"]
    (question,) = commands["ask"]["options"]
    assert question["name"] == "question" and question["required"]
    assert (question["min_length"], question["max_length"]) == (1, 200)
    assert bot.answer_builders.keys() >= {"moment", "character", "ending", "ask"}


# ---------------------------------------------------------------- /film


async def test_film_card_is_spoiler_free_and_complete(bot, discord_api: StandIn) -> None:
    reply = await discord_api.slash("film")
    film = bot.film.film
    assert not reply.ephemeral
    assert title_of(reply) == "All of Us Strangers (2023)"
    for expected in ("Andrew Haigh", "Taichi Yamada", "1987", "Searchlight Pictures", "Hulu", "Paul Mescal as Harry"):
        assert expected in reply.text
    assert escape(film.premise) in reply.text
    assert "||" not in reply.text
    assert reply.buttons == []
    assert reply.message["allowed_mentions"]["parse"] == []


# ---------------------------------------------------------------- /plot


async def test_plot_without_a_moment_lists_premise_and_every_moment(bot, discord_api: StandIn) -> None:
    reply = await discord_api.slash("plot")
    text = descriptions(reply)
    assert escape(bot.film.film.premise) in text
    positions = [text.index(f"\n**{m.position}.** ") for m in bot.film.moments]
    assert positions == sorted(positions), "moments are listed in film order"
    for m in bot.film.moments:
        if m.title_spoiler is Level.NONE:  # a spoiler-free title reads plainly
            assert f"**{m.position}.** {escape(m.title)}\n" in text + "\n"
        else:  # any other is wrapped, one bar for the title
            assert f"**{m.position}.** ||{escape(m.title)}||" in text
        if m.spoiler is not Level.NONE:
            assert escape(m.summary) not in all_text(reply)


async def test_plot_moment_autocomplete_filters_in_film_order(bot, discord_api: StandIn) -> None:
    everything = await discord_api.autocomplete("plot", "moment", "")
    assert len(everything) == min(len(bot.film.moments), 25)
    assert everything[0] == {"name": "1. An almost empty building", "value": "an-empty-building"}
    # a title above the channel's level is named by its number and level, and so is its value (an id can tell)
    expected = [m.id if m.title_spoiler is Level.NONE else str(m.position) for m in bot.film.moments]
    assert [c["value"] for c in everything] == expected[:25]
    assert {"name": "Moment 20 (ending)", "value": "20"} in everything

    diner = await discord_api.autocomplete("plot", "moment", "DiNeR")
    assert {"name": "15. The diner", "value": "the-diner"} in diner
    order = [next(m.position for m in bot.film.moments if m.id == c["value"]) for c in diner]
    assert order == sorted(order)
    harry = await discord_api.autocomplete("plot", "moment", "harry")
    assert harry == [  # only the visible titles: "Waking up with Harry" (plot) is not offered in a none channel
        {"name": "5. Meeting Harry again", "value": "meeting-harry-again"},
        {"name": "8. Harry on his family", "value": "harry-on-his-family"},
    ]
    # typing what only hidden text holds surfaces nothing (no "17. Harry appears" for "ghost")
    assert await discord_api.autocomplete("plot", "moment", "ghost") == []
    assert await discord_api.autocomplete("plot", "moment", "dead") == []

    assert await discord_api.autocomplete("plot", "moment", "nothing like this") == []
    assert await discord_api.autocomplete("plot", "moment", "x" * 150) == []


async def test_plot_moment_in_a_default_channel_wraps_every_plot_sentence(bot, discord_api: StandIn) -> None:
    reply = await discord_api.slash("plot", moment="the-diner")
    assert not reply.ephemeral
    assert title_of(reply) == "15. The diner"
    text = descriptions(reply)
    before, here, after = (bot.film.moment(i) for i in ("stop-visiting", "the-diner", "harrys-flat"))
    for moment in (before, here, after):
        assert_hidden(text, moment.summary)
    assert "14. Time to stop" in text and "16. Harry's flat" in text  # context, titled (titles are spoiler-free)
    assert text.index(escape(before.summary)) < text.index(escape(here.summary)) < text.index(escape(after.summary))
    assert_safe_titles(reply)


async def test_plot_first_and_spoiler_free_moments_show_plainly(bot, discord_api: StandIn) -> None:
    reply = await discord_api.slash("plot", moment="an-empty-building")
    plain, _ = split_spoilers(descriptions(reply))
    assert escape(bot.film.moment("an-empty-building").summary) in plain
    assert "Just before" not in reply.text  # nothing comes before the first moment
    assert escape(bot.film.moment("fire-alarm").summary) in plain


async def test_plot_moment_typed_by_hand_is_found(bot, discord_api: StandIn) -> None:
    for typed in ("diner", "The Diner", "15"):
        reply = await discord_api.slash("plot", moment=typed)
        assert title_of(reply) == "15. The diner", typed


async def test_plot_moment_in_an_ending_channel_is_plain(bot, discord_api: StandIn) -> None:
    await open_channel(bot, discord_api, "ending-talk", Level.ENDING)
    reply = await discord_api.slash("plot", moment="harrys-flat", channel="ending-talk")
    assert "||" not in reply.text
    assert escape(bot.film.moment("harrys-flat").summary) in reply.text


async def test_plot_in_a_private_style_channel_reveals_on_request(bot, discord_api: StandIn) -> None:
    await open_channel(bot, discord_api, "spoilers", Level.PLOT, Style.PRIVATE)
    reply = await discord_api.slash("plot", moment="the-diner", channel="spoilers")
    summary = escape(bot.film.moment("the-diner").summary)
    flat = escape(bot.film.moment("harrys-flat").summary)
    assert summary in reply.text  # plot level is allowed here
    assert flat not in reply.text and HIDDEN_NOTE in reply.text  # the ending-level context is held back
    assert [b["custom_id"] for b in reply.buttons] == ["reveal:moment:the-diner"]

    revealed = await discord_api.click(reply.message, "Reveal to me")
    assert revealed.ephemeral
    assert flat in revealed.text and "||" not in revealed.text


async def test_plot_unknown_moment_suggests_close_ones(bot, discord_api: StandIn) -> None:
    reply = await discord_api.slash("plot", moment="the dinner")
    assert reply.ephemeral
    assert "couldn't find a moment" in reply.content
    assert "15. The diner" in reply.content

    reply = await discord_api.slash("plot", moment="the")  # several: only titles this channel (none) may show
    assert reply.ephemeral and "matches several moments:" in reply.content and "The fire alarm" in reply.content
    hidden = [m.title for m in bot.film.moments if m.title_spoiler > Level.NONE]
    assert hidden and not [title for title in hidden if title in reply.content]

    reply = await discord_api.slash("plot", moment="harry")  # several moments: they are listed to choose from
    assert reply.ephemeral and "“harry” matches several moments:" in reply.content
    assert "Meeting Harry again" in reply.content


async def test_moment_and_character_typed_without_the_autocomplete(bot, discord_api: StandIn) -> None:
    by_number = await discord_api.slash("plot", moment="15")  # the number /plot lists
    assert not by_number.ephemeral and "The diner" in by_number.text
    assert "The diner" in (await discord_api.slash("plot", moment="diner")).text
    several = await discord_api.slash("character", name="a")
    assert several.ephemeral and "matches several characters:" in several.content


async def test_plot_unknown_moment_echo_is_harmless(bot, discord_api: StandIn) -> None:
    reply = await discord_api.slash("plot", moment="@everyone <@123> ||x|| **bold**")
    assert reply.ephemeral
    assert "\\@everyone \\<\\@123\\> \\|\\|x\\|\\| \\*\\*bold\\*\\*" in reply.content
    assert reply.message["allowed_mentions"]["parse"] == []


# ---------------------------------------------------------------- /character


async def test_character_autocomplete_knows_actors_and_aliases(bot, discord_api: StandIn) -> None:
    everyone = await discord_api.autocomplete("character", "name", "")
    assert [c["value"] for c in everyone] == [c.id for c in bot.film.characters]
    assert everyone[1] == {"name": "Harry (Paul Mescal)", "value": "harry"}
    assert (await discord_api.autocomplete("character", "name", "Mescal"))[0]["value"] == "harry"
    for typed in ("mum", "mom", "MOTHER", "Foy"):
        assert (await discord_api.autocomplete("character", "name", typed))[0]["value"] == "mum", typed
    assert await discord_api.autocomplete("character", "name", "zzz") == []


async def test_character_answer_marks_each_step_of_the_story(bot, discord_api: StandIn) -> None:
    reply = await discord_api.slash("character", name="harry")
    harry = bot.film.character("harry")
    assert reply.embeds[0]["title"] == "Harry"
    plain, _ = split_spoilers(descriptions(reply))
    assert "Paul Mescal" in plain and escape(harry.summary) in plain
    for step in harry.arc:
        assert_hidden(descriptions(reply), step.text)
    assert_safe_titles(reply)


async def test_character_by_actor_or_alias_typed_by_hand(bot, discord_api: StandIn) -> None:
    assert (await discord_api.slash("character", name="Mescal")).embeds[0]["title"] == "Harry"
    assert (await discord_api.slash("character", name="mom")).embeds[0]["title"] == "Adam's mother"


async def test_character_unknown_suggests_close_names(bot, discord_api: StandIn) -> None:
    reply = await discord_api.slash("character", name="Harrry")
    assert reply.ephemeral
    assert "couldn't find a character" in reply.content and "Harry (Paul Mescal)" in reply.content
    reply = await discord_api.slash("character", name="'; DROP TABLE characters; --")
    assert reply.ephemeral and "couldn't find a character" in reply.content


async def test_character_reveal_survives_a_restart(settings: Settings) -> None:
    async with StandIn() as standin:
        async with running_bot(standin, settings) as first:
            await open_channel(first, standin, "spoilers", Level.NONE, Style.PRIVATE)
            reply = await standin.slash("character", name="adam", channel="spoilers")
            assert reply.buttons[0]["custom_id"] == "reveal:character:adam"
        async with running_bot(standin, settings) as second:
            revealed = await standin.click(reply.message, "Reveal to me")
            assert revealed.ephemeral
            assert escape(second.film.character("adam").arc[-1].text) in revealed.text
        assert standin.problems == []


# ---------------------------------------------------------------- /ask


async def test_ask_answers_best_match_with_related_ones(bot, discord_api: StandIn) -> None:
    reply = await discord_api.slash("ask", question="what killed harry")
    assert not reply.ephemeral
    text = descriptions(reply)
    assert_hidden(text, bot.film.fact("what-happened-to-harry").answer)  # an ending-level fact in a default channel
    assert text.count("**Best match**") == 1 and 1 <= text.count("**Related**") <= 2
    assert_hidden(text, bot.film.fact("was-harry-dead-all-along").answer)  # on the same topic: Harry's death
    assert escape(bot.film.fact("how-parents-died").answer) not in text  # a death, but not Harry's: off-topic
    assert "(spoiler level\\: ending)" in text
    assert_hidden(text, "what killed harry")  # the question is echoed at the level of its answer
    assert_safe_titles(reply)


async def test_ask_answers_alone_when_nothing_else_is_close(bot, discord_api: StandIn) -> None:
    reply = await discord_api.slash("ask", question="what song plays at the end")
    assert not reply.ephemeral
    text = descriptions(reply)
    assert_hidden(text, bot.film.fact("the-song").answer)  # an ending-level fact in a default channel
    assert text.count("**Best match**") == 1 and "**Related**" not in text
    assert "(spoiler level\\: ending)" in text
    # the question gives nothing away (the facts' own spoiler-free question): echoed as typed
    plain, _ = split_spoilers(text)
    assert "**You asked:** what song plays at the end" in plain
    assert_safe_titles(reply)


async def test_ask_when_close_but_unsure_offers_questions_privately(bot, discord_api: StandIn) -> None:
    reply = await discord_api.slash("ask", question="who directed aftersun")
    assert reply.ephemeral
    assert "not sure which of these you mean" in reply.text
    assert f"• {escape(bot.film.fact('director').question)}" in reply.text
    assert not any(escape(f.answer) in reply.text for f in bot.film.facts), "a question to pick, not an answer"


async def test_ask_echo_is_hidden_only_when_the_question_gives_the_film_away(bot, discord_api: StandIn) -> None:
    for question in ("is harry a ghost", "what killed harry"):
        text = descriptions(await discord_api.slash("ask", question=question))
        assert_hidden(text, question)  # wrapped in a channel at the default level
    await open_channel(bot, discord_api, "ending-talk", Level.ENDING, Style.WRAP)
    text = descriptions(await discord_api.slash("ask", question="is harry a ghost", channel="ending-talk"))
    assert "**You asked:** is harry a ghost" in split_spoilers(text)[0]


async def test_ask_spoiler_free_answers_show_plainly(bot, discord_api: StandIn) -> None:
    reply = await discord_api.slash("ask", question="who plays harry")
    plain, _ = split_spoilers(descriptions(reply))
    assert escape(bot.film.fact("who-plays-harry").answer) in plain
    assert "(spoiler level\\: none)" in plain


async def test_ask_reveal_rebuilds_the_same_entries(bot, discord_api: StandIn) -> None:
    await open_channel(bot, discord_api, "spoilers", Level.NONE, Style.PRIVATE)
    reply = await discord_api.slash("ask", question="is harry a ghost", channel="spoilers")
    ghost = escape(bot.film.fact("was-harry-dead-all-along").answer)
    assert ghost not in reply.text and HIDDEN_NOTE in reply.text
    (button,) = reply.buttons
    assert button["custom_id"].startswith("reveal:ask:f.was-harry-dead-all-along")
    assert len(button["custom_id"]) <= 100
    revealed = await discord_api.click(reply.message, button["custom_id"])
    assert revealed.ephemeral and ghost in revealed.text


async def test_ask_with_no_good_match_is_honest_and_suggests_questions(bot, discord_api: StandIn) -> None:
    reply = await discord_api.slash("ask", question="who won the 1998 world cup")
    assert reply.ephemeral
    assert "That isn't in what I know about the film" in reply.text
    suggested = [f for f in bot.film.facts if f"• {escape(f.question)}" in reply.text]
    assert 2 <= len(suggested) <= 3
    assert all(f.spoiler is Level.NONE for f in suggested)
    assert not any(escape(f.answer) in reply.text for f in bot.film.facts), "never a random fact"


@pytest.mark.parametrize("question", ["", "   ", "\t \n"])
async def test_ask_refuses_empty_questions_politely(bot, discord_api: StandIn, question: str) -> None:
    reply = await discord_api.slash("ask", question=question, past_the_client=True)  # Discord's client stops ""
    assert reply.ephemeral and "question is empty" in reply.content


async def test_ask_length_limit_is_checked_on_our_side_too(bot, discord_api: StandIn) -> None:
    reply = await discord_api.slash("ask", question="who plays harry " + "x" * 185, past_the_client=True)  # 201
    assert reply.ephemeral and "200 characters" in reply.content
    longest = ("who plays harry " * 13)[:200]
    reply = await discord_api.slash("ask", question=longest)
    assert not reply.ephemeral and escape(bot.film.fact("who-plays-harry").answer) in reply.text


@pytest.mark.parametrize(
    ("question", "echoed"),
    [
        ("@everyone who plays harry <@123> <@&1>", "\\@everyone who plays harry \\<\\@123\\> \\<\\@&1\\>"),
        ("||who plays harry|| **now**", "\\|\\|who plays harry\\|\\| \\*\\*now\\*\\*"),
        ("`who plays harry` > [x](http://y)", "\\`who plays harry\\` \\> \\[x\\](http\\://y)"),
    ],
)
async def test_ask_echoes_injected_markup_and_mentions_harmlessly(
    bot, discord_api: StandIn, question: str, echoed: str
) -> None:
    reply = await discord_api.slash("ask", question=question)
    assert echoed in reply.text
    assert escape(bot.film.fact("who-plays-harry").answer) in reply.text
    assert reply.message["allowed_mentions"]["parse"] == []


@pytest.mark.parametrize(
    "question",
    [
        "'; DROP TABLE facts; --",
        'harry" NEAR(adam) OR * ^title:x AND NOT (',
        'song" OR "x',
        "SELECT * FROM search_index WHERE 1=1",
        "*",
    ],
)
async def test_ask_survives_sql_and_fts_syntax(bot, discord_api: StandIn, question: str) -> None:
    reply = await discord_api.slash("ask", question=question)
    assert "Something went wrong" not in reply.text
    after = await discord_api.slash("ask", question="who plays harry")
    assert escape(bot.film.fact("who-plays-harry").answer) in after.text  # the index is intact


# ---------------------------------------------------------------- /ending


async def test_ending_is_wrapped_whole_in_a_default_channel(bot, discord_api: StandIn) -> None:
    reply = await whole(await discord_api.slash("ending"), "Everything here is at spoiler level ending.")
    assert not reply.ephemeral
    text = descriptions(reply)
    plain, _ = split_spoilers(text)
    headings = {"**The final scenes**", "**Where everyone ends up**", "**Interpretations**"}
    headings |= {"### The ending explained", "-# Everything here is at spoiler level ending."}
    assert {line.strip() for line in plain.splitlines()} - {""} <= headings
    for moment in bot.film.moments:
        if moment.spoiler is Level.ENDING:
            assert_hidden(text, moment.summary)
    assert_hidden(text, bot.film.character("harry").arc[-1].text)  # what happened to Harry
    for theory in bot.film.theories:
        assert_hidden(text, theory.claim)
    assert_safe_titles(reply)


async def test_ending_in_an_ending_channel_is_plain_and_split_cleanly(bot, discord_api: StandIn) -> None:
    await open_channel(bot, discord_api, "ending-talk", Level.ENDING)
    reply = await whole(await discord_api.slash("ending", channel="ending-talk"), "spoiler level ending.")
    text = descriptions(reply)
    assert "||" not in text
    for theory in bot.film.theories:
        assert escape(theory.claim) in text  # never cut in the middle, whatever the page breaks


async def test_ending_in_a_plot_channel_still_hides_everything(bot, discord_api: StandIn) -> None:
    await open_channel(bot, discord_api, "spoilers", Level.PLOT, Style.PRIVATE)
    reply = await whole(await discord_api.slash("ending", channel="spoilers"), "spoiler level ending.")
    last = reply.followups[-1] if reply.followups else reply.message
    assert HIDDEN_NOTE in all_text(reply)
    assert not any(escape(t.claim) in all_text(reply) for t in bot.film.theories)
    revealed = await whole(await discord_api.click(last, "Reveal to me"), "spoiler level ending.")
    assert revealed.ephemeral
    assert all(escape(t.claim) in all_text(revealed) for t in bot.film.theories)


async def test_plot_overview_in_a_private_channel_names_hidden_titles_by_level_and_reveals_them(
    bot, discord_api: StandIn
) -> None:
    await open_channel(bot, discord_api, "spoilers", Level.NONE, Style.PRIVATE)
    reply = await discord_api.slash("plot", channel="spoilers")
    text = descriptions(reply)
    assert "**20.** (title hidden\\: spoiler level ending)" in text and "The Power of Love" not in reply.text
    assert "**15.** The diner" in text  # a spoiler-free title reads plainly
    revealed = await discord_api.click(reply.message, "Reveal to me")
    assert revealed.ephemeral and "**20.** The Power of Love" in descriptions(revealed)
