"""The benchmark's measurements work end to end at a tiny size: the real bot and the no-op floor in child processes.

Only the structure of the results is checked (never a timing): the full run is ``python -m bench``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from bench.charts import measure_all as measure_charts
from bench.measure import Latency, Probe, Start, Subject, latency, member_flood, start
from bench.report import as_json, markdown
from bench.run import BotRun, Commands, Config, Report, child_env, signature
from standin import StandIn, World
from standin.world import fixed_ids

PROBES = (
    Probe("/film", "slash", "film"),
    Probe("/quote", "slash", "quote"),
    Probe("autocomplete /quote topic", "autocomplete", "quote", focused="topic", typed="par"),
    Probe("/no-such-command", "slash", "no-such-command"),
)
CONFIG = Config(runs=5, warmup=1, voters=(), probes=PROBES)


@asynccontextmanager
async def running(run: BotRun, target: str, workdir: Path, commands: Commands | None = None) -> AsyncIterator[Subject]:
    """Like ``bench.run.started`` but with one start, not two, to stay quick."""
    env, _ = child_env(target, workdir, CONFIG, commands)
    async with StandIn(World.demo(fixed_ids())) as standin:
        child, first = await start(standin, target, workdir, "first start", env)
        run.starts = [first, first]
        try:
            yield Subject(standin, child, [standin.world.member])
            run.rss_after_start_mb = run.rss_after_load_mb = child.rss_mb()
        except BaseException:
            await child.kill()
            raise
        assert await child.stop() == 0
        assert standin.problems == []
        run.commands = list(standin.global_commands)


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
    assert measured[0].callback_types == [4] and measured[-1].callback_types == [8]
    assert not missing.available and missing.p50_ms is None  # "not available", not a crash


async def test_bench_measures_both_bots_side_by_side_and_reports(tmp_path: Path) -> None:
    ours, floor = BotRun("strangers-bot"), BotRun("no-op bot")
    async with running(ours, "bot", tmp_path / "bot") as real:
        commands = list(real.standin.global_commands)
        async with running(floor, "noop", tmp_path / "noop", commands) as mirrored:
            for probe in PROBES:
                mine, theirs = await latency(probe, [real, mirrored], runs=5, warmup=1)
                ours.latency.append(mine)
                floor.latency.append(theirs)
            for run, subject in ((ours, real), (floor, mirrored)):  # the same ids in both worlds
                subject.members = [subject.standin.world.add_member(f"m{i}") for i in range(3)]
                run.flood = await member_flood(subject, flood=12, readers=2, rounds=1)
    for run in (ours, floor):
        check_start(run.starts[0])
        check_rows(run.latency)
        assert run.rss_after_start_mb > 0
    assert signature(floor.commands) == signature(ours.commands)  # the floor has the real bot's commands

    for run in (ours, floor):
        flood = run.flood
        assert flood is not None and flood.others.available and flood.others.runs == 4
        assert flood.flood_answered + flood.flood_refused + flood.flood_unanswered == 12
    assert floor.flood is not None and floor.flood.flood_refused == 0  # the no-op bot refuses nothing
    assert ours.flood is not None and ours.flood.flood_refused > 0  # 12 at once: most wait on the member's own
    report = Report(ours, floor, CONFIG, seconds=1.0, mirror_matches=True, charts=measure_charts(2))
    text = markdown(report)
    assert "## One member floods while others use the bot" in text and "| strangers-bot |" in text
    assert "| /film |" in text and "| /no-such-command | not available |" in text
    assert "| results, 10 options | 2 |" in text and "| standings, 10 of 14 theories | 2 |" in text
    data = as_json(report)
    assert [c["label"] for c in data["charts"]] == [t.label for t in report.charts]
    assert all(0 < c["p50_ms"] <= c["p99_ms"] and c["png_bytes"] > 0 for c in data["charts"])
    assert data["ours"]["latency"][0]["p50_ms"] > 0 and data["noop"]["starts"][0]["rss_mb"] > 0
    met = {t["target"]: t["met"] for t in data["targets"]}
    assert met["1,000 concurrent votes, zero lost"] is None  # no poll measured at this size


async def test_scale_scenario_measures_both_bots_at_each_size(tmp_path: Path) -> None:
    from bench.scale import as_json as scale_json
    from bench.scale import markdown as scale_markdown
    from bench.scale import measure_scale

    rows = await measure_scale(tmp_path, [1, 3], repeats=2)
    assert [(r.servers, r.shards) for r in rows] == [(1, 1), (3, 1)]
    for row in rows:
        for s in (row.ours, row.floor):
            assert 0 < s.ready_ms <= s.first_answer_ms and s.rss_mb > 0
        assert row.answer_ratio > 0 and row.memory_ratio > 0
    text = scale_markdown(rows)
    assert "| 3 | 1 |" in text and "Target" in text
    assert [entry["servers"] for entry in scale_json(rows)] == [1, 3]
