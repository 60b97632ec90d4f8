"""Start-up and memory as the bot is in more servers: 1, 1,000 and 10,000 by default, sharded as Discord recommends.

``python -m bench.scale [--servers 1 1000 10000]`` runs only this; ``python -m bench`` runs it too (``--servers``).
For each size, a stand-in holding that many servers (the demo server and small ones of one channel each, their ids
spread over the shards as real servers' are), allowing 16 IDENTIFYs at once (a large bot's ``max_concurrency``); each
bot is started twice on its own database, the second start measured: from spawning the process to the first `/film`
answered in the demo server, and to discord.py's ``on_ready`` (every shard's servers received), with the resident
memory then. The two bots take turns at each size, the real bot first at odd sizes, so the machine weighs on both alike.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
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
MAX_CONCURRENCY = 16
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


async def measure_scale(workdir: Path, servers: Sequence[int] = SERVERS) -> list[ScaleRow]:
    """One row per size; the no-op bot mirrors the commands the real bot registered."""
    rows = []
    commands: Any = None
    for index, count in enumerate(servers):
        here = workdir / f"servers-{count}"
        results: dict[str, Start] = {}
        shards = 0
        order = ("bot", "noop") if index % 2 == 0 or commands is None else ("noop", "bot")
        for target in order:
            env: dict[str, str] = {}
            if target == "noop":
                (here / "noop").mkdir(parents=True, exist_ok=True)
                commands_file = here / "noop" / "commands.json"
                commands_file.write_text(json.dumps(commands), encoding="utf-8")
                env["BENCH_COMMANDS"] = str(commands_file)
            (here / target).mkdir(parents=True, exist_ok=True)
            results[target], shards, registered = await measured_start(target, count, here / target, env)
            if target == "bot":
                commands = registered
        rows.append(ScaleRow(count, shards, results["bot"], results["noop"]))
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
    args = parser.parse_args(sys.argv[1:] if argv is None else argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    with tempfile.TemporaryDirectory(prefix="strangers-scale-") as workdir:
        rows = asyncio.run(measure_scale(Path(workdir), args.servers))
    print(markdown(rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
