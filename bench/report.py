"""The results, three ways: a markdown table (printed and saved), a PNG chart and a JSON file, checked against
the targets of issue 8."""

from __future__ import annotations

import json
import os
import platform
from collections.abc import Callable, Sequence
from dataclasses import asdict
from datetime import UTC, datetime
from importlib.metadata import version
from pathlib import Path
from typing import Any

from .charts import markdown as charts_markdown
from .measure import Latency, Start
from .run import HISTORY_POLLS, NOT_AVAILABLE, BotRun, Report
from .scale import as_json as scale_json
from .scale import markdown as scale_markdown

P50_RATIO_MAX = 1.3
P99_MAX_MS = 25.0
VOTERS_TARGET = 1000
COLD_START_MAX_MS = 2000.0
MEMORY_MAX_MB = 80.0
CPU_PER_VOTE_MAX = 1.3  # issue 15: our CPU per vote click against the no-op bot's
THROUGHPUT_MIN = 0.9  # issue 15: simultaneous voters, our votes/s against the no-op bot's
HISTORY_RATIO_MAX = 1.5  # issue 15: /theory results|list|show p50 with the history against an empty database


def ratio(ours: Latency, floor: Latency) -> float | None:
    if ours.p50_ms is None or not floor.p50_ms:
        return None
    return round(ours.p50_ms / floor.p50_ms, 2)


def number(value: float | None, unit: str = "", digits: int = 2) -> str:
    return NOT_AVAILABLE if value is None else f"{value:.{digits}f}{unit}"


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header), *("| " + " | ".join(r) + " |" for r in rows)]


def latency_table(report: Report) -> list[str]:
    rows = []
    for ours, floor in zip(report.ours.latency, report.floor.latency, strict=True):
        if not ours.available:
            rows.append([ours.label, NOT_AVAILABLE, *["–"] * 6])
            continue
        rows.append(
            [
                ours.label,
                number(ours.p50_ms),
                number(ours.p99_ms),
                number(ours.cpu_ms),
                number(floor.p50_ms),
                number(floor.p99_ms),
                number(floor.cpu_ms),
                number(ratio(ours, floor), "x"),
            ]
        )
    header = ["Interaction", "p50 ms", "p99 ms", "CPU ms", "no-op p50", "no-op p99", "no-op CPU", "p50 ratio"]
    return table(header, rows)


def burst_table(report: Report) -> list[str]:
    rows = []
    for ours, floor in zip(report.ours.bursts, report.floor.bursts, strict=True):
        stored = sum((ours.counted or {}).values())
        if ours.count_ok or ours.counted is None:
            check = "every vote counted" if ours.count_ok else "not checked"
        elif ours.nothing_lost:
            check = f"every acknowledged vote counted; {stored - ours.acknowledged:,} more stored, answered too late"
        else:
            check = "MISMATCH"
        rows.append(
            [
                f"{ours.voters:,}",
                f"{ours.votes_per_s:.0f}",
                f"{ours.seconds:.2f}",
                f"{ours.acknowledged:,}",
                f"{sum((ours.counted or {}).values()):,}",
                check,
                f"{floor.votes_per_s:.0f}",
            ]
        )
    if not rows:
        return [f"Votes: {NOT_AVAILABLE} (the bot has no /theory poll yet)."]
    header = ["Voters at once", "votes/s", "seconds", "acknowledged in 3 s", "counted", "count check", "no-op votes/s"]
    return table(header, rows)


def history_section(report: Report) -> list[str]:
    """The answers read from a server's history: our bot on an empty database and on one with its votes."""
    if not report.history:
        return []
    rows = [
        [
            empty.label,
            number(empty.p50_ms, " ms"),
            number(full.p50_ms, " ms"),
            number(full.p99_ms, " ms"),
            f"{ratio(full, empty) or 0:.2f}x",
        ]
        for empty, full in report.history
    ]
    return [
        f"## History: {report.config.history_votes:,} votes in one server",
        "",
        f"Our bot twice, side by side: on an empty database and on one holding {report.config.history_votes:,} votes "
        f"in the demo server over {HISTORY_POLLS} closed polls (written in bulk through the store in "
        f"{report.history_seed_s:g} s). Ratio = p50 with the history / p50 on the empty database.",
        "",
        *table(["", "empty p50", "with history p50", "with history p99", "ratio"], rows),
        "",
    ]


