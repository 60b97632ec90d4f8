"""Poll pictures: the PNGs decode, stay small and inside their margins, mark winners, and their alt text fits."""

from __future__ import annotations

import io

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from bot.polls import percent
from bot.render.charts import (
    ALT_TEXT_LIMIT,
    BACKGROUND,
    ELLIPSIS,
    FILL,
    GUTTER,
    LABEL_SIZE,
    MARGIN,
    MAX_BARS,
    WIDTH,
    WINNER_EDGE,
    Bar,
    StandingBar,
    drawable,
    fit,
    results_alt_text,
    results_chart,
    standings_alt_text,
    standings_chart,
    wrap,
)

ATTACHMENT_LIMIT = 8 * 1024 * 1024  # Discord's smallest upload limit
TITLE = "Theory poll #12: final results"
CAPTION = "Poll #12 · opened 3 Nov 2026 · closed 4 Nov 2026"
LONG = "An extraordinarily long theory title that keeps going " * 6
BAR_RIGHT = WIDTH - MARGIN  # bars start after the ranks' gutter (whose width depends on them) and end here

Colour = tuple[int, int, int]


def decode(png: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(png))
    assert image.format == "PNG"
    image.load()
    return image


def rgb(png: bytes) -> Image.Image:
    return decode(png).convert("RGB")


def pixel(image: Image.Image, x: int, y: int) -> Colour:
    value = image.getpixel((x, y))
    assert isinstance(value, tuple) and len(value) == 3
    return (value[0], value[1], value[2])


def colours(image: Image.Image) -> list[tuple[int, Colour]]:
    """(count, colour) of every colour in an RGB image with few colours."""
    found = image.getcolors(maxcolors=4096)
    assert found is not None
    return [(count, (c[0], c[1], c[2])) for count, c in found if isinstance(c, tuple)]


def near(pixel: Colour, colour: Colour, tolerance: int = 24) -> bool:
    return all(abs(a - b) <= tolerance for a, b in zip(pixel, colour, strict=True))


def bar_spans(image: Image.Image) -> list[tuple[int, int]]:
    """The (top, bottom) of every bar, found by walking down just inside the bars' right edge (text is shorter)."""
    spans: list[tuple[int, int]] = []
    start: int | None = None
    for y in range(image.height):
        inside = not near(pixel(image, BAR_RIGHT - 2, y), BACKGROUND, 4)
        if inside and start is None:
            start = y
        elif not inside and start is not None:
            if y - start >= 2 * LABEL_SIZE:
                spans.append((start, y))
            start = None
    return spans


