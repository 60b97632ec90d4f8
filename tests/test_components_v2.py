"""Components V2: the pure layouts keep Discord's rules by construction; the stand-in answers 400 where Discord would;
end to end, long answers come as V2 messages with spoiler containers, and their buttons survive a restart."""

from __future__ import annotations

import aiohttp
import pytest
from bot_under_test import running_bot
from readers import plain_and_hidden

from bot.facts import load_facts
from bot.models import OPEN, STRICTEST, Level, Policy, Style
from bot.render import layout as v2
from bot.render.answer import Answer
from bot.render.film import ending_answer, film_card, moment_answer
from bot.render.markup import HIDDEN_NOTE, Segment, escape
from bot.settings import DEFAULT_FACTS, Settings
from standin import StandIn, readable_parts, v2_text
from standin.components_v2 import IS_COMPONENTS_V2

DATA = load_facts(DEFAULT_FACTS).data
EPHEMERAL = 1 << 6


# ---------------------------------------------------------------- pure layouts


@pytest.mark.parametrize("policy", [STRICTEST, OPEN, Policy(Level.PLOT), Policy(Level.NONE, Style.PRIVATE)])
def test_every_long_answer_fits_v2_limits(policy: Policy) -> None:
    answers = [film_card(DATA), ending_answer(DATA), *(moment_answer(DATA, m) for m in DATA.moments)]
    huge = Answer("Huge", [[Segment("word " * 900, Level(i % 3))] for i in range(60)], footer="f" * 300)
    for answer in [*answers, huge]:
        for layout in v2.answer_layouts(answer, policy):
            assert layout.components <= v2.COMPONENTS_LIMIT and layout.text <= v2.TEXT_LIMIT


def test_a_scene_above_the_level_is_one_spoiler_container() -> None:
    diner = DATA.moment("the-diner")
    (layout,) = v2.answer_layouts(moment_answer(DATA, diner), STRICTEST)
    spoilers = [i for i in layout.items if isinstance(i, v2.Container) and i.spoiler]
    assert len(spoilers) == 3  # just before, this moment, just after: one click each
    texts = [c.content for s in spoilers for c in s.children if isinstance(c, v2.TextDisplay)]
    assert escape(diner.summary) in texts[1] and "||" not in "".join(texts)
    plain = [i for i in layout.items if isinstance(i, v2.Container) and not i.spoiler]
    assert all(escape(diner.summary) not in str(i) for i in plain)


def test_ending_in_a_wrap_channel_is_a_handful_of_blocks() -> None:
    layouts = v2.answer_layouts(ending_answer(DATA), STRICTEST)
    spoilers = [i for layout in layouts for i in layout.items if isinstance(i, v2.Container) and i.spoiler]
    assert 3 <= len(spoilers) <= 6


def test_private_style_leaves_text_out_with_one_note() -> None:
    layouts = v2.answer_layouts(ending_answer(DATA), Policy(Level.NONE, Style.PRIVATE))
    texts = [
        c.content
        for layout in layouts
        for i in layout.items
        if isinstance(i, v2.Container)
        for c in i.children
        if isinstance(c, v2.TextDisplay)
    ]
    assert sum(t.count(HIDDEN_NOTE) for t in texts) == 3  # one note per hidden run, under its heading
    assert not any(escape(m.summary) in t for m in DATA.moments for t in texts)
    assert not any(isinstance(i, v2.Container) and i.spoiler for layout in layouts for i in layout.items)


def test_check_refuses_what_discord_would() -> None:
    text = v2.TextDisplay("x")
    with pytest.raises(ValueError, match="40 components"):
        v2.Layout(tuple(text for _ in range(41)))
    with pytest.raises(ValueError, match="4000 characters"):
        v2.Layout((v2.TextDisplay("x" * 2001), v2.TextDisplay("y" * 2000)))
    with pytest.raises(ValueError, match="1-3 text displays"):
        v2.Layout((v2.Section(("a", "b", "c", "d"), v2.ButtonSpec("poll:1:1", "1")),))
    with pytest.raises(ValueError, match="at least one"):
        v2.Layout(())
    assert v2.count(v2.Container((v2.Section(("a",), v2.ButtonSpec("poll:1:1", "1")), v2.Separator()))) == 5


