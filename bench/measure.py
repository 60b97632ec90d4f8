"""The measurements: cold start, dispatch-to-callback latency per command, a burst of votes, resident memory.

Each takes a running ``StandIn`` (in this process) and a ``ChildProcess`` (the bot under test, in its own process) and
returns plain dataclasses; nothing here knows which of the two bots it is measuring. Latency is the stand-in's
``Reply.answered_at - Reply.sent_at``: from the INTERACTION_CREATE going out on the gateway to the interaction
callback POST coming in.
"""

from __future__ import annotations

import asyncio
import os
import re
import statistics
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from bot.limits import HEAVY_AT_ONCE
from bot.render.errors import still_answering
from standin import Reply, StandIn, User, message_buttons
from standin.process import ChildExited, ChildProcess, launch_command, launch_env

FIRST_CHOICE = object()  # an option value: the first choice the bot's own autocomplete offers for it
VOTE_BUTTON = re.compile(r"^poll:(?P<poll>\d+):(?P<position>\d+)$")
START_TIMEOUT = 60.0
ANSWER_TIMEOUT = 30.0


def ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


# -- what is available -------------------------------------------------------------------------------------------


def command_schema(standin: StandIn, command: str) -> dict[str, Any] | None:
    """The registered schema of ``command`` ("theory show" for a subcommand), or None if the bot has no such command."""
    path = command.split()
    try:
        schema = standin.find_command(path[0], standin.guild)
    except LookupError:
        return None
    for part in path[1:]:
        sub = next((o for o in schema.get("options") or [] if o["name"] == part and o["type"] in (1, 2)), None)
        if sub is None:
            return None
        schema = sub
    return schema


def option_schema(standin: StandIn, command: str, option: str) -> dict[str, Any] | None:
    schema = command_schema(standin, command)
    return next((o for o in (schema or {}).get("options") or [] if o["name"] == option), None)


# -- probes: one kind of interaction, repeated ----------------------------------------------------------------------


@dataclass(frozen=True)
class Probe:
    """One row of the latency table: a slash command, an autocomplete, or a button press."""

    label: str
    kind: Literal["slash", "autocomplete", "click"]
    command: str  # for a click: the command whose answer carries the button (it is run once to get it)
    options: Mapping[str, Any] = field(default_factory=dict)
    focused: str = ""  # autocomplete: the option being typed into
    typed: str = ""  # autocomplete: what the member has typed so far

    def available(self, standin: StandIn) -> bool:
        if self.kind == "autocomplete":
            option = option_schema(standin, self.command, self.focused)
            return bool(option and option.get("autocomplete"))
        schema = command_schema(standin, self.command)
        return schema is not None and all(option_schema(standin, self.command, name) for name in self.options)


async def first_choice(standin: StandIn, command: str, option: str) -> Any:
    schema = option_schema(standin, command, option) or {}
    if schema.get("choices"):
        return schema["choices"][0]["value"]
    choices = await standin.autocomplete(command, option, "")
    if not choices:
        raise LookupError(f"/{command} offers no choice for {option!r}: cannot pick a value to benchmark with")
    return choices[0]["value"]


async def resolve_options(standin: StandIn, probe: Probe) -> dict[str, Any]:
    """The probe's options with every FIRST_CHOICE replaced by what this bot offers."""
    return {
        name: await first_choice(standin, probe.command, name) if value is FIRST_CHOICE else value
        for name, value in probe.options.items()
    }


def latest_reply(standin: StandIn) -> Reply:
    return next(reversed(standin.replies.values()))


@dataclass
class Subject:
    """A bot under test, running: its stand-in, its process, who uses it, and the poll messages to vote on
    (the first for the latency of a click, then one per burst)."""

    standin: StandIn
    child: ChildProcess
    members: Sequence[User]
    polls: list[dict] = field(default_factory=list)


