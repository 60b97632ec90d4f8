"""One benchmark run: the real bot and the no-op bot, each in its own process against its own stand-in.

Each bot starts on an empty database, stops, and starts again on the same database and stand-in (for the real bot:
no facts reload, no sync needed); both then stay up and are measured side by side, taking turns, so that noise on
the machine weighs on both alike. The no-op bot mirrors the real bot's registered commands and is pressed on copies
of the real bot's poll messages (both stand-ins build the same server, with the same ids).
"""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.facts import load_facts
from bot.settings import DEFAULT_FACTS
from bot.store import Store
from standin import StandIn, World
from standin.world import fixed_ids

from .charts import ChartTiming
from .charts import measure_all as measure_charts
from .measure import (
    FIRST_CHOICE,
    Burst,
    Flood,
    Latency,
    Probe,
    Start,
    Subject,
    command_schema,
    latency,
    member_flood,
    start,
    stop,
    vote_burst,
    vote_buttons,
)
from .scale import SERVERS, ScaleRow, compile_bytecode, measure_scale

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
# The answers built from a server's history, measured again on a database holding ``Config.history_votes`` votes.
HISTORY_PROBES = (
    Probe("/theory results", "slash", "theory results"),
    Probe("/theory list", "slash", "theory list"),
    Probe("/theory show", "slash", "theory show", {"theory": FIRST_CHOICE}),
)
HISTORY_POLLS = 100  # the history's votes are spread over this many closed polls of the server
POLL_COMMAND = "theory poll"
POLL_CHANNELS = ("general", "spoilers", "ending-talk")  # one poll per channel: the clicks', then each burst's
NOT_AVAILABLE = "not available"
Commands = list[dict[str, Any]]  # application commands as registered with the stand-in


@dataclass(frozen=True)
class Config:
    runs: int = 400
    warmup: int = 30
    voters: tuple[int, ...] = (1000, 5000)
    probes: tuple[Probe, ...] = PROBES
    profile_dir: Path | None = None  # set: the second start of each bot runs under pyinstrument
    chart_runs: int = 100  # draws per poll picture, timed in this process after the bots have stopped
    history_votes: int = 1_000_000  # votes in one server for the history scenario (0 skips it)
    flood: int = 300  # one member's /ask sent at once (0: no flood scenario) ...
    flood_readers: int = 4  # ... while this many other members each run ...
    flood_rounds: int = 10  # ... this many rounds of /film then /ask, one at a time
    servers: tuple[int, ...] = SERVERS  # the scale scenario's sizes (bench/scale.py); empty: skipped


@dataclass
class BotRun:
    name: str
    starts: list[Start] = field(default_factory=list)
    latency: list[Latency] = field(default_factory=list)
    bursts: list[Burst] = field(default_factory=list)
    flood: Flood | None = None
    rss_after_start_mb: float = 0.0
    rss_after_load_mb: float = 0.0
    rss_peak_mb: float = 0.0
    commands: Commands = field(default_factory=list, repr=False)
    problems: list[str] = field(default_factory=list)


@dataclass
class Report:
    ours: BotRun
    floor: BotRun
    config: Config
    seconds: float
    mirror_matches: bool
    charts: list[ChartTiming] = field(default_factory=list)  # drawing the poll pictures, no bot involved
    history: list[tuple[Latency, Latency]] = field(default_factory=list)  # (empty database, with history) per probe
    history_seed_s: float = 0.0  # writing the history's votes (bulk insert)
    scale: list[ScaleRow] = field(default_factory=list)  # start-up and memory by number of servers


def child_env(target: str, workdir: Path, config: Config, commands: Commands | None) -> list[dict[str, str]]:
    """The bot's own environment for its two starts (the second one profiled if asked); its files in ``workdir``."""
    workdir.mkdir(parents=True, exist_ok=True)
    env: dict[str, str] = {}
    if commands is not None:
        commands_file = workdir / "commands.json"
        commands_file.write_text(json.dumps(commands), encoding="utf-8")
        env["BENCH_COMMANDS"] = str(commands_file)
    profiled = dict(env)
    if config.profile_dir is not None:
        config.profile_dir.mkdir(parents=True, exist_ok=True)
        profiled["BENCH_PROFILE"] = str((config.profile_dir / f"profile-{target}.txt").resolve())
    return [env, profiled]


@asynccontextmanager
async def started(
    run: BotRun, target: str, workdir: Path, config: Config, commands: Commands | None = None
) -> AsyncIterator[Subject]:
    """A stand-in with the demo server and enough members to vote; the bot started twice, stopped cleanly after."""
    world = World.demo(fixed_ids())
    needed = max(*config.voters, config.flood_readers + 1 if config.flood else 1, 1)
    members = [world.add_member(f"voter-{i}") for i in range(needed)]
    first_env, second_env = child_env(target, workdir, config, commands)
    async with StandIn(world) as standin:
        child, first = await start(standin, target, workdir, "first start", first_env)
        await stop(child)
        child, second = await start(standin, target, workdir, "second start", second_env)
        run.starts = [first, second]
        try:
            yield Subject(standin, child, members)
        except BaseException:
            await child.kill()
            raise
        await stop(child)
        run.problems = list(standin.problems)
        run.commands = list(standin.global_commands)


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