# ---------------------------------------------------------------- the stand-in answers 400 as Discord does


async def post(api: StandIn, body: dict, *, method: str = "POST", message_id: str | None = None) -> int:
    channel = api.channel("general").id
    url = f"{api.api_base}/channels/{channel}/messages" + (f"/{message_id}" if message_id else "")
    async with aiohttp.ClientSession(headers={"Authorization": f"Bot {api.token}"}) as http:
        async with http.request(method, url, json=body) as response:
            return response.status


def text(content: str) -> dict:
    return {"type": 10, "content": content}


@pytest.mark.parametrize(
    ("body", "problem"),
    [
        ({"flags": IS_COMPONENTS_V2, "content": "hi", "components": [text("x")]}, "cannot have content"),
        ({"flags": IS_COMPONENTS_V2, "embeds": [{"title": "t"}], "components": [text("x")]}, "cannot have embeds"),
        ({"flags": IS_COMPONENTS_V2, "components": [text("x")] * 41}, "(limit 40)"),
        ({"flags": IS_COMPONENTS_V2, "components": [text("x" * 2001), text("y" * 2000)]}, "(limit 4000)"),
        (
            {"flags": IS_COMPONENTS_V2, "components": [{"type": 17, "components": [{"type": 17, "components": []}]}]},
            "cannot hold",
        ),
        (
            {"flags": IS_COMPONENTS_V2, "components": [{"type": 9, "components": [text("a")] * 4, "accessory": {}}]},
            "text displays (1-3)",
        ),
        ({"components": [{"type": 17, "components": [text("x")]}]}, "need the IS_COMPONENTS_V2 flag"),
        ({"flags": IS_COMPONENTS_V2, "components": []}, "at least one component"),
    ],
)
async def test_standin_refuses_bad_v2_messages(body: dict, problem: str) -> None:
    async with StandIn() as api:
        assert await post(api, body) == 400
        assert len(api.problems) == 1 and problem in api.problems[0]


async def test_standin_keeps_the_v2_flag_on_edits() -> None:
    async with StandIn() as api:
        good = {"flags": IS_COMPONENTS_V2, "components": [{"type": 17, "spoiler": True, "components": [text("x")]}]}
        assert await post(api, good) == 200
        (message_id,) = [str(i) for i in api.messages]
        assert await post(api, {"flags": 0, "content": "plain"}, method="PATCH", message_id=message_id) == 400
        assert "cannot be removed" in api.problems[-1]
        assert await post(api, {"content": "plain"}, method="PATCH", message_id=message_id) == 400
        api.problems.clear()
        edited = {"components": [text("y")]}
        assert await post(api, edited, method="PATCH", message_id=message_id) == 200
        assert api.messages[int(message_id)]["flags"] & IS_COMPONENTS_V2
        assert v2_text(api.messages[int(message_id)]) == "y"


def test_readable_parts_mark_spoiler_containers() -> None:
    message = {
        "flags": IS_COMPONENTS_V2,
        "components": [
            text("### Title"),
            {"type": 17, "spoiler": True, "components": [text("secret")]},
            {"type": 9, "components": [text("a ||b||")], "accessory": {"type": 2, "label": "1", "custom_id": "p"}},
        ],
    }
    parts = readable_parts(message)
    assert [(p.text, p.in_spoiler) for p in parts] == [
        ("### Title", False),
        ("secret", True),
        ("a ||b||", False),
        ("1", False),
    ]
    assert v2_text(message) == "### Title\n⟦spoiler⟧secret⟦/spoiler⟧\na ||b||\n1"


# ---------------------------------------------------------------- end to end


