"""The spoiler sweep: nothing above a reader's level is readable outside spoiler markup, on any surface.

The oracle is the facts file itself: every text and every name in it with its level (moment titles and summaries,
character arcs, fact topics, questions and answers, theory titles and claims, quotes, quote topics), plus the
members' theories the sweep suggests. The commands come from the command tree the bot registered with the stand-in,
so a new command or option is swept without touching this file. For each, in channels at each level (``none``,
``plot``, ``ending``) and style (``wrap``, ``private``):

- every command and subcommand, with each option filled in turn from its choices, its autocomplete's offers, and
  words, titles and questions of the facts (hits, misses, ambiguous and hostile input: the error paths);
- every button on what comes back (votes, reviews; "Reveal to me" is judged where a member's progress limits it);
- both message menus, on members' messages that give the film away and on harmless ones;
- every autocomplete option with the empty input, every single letter, and every word of every title, alias,
  keyword and topic in the facts: no hidden name is offered, and no hidden item is offered for what only its
  hidden text matches;
- answers only one member reads, under each value of their progress;
- attachments: file names and alt text, and a picture whose titles are above the channel's level is a
  ``SPOILER_`` attachment (wrap) or drawn with spoiler-free names (private).

What counts as readable: message content, embed titles, descriptions, fields and footers, V2 text displays outside
spoiler containers, button labels, autocomplete names and values, attachment names and alt text, thread names;
in each, text outside ``||...||``. A member's own words echoed back privately in a refusal are theirs, not a leak.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pytest
import pytest_asyncio
from bot_under_test import module_bot
from readers import plain_and_hidden

from bot.limits import Limits
from bot.models import FilmData, Level, Policy, Review, Style
from bot.render import theories
from bot.render.pictures import draw, labels
from standin import Reply, StandIn
from standin.elsewhere import bot_dm
from standin.messages import message_buttons

pytestmark = pytest.mark.asyncio(loop_scope="module")
# One stand-in and one bot for the module; the stand-in's problems are checked after every test.
discord_api, db_path, bot, after_each = module_bot("spoiler-sweep")

CHANNELS = {"general": Level.NONE, "spoilers": Level.PLOT, "ending-talk": Level.ENDING}
MODERATOR_COMMANDS = ("theory poll", "theory close", "theory review", "spoilers")
# Members' theories the sweep suggests (title, claim, level): they join the oracle.
MEMBER_THEORIES = (
    ("Harry was dead all along", "Harry died alone in his flat before Adam ever met him.", Level.ENDING),
    ("Adam writes his way home", "Every visit is a scene Adam is drafting for his script.", Level.PLOT),
    ("Sussex is a real place", "The childhood home is a real house in the countryside.", Level.NONE),
)
HOSTILE = ("@everyone ||x||", "`code` **bold** <@1>", "zzzzqq", "the", "theory", "#1", "99", "ghost dead")
SAFE_FORM = re.compile(r"^(?:\d+ chosen \+ )?(?:moment|theory) \d+ \((?:none|plot|ending)\)$")


def norm(text: str) -> str:
    """Text as a member reads it: markdown escapes undone, one kind of apostrophe, case-folded, single spaces."""
    return " ".join(re.sub(r"\\(.)", r"\1", text).replace("’", "'").casefold().split())


@dataclass(frozen=True, slots=True)
class Item:
    text: str  # normalised
    level: Level
    moment: int = 0  # the moment a text tells (for readers part way)
    kind: str = ""


def oracle(film: FilmData) -> list[Item]:
    """Every text and name of the facts with its level (names with their own level where the file gives one)."""
    items: list[Item] = []

    def add(text: str, level: Level, kind: str, moment: int = 0) -> None:
        if len(text) >= 4:
            items.append(Item(norm(text), level, moment, kind))

    for m in film.moments:
        add(m.title, getattr(m, "title_spoiler", m.spoiler), "moment title")
        add(m.summary, m.spoiler, "moment", m.position)
    for c in film.characters:
        for step in c.arc:
            add(step.text, step.spoiler, "arc")
    for f in film.facts:
        add(f.answer, f.spoiler, "fact")
        add(f.question, getattr(f, "topic_spoiler", f.spoiler), "fact question")
        add(f.topic, getattr(f, "topic_spoiler", f.spoiler), "fact topic")
    for t in film.theories:
        add(t.title, getattr(t, "title_spoiler", t.spoiler), "theory title")
        add(t.claim, t.spoiler, "theory")
    for q in film.quotes:
        add(q.text, q.spoiler, "quote")
        add(q.context, q.spoiler, "quote context")
    for topic, level in getattr(film, "quote_topics", ()):
        add(topic, level, "quote topic")
    for title, claim, level in MEMBER_THEORIES:
        add(title, level, "member theory title")
        add(claim, level, "member theory")
    return items


@dataclass
class Sweep:
    """What the sweep read and every leak it found."""

    items: list[Item]
    read: int = 0
    leaks: list[str] = field(default_factory=list)
    _patterns: dict[str, re.Pattern[str]] = field(default_factory=dict)

    def pattern(self, item: Item) -> re.Pattern[str]:
        found = self._patterns.get(item.text)
        if found is None:
            found = self._patterns[item.text] = re.compile(rf"(?<!\w){re.escape(item.text)}(?!\w)")
        return found

    def check_text(
        self, text: str, allowed: Level, where: str, horizon: int | None = None, typed: Iterable[str] = ()
    ) -> None:
        """Report every item above ``allowed`` (or past ``horizon``) readable in ``text``; ``typed`` (the member's
        own words, echoed back to them privately) is taken out first."""
        plain = norm(text)
        for words in typed:
            if norm(words):
                plain = plain.replace(norm(words), " ")
        self.read += 1
        for item in self.items:
            beyond = horizon is not None and item.moment > horizon
            if (item.level > allowed or beyond) and item.text in plain and self.pattern(item).search(plain):
                self.leaks.append(f"{where}: {item.kind} at {item.level.label}: {item.text[:70]!r}")

    def check_message(
        self, message: dict, allowed: Level, where: str, horizon: int | None = None, typed: Iterable[str] = ()
    ) -> None:
        reply = Reply("command", 0, "", 0, message=message)
        plain, _ = plain_and_hidden(reply)
        for attachment in message.get("attachments") or []:
            # a file's name shows even when blurred, and its alt text is read out by screen readers
            plain += "\n" + (attachment.get("filename") or "") + "\n" + (attachment.get("description") or "")
        self.check_text(plain, allowed, where, horizon, typed)

    def check_reply(
        self, reply: Reply, allowed: Level, where: str, horizon: int | None = None, typed: Iterable[str] = ()
    ) -> None:
        for n, message in enumerate([reply.message or {}, *reply.followups]):
            own = typed if (message.get("flags", 0) & 64) else ()  # echoes of one's own words only in private
            self.check_message(message, allowed, f"{where} [message {n}]", horizon, own)

    def summary(self) -> str:
        shown = self.leaks[:40]
        return f"{len(self.leaks)} leaks in {self.read} texts read:\n" + "\n".join(shown)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def prepared(bot, discord_api: StandIn) -> Sweep:
    """Members' theories suggested and approved, and two polls, one of them closed (its picture attached)."""
    mod = discord_api.world.moderator
    for title, claim, level in MEMBER_THEORIES:
        reply = await discord_api.slash("theory suggest", title=title, claim=claim, spoiler=level.label)
        assert reply.ephemeral and "suggestion #" in reply.content, reply.content
    for _ in MEMBER_THEORIES:
        queue = await discord_api.slash("theory review", user=mod)
        await discord_api.click(queue.message, "Approve", user=mod)
    approved = await bot.store.member_theories(discord_api.guild.id, Review.APPROVED)
    assert sorted(t.spoiler for t in approved) == sorted(level for _, _, level in MEMBER_THEORIES)
    return Sweep(oracle(bot.film))


