"""Start-up and memory as the bot is in more servers: 1, 1,000 and 10,000 by default, sharded as Discord recommends.

``python -m bench.scale [--servers 1 1000 10000]`` runs only this; ``python -m bench`` runs it too (``--servers``).
For each size, a stand-in holding that many servers (the demo server and small ones of one channel each, their ids
spread over the shards as real servers' are), allowing 16 IDENTIFYs at once (a large bot's ``max_concurrency``); each
bot is started twice on its own database, the second start measured: from spawning the process to the first `/film`
answered in the demo server, and to discord.py's ``on_ready`` (every shard's servers received), with the resident
memory then. The two bots take turns, the real bot first in every other round, so the machine weighs on both alike;
with ``--repeats N`` each size is measured N times and each figure is the median (a single start moves by 30-60 % on
a shared machine).

Both bots run from compiled bytecode, as an installed package does (``pip install .`` compiles it; discord.py's own
modules always have theirs): the project's modules are compiled once before measuring, since an editable install
under ``PYTHONDONTWRITEBYTECODE=1`` would otherwise recompile all of them at every start (about 0.25 s here).
"""

from __future__ import annotations

import argparse
import asyncio
import compileall
import json
import logging
import statistics
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from standin import StandIn, World
from standin.world import fixed_ids

from .measure import Start, start, stop

SERVERS = (1, 1_000, 10_000)
REPEATS = 3
MAX_CONCURRENCY = 16
PROJECT = Path(__file__).resolve().parent.parent
PACKAGES = ("bot", "cogs", "bench", "standin")
TARGET = 1.2  # issue 15: first answer and memory within 1.2x of the no-op bot's


@dataclass
class ScaleRow:
    servers: int
    shards: int
    ours: Start
    floor: Start

    @property
    def answer_ratio(self) -> float:
        return round(self.ours.first_answer_ms / self.floor.first_answer_ms, 2)

    @property
    def memory_ratio(self) -> float:
        return round(self.ours.rss_mb / self.floor.rss_mb, 2)


def world_of(servers: int) -> World:
    world = World.demo(fixed_ids())
    world.add_guilds(servers - 1)
    return world


async def measured_start(target: str, servers: int, workdir: Path, env: dict[str, str]) -> tuple[Start, int, Any]:
    """Start ``target`` twice against a stand-in of ``servers`` servers; the second start, the shards it ran, and the
    commands it registered."""
    async with StandIn(world_of(servers)) as standin:
        standin.max_concurrency = MAX_CONCURRENCY
        child, _ = await start(standin, target, workdir, "first start", env)
        await stop(child)
        child, second = await start(standin, target, workdir, f"{servers} servers", env)
        await stop(child)
        if standin.problems:
            raise RuntimeError("the stand-in saw problems:\n" + "\n".join(standin.problems))
        shards = standin.shards_recommended
        return second, shards, list(standin.global_commands)


def compile_bytecode() -> None:
    """The project's modules compiled into their ``__pycache__`` folders, as ``pip install .`` leaves them."""
    for package in PACKAGES:
        compileall.compile_dir(PROJECT / package, quiet=1)


def median_start(starts: Sequence[Start]) -> Start:
    """Each figure the median of its runs (the label of the first)."""

    def mid(values: Sequence[float | None]) -> float | None:
        known = [v for v in values if v is not None]
        return statistics.median(known) if known else None

    first_answer = mid([s.first_answer_ms for s in starts])
    ready = mid([s.ready_ms for s in starts])
    rss = mid([s.rss_mb for s in starts])
    assert first_answer is not None and ready is not None and rss is not None
    return Start(
        starts[0].label,
        ready_ms=ready,
        synced_ms=mid([s.synced_ms for s in starts]),
        first_answer_ms=first_answer,
        on_ready_ms=mid([s.on_ready_ms for s in starts]),
        rss_mb=round(rss, 1),
    )


async def measure_scale(workdir: Path, servers: Sequence[int] = SERVERS, repeats: int = REPEATS) -> list[ScaleRow]:
    """One row per size, medians of ``repeats`` rounds; the no-op bot mirrors the commands the real bot registered."""
    compile_bytecode()
    rows = []
    commands: Any = None
    for count in servers:
        here = workdir / f"servers-{count}"
        results: dict[str, list[Start]] = {"bot": [], "noop": []}
        shards = 0
        for round_ in range(repeats):
            order = ("bot", "noop") if round_ % 2 == 0 or commands is None else ("noop", "bot")
            for target in order:
                env: dict[str, str] = {}
                folder = here / f"{target}-{round_}"  # each round a new stand-in, so a new database too
                folder.mkdir(parents=True, exist_ok=True)
                if target == "noop":
                    commands_file = folder / "commands.json"
                    commands_file.write_text(json.dumps(commands), encoding="utf-8")
                    env["BENCH_COMMANDS"] = str(commands_file)
                measured, shards, registered = await measured_start(target, count, folder, env)
                results[target].append(measured)
                if target == "bot":
                    commands = registered
        rows.append(ScaleRow(count, shards, median_start(results["bot"]), median_start(results["noop"])))
    return rows


def markdown(rows: Sequence[ScaleRow]) -> str:
    lines = [
        "| servers | shards | first answer | no-op | ratio | on_ready | no-op | memory | no-op | ratio |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r.servers:,} | {r.shards} | {r.ours.first_answer_ms:,.0f} ms | {r.floor.first_answer_ms:,.0f} ms | "
            f"{r.answer_ratio:.2f}x | {r.ours.on_ready_ms or 0:,.0f} ms | {r.floor.on_ready_ms or 0:,.0f} ms | "
            f"{r.ours.rss_mb:.1f} MiB | {r.floor.rss_mb:.1f} MiB | {r.memory_ratio:.2f}x |"
        )
    met = all(r.answer_ratio <= TARGET and r.memory_ratio <= TARGET for r in rows)
    lines.append("")
    lines.append(
        f"Target (first answer and memory within {TARGET}x of the no-op bot at every size): "
        + ("met." if met else "NOT met.")
    )
    return "\n".join(lines)


def as_json(rows: Sequence[ScaleRow]) -> list[dict[str, Any]]:
    return [asdict(r) | {"answer_ratio": r.answer_ratio, "memory_ratio": r.memory_ratio} for r in rows]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.scale", description=__doc__.splitlines()[0])
    parser.add_argument("--servers", type=int, nargs="+", default=list(SERVERS), help="sizes (default 1 1000 10000)")
    parser.add_argument("--repeats", type=int, default=REPEATS, help=f"rounds per size, medians (default {REPEATS})")
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    with tempfile.TemporaryDirectory(prefix="strangers-scale-") as workdir:
        rows = asyncio.run(measure_scale(Path(workdir), args.servers, args.repeats))
    print(markdown(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