class Runner:
    """Runs one probe against one bot, again and again, each time as the next of its members."""

    def __init__(self, subject: Subject, probe: Probe) -> None:
        self.subject, self.probe = subject, probe
        self.options: dict[str, Any] = {}
        self.count = 0

    @property
    def available(self) -> bool:
        return self.probe.available(self.subject.standin) and (self.probe.kind != "click" or bool(self.subject.polls))

    async def prepare(self) -> None:
        self.options = await resolve_options(self.subject.standin, self.probe)

    async def once(self) -> Reply:
        return await self.subject.child.until(self._once(), ANSWER_TIMEOUT, f"an answer to {self.probe.label}")

    async def _once(self) -> Reply:
        standin, probe, members = self.subject.standin, self.probe, self.subject.members
        user = members[self.count % len(members)]
        self.count += 1
        if probe.kind == "slash":
            return await standin.slash(probe.command, user=user, timeout=ANSWER_TIMEOUT, **self.options)
        if probe.kind == "autocomplete":
            await standin.autocomplete(probe.command, probe.focused, probe.typed, user=user, timeout=ANSWER_TIMEOUT)
            return latest_reply(standin)
        message = self.subject.polls[0]
        return await standin.click(message, vote_buttons(message)[0], user=user, timeout=ANSWER_TIMEOUT)


@dataclass
class Latency:
    label: str
    available: bool
    runs: int = 0
    p50_ms: float | None = None
    p99_ms: float | None = None
    mean_ms: float | None = None
    max_ms: float | None = None
    cpu_ms: float | None = None  # the child's CPU time per interaction
    callback_types: list[int] = field(default_factory=list)


def dispatch_to_callback(reply: Reply) -> float:
    if reply.sent_at is None or reply.answered_at is None:
        raise RuntimeError(f"interaction {reply.interaction_id} has no timestamps")
    return reply.answered_at - reply.sent_at


def summarise(label: str, samples: Sequence[float], cpu_seconds: float, types: set[int]) -> Latency:
    ordered = sorted(samples)
    p99 = statistics.quantiles(ordered, n=100, method="inclusive")[98] if len(ordered) > 1 else ordered[0]
    return Latency(
        label,
        True,
        runs=len(ordered),
        p50_ms=ms(statistics.median(ordered)),
        p99_ms=ms(p99),
        mean_ms=ms(statistics.fmean(ordered)),
        max_ms=ms(ordered[-1]),
        cpu_ms=ms(cpu_seconds / len(ordered)),
        callback_types=sorted(types),
    )


async def latency(probe: Probe, subjects: Sequence[Subject], *, runs: int, warmup: int) -> list[Latency]:
    """``warmup`` unmeasured runs, then ``runs`` sequential ones per bot, the bots taking turns (in alternating
    order) so that whatever else the machine does weighs on each alike: p50/p99 of dispatch-to-callback, and the
    bot's CPU time per run."""
    runners = [Runner(s, probe) for s in subjects]
    active = [r for r in runners if r.available]
    for runner in active:
        await runner.prepare()
        for _ in range(warmup):
            await runner.once()
    samples: dict[Runner, list[float]] = {r: [] for r in active}
    types: dict[Runner, set[int]] = {r: set() for r in active}
    cpu_before = {r: r.subject.child.cpu_seconds() for r in active}
    for i in range(runs):
        for runner in active if i % 2 == 0 else reversed(active):
            reply = await runner.once()
            samples[runner].append(dispatch_to_callback(reply))
            types[runner].add(reply.callback_type or 0)
    return [
        summarise(probe.label, samples[r], r.subject.child.cpu_seconds() - cpu_before[r], types[r])
        if r in samples
        else Latency(probe.label, False)
        for r in runners
    ]


# -- start-up ------------------------------------------------------------------------------------------------------


@dataclass
class Start:
    label: str
    ready_ms: float  # READY and every GUILD_CREATE sent on the gateway
    synced_ms: float | None  # the commands PUT received (None: the bot found them unchanged and did not sync)
    first_answer_ms: float  # the first /film answered: ready in practice
    on_ready_ms: float | None  # discord.py's on_ready (it waits guild_ready_timeout after the last GUILD_CREATE)
    rss_mb: float


# The bots under test, by name: modules whose main() the stand-in's launcher runs.
TARGETS = {"bot": "bot.__main__", "noop": "bench.noop_bot"}
READY_LINE = "Ready as "  # what both bots log from on_ready
# Settings a developer's shell or .env could carry into the child: the benchmark sets its own.
OWN_PREFIXES = ("DISCORD_", "DATABASE_", "DEV_GUILD", "LOG_", "FACTS_", "BENCH_", "STANDIN_", "SHARD_")


