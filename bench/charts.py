"""How long a poll picture takes to draw and how big it is: ``python -m bench.charts [--runs N]``.

Drawing is pure CPU in this process (no stand-in, no bot): each chart is drawn ``--runs`` times after a few warm-up
draws, and p50/p99 of the wall time per draw are reported with the PNG's size. The bot draws off the event loop
(``asyncio.to_thread``), so this is the time a closing poll waits for its picture, not time the loop is blocked.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

from bot.render.charts import MAX_BARS, Bar, StandingBar, results_chart, standings_chart

WARMUP = 5
CAPTION = "Poll #128 · opened 3 Nov 2026 · closed 4 Nov 2026"
# Titles of a typical length (40-60 characters), not real theories: the time goes on the text's width, not its meaning.
TITLES = tuple(f"Benchmark theory {i}: a title of a fairly typical length" for i in range(1, MAX_BARS + 1))


@dataclass(frozen=True, slots=True)
class ChartTiming:
    label: str
    runs: int
    p50_ms: float
    p99_ms: float
    png_bytes: int


def results_bars(count: int) -> list[Bar]:
    """A poll of ``count`` theories with long-ish titles, two of them tied for first."""
    votes = [17, 17, *range(count - 2, 0, -1)][:count]
    return [Bar(TITLES[i], votes[i], winner=votes[i] == 17) for i in range(count)]


def standing_rows(count: int) -> list[StandingBar]:
    return [StandingBar(i + 1, TITLES[i % len(TITLES)], 90 - 7 * i, max(0, 4 - i), 6) for i in range(count)]


def measure(label: str, draw: Callable[[], bytes], runs: int) -> ChartTiming:
    for _ in range(WARMUP):
        png = draw()
    times: list[float] = []
    for _ in range(runs):
        started = time.perf_counter()
        png = draw()
        times.append(time.perf_counter() - started)
    times.sort()
    p99 = statistics.quantiles(times, n=100, method="inclusive")[98] if len(times) > 1 else times[0]
    return ChartTiming(label, runs, round(statistics.median(times) * 1000, 2), round(p99 * 1000, 2), len(png))


def measure_all(runs: int) -> list[ChartTiming]:
    title = "Theory poll #128: final results"
    timings = []
    for count in (2, 5, MAX_BARS):
        bars = results_bars(count)
        timings.append(
            measure(f"results, {count} options", partial(results_chart, bars, title=title, caption=CAPTION), runs)
        )
    rows = standing_rows(14)
    timings.append(
        measure(
            "standings, 10 of 14 theories",
            lambda: standings_chart(rows, title="All-time standings", caption="14 closed polls since 1 Nov 2026"),
            runs,
        )
    )
    return timings


def markdown(timings: list[ChartTiming]) -> str:
    lines = ["| Chart | runs | p50 ms | p99 ms | PNG bytes |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {t.label} | {t.runs} | {t.p50_ms:.2f} | {t.p99_ms:.2f} | {t.png_bytes:,} |" for t in timings]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--runs", type=int, default=200, help="draws per chart after the warm-up (default 200)")
    args = parser.parse_args()
    print(markdown(measure_all(max(1, args.runs))))


if __name__ == "__main__":
    main()