async def test_long_answers_are_v2_messages_with_spoiler_containers(bot, discord_api: StandIn) -> None:
    reply = await discord_api.slash("plot", moment="the-diner")
    message = reply.message
    assert message["flags"] & IS_COMPONENTS_V2 and not message["content"] and message["embeds"] == []
    containers = [c for c in message["components"] if c["type"] == 17]
    assert [c.get("spoiler", False) for c in containers] == [False, True, False, True, False, True]
    plain, hidden = plain_and_hidden(reply)
    diner = escape(bot.film.moment("the-diner").summary)
    assert diner in hidden and diner not in plain
    # the neighbours' labels read plainly; their titles (at level plot) open with their scenes, one click each
    assert "**Just before**" in plain and "**Just after**" in plain
    assert "14. Time to stop" in hidden and "14. Time to stop" not in plain


async def test_v2_reveal_after_a_restart(discord_api: StandIn, settings: Settings) -> None:
    async with running_bot(discord_api, settings) as first:
        channel = discord_api.channel("spoilers")
        await first.store.set_channel(
            discord_api.guild.id, channel.id, Policy(Level.NONE, Style.PRIVATE), 1, first.now()
        )
        reply = await discord_api.slash("quote", topic="ending", channel="spoilers")
        assert reply.message["flags"] & IS_COMPONENTS_V2 and HIDDEN_NOTE in reply.text
    async with running_bot(discord_api, settings):
        revealed = await discord_api.click(reply.message, "Reveal to me")
    assert revealed.ephemeral and revealed.message["flags"] == EPHEMERAL | IS_COMPONENTS_V2
    assert "||" not in revealed.text and "Andrew Haigh, to" in revealed.text


async def test_a_vote_button_beside_its_theory_works_after_a_restart(discord_api: StandIn, settings: Settings) -> None:
    async with running_bot(discord_api, settings):
        poll = await discord_api.slash(
            "theory poll",
            user=discord_api.world.moderator,
            channel="spoilers",
            theories="the-ghosts-are-real, adams-screenplay",
        )
        assert poll.message["flags"] & IS_COMPONENTS_V2
        (card,) = [c for c in poll.message["components"] if c["type"] == 17]
        sections = [c for c in card["components"] if c["type"] == 9]
        assert [s["accessory"]["custom_id"] for s in sections] == ["poll:1:1", "poll:1:2"]
        assert "||The ghosts are real||" in sections[0]["components"][0]["content"]  # its bar beside button 1
    async with running_bot(discord_api, settings) as second:
        vote = await discord_api.click(poll.message, "1")
        assert vote.callback_type == 4 and vote.ephemeral  # one call: the private note
        assert await second.store.tallies(1) == {1: 1}
        # the poll message itself is updated apart from the press, still a V2 message
        message = discord_api.messages[int(poll.message["id"])]
        await discord_api.wait_until(lambda: "1 vote · 100%" in v2_text(message))
    edited = discord_api.messages[int(poll.message["id"])]
    assert edited["flags"] & IS_COMPONENTS_V2 and edited["embeds"] == [] and not edited["content"]
    assert "1 vote · 100%" in v2_text(edited)


async def test_standin_takes_a_layout_on_the_edit_after_a_defer() -> None:
    """A deferred answer becomes a V2 message when the edit sets the flag; the ephemeral flag stays, "thinking" goes."""
    async with StandIn() as api:
        guild, channel, member = api._context(None, "general")
        _, reply = api._interaction(2, {"id": "1", "name": "x", "type": 1}, guild, channel, member)
        base = f"{api.api_base}"
        async with aiohttp.ClientSession() as http:
            callback = f"{base}/interactions/{reply.interaction_id}/{reply.token}/callback"
            async with http.post(callback, json={"type": 5, "data": {"flags": EPHEMERAL}}) as response:
                assert response.status == 200
            original = f"{base}/webhooks/{api.world.application_id}/{reply.token}/messages/@original"
            layout = {"flags": IS_COMPONENTS_V2, "components": [{"type": 17, "components": [text("hello")]}]}
            async with http.patch(original, json=layout) as response:
                assert response.status == 200
            assert reply.message is not None and reply.message["flags"] == EPHEMERAL | IS_COMPONENTS_V2
            async with http.patch(original, json={"content": "plain again", "flags": 0}) as response:
                assert response.status == 400
        assert len(api.problems) == 1 and "cannot be removed" in api.problems[0]