async def set_policies(bot, api: StandIn, style: Style) -> None:
    for name, level in CHANNELS.items():
        await bot.store.set_channel(api.guild.id, api.channel(name).id, Policy(level, style), 1, bot.now())


def leaf_commands(api: StandIn) -> list[tuple[str, list[dict]]]:
    """Every slash command and subcommand the bot registered, with its options (discovered, never listed here)."""
    found: list[tuple[str, list[dict]]] = []
    pools = [api.global_commands, *api.guild_commands.values()]
    for cmd in (c for pool in pools for c in pool if c.get("type", 1) == 1):
        options = cmd.get("options") or []
        subs = [o for o in options if o["type"] in (1, 2)]
        if not subs:
            found.append((cmd["name"], options))
        for sub in subs:
            if sub["type"] == 1:
                found.append((f"{cmd['name']} {sub['name']}", sub.get("options") or []))
            else:
                for leaf in sub.get("options") or []:
                    found.append((f"{cmd['name']} {sub['name']} {leaf['name']}", leaf.get("options") or []))
    return sorted(found, key=lambda found_command: found_command[0])


def facts_words(film: FilmData) -> list[str]:
    """Every word of every title, alias, keyword and topic in the facts (the autocomplete inputs)."""
    names: list[str] = []
    for m in film.moments:
        names += [m.title, m.id, *m.keywords]
    for c in film.characters:
        names += [c.name, c.actor, *c.aliases]
    for f in film.facts:
        names += [f.topic, *f.keywords]
    for t in film.theories:
        names += [t.title, t.id]
    for q in film.quotes:
        names += list(q.topics)
    names += [title for title, _, _ in MEMBER_THEORIES]
    words = {w for name in names for w in re.findall(r"[a-z0-9']+", name.casefold())}
    return sorted(words)