async def spawn(
    target: str, standin: StandIn, workdir: Path, extra_env: Mapping[str, str] | None = None
) -> ChildProcess:
    """The bot ``target`` (``bot`` or ``noop``) in a child process in ``workdir``, aimed at ``standin``; with
    ``BENCH_PROFILE=<file>`` in ``extra_env``, its whole run profiled by pyinstrument into that file."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(OWN_PREFIXES)}
    env |= {"DISCORD_TOKEN": standin.token, "DATABASE_PATH": str(workdir / "bot.db"), "LOG_LEVEL": "INFO"}
    env |= dict(extra_env or {})
    profile = env.pop("BENCH_PROFILE", None)
    command = launch_command(TARGETS[target], profile=Path(profile) if profile else None)
    # cwd is not the project folder: a developer's .env there must not configure the bot under test.
    return await ChildProcess(command, env=launch_env(env, standin), cwd=workdir).start()


async def stop(child: ChildProcess) -> None:
    """SIGTERM, as a service manager would; the bot closes its gateway connection and its store, and exits 0."""
    code = await child.stop()
    if code != 0:
        raise ChildExited(f"the bot stopped with exit code {code}:\n{child.tail()}")


def _ready_at(standin: StandIn) -> float:
    """When the stand-in sent READY (set by its gateway while the child started)."""
    if standin.ready_at is None:
        raise AssertionError("the bot answered before the stand-in sent READY")
    return standin.ready_at


async def start(
    standin: StandIn,
    target: str,
    workdir: Path,
    label: str,
    extra_env: Mapping[str, str] | None = None,
    *,
    probe_command: str = "film",
) -> tuple[ChildProcess, Start]:
    """Spawn the bot and time its start: gateway ready, commands synced, first answer, on_ready."""
    standin.ready_at = standin.synced_at = None
    standin.connected.clear()
    child = await spawn(target, standin, workdir, extra_env)
    try:
        await child.until(standin.connected.wait(), START_TIMEOUT, "gateway connection")
        first = None
        deadline = time.perf_counter() + START_TIMEOUT
        while first is None:  # an interaction sent too early is not lost by Discord, but may go unanswered here
            try:
                first = await child.until(standin.slash(probe_command, timeout=1.0), 2.0, f"/{probe_command}")
            except (AssertionError, TimeoutError):  # unanswered, or its shard not connected yet
                if time.perf_counter() > deadline:
                    raise
        on_ready = await child.until(child.line_containing(READY_LINE), START_TIMEOUT, "on_ready")
    except BaseException:
        await child.kill()
        raise
    ready_at = _ready_at(standin)
    assert first.answered_at is not None
    t0 = child.started_at
    return child, Start(
        label,
        ready_ms=ms(ready_at - t0),
        synced_ms=ms(standin.synced_at - t0) if standin.synced_at else None,
        first_answer_ms=ms(first.answered_at - t0),
        on_ready_ms=ms(on_ready - t0),
        rss_mb=round(child.rss_mb(), 1),
    )


# -- many members voting at once -------------------------------------------------------------------------------


def vote_buttons(message: dict) -> list[str]:
    """The custom ids of a poll message's vote buttons, in order."""
    return [b["custom_id"] for b in message_buttons(message) if VOTE_BUTTON.match(b.get("custom_id", ""))]


def poll_id(message: dict) -> int:
    match = VOTE_BUTTON.match(vote_buttons(message)[0])
    assert match is not None
    return int(match["poll"])


@dataclass
class Burst:
    voters: int
    seconds: float
    votes_per_s: float
    acknowledged: int  # presses the bot answered
    expected: dict[int, int]  # vote button position -> presses on it
    poll_id: int | None = None
    counted: dict[int, int] | None = None  # read back from the bot's database after the run (None: not checked)

    @property
    def count_ok(self) -> bool | None:
        if self.counted is None:
            return None
        return self.acknowledged == self.voters and self.counted == self.expected

    @property
    def nothing_lost(self) -> bool | None:
        """Every acknowledged vote stored, and no option holding more votes than presses on it. Under Discord's 3 s
        deadline a press can be stored and its answer still arrive too late (the member saw it fail; pressing again
        keeps the vote), so with expired presses the stored votes lie between the acknowledged ones and the presses."""
        if self.counted is None:
            return None
        within = all(self.counted.get(p, 0) <= n for p, n in self.expected.items()) and set(self.counted) <= set(
            self.expected
        )
        return within and sum(self.counted.values()) >= self.acknowledged


