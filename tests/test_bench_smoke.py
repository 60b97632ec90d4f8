"""The benchmark's measurements work end to end at a tiny size: the real bot and the no-op floor in child processes.

Only the structure of the results is checked (never a timing): the full run is ``python -m bench``.
"""

from __future__ import annotations

from pathlib import Path

from bench.measure import Latency, Probe, Start, latency, start
from bench.report import as_json, markdown
from bench.run import BotRun, Config, Report, child_env, signature
from bot.standin import StandIn, World
from bot.standin.world import fixed_ids

PROBES = (
    Probe("/film", "slash", "film"),
    Probe("/quote", "slash", "quote"),
    Probe("autocomplete /quote topic", "autocomplete", "quote", focused="topic", typed="par"),
    Probe("/no-such-command", "slash", "no-such-command"),
)
CONFIG = Config(runs=5, warmup=1, voters=(), probes=PROBES)


async def measure_once(name: str, target: str, workdir: Path, mirror_of: BotRun | None = None) -> BotRun:
    """One start (not two, to stay quick), the probes, a clean stop."""
    env, _ = child_env(target, workdir, CONFIG, mirror_of)
    async with StandIn(World.demo(fixed_ids())) as standin:
        child, started = await start(standin, target, workdir, "first start", env)
        try:
            members = [standin.world.member]
            rows = [await latency(standin, child, p, members, runs=5, warmup=1) for p in PROBES]
            rss = round(child.rss_mb(), 1)
        except BaseException:
            await child.kill()
            raise
        assert await child.stop() == 0
        assert standin.problems == []
        return BotRun(name, [started, started], rows, [], rss, rss, list(standin.global_commands), [])


def check_start(s: Start) -> None:
    assert s.synced_ms is not None and 0 < s.synced_ms <= s.ready_ms  # commands are synced before the gateway
    assert s.ready_ms <= s.first_answer_ms
    assert s.on_ready_ms is not None and s.on_ready_ms > 0
    assert s.rss_mb > 0


def check_rows(rows: list[Latency]) -> None:
    assert [r.label for r in rows] == [p.label for p in PROBES]
    *measured, missing = rows
    for row in measured:
        assert row.available and row.runs == 5
        assert row.p50_ms is not None and row.p99_ms is not None and row.cpu_ms is not None
        assert 0 < row.p50_ms <= row.p99_ms
        assert row.cpu_ms >= 0
    assert measured[-1].callback_types == [8] and measured[0].callback_types == [4]
    assert not missing.available and missing.p50_ms is None  # "not available", not a crash


async def test_bench_measures_both_bots_and_reports(tmp_path: Path) -> None:
    ours = await measure_once("strangers-bot", "bot", tmp_path / "bot")
    floor = await measure_once("no-op bot", "noop", tmp_path / "noop", mirror_of=ours)
    for run in (ours, floor):
        check_start(run.starts[0])
        check_rows(run.latency)
    assert signature(floor.commands) == signature(ours.commands)  # the floor has the real bot's commands

    report = Report(ours, floor, CONFIG, seconds=1.0, mirror_matches=True)
    text = markdown(report)
    assert "| /film |" in text and "| /no-such-command | not available |" in text
    data = as_json(report)
    assert data["ours"]["latency"][0]["p50_ms"] > 0 and data["noop"]["starts"][0]["rss_mb"] > 0
    met = {t["target"]: t["met"] for t in data["targets"]}
    assert met["1,000 concurrent votes, zero lost"] is None  # no poll measured at this size