def typed_samples(film: FilmData) -> list[str]:
    """Free text a member might type: titles and questions at every level, words, misses and hostile input."""
    samples = [m.title for m in film.moments] + [t.title for t in film.theories]
    samples += [f.question for f in film.facts]
    samples += ["harry", "ghost", "dead", "song", "ending", "love", "parents", "coming out", *HOSTILE]
    return list(dict.fromkeys(samples))


def user_for(api: StandIn, command: str):
    return api.world.moderator if command.startswith(MODERATOR_COMMANDS) else api.world.member


def others(options: list[dict], option: dict) -> dict[str, Any]:
    """The other required options as the client would have them while ``option`` is typed: their first choice."""
    return {
        o["name"]: o["choices"][0]["value"]
        for o in options
        if o is not option and o.get("required") and o.get("choices")
    }


async def values_for(
    api: StandIn, command: str, options: list[dict], option: dict, channel: str, film: FilmData
) -> list[Any]:
    """The values to try in ``option``: its choices, what its autocomplete offers, and typed samples."""
    kind = option["type"]
    if option.get("choices"):
        return [c["value"] for c in option["choices"]]
    offered: list[Any] = []
    if option.get("autocomplete"):
        user = user_for(api, command)
        choices = await api.autocomplete(
            command, option["name"], "", channel=channel, user=user, **others(options, option)
        )
        offered = [c["value"] for c in choices]
    if kind == 3:  # text: offers, then samples (hits, misses, ambiguous, hostile)
        limit = option.get("max_length", 100)
        return list(dict.fromkeys([*offered, *(s[:limit] for s in typed_samples(film))]))
    if kind == 4:
        return [*offered[:5], 1, 999_999]
    if kind == 5:
        return [False, True]
    if kind == 7:
        return [channel]
    return offered


def invocations(options: list[dict], values: dict[str, list[Any]]) -> list[dict[str, Any]]:
    """Each option's values in turn, the other required options at their first value; and no options at all."""
    base = {o["name"]: values[o["name"]][0] for o in options if o.get("required") and values.get(o["name"])}
    if any(o.get("required") and not values.get(o["name"]) for o in options):
        return []
    runs = [dict(base)]
    for o in options:
        for value in values.get(o["name"], [])[1:] if o.get("required") else values.get(o["name"], []):
            runs.append({**base, o["name"]: value})
    return runs


async def run_command(api: StandIn, bot, command: str, options: dict[str, Any], channel: str) -> Reply | None:
    renamed = {("channel_" if k == "channel" else k): v for k, v in options.items()}
    reply = await api.slash(command, channel=channel, user=user_for(api, command), past_the_client=True, **renamed)
    if reply.callback_type == 5:  # deferred: wait for its message
        await reply.wait(lambda r: r.edits > 0 or bool(r.followups))
    return reply


@pytest.mark.parametrize("style", [Style.WRAP, Style.PRIVATE])
async def test_every_command_option_and_button_in_every_channel(
    bot, discord_api: StandIn, prepared: Sweep, style: Style
) -> None:
    sweep = prepared
    sweep.leaks.clear()
    await set_policies(bot, discord_api, style)
    commands = leaf_commands(discord_api)
    assert {"plot", "ask", "ending", "theory show", "theory poll", "quote"} <= {name for name, _ in commands}
    pressed: set[tuple[str, str, str]] = set()
    ran = 0
    for channel, level in CHANNELS.items():
        for command, options in commands:
            values = {o["name"]: await values_for(discord_api, command, options, o, channel, bot.film) for o in options}
            for opts in invocations(options, values):
                reply = await run_command(discord_api, bot, command, opts, channel)
                ran += 1
                if command.startswith(("spoilers", "progress")):  # they change what the sweep relies on
                    await set_policies(bot, discord_api, style)
                    await bot.store.clear_progress(discord_api.world.member.id)
                if reply is None:
                    continue
                typed = [str(v) for v in opts.values()] if not command.startswith("ask") else []
                where = f"/{command} {opts} in #{channel} ({level.label}, {style})"
                sweep.check_reply(reply, level, where, typed=typed)
                await press_buttons(discord_api, sweep, reply, level, where, pressed, command)
    threads = [c for g in discord_api.world.guilds for c in g.channels if c.is_thread]
    for thread in threads:
        sweep.check_text(thread.name, Level.NONE, f"thread name {thread.name!r}")
    assert ran > 200 and sweep.read > ran  # the sweep really ran
    assert not sweep.leaks, sweep.summary()
    assert discord_api.problems == []