def flood_table(report: Report) -> list[str]:
    """One member floods /ask while others use the bot: the others' latency, and what became of the flood."""
    ours, floor = report.ours.flood, report.floor.flood
    if ours is None or floor is None:
        return []
    c = report.config
    rows = []
    for run, flood in ((report.ours, ours), (report.floor, floor)):
        rows.append(
            [
                run.name,
                number(flood.others.p50_ms),
                number(flood.others.p99_ms),
                number(ratio(flood.others, floor.others), "x"),
                str(flood.others_unanswered),
                f"{flood.flood_answered} / {flood.flood_refused} / {flood.flood_unanswered}",
            ]
        )
    return [
        "## One member floods while others use the bot",
        "",
        f"One member sends {c.flood} /ask at once while {c.flood_readers} other members each run {c.flood_rounds} "
        "rounds of /film then /ask, one at a time; the stand-in enforces Discord's 3 s deadline. Others' p50/p99: "
        "dispatch to callback of their answered interactions; ratio: our p50 / the no-op bot's. Flood: answered / "
        "refused (still answering that member's earlier questions) / never answered (expired).",
        "",
        *table(["Bot", "others p50 ms", "others p99 ms", "p50 ratio", "others unanswered", "flood"], rows),
        "",
    ]


def cpu_per_vote(report: Report) -> tuple[float, float] | None:
    """CPU per vote click (ours, no-op), from the latency runs."""
    ours = next((o for o in report.ours.latency if o.label == "vote click" and o.available), None)
    floor = next((f for f in report.floor.latency if f.label == "vote click" and f.available), None)
    if ours is None or floor is None or ours.cpu_ms is None or floor.cpu_ms is None:
        return None
    return ours.cpu_ms, floor.cpu_ms


def scale_targets(report: Report) -> list[Target]:
    """Issue 15's targets: CPU per vote, throughput of simultaneous voters, answers flat in the history."""
    found: list[Target] = []
    cpu = cpu_per_vote(report)
    if cpu is not None:
        found.append(
            (
                f"CPU per vote within {CPU_PER_VOTE_MAX}x of the no-op bot's",
                cpu[0] <= CPU_PER_VOTE_MAX * cpu[1],
                f"{cpu[0]:.2f} ms against {cpu[1]:.2f} ms ({cpu[0] / cpu[1]:.2f}x)",
            )
        )
    for ours, floor in zip(report.ours.bursts, report.floor.bursts, strict=True):
        share = ours.votes_per_s / floor.votes_per_s if floor.votes_per_s else 0.0
        found.append(
            (
                f"{ours.voters:,} simultaneous voters: at least {THROUGHPUT_MIN}x the no-op's votes/s, all counted",
                share >= THROUGHPUT_MIN and bool(ours.count_ok),
                f"{ours.votes_per_s:.0f} against {floor.votes_per_s:.0f} votes/s ({share:.2f}x); "
                f"{'every vote counted' if ours.count_ok else 'COUNT MISMATCH'}",
            )
        )
    for empty, full in report.history:
        flat = ratio(full, empty)
        found.append(
            (
                f"{empty.label} p50 with {report.config.history_votes:,} votes within {HISTORY_RATIO_MAX}x of empty",
                flat is not None and flat <= HISTORY_RATIO_MAX,
                f"{number(full.p50_ms, ' ms')} against {number(empty.p50_ms, ' ms')} ({flat}x)",
            )
        )
    return found


def start_table(report: Report) -> list[str]:
    runs = [
        ("ours, empty database", report.ours.starts[0]),
        ("ours, second start", report.ours.starts[1]),
        ("no-op, first start", report.floor.starts[0]),
        ("no-op, second start", report.floor.starts[1]),
    ]
    fields: list[tuple[str, Callable[[Start], str]]] = [
        ("gateway READY + GUILD_CREATE sent", lambda s: number(s.ready_ms, digits=0)),
        ("commands synced (PUT)", lambda s: "no sync needed" if s.synced_ms is None else number(s.synced_ms, digits=0)),
        ("first /film answered (ready)", lambda s: number(s.first_answer_ms, digits=0)),
        ("discord.py on_ready", lambda s: number(s.on_ready_ms, digits=0)),
        ("memory (VmRSS) MiB", lambda s: number(s.rss_mb, digits=1)),
    ]
    rows = [[name, *(show(s) for _, s in runs)] for name, show in fields]
    return table(["ms from spawning the process", *(label for label, _ in runs)], rows)


