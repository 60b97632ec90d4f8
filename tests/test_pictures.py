"""Poll pictures under a channel's spoiler policy: what is drawn, how the file is named, what the alt text says."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from bot.models import OPEN, Level, Policy, Style
from bot.render.charts import MAX_BARS
from bot.render.pictures import (
    ChartTheory,
    ResultBar,
    ResultsChart,
    StandingRow,
    StandingsChart,
    draw,
    labels,
    spoiler_free_title,
)

SAFE = ChartTheory(1, "It was all Adam's screenplay", Level.NONE)
ENDING = ChartTheory(2, "The ghosts are real", Level.ENDING)
PLOT = ChartTheory(3, "Longing drives the visits", Level.PLOT)
RESULTS = ResultsChart(
    7,
    "Theory poll #7: final results",
    "Poll #7 · opened 3 Nov 2026 · closed 4 Nov 2026 (UTC)",
    (ResultBar(SAFE, 3, winner=True), ResultBar(ENDING, 1), ResultBar(PLOT, 0)),
)
NONE_WRAP, NONE_PRIVATE = Policy(Level.NONE, Style.WRAP), Policy(Level.NONE, Style.PRIVATE)


def decode(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.format == "PNG"
    return image


def test_the_spoiler_free_form_names_the_number_and_level() -> None:
    assert spoiler_free_title(5, Level.ENDING) == "Theory 5 (ending)"


def test_a_channel_that_shows_every_title_gets_them_drawn_and_read() -> None:
    picture = draw(RESULTS, OPEN)
    assert picture.filename == "poll-7-results.png" and not picture.spoiler
    assert "The ghosts are real" in picture.description and "Theory 2" not in picture.description
    assert decode(picture.png).width == 800


def test_wrap_blurs_the_file_and_keeps_the_titles_out_of_the_alt_text() -> None:
    picture = draw(RESULTS, NONE_WRAP)
    assert picture.filename == "SPOILER_poll-7-results.png" and picture.spoiler
    assert labels([b.theory for b in RESULTS.bars], NONE_WRAP).drawn[1] == "The ghosts are real"
    text = picture.description
    assert "The ghosts are real" not in text and "Longing" not in text
    assert "2. Theory 2 (ending): 1 vote" in text and "3. Theory 3 (plot)" in text
    assert "1. It was all Adam's screenplay: 3 votes, 75%, the winner." in text


def test_private_draws_the_spoiler_free_forms_in_a_plain_file() -> None:
    picture = draw(RESULTS, NONE_PRIVATE)
    assert picture.filename == "poll-7-results.png"
    assert labels([b.theory for b in RESULTS.bars], NONE_PRIVATE).drawn == [
        "It was all Adam's screenplay",
        "Theory 2 (ending)",
        "Theory 3 (plot)",
    ]
    assert "The ghosts are real" not in picture.description
    assert picture.png != draw(RESULTS, OPEN).png  # other labels, another picture


@pytest.mark.parametrize("style", list(Style))
def test_only_titles_above_the_level_are_replaced(style: Style) -> None:
    named = labels([b.theory for b in RESULTS.bars], Policy(Level.PLOT, style))
    assert named.spoken == ["It was all Adam's screenplay", "Theory 2 (ending)", "Longing drives the visits"]
    assert named.spoiler is (style is Style.WRAP)


def standings(count: int, hidden_from: int) -> StandingsChart:
    rows = tuple(
        StandingRow(
            ChartTheory(i + 1, f"Theory title {i + 1}", Level.ENDING if i >= hidden_from else Level.NONE),
            rank=i + 1,
            votes=40 - i,
            wins=1,
            polls=2,
        )
        for i in range(count)
    )
    return StandingsChart("All-time theory standings", "Votes from every closed poll here.", rows)


def test_standings_count_only_the_rows_drawn() -> None:
    beyond = draw(standings(14, hidden_from=MAX_BARS), NONE_WRAP)  # the hidden ones are not drawn
    assert beyond.filename == "theory-standings.png"
    assert "4 more theories" in beyond.description
    within = draw(standings(14, hidden_from=MAX_BARS - 1), NONE_WRAP)
    assert within.filename == "SPOILER_theory-standings.png"
    assert "Theory title 10" not in within.description and "10. Theory 10 (ending)" in within.description
    assert decode(within.png).size[0] == 800 and len(within.png) < 60_000