async def press_buttons(
    api: StandIn, sweep: Sweep, reply: Reply, level: Level, where: str, pressed: set, command: str
) -> None:
    """Each kind of button once per command and channel: what it answers follows the same rule."""
    for message in [reply.message or {}, *reply.followups]:
        if not message.get("id") or not message_buttons(message):
            continue
        for button in message_buttons(message):
            label = button.get("label") or ""
            kind = "vote" if label.isdigit() else label
            key = (command, where.split(" in #")[1].split(" ")[0], kind)
            if button.get("disabled") or key in pressed or label == "Reveal to me":
                continue  # "Reveal to me" shows everything to whoever asks: judged under progress below
            pressed.add(key)
            user = api.world.moderator if label in ("Approve", "Reject") or label.startswith("Spoiler") else None
            try:
                answer = await api.click(message, button["custom_id"], user=user)
            except LookupError:  # an earlier press changed the message (a review page moved on)
                continue
            sweep.check_reply(answer, level, f"{where}, button {label!r}")


@pytest.mark.parametrize("level", list(CHANNELS.values()), ids=lambda level: level.label)
async def test_every_autocomplete_input_offers_nothing_hidden(
    bot, discord_api: StandIn, prepared: Sweep, level: Level
) -> None:
    sweep = prepared
    sweep.leaks.clear()
    await set_policies(bot, discord_api, Style.WRAP)
    channel = next(name for name, lv in CHANNELS.items() if lv is level)
    inputs = ["", *string.ascii_lowercase, *facts_words(bot.film)]
    asked = 0
    for command, options in leaf_commands(discord_api):
        for option in (o for o in options if o.get("autocomplete")):
            filled = others(options, option)
            for typed in inputs:
                user = user_for(discord_api, command)
                choices = await discord_api.autocomplete(
                    command, option["name"], typed, channel=channel, user=user, **filled
                )
                asked += 1
                for choice in choices:
                    name, value = str(choice["name"]), str(choice["value"])
                    where = f"/{command} {option['name']}:{typed!r} in #{channel} ({level.label})"
                    sweep.check_text(f"{name}\n{value}\n{value.replace('-', ' ')}", level, where)
                    # a hidden item shows up only for what its spoiler-free name itself says, never for a guess
                    if typed and SAFE_FORM.match(norm(name)) and norm(typed) not in norm(name):
                        sweep.leaks.append(f"{where}: {name!r} offered for what only its hidden text matches")
    assert asked > 1000
    assert not sweep.leaks, sweep.summary()


PROGRESS = {
    "not seen it": ("not_seen", None, Level.NONE, None),
    "part way, up to 10": ("part_way", 10, Level.PLOT, 10),
    "seen it all": ("seen_all", None, Level.ENDING, None),
}


@pytest.mark.parametrize("progress", PROGRESS)
async def test_private_answers_and_reveals_follow_the_members_progress(
    bot, discord_api: StandIn, prepared: Sweep, progress: str
) -> None:
    """Answers only the member reads (their DM with the bot, "Reveal to me") under each progress value."""
    sweep = prepared
    sweep.leaks.clear()
    member = discord_api.world.member
    watched, last, allowed, horizon = PROGRESS[progress]
    await set_policies(bot, discord_api, Style.PRIVATE)
    await bot.store.clear_progress(member.id)
    dm = bot_dm(member)
    moment = {"moment": bot.film.moments[last - 1].id} if last else {}
    await discord_api.slash("progress set", watched=watched, where=dm, **moment)
    where_dm = f"DM, progress {progress}"
    for name in ("film", "plot", "ending", "quote", "progress show"):
        reply = await discord_api.slash(name, where=dm)
        await reply.wait(lambda r: r.complete)
        sweep.check_reply(reply, allowed, f"/{name} in {where_dm}", horizon)
    for m in bot.film.moments:
        reply = await discord_api.slash("plot", moment=m.id, where=dm)
        sweep.check_reply(reply, allowed, f"/plot {m.id} in {where_dm}", horizon)
    for f in bot.film.facts:
        reply = await discord_api.slash("ask", question=f.question, where=dm)
        sweep.check_reply(reply, allowed, f"/ask {f.question!r} in {where_dm}", horizon)
    # "Reveal to me" on every public answer that offers it, in the private-style channel at the default level
    reveals = (("plot", {}), ("plot", {"moment": "the-diner"}), ("ending", {}), ("theory list", {}), ("quote", {}))
    for command, options in reveals:
        public = await discord_api.slash(command, channel="general", **options)
        if "Reveal to me" in [b.get("label") for b in public.buttons]:
            revealed = await discord_api.click(public.message, "Reveal to me")
            sweep.check_reply(revealed, allowed, f"Reveal to me on /{command}, progress {progress}", horizon)
    await bot.store.clear_progress(member.id)
    assert not sweep.leaks, sweep.summary()