def memory_table(report: Report) -> list[str]:
    rows = [
        [run.name, f"{run.rss_after_start_mb:.1f}", f"{run.rss_after_load_mb:.1f}", f"{run.rss_peak_mb:.1f}"]
        for run in (report.ours, report.floor)
    ]
    return table(["Resident memory (MiB)", "after start", "after the load (VmRSS)", "peak (VmHWM)"], rows)


Target = tuple[str, bool | None, str]  # what, met (None: nothing to measure yet), what was measured


def latency_targets(report: Report) -> list[Target]:
    pairs = [(o, f) for o, f in zip(report.ours.latency, report.floor.latency, strict=True) if o.available]
    missing = [o.label for o in report.ours.latency if not o.available]
    unmeasured = f"; not available: {', '.join(missing)}" if missing else ""
    if not pairs:
        return [("latency", None, NOT_AVAILABLE)]
    ratios = [(ratio(o, f) or 0.0, o.label) for o, f in pairs]
    p99s = [(o.p99_ms or 0.0, o.label) for o, _ in pairs]
    worst_ratio, worst_p99 = max(ratios), max(p99s)
    return [
        (
            f"p50 within {P50_RATIO_MAX}x of the no-op bot's",
            worst_ratio[0] <= P50_RATIO_MAX,
            f"worst {worst_ratio[0]:.2f}x ({worst_ratio[1]}){unmeasured}",
        ),
        (
            f"p99 under {P99_MAX_MS:g} ms for every command",
            worst_p99[0] < P99_MAX_MS,
            f"worst {worst_p99[0]:.2f} ms ({worst_p99[1]}){unmeasured}",
        ),
    ]


def targets(report: Report) -> list[Target]:
    big = next((b for b in report.ours.bursts if b.voters >= VOTERS_TARGET), None)
    votes: Target = (f"{VOTERS_TARGET:,} concurrent votes, zero lost", None, NOT_AVAILABLE)
    if big is not None:
        counted = sum((big.counted or {}).values())
        votes = (
            votes[0],
            bool(big.nothing_lost),
            f"{big.acknowledged:,} acknowledged in 3 s, {counted:,} counted, {big.votes_per_s:.0f} votes/s",
        )
    cold = report.ours.starts[0]
    rss = max(report.ours.rss_after_start_mb, report.ours.rss_after_load_mb)
    return [
        *latency_targets(report),
        *scale_targets(report),
        votes,
        (
            f"cold start under {COLD_START_MAX_MS / 1000:g} s",
            cold.first_answer_ms < COLD_START_MAX_MS,
            f"first answer at {cold.first_answer_ms:.0f} ms (empty database); "
            f"on_ready at {number(cold.on_ready_ms, digits=0)} ms",
        ),
        (
            f"memory under {MEMORY_MAX_MB:g} MB",
            rss * 2**20 < MEMORY_MAX_MB * 1e6,
            f"{rss:.1f} MiB = {rss * 2**20 / 1e6:.1f} MB VmRSS after the load (no-op bot: "
            f"{report.floor.rss_after_load_mb:.1f} MiB); peak {report.ours.rss_peak_mb:.1f} MiB",
        ),
    ]


def markdown(report: Report) -> str:
    c = report.config
    lines = [
        "## Latency: gateway dispatch to interaction callback",
        "",
        f"{c.runs} runs per interaction and bot, one at a time, the two bots taking turns, after {c.warmup} warm-up "
        "runs. CPU = the bot process's CPU time per interaction. Ratio = our p50 / the no-op bot's p50. Our bot's "
        f"server state: {'PostgreSQL (a new database on the server given)' if c.postgres else 'SQLite'}.",
        "",
        *latency_table(report),
        "",
        "## Throughput: members voting at once on one poll",
        "",
        "Votes per second from the first press sent to the last answer received; counted = read back from the bot's "
        "database after it stopped. The stand-in, which sends every press, shares the same cores: the no-op bot's "
        "figure is the most this set-up can measure.",
        "",
        *burst_table(report),
        "",
        *history_section(report),
        *flood_table(report),
        "## Start-up",
        "",
        *start_table(report),
        "",
        *memory_table(report),
        "",
        *chart_section(report),
        *scale_section(report),
        "## Targets",
        "",
        *table(
            ["Target", "Met", "Measured"],
            [
                [name, {True: "yes", False: "**no**", None: NOT_AVAILABLE}[met], detail]
                for name, met, detail in targets(report)
            ],
        ),
        "",
        f"{machine()}; the whole run took {report.seconds:g} s."
        + ("" if report.mirror_matches else " WARNING: the no-op bot's commands do not match the real bot's."),
    ]
    if c.profile_dir is not None:
        lines.append("Profiled run: the second start of each bot ran under pyinstrument, so its timings are inflated.")
    return "\n".join(lines) + "\n"