def winner_rows(image: Image.Image) -> list[int]:
    """Which bars (0-based) carry the winner's gold outline."""
    return [
        index
        for index, (top, bottom) in enumerate(bar_spans(image))
        if near(pixel(image, BAR_RIGHT - 2, (top + bottom) // 2), WINNER_EDGE)
    ]


def assert_margins_blank(image: Image.Image) -> None:
    """Nothing is drawn in the outer margins: every label, number and caption stayed inside its room."""
    background = pixel(image, 0, 0)
    assert near(background, BACKGROUND, 4)
    strips = [
        (0, 0, MARGIN - 4, image.height),  # left
        (WIDTH - MARGIN + 1, 0, WIDTH, image.height),  # right
        (0, image.height - MARGIN + 6, WIDTH, image.height),  # bottom
        (0, 0, WIDTH, MARGIN - 8),  # top
    ]
    for box in strips:
        assert [c for _, c in colours(image.crop(box))] == [background], f"something drawn in {box}"


def check_png(png: bytes, *, bars: int) -> Image.Image:
    assert len(png) < ATTACHMENT_LIMIT
    assert len(png) < 100_000  # typically 5-40 kB
    image = rgb(png)
    assert image.width == WIDTH
    assert 150 <= image.height <= 1400
    assert len(bar_spans(image)) == bars
    assert_margins_blank(image)
    return image


# -- results --------------------------------------------------------------------------------------------------------


def test_two_options_one_winner() -> None:
    bars = [Bar("The first theory", 7, winner=True), Bar("The second one", 3)]
    image = check_png(results_chart(bars, title=TITLE, caption=CAPTION), bars=2)
    assert winner_rows(image) == [0]
    alt = results_alt_text(bars, title=TITLE, caption=CAPTION)
    assert alt.startswith(f"Bar chart: {TITLE}, 10 votes.")
    assert "1. The first theory: 7 votes, 70%, the winner." in alt
    assert "2. The second one: 3 votes, 30%." in alt
    assert alt.endswith(CAPTION)


def test_ten_options() -> None:
    bars = [Bar(f"Theory {i}", i, winner=i == 9) for i in range(MAX_BARS)]
    image = check_png(results_chart(bars, title=TITLE, caption=CAPTION), bars=10)
    assert winner_rows(image) == [9]
    alt = results_alt_text(bars, title=TITLE, caption=CAPTION)
    assert "10. Theory 9: 9 votes, 20%, the winner." in alt
    assert "1. Theory 0: 0 votes, 0%." in alt


def test_no_votes_draws_empty_bars_and_no_winner() -> None:
    bars = [Bar("First", 0), Bar("Second", 0), Bar("Third", 0)]
    image = check_png(results_chart(bars, title=TITLE, caption=CAPTION), bars=3)
    assert winner_rows(image) == []
    for top, bottom in bar_spans(image):  # no fill at the start of any bar
        assert not near(pixel(image, MARGIN + GUTTER + 4, (top + bottom) // 2), FILL)
    alt = results_alt_text(bars, title=TITLE, caption=CAPTION)
    assert "no votes" in alt and alt.count(": 0 votes, 0%.") == 3


def test_a_full_bar_is_not_a_spoiler_mask() -> None:
    """A 100 % bar is coloured, with its label and numbers visible on it: not a solid dark grey block."""
    bars = [Bar("Everyone agrees", 12, winner=True), Bar("Nobody", 0)]
    image = check_png(results_chart(bars, title=TITLE, caption=CAPTION), bars=2)
    top, bottom = bar_spans(image)[0]
    strip = image.crop((MARGIN + GUTTER + 6, top + 6, BAR_RIGHT - 6, bottom - 6))
    found = colours(strip)
    greys = [count for count, (r, g, b) in found if max(r, g, b) - min(r, g, b) < 24 and max(r, g, b) < 160]
    assert sum(greys) == 0, "a dark grey region inside the full bar"
    bright = sum(count for count, c in found if min(c) > 200)
    assert bright > 200, "the label and numbers are drawn over the full bar"
    _, fill = max(found)
    assert fill[0] - fill[2] > 100, "the full bar is filled with the winner's amber"
    assert "12 votes, 100%, the winner" in results_alt_text(bars, title=TITLE, caption=CAPTION)


def test_ties_mark_every_winner() -> None:
    bars = [Bar("A", 4, winner=True), Bar("B", 1), Bar("C", 4, winner=True), Bar("D", 4, winner=True)]
    image = check_png(results_chart(bars, title=TITLE, caption=CAPTION), bars=4)
    assert winner_rows(image) == [0, 2, 3]
    alt = results_alt_text(bars, title=TITLE, caption=CAPTION)
    assert alt.count("tied for first") == 3
    assert alt.count("31%") == 3  # equal counts read the same, even if the column adds up to 99


def test_very_long_labels_title_and_caption_stay_inside() -> None:
    bars = [Bar(LONG, 5, winner=True), Bar("x" * 300, 1), Bar(LONG.replace(" ", ""), 0)]
    image = check_png(results_chart(bars, title=LONG, caption=LONG + "\n" + LONG), bars=3)
    assert image.height < 700  # two lines per label at most, three for the caption
    alt = results_alt_text(bars, title=LONG, caption=LONG)
    assert len(alt) <= ALT_TEXT_LIMIT


def test_unicode_labels_do_not_crash() -> None:
    labels = [
        "Café “au lait” — déjà vu",
        "Emoji 😀👍🏽👨‍👩‍👦 and flags 🇬🇧",
        "Ελληνικά, Кириллица, 中文, العربية",
        "Combining e\u0301 and tabs\tand\nnew lines\u200b\u202e",
        "\x00\x07 control \ufeff",
    ]
    bars = [Bar(label, i, winner=i == 4) for i, label in enumerate(labels)]
    check_png(results_chart(bars, title="Théorie “n°1” 🎬", caption="Poll #1 — ünïcödé"), bars=5)
    alt = results_alt_text(bars, title="T", caption="C")
    assert "Café “au lait” — déjà vu" in alt  # screen readers get the text as written
    assert "\x00" not in alt and "\n" not in alt


def test_the_embedded_font_draws_accents_without_them() -> None:
    assert drawable("Café déjà “vu” — Æsop") == "Cafe deja “vu” - AEsop"
    assert drawable("e\u0301") == "e"
    assert drawable("line\nbreak\ttab") == "line break tab"


def test_same_input_same_bytes() -> None:
    bars = [Bar("One", 3, winner=True), Bar("Two", 2)]
    assert results_chart(bars, title=TITLE, caption=CAPTION) == results_chart(bars, title=TITLE, caption=CAPTION)


@pytest.mark.parametrize("count", [0, MAX_BARS + 1])
def test_bar_count_outside_one_to_ten_is_refused(count: int) -> None:
    bars = [Bar("x", 1)] * count
    with pytest.raises(ValueError, match="1 to 10 bars"):
        results_chart(bars, title=TITLE, caption=CAPTION)
    with pytest.raises(ValueError, match="1 to 10 bars"):
        results_alt_text(bars, title=TITLE, caption=CAPTION)


# -- standings ------------------------------------------------------------------------------------------------------


def standings(count: int) -> list[StandingBar]:
    return [
        StandingBar(rank=1 + i // 2 * 2, label=f"Theory {i}", votes=40 - 2 * (i // 2), wins=1, polls=3)
        for i in range(count)
    ]


def test_standings_show_ten_and_count_the_rest() -> None:
    rows = standings(13)
    image = check_png(standings_chart(rows, title="All-time standings", caption="5 closed polls"), bars=10)
    assert winner_rows(image) == [0, 1]  # the two tied first
    alt = standings_alt_text(rows, title="All-time standings", caption="5 closed polls")
    assert "1. Theory 0: 40 votes, 9%, 1 win in 3 polls." in alt
    assert "Theory 10" not in alt and "3 more theories, not shown" in alt


def test_standings_without_polls() -> None:
    png = standings_chart([], title="All-time standings", caption="No polls have closed here yet.")
    image = rgb(png)
    assert image.width == WIDTH and bar_spans(image) == []
    assert_margins_blank(image)
    assert "No closed polls yet." in standings_alt_text([], title="All-time standings", caption="")


# -- text fitting ---------------------------------------------------------------------------------------------------


def test_fit_cuts_with_an_ellipsis_measured_in_pixels() -> None:
    from PIL import ImageFont

    font = ImageFont.load_default(size=LABEL_SIZE)
    cut = fit(LONG, LABEL_SIZE, 300)
    assert cut.endswith(ELLIPSIS) and font.getlength(cut) <= 300
    assert fit("short", LABEL_SIZE, 300) == "short"
    lines = wrap("W" * 200, LABEL_SIZE, 300, 2)  # one word wider than the line is broken, not overflowed
    assert len(lines) == 2 and all(font.getlength(line) <= 300 for line in lines)
    assert lines[1].endswith(ELLIPSIS)


def test_percent_reads_sensibly() -> None:
    assert [percent(c, 3) for c in (1, 1, 1)] == ["33%", "33%", "33%"]
    assert percent(0, 0) == "0%"
    assert percent(1, 1000) == "<1%"
    assert percent(999, 1000) == ">99%"
    assert percent(5, 5) == "100%"
    assert percent(1, 2) == "50%"


# -- hostile and random input ---------------------------------------------------------------------------------------

labels = st.text(max_size=300)
bar_lists = st.lists(
    st.builds(Bar, labels, st.integers(min_value=0, max_value=10**7), st.booleans()), min_size=1, max_size=MAX_BARS
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(bar_lists, st.text(max_size=500), st.text(max_size=1500))
def test_any_results_draw_inside_their_margins(bars: list[Bar], title: str, caption: str) -> None:
    png = results_chart(bars, title=title, caption=caption)
    check_png(png, bars=len(bars))
    assert len(results_alt_text(bars, title=title, caption=caption)) <= ALT_TEXT_LIMIT


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.builds(
            StandingBar,
            st.integers(min_value=1, max_value=10**6),
            st.text(max_size=2000),
            st.integers(min_value=0, max_value=10**9),
            st.integers(min_value=0, max_value=10**6),
            st.integers(min_value=0, max_value=10**6),
        ),
        max_size=30,
    ),
    st.text(max_size=2000),
    st.text(max_size=2000),
)
def test_standings_alt_text_always_fits(rows: list[StandingBar], title: str, caption: str) -> None:
    alt = standings_alt_text(rows, title=title, caption=caption)
    assert 0 < len(alt) <= ALT_TEXT_LIMIT


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(
        st.builds(
            StandingBar,
            st.integers(min_value=1, max_value=10**6),
            labels,
            st.integers(min_value=0, max_value=10**9),
            st.integers(min_value=0, max_value=10**6),
            st.integers(min_value=0, max_value=10**6),
        ),
        min_size=1,
        max_size=14,
    ),
    st.text(max_size=500),
)
def test_any_standings_draw_inside_their_margins(rows: list[StandingBar], title: str) -> None:
    png = standings_chart(rows, title=title, caption="Closed polls: 14")
    check_png(png, bars=min(len(rows), MAX_BARS))


def test_alt_text_shares_its_room_among_the_labels() -> None:
    """Ten poll-length titles (100 characters) each keep a readable start, and every number is there."""
    bars = [Bar(f"Label {i} " + "word " * 19, 1000 + i, winner=i == 9) for i in range(MAX_BARS)]
    alt = results_alt_text(bars, title=TITLE, caption=CAPTION)
    assert len(alt) <= ALT_TEXT_LIMIT
    assert alt.endswith(CAPTION)
    for i in range(MAX_BARS):
        assert f"{i + 1}. Label {i} word word word word word word" in alt
        assert f"{1000 + i:,} votes, 10%" in alt