async def test_both_context_menus_in_every_channel(bot, discord_api: StandIn, prepared: Sweep) -> None:
    sweep = prepared
    sweep.leaks.clear()
    await set_policies(bot, discord_api, Style.WRAP)
    questions = [f.question for f in bot.film.facts] + ["what killed harry", "is harry a ghost", "what is the song"]
    for channel, level in CHANNELS.items():
        for question in questions:
            message = discord_api.post(question, channel=channel)
            asked = await discord_api.menu("Ask about this", message)
            # private, for the asker (no progress: the channel's level); their own question is theirs to read
            sweep.check_reply(asked, level, f"Ask about this {question!r} in #{channel}")
        spoiler = next(f for f in bot.film.facts if f.spoiler is Level.ENDING)
        message = discord_api.post(spoiler.answer, channel=channel)
        hidden = await discord_api.menu("Hide spoilers", message, user=discord_api.world.moderator)
        sweep.check_reply(hidden, level, f"Hide spoilers in #{channel}")
        reposts = [m for m in discord_api.messages.values() if spoiler.answer[:30] in (m.get("content") or "")]
        for repost in reposts:
            if int(repost["id"]) != int(message["id"]):
                sweep.check_message(repost, Level.NONE, f"the re-post in #{channel}")
    assert not sweep.leaks, sweep.summary()


@pytest.mark.parametrize("style", [Style.WRAP, Style.PRIVATE])
async def test_poll_pictures_name_nothing_hidden(bot, discord_api: StandIn, prepared: Sweep, style: Style) -> None:
    """A closed poll in each channel: its picture's name and alt text, and SPOILER_ where it draws hidden titles."""
    sweep = prepared
    sweep.leaks.clear()
    # The command sweep before this one opened polls as the same moderator: start from fresh windows, as this test
    # opens only three (the poll limit itself is tested in test_adversarial and test_limits).
    bot.limits = Limits()
    await set_policies(bot, discord_api, style)
    mod = discord_api.world.moderator
    for channel, level in CHANNELS.items():
        poll = await discord_api.slash("theory poll", channel=channel, user=mod, theories="1, 2, 7, 8")
        assert not poll.ephemeral, poll.content
        number = int(re.search(r"poll:(\d+):", str(poll.message)).group(1))
        await discord_api.click(poll.message, "1")
        closed = await discord_api.slash("theory close", poll=number, user=mod, channel=channel)
        await closed.wait(lambda r: r.edits > 0)
        final = discord_api.messages[int(poll.message["id"])]
        files = final.get("attachments") or []
        assert len(files) == 1, final
        sweep.check_message(final, level, f"closed poll in #{channel} ({style})")
        row = await bot.store.poll(number)
        hidden = any(o.spoiler > level for o in row.options)
        if style is Style.WRAP:  # the titles are drawn as they are: the file is blurred
            assert files[0]["filename"].startswith("SPOILER_") == hidden, files[0]["filename"]
        else:  # the titles above the level are drawn by their spoiler-free names: nothing to blur
            assert not files[0]["filename"].startswith("SPOILER_")
        # what the picture draws: the file sent is exactly the chart drawn with these labels for this channel
        chart = theories.poll_chart(row, await bot.store.tallies(number))
        policy = Policy(level, style)
        assert discord_api.file_bytes(files[0]) == draw(chart, policy).png
        drawn = labels([bar.theory for bar in chart.bars], policy).drawn
        if not files[0]["filename"].startswith("SPOILER_"):  # an unblurred picture draws nothing hidden
            sweep.check_text("\n".join(drawn), level, f"the labels drawn in #{channel} ({style})")
        results = await discord_api.slash("theory results", channel=channel)
        sweep.check_reply(results, level, f"/theory results in #{channel} ({style})")
    assert not sweep.leaks, sweep.summary()