async def measure(runs: Sequence[BotRun], subjects: Sequence[Subject], config: Config) -> None:
    """Latency per probe (the bots taking turns), then each burst of votes (one bot after the other), memory."""
    for run, subject in zip(runs, subjects, strict=True):
        run.rss_after_start_mb = round(subject.child.rss_mb(), 1)
    for probe in config.probes:
        for run, row in zip(runs, await latency(probe, subjects, runs=config.runs, warmup=config.warmup), strict=True):
            run.latency.append(row)
    for index, voters in enumerate(config.voters, start=1):
        for run, subject in zip(runs, subjects, strict=True):
            if index < len(subject.polls):
                run.bursts.append(await vote_burst(subject, subject.polls[index], voters))
    if config.flood:  # one bot after the other: a flood weighs on the whole machine
        for run, subject in zip(runs, subjects, strict=True):
            run.flood = await member_flood(
                subject, flood=config.flood, readers=config.flood_readers, rounds=config.flood_rounds
            )
    for run, subject in zip(runs, subjects, strict=True):
        run.rss_after_load_mb = round(subject.child.rss_mb(), 1)
        run.rss_peak_mb = round(subject.child.rss_mb("VmHWM"), 1)


async def count_votes(database: Path, bursts: Sequence[Burst]) -> None:
    """Read each burst's poll back from the real bot's database (after the bot stopped): votes per option."""
    store = await Store.open(database)
    try:
        for burst in bursts:
            if burst.poll_id is not None:
                burst.counted = dict(sorted((await store.tallies(burst.poll_id)).items()))
    finally:
        await store.close()


MIRRORED_KEYS: tuple[str, ...] = ("name", "type", "required", "autocomplete", "choices", "channel_types")
MIRRORED_KEYS += ("min_value", "max_value", "min_length", "max_length")


def signature(commands: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """Commands and their options, recursively, as far as the no-op mirror must match them (not descriptions)."""
    return sorted(
        (
            {k: o[k] for k in MIRRORED_KEYS if o.get(k) not in (None, False)}
            | {"options": signature(o.get("options") or [])}
            for o in commands
        ),
        key=lambda o: o["name"],
    )


async def run_all(workdir: Path, config: Config) -> Report:
    began = time.perf_counter()
    compile_bytecode()  # as an installed package has it (see bench/scale.py)
    ours, floor = BotRun("strangers-bot"), BotRun("no-op bot")
    async with AsyncExitStack() as stack:
        real = await stack.enter_async_context(started(ours, "bot", workdir / "bot", config))
        mirrored = await stack.enter_async_context(
            started(floor, "noop", workdir / "noop", config, commands=list(real.standin.global_commands))
        )
        polls = await open_polls(real.standin, 1 + len(config.voters))
        real.polls = mirrored.polls = polls
        await measure([ours, floor], [real, mirrored], config)
    await count_votes(workdir / "bot" / "bot.db", ours.bursts)
    history, seeded = await measure_history(workdir, config) if config.history_votes > 0 else ([], 0.0)
    charts = measure_charts(config.chart_runs) if config.chart_runs > 0 else []
    scale = await measure_scale(workdir / "scale", config.servers) if config.servers else []
    return Report(
        ours,
        floor,
        config,
        round(time.perf_counter() - began, 1),
        signature(ours.commands) == signature(floor.commands),
        charts,
        history=history,
        history_seed_s=seeded,
        scale=scale,
    )


async def seed_history(database: Path, guild_id: int, channel_id: int, votes: int) -> float:
    """``votes`` votes in one server, over ``HISTORY_POLLS`` closed polls on every curated theory, written in bulk
    through the store (its triggers keep the counts, closing keeps the standings); the seconds it took."""
    began = time.perf_counter()
    store = await Store.open(database)
    try:
        theories = [(t.id, t.title, t.spoiler) for t in load_facts(DEFAULT_FACTS).data.theories][:10]
        per_poll = -(-votes // HISTORY_POLLS)
        now = datetime.now(UTC)
        for n in range(HISTORY_POLLS):
            count = min(per_poll, votes - n * per_poll)
            poll = await store.create_poll(
                guild_id,
                channel_id,
                1,
                hidden=False,
                created_at=now,
                closes_at=now + timedelta(hours=1),
                options=theories,
            )
            # a lopsided but changing result, so standings have wins and ties to weigh
            ballots = ((user, (user * (n + 3)) % 7 % len(theories) + 1) for user in range(1, count + 1))
            await store.import_votes(poll.id, ballots, now)
            await store.close_poll(poll.id, now)
    finally:
        await store.close()
    return time.perf_counter() - began


async def measure_history(workdir: Path, config: Config) -> tuple[list[tuple[Latency, Latency]], float]:
    """The answers read from a server's history, side by side: our bot on an empty database and on one holding
    ``history_votes`` votes in the demo server (same bot, same stand-in set-up, taking turns)."""
    world = World.demo(fixed_ids())
    seeded = workdir / "history"
    seeded.mkdir(parents=True, exist_ok=True)
    seconds = await seed_history(
        seeded / "bot.db", world.guild.id, world.guild.channel_named("general").id, config.history_votes
    )
    small = replace(config, voters=(1,))
    empty_run, history_run = BotRun("empty"), BotRun("history")
    async with AsyncExitStack() as stack:
        empty = await stack.enter_async_context(started(empty_run, "bot", workdir / "empty", small))
        full = await stack.enter_async_context(started(history_run, "bot", seeded, small))
        pairs = []
        for probe in HISTORY_PROBES:
            a, b = await latency(probe, [empty, full], runs=config.runs, warmup=config.warmup)
            pairs.append((a, b))
    return pairs, round(seconds, 1)
