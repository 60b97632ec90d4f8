"""One benchmark run: the real bot, then the no-op bot, each in its own process against its own stand-in.

Both bots go through the same steps (``run_bot``): a first start on an empty database, a stop, a second start
on the same database and stand-in (no facts reload, no sync needed), then latency per probe and bursts of votes,
then a clean stop. The no-op bot mirrors the real bot's registered commands and is pressed on copies of the real
bot's poll messages (both stand-ins build the same server, with the same ids).
"""

from __future__ import annotations

import json
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.standin import StandIn, World
from bot.standin.world import fixed_ids
from bot.store import Store

from .measure import (
    FIRST_CHOICE,
    Burst,
    Latency,
    Probe,
    Start,
    command_schema,
    latency,
    start,
    vote_burst,
    vote_buttons,
)

PROBES = (
    Probe("/film", "slash", "film"),
    Probe("/plot moment", "slash", "plot", {"moment": FIRST_CHOICE}),
    Probe("/ask", "slash", "ask", {"question": "who plays harry"}),
    Probe("/quote", "slash", "quote"),
    Probe("/theory show", "slash", "theory show", {"theory": FIRST_CHOICE}),
    Probe("autocomplete /plot moment", "autocomplete", "plot", focused="moment", typed="din"),
    Probe("autocomplete /quote topic", "autocomplete", "quote", focused="topic", typed="par"),
    Probe("vote click", "click", "theory poll"),
)
POLL_COMMAND = "theory poll"
POLL_CHANNELS = ("general", "spoilers", "ending-talk")  # one poll per channel: latency, then each burst
NOT_AVAILABLE = "not available"


@dataclass(frozen=True)
class Config:
    runs: int = 400
    warmup: int = 30
    voters: tuple[int, ...] = (100, 1000)
    probes: tuple[Probe, ...] = PROBES
    profile_dir: Path | None = None  # set: the second start of each bot runs under pyinstrument


@dataclass
class BotRun:
    name: str
    starts: list[Start]
    latency: list[Latency]
    bursts: list[Burst]
    rss_after_start_mb: float
    rss_after_load_mb: float
    commands: list[dict[str, Any]] = field(repr=False)
    poll_messages: list[dict[str, Any]] = field(repr=False)
    problems: list[str] = field(default_factory=list)


async def open_polls(standin: StandIn, count: int) -> list[dict[str, Any]]:
    """``count`` theory polls opened by the moderator, one per channel; none if the bot has no polls."""
    if command_schema(standin, POLL_COMMAND) is None:
        return []
    messages = []
    for channel in POLL_CHANNELS[:count]:
        reply = await standin.slash(POLL_COMMAND, user=standin.world.moderator, channel=channel)
        if reply.message is None or not vote_buttons(reply.message):
            raise RuntimeError(f"/{POLL_COMMAND} answered without vote buttons: {reply.text!r}")
        messages.append(reply.message)
    return messages


def child_env(
    target: str, workdir: Path, config: Config, mirror_of: BotRun | None
) -> tuple[dict[str, str], dict[str, str]]:
    """The bot's own environment for its two starts (the second one profiled if asked), its files in ``workdir``."""
    workdir.mkdir(parents=True, exist_ok=True)
    env: dict[str, str] = {}
    if mirror_of is not None:
        commands_file = workdir / "commands.json"
        commands_file.write_text(json.dumps(mirror_of.commands), encoding="utf-8")
        env["BENCH_COMMANDS"] = str(commands_file)
    profiled = dict(env)
    if config.profile_dir is not None:
        config.profile_dir.mkdir(parents=True, exist_ok=True)
        profiled["BENCH_PROFILE"] = str((config.profile_dir / f"profile-{target}.txt").resolve())
    return env, profiled


async def run_bot(
    name: str,
    target: str,
    workdir: Path,
    config: Config,
    *,
    mirror_of: BotRun | None = None,
) -> BotRun:
    """Start, stop, start again, measure. ``mirror_of``: the real bot's run, for the no-op bot's commands and polls."""
    env, profiled = child_env(target, workdir, config, mirror_of)
    world = World.demo(fixed_ids())
    voters = [world.add_member(f"voter-{i}") for i in range(max(config.voters, default=0))]
    members = voters or [world.member]

    async with StandIn(world) as standin:
        child, first = await start(standin, target, workdir, "first start", env)
        await child.stop()
        child, second = await start(standin, target, workdir, "second start", profiled)
        try:
            rss_after_start = round(child.rss_mb(), 1)
            if mirror_of is not None:
                polls = mirror_of.poll_messages
            else:
                polls = await open_polls(standin, 1 + len(config.voters))
            rows = [
                await latency(
                    standin,
                    child,
                    probe,
                    members,
                    runs=config.runs,
                    warmup=config.warmup,
                    vote_message=polls[0] if polls else None,
                )
                for probe in config.probes
            ]
            bursts = [
                await vote_burst(standin, child, message, voters[:n])
                for n, message in zip(config.voters, polls[1:], strict=False)
            ]
            rss_after_load = round(child.rss_mb(), 1)
        except BaseException:
            await child.kill()
            raise
        await child.stop()
        commands = list(standin.global_commands)
        problems = list(standin.problems)
    return BotRun(
        name,
        [first, second],
        rows,
        bursts,
        rss_after_start,
        rss_after_load,
        commands,
        polls if mirror_of is None else [],
        problems,
    )


async def count_votes(database: Path, bursts: Sequence[Burst]) -> None:
    """Read each burst's poll back from the real bot's database (after the bot stopped): votes per option."""
    store = await Store.open(database)
    try:
        for burst in bursts:
            if burst.poll_id is not None:
                burst.counted = dict(sorted((await store.tallies(burst.poll_id)).items()))
    finally:
        await store.close()


def signature(commands: Sequence[dict[str, Any]]) -> list[Any]:
    """Names, types and required flags of commands and their options, recursively: what the mirror must match."""

    def walk(options: Sequence[dict[str, Any]]) -> list[Any]:
        return sorted(
            (o["name"], o["type"], bool(o.get("required")), bool(o.get("autocomplete")), walk(o.get("options") or []))
            for o in options
        )

    return walk(commands)


@dataclass
class Report:
    ours: BotRun
    floor: BotRun
    config: Config
    seconds: float
    mirror_matches: bool


async def run_all(workdir: Path, config: Config) -> Report:
    started = time.perf_counter()
    ours = await run_bot("strangers-bot", "bot", workdir / "bot", config)
    await count_votes(workdir / "bot" / "bot.db", ours.bursts)
    floor = await run_bot("no-op bot", "noop", workdir / "noop", config, mirror_of=ours)
    return Report(
        ours,
        floor,
        config,
        round(time.perf_counter() - started, 1),
        mirror_matches=signature(ours.commands) == signature(floor.commands),
    )