async def vote_burst(subject: Subject, message: dict, voters: int) -> Burst:
    """The first ``voters`` members press a vote button of ``message`` at the same moment (member i presses
    button i mod the number of options)."""
    standin, child, members = subject.standin, subject.child, subject.members[:voters]
    if len(members) < voters:
        raise ValueError(f"only {len(members)} members to vote, not {voters}")
    buttons = vote_buttons(message)

    async def vote(index: int, user: User) -> Reply:
        return await standin.click(message, buttons[index % len(buttons)], user=user, timeout=120.0)

    replies = await child.until(
        asyncio.gather(*(vote(i, u) for i, u in enumerate(members)), return_exceptions=True),
        180.0,
        f"{voters} votes",
    )
    answered = [r for r in replies if isinstance(r, Reply) and r.answered_at is not None]
    sent = [r.sent_at for r in answered if r.sent_at is not None]
    seconds = max(r.answered_at for r in answered if r.answered_at) - min(sent) if answered else 0.0
    expected: dict[int, int] = {}
    for i in range(voters):
        position = int(VOTE_BUTTON.match(buttons[i % len(buttons)])["position"])  # type: ignore[index]
        expected[position] = expected.get(position, 0) + 1
    return Burst(
        voters=voters,
        seconds=round(seconds, 3),
        votes_per_s=round(len(answered) / seconds, 1) if seconds else 0.0,
        acknowledged=sum(1 for r in answered if r.complete),
        expected=expected,
        poll_id=poll_id(message),
    )


# -- one member floods while others use the bot ----------------------------------------------------------------------


@dataclass
class Flood:
    """One member sends ``flood`` /ask at once while ``readers`` other members each run ``rounds`` of /film then
    /ask, one at a time: the others' latency (dispatch to callback), and what became of the flood."""

    flood: int
    readers: int
    others: Latency
    others_unanswered: int  # the others' interactions never answered (Discord's 3 s passed, or no answer at all)
    flood_answered: int
    flood_refused: int  # answered with a refusal (the real bot's limit on heavy commands at once)
    flood_unanswered: int  # expired: not answered (the real bot does not answer an interaction Discord has forgotten)


FLOOD_QUESTION = "who plays harry"
BUSY = still_answering(HEAVY_AT_ONCE)  # the real bot's refusal while a member has enough in progress


async def member_flood(subject: Subject, *, flood: int, readers: int, rounds: int) -> Flood:
    """The flooder is the last of the subject's members, the readers the first ones."""
    standin, child = subject.standin, subject.child
    flooder, crowd = subject.members[-1], subject.members[:readers]

    async def ask(user: User, question: str) -> Reply | BaseException:
        try:
            return await standin.slash("ask", user=user, question=question, timeout=ANSWER_TIMEOUT)
        except AssertionError as exc:  # no answer at all within the timeout
            return exc

    async def reader(user: User) -> list[Reply | BaseException]:
        done: list[Reply | BaseException] = []
        for n in range(rounds):
            try:
                done.append(await standin.slash("film", user=user, timeout=ANSWER_TIMEOUT))
            except AssertionError as exc:
                done.append(exc)
            done.append(await ask(user, f"{FLOOD_QUESTION} {n}"))
        return done

    cpu_before = child.cpu_seconds()
    flooded = asyncio.gather(*(ask(flooder, f"{FLOOD_QUESTION} {n}") for n in range(flood)))
    read = await child.until(asyncio.gather(*(reader(u) for u in crowd)), 300.0, "the readers during a flood")
    floods = await child.until(flooded, 300.0, "the flood")
    cpu = child.cpu_seconds() - cpu_before
    replies = [r for rs in read for r in rs]
    answered = [r for r in replies if isinstance(r, Reply) and r.complete]
    samples = [dispatch_to_callback(r) for r in answered]
    types = {r.callback_type or 0 for r in answered}
    others = summarise("others during a flood", samples, cpu, types) if samples else Latency("others", False)
    done = [r for r in floods if isinstance(r, Reply) and r.complete]
    refused = sum(1 for r in done if r.text == BUSY)
    return Flood(
        flood=flood,
        readers=readers,
        others=others,
        others_unanswered=len(replies) - len(answered),
        flood_answered=len(done) - refused,
        flood_refused=refused,
        flood_unanswered=sum(1 for r in floods if not (isinstance(r, Reply) and r.complete)),
    )