def scale_section(report: Report) -> list[str]:
    """Start-up and memory by number of servers (bench/scale.py), the bots sharded as Discord recommends."""
    if not report.scale:
        return []
    return [
        "## Scale: start-up and memory by number of servers",
        "",
        "A stand-in per size and bot, sharded as it recommends (one shard per 1,000 servers), 16 IDENTIFYs at once; "
        "the second start on the bot's own database. First answer: spawn to the first /film answered in the demo "
        "server; on_ready: every shard's servers received; memory: VmRSS then.",
        "",
        scale_markdown(report.scale),
        "",
    ]


def chart_section(report: Report) -> list[str]:
    """Drawing the poll pictures (no bot, no stand-in): the time a closing poll or /theory results waits for one."""
    if not report.charts:
        return []
    return [
        "## Poll pictures: drawing a results or standings chart",
        "",
        f"Each chart drawn {report.charts[0].runs} times in the benchmark's own process after a few warm-up draws; "
        "the bot draws in a worker thread (asyncio.to_thread), so this is how long an answer waits for its picture, "
        "not time the event loop is blocked.",
        "",
        charts_markdown(report.charts),
        "",
    ]


def machine() -> str:
    return (
        f"{os.cpu_count()} CPUs, Python {platform.python_version()}, discord.py {version('discord.py')}, "
        f"{datetime.now(UTC):%Y-%m-%d}"
    )


def as_json(report: Report) -> dict[str, Any]:
    def bot(run: BotRun) -> dict[str, Any]:
        data = asdict(run)
        data.pop("commands")
        for burst, original in zip(data["bursts"], run.bursts, strict=True):
            burst["count_ok"] = original.count_ok
            burst["nothing_lost"] = original.nothing_lost
        return data

    return {
        "machine": machine(),
        "backend": "postgresql" if report.config.postgres else "sqlite",
        "config": {"runs": report.config.runs, "warmup": report.config.warmup, "voters": list(report.config.voters)},
        "seconds": report.seconds,
        "mirror_matches": report.mirror_matches,
        "ours": bot(report.ours),
        "noop": bot(report.floor),
        "charts": [asdict(timing) for timing in report.charts],
        "history": [{"empty": asdict(e), "with_history": asdict(h)} for e, h in report.history],
        "history_seed_s": report.history_seed_s,
        "scale": scale_json(report.scale),
        "targets": [{"target": t, "met": met, "measured": m} for t, met, m in targets(report)],
    }


def chart(report: Report, path: Path) -> None:
    """p50 and p99 per interaction for both bots, with the p99 target as a line."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    pairs = [(o, f) for o, f in zip(report.ours.latency, report.floor.latency, strict=True) if o.available]
    labels = [o.label for o, _ in pairs]
    series = [
        ("strangers-bot p50", [o.p50_ms or 0 for o, _ in pairs], "#c8553d"),
        ("strangers-bot p99", [o.p99_ms or 0 for o, _ in pairs], "#f28f3b"),
        ("no-op p50", [f.p50_ms or 0 for _, f in pairs], "#2d3047"),
        ("no-op p99", [f.p99_ms or 0 for _, f in pairs], "#93b7be"),
    ]
    width = 0.2
    fig, ax = plt.subplots(figsize=(min(11.0, max(6.0, 1.2 * len(labels) + 2)), 4.5), layout="constrained")
    for i, (name, values, colour) in enumerate(series):
        ax.bar([x + (i - 1.5) * width for x in range(len(labels))], values, width, label=name, color=colour)
    ax.axhline(P99_MAX_MS, color="#888888", linestyle="--", linewidth=1, label=f"p99 target ({P99_MAX_MS:g} ms)")
    ax.set_xticks(range(len(labels)), labels, rotation=20, ha="right")
    ax.set_ylabel("dispatch to callback (ms)")
    ax.set_title("Interaction latency: strangers-bot vs a no-op discord.py bot")
    ax.legend(fontsize="small")
    fig.savefig(path, dpi=120)
    plt.close(fig)


def write(report: Report, out: Path) -> str:
    out.mkdir(parents=True, exist_ok=True)
    text = markdown(report)
    (out / "results.md").write_text(text, encoding="utf-8")
    (out / "results.json").write_text(json.dumps(as_json(report), indent=2) + "\n", encoding="utf-8")
    chart(report, out / "results.png")
    return text
