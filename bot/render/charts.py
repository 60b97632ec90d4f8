"""Poll pictures: a closed poll's results and a server's all-time standings as small PNG charts (pure, no discord).

Each chart is drawn from plain values the caller gives it and returned as PNG bytes, with a plain-text description
of the same numbers beside it for screen readers (an attachment's ``description``, at most 1,024 characters).

These functions draw exactly the labels they are given. Which form of a theory's title a channel may see (its full
title or a spoiler-free form) is the caller's choice, made by the spoiler policy before calling them; nothing here
knows about spoiler levels.

Drawing takes 10 to 30 ms and blocks: call it off the event loop (``asyncio.to_thread``). The only font is the
one Pillow itself embeds (``ImageFont.load_default``), so nothing depends on the system's fonts or the network. That
font covers ASCII and a little punctuation: accented letters are drawn without their accents (``é`` as ``e``), a few
common symbols as their ASCII look-alikes, and anything else (emoji, other scripts) as the font's empty box.
"""

from __future__ import annotations

import io
import math
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from PIL import Image, ImageDraw, ImageFont

from ..polls import percent

WIDTH = 800  # about the width Discord previews an image at on a phone, at 2x
MAX_BARS = 10  # a poll holds 2 to 10 theories; the standings show their top 10
ALT_TEXT_LIMIT = 1024  # Discord's limit on an attachment's description
ELLIPSIS = "…"

# Discord's dark theme: the chart is a card a shade darker than the chat (#313338) around it.
BACKGROUND = (43, 45, 49)  # #2B2D31
TEXT = (242, 243, 245)  # #F2F3F5
MUTED = (181, 186, 193)  # #B5BAC1, for the caption and numbers beside the bars
SOFT = (219, 222, 225)  # #DBDEE1, secondary text inside a bar (on both the fill and the track)
TRACK = (56, 58, 64)  # #383A40, the empty part of a bar
TRACK_EDGE = (78, 80, 88)  # #4E5058, so an empty bar still shows its length
FILL = (71, 82, 196)  # #4752C4, a darker blurple: white text on it has a contrast of 6.4:1
WINNER_FILL = (154, 103, 0)  # #9A6700, amber: white text on it has 4.9:1
WINNER_EDGE = (240, 178, 50)  # #F0B232, gold outline and star
PALETTE_COLOURS = 32

MARGIN = 24
GUTTER = 40  # room left of the bars for the option's number or the theory's rank (wider if a rank needs it)
MARKER_GAP = 12  # between the number or rank and its bar
BAR_PAD = 14  # inside a bar, around its text
BAR_GAP = 10  # between bars
RADIUS = 8
STAR = 22  # the winner's star, in pixels across
TITLE_SIZE = 30
LABEL_SIZE = 24
NUMBER_SIZE = 22
CAPTION_SIZE = 20
LABEL_LINES = 2
CAPTION_LINES = 3

_INVISIBLE = frozenset({"Cc", "Cf", "Cs", "Co", "Cn"})  # control, format, surrogate, private and unassigned
# The embedded font's look-alikes for a few characters it lacks (accents are handled by decomposition).
_LOOKALIKES = {
    "—": "-",
    "–": "-",
    "‐": "-",
    "‑": "-",
    "−": "-",
    "•": "·",
    "„": "“",
    "‚": "‘",
    "′": "'",
    "″": '"',
    "×": "x",
    "ß": "ss",
    "Æ": "AE",
    "æ": "ae",
    "Œ": "OE",
    "œ": "oe",
    "Ø": "O",
    "ø": "o",
    "Ł": "L",
    "ł": "l",
    "Đ": "D",
    "đ": "d",
    "Ð": "D",
    "ð": "d",
    "Þ": "Th",
    "þ": "th",
    "ı": "i",
    "\u00a0": " ",
}


@dataclass(frozen=True, slots=True)
class Bar:
    """One option of a closed poll: its label as the channel may see it, its votes, and whether it won."""

    label: str
    votes: int
    winner: bool = False


@dataclass(frozen=True, slots=True)
class StandingBar:
    """One theory in a server's all-time standings: its rank (ties share one), label, votes, wins and polls."""

    rank: int
    label: str
    votes: int
    wins: int
    polls: int


# -- numbers and words -------------------------------------------------------------------------------------------


def _count(n: int, word: str) -> str:
    return f"{n:,} {word}" if n == 1 else f"{n:,} {word}s"


def _clean(text: str) -> str:
    """One line of text: whitespace runs become one space, control and format characters go."""
    kept = "".join(
        " " if ch.isspace() else ch for ch in text if ch.isspace() or unicodedata.category(ch) not in _INVISIBLE
    )
    return " ".join(kept.split())


# -- the font ------------------------------------------------------------------------------------------------------


@lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont:
    font = ImageFont.load_default(size=size)
    if not isinstance(font, ImageFont.FreeTypeFont):  # Pillow built without FreeType: only a tiny bitmap font
        raise RuntimeError("drawing charts needs Pillow with FreeType support")
    return font


def _glyph_mask(text: str) -> bytes:
    font = _font(LABEL_SIZE)
    image = Image.new("L", (2 * LABEL_SIZE, 2 * LABEL_SIZE))
    ImageDraw.Draw(image).text((4, 4), text, font=font, fill=255)
    return image.tobytes()


@lru_cache(maxsize=1)
def _missing_mask() -> bytes:
    return _glyph_mask("\uffff")  # a non-character: the font's box for glyphs it lacks


@lru_cache(maxsize=4096)
def _has_glyph(ch: str) -> bool:
    if " " <= ch <= "~":
        return True
    return _glyph_mask(ch) != _missing_mask()


@lru_cache(maxsize=4096)
def _drawable_char(ch: str) -> str:
    if _has_glyph(ch):
        return ch
    if ch in _LOOKALIKES:
        return _LOOKALIKES[ch]
    if unicodedata.category(ch) in ("Mn", "Me"):  # an accent or variation selector the font lacks: leave it off
        return ""
    base = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
    if base and base != ch and all(_has_glyph(c) for c in base):
        return base
    return ch  # drawn as the font's box: honest about a character we cannot show


def drawable(text: str) -> str:
    """``text`` as the embedded font can draw it: one line, accents dropped where the font lacks the letter."""
    return "".join(_drawable_char(ch) for ch in unicodedata.normalize("NFC", _clean(text)))


def _width(text: str, size: int) -> float:
    return _font(size).getlength(text)


def fit(text: str, size: int, width: float) -> str:
    """``text`` cut to fit ``width`` pixels at ``size``, with an ellipsis when cut (at a word if one is near)."""
    if _width(text, size) <= width:
        return text
    low, high = 0, len(text)  # the longest prefix that fits with an ellipsis is text[:low]
    while low < high:
        middle = (low + high + 1) // 2
        if _width(text[:middle].rstrip() + ELLIPSIS, size) <= width:
            low = middle
        else:
            high = middle - 1
    cut = text[:low]
    space = cut.rfind(" ")
    if space >= 0.7 * low:
        cut = cut[:space]
    cut = cut.rstrip(" ,;:.-")
    return cut + ELLIPSIS if _width(cut + ELLIPSIS, size) <= width else ""


def wrap(text: str, size: int, width: float, lines: int) -> list[str]:
    """``text`` on at most ``lines`` lines of ``width`` pixels, broken between words; the last one cut if need be."""
    words = text.split(" ")
    result: list[str] = []
    while words and len(result) < lines - 1:
        line = words.pop(0)
        if _width(line, size) > width:  # one word wider than the line: break it where it stops fitting
            head = fit(line, size, width)[:-1] or line[:1]
            words.insert(0, line[len(head) :])
            line = head
        while words and _width(f"{line} {words[0]}", size) <= width:
            line = f"{line} {words.pop(0)}"
        result.append(line)
    if words:
        result.append(fit(" ".join(words), size, width))
    return result or [""]


# -- drawing -------------------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Row:
    marker: str  # the option's number or the theory's rank, left of the bar
    label: str
    share: float  # 0..1, how much of the bar is filled
    numbers: str  # right-aligned inside the bar
    detail: str = ""  # a second, quieter line under the numbers
    winner: bool = False


@lru_cache(maxsize=2)
def _star_mask(size: int) -> Image.Image:
    """A five-pointed star (the winner's mark: a shape, not only a colour), drawn 4x and scaled down to smooth it."""
    big = 4 * size
    outer, inner = big / 2, big / 5
    points = [
        (
            big / 2 + (outer if i % 2 == 0 else inner) * math.sin(i * math.pi / 5),
            big / 2 - (outer if i % 2 == 0 else inner) * math.cos(i * math.pi / 5) + big * 0.05,
        )
        for i in range(10)
    ]
    mask = Image.new("L", (big, big))
    ImageDraw.Draw(mask).polygon(points, fill=255)
    return mask.resize((size, size), Image.Resampling.LANCZOS)


def _star(image: Image.Image, centre: tuple[float, float], colour: tuple[int, int, int]) -> None:
    left, top = round(centre[0] - STAR / 2), round(centre[1] - STAR / 2)
    image.paste(colour, (left, top, left + STAR, top + STAR), _star_mask(STAR))


def _line_height(size: int) -> int:
    ascent, descent = _font(size).getmetrics()
    return ascent + descent


def _row_layout(row: _Row, left: int) -> tuple[list[str], int]:
    """The row's label lines and the height of its bar, which starts at ``left``.

    The numbers (and the detail under them) take the right of the bar; the label wraps in what is left of it.
    """
    inner = WIDTH - MARGIN - left - 2 * BAR_PAD
    numbers = max(_width(row.numbers, NUMBER_SIZE), _width(drawable(row.detail), CAPTION_SIZE))
    room = inner - numbers - BAR_PAD - (STAR + 8 if row.winner else 0)
    lines = wrap(drawable(row.label), LABEL_SIZE, room, LABEL_LINES)
    right = _line_height(LABEL_SIZE) + (_line_height(CAPTION_SIZE) if row.detail else 0)
    return lines, 2 * BAR_PAD + max(len(lines) * _line_height(LABEL_SIZE), right)


def _draw_chart(title: str, total: str, rows: Sequence[_Row], caption: str, empty: str) -> bytes:
    title_font, label_font, number_font, caption_font = (
        _font(TITLE_SIZE),
        _font(LABEL_SIZE),
        _font(NUMBER_SIZE),
        _font(CAPTION_SIZE),
    )
    total = drawable(total)
    total_width = _width(total, NUMBER_SIZE)
    title_line = fit(drawable(title), TITLE_SIZE, WIDTH - 2 * MARGIN - total_width - 16)
    caption_lines: list[str] = []
    for part in caption.splitlines():
        room = CAPTION_LINES - len(caption_lines)
        if room > 0 and _clean(part):
            caption_lines += wrap(drawable(part), CAPTION_SIZE, WIDTH - 2 * MARGIN, room)
    widest_marker = max((_width(row.marker, NUMBER_SIZE) for row in rows), default=0.0)
    left, right = MARGIN + max(GUTTER, math.ceil(widest_marker) + MARKER_GAP + 4), WIDTH - MARGIN
    laid_out = [_row_layout(row, left) for row in rows]

    header = MARGIN + _line_height(TITLE_SIZE) + 14
    body = sum(height for _, height in laid_out) + BAR_GAP * max(0, len(rows) - 1)
    if not rows:
        body = _line_height(LABEL_SIZE)
    footer = (14 + len(caption_lines) * _line_height(CAPTION_SIZE)) if caption_lines else 0
    height = header + body + footer + MARGIN

    image = Image.new("RGB", (WIDTH, height), BACKGROUND)
    draw = ImageDraw.Draw(image)
    draw.text((MARGIN, MARGIN), title_line, font=title_font, fill=TEXT)
    title_middle = MARGIN + _font(TITLE_SIZE).getmetrics()[0] * 0.62
    draw.text((WIDTH - MARGIN, title_middle), total, font=number_font, fill=MUTED, anchor="rm")

    y = header
    if not rows:
        draw.text((left, y), drawable(empty), font=label_font, fill=MUTED)
    for row, (lines, bar_height) in zip(rows, laid_out, strict=True):
        top, bottom = y, y + bar_height
        edge = WINNER_EDGE if row.winner else TRACK_EDGE
        draw.rounded_rectangle((left, top, right, bottom), RADIUS, fill=TRACK, outline=edge, width=1)
        filled = round((right - left) * min(1.0, max(0.0, row.share)))
        if filled > 0:
            draw.rounded_rectangle(
                (left, top, left + max(filled, 2 * RADIUS), bottom), RADIUS, fill=WINNER_FILL if row.winner else FILL
            )
        if row.winner:  # a thicker gold outline drawn over the fill, so it shows at any share
            draw.rounded_rectangle((left, top, right, bottom), RADIUS, outline=WINNER_EDGE, width=3)
        first_middle = top + BAR_PAD + _line_height(LABEL_SIZE) / 2
        draw.text((left - MARKER_GAP, first_middle), row.marker, font=number_font, fill=MUTED, anchor="rm")
        x = left + BAR_PAD
        if row.winner:
            _star(image, (x + STAR / 2, first_middle), WINNER_EDGE if filled < BAR_PAD + STAR else TEXT)
            x += STAR + 8
        for index, line in enumerate(lines):
            middle = first_middle + index * _line_height(LABEL_SIZE)
            draw.text((x, middle), line, font=label_font, fill=TEXT, anchor="lm")
        draw.text((right - BAR_PAD, first_middle), row.numbers, font=number_font, fill=TEXT, anchor="rm")
        if row.detail:
            middle = top + BAR_PAD + _line_height(LABEL_SIZE) + _line_height(CAPTION_SIZE) / 2
            draw.text((right - BAR_PAD, middle), drawable(row.detail), font=caption_font, fill=SOFT, anchor="rm")
        y = bottom + BAR_GAP

    y = header + body + 14
    for line in caption_lines:
        draw.text((MARGIN, y), line, font=caption_font, fill=MUTED)
        y += _line_height(CAPTION_SIZE)

    small = image.quantize(PALETTE_COLOURS, method=Image.Quantize.FASTOCTREE, dither=Image.Dither.NONE)
    out = io.BytesIO()
    small.save(out, format="PNG", compress_level=6)  # level 9 saves ~5 % for 8x the time
    return out.getvalue()


# -- a poll's results --------------------------------------------------------------------------------------------


def _check_bars(count: int) -> None:
    if not 1 <= count <= MAX_BARS:
        raise ValueError(f"a results chart has 1 to {MAX_BARS} bars, not {count}")


def results_chart(bars: Sequence[Bar], *, title: str, caption: str) -> bytes:
    """A closed poll's results as a PNG: one bar per option, in the order given, with its votes and share.

    Winners (``Bar.winner``; several for a tie) get a star, a gold outline and an amber fill. ``title`` goes at
    the top (the total of votes beside it), ``caption`` (the poll's number and dates, as text; lines may be separated
    by newlines, up to three lines are drawn) at the bottom. Labels are drawn exactly as given, so pass the
    spoiler-free forms where the channel calls for them; a label too long for its bar is cut with an ellipsis.
    """
    _check_bars(len(bars))
    counts = [max(0, bar.votes) for bar in bars]
    total = sum(counts)
    rows = [
        _Row(
            marker=str(index),
            label=bar.label,
            share=count / total if total else 0.0,
            numbers=f"{_count(count, 'vote')} · {percent(count, total)}",
            winner=bar.winner,
        )
        for index, (bar, count) in enumerate(zip(bars, counts, strict=True), start=1)
    ]
    return _draw_chart(title, _count(total, "vote") if total else "No votes", rows, caption, "")


def _alt_text(head: str, items: Sequence[tuple[str, str, str]], tail: str) -> str:
    """``head``, one sentence per (marker, label, numbers), then ``tail``: at most ALT_TEXT_LIMIT characters.

    The head and tail get a fixed share of the room; the labels share what the rest leaves, equally, each cut with an
    ellipsis if it needs more. The last cut bites only when the numbers alone leave the labels no room (counts in the
    hundreds of millions): then the end of the text goes, never the limit.
    """
    head = _clip(_clean(head), 200)
    tail = _clip(_clean(tail), 200)
    fixed = sum(len(marker) + len(numbers) + len(". : . ") for marker, _, numbers in items)
    each = max(1, (ALT_TEXT_LIMIT - len(head) - len(tail) - fixed - 1) // max(1, len(items)))
    sentences = [f"{marker}. {_clip(_clean(label), each)}: {numbers}." for marker, label, numbers in items]
    return _clip(" ".join(part for part in (head, *sentences, tail) if part), ALT_TEXT_LIMIT)


def _clip(text: str, limit: int) -> str:
    """Plain text cut to ``limit`` characters, at a word boundary if one is near, with an ellipsis when cut."""
    if len(text) <= limit:
        return text
    if limit <= 1:
        return ELLIPSIS[:limit]
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space >= limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:.-") + ELLIPSIS


def results_alt_text(bars: Sequence[Bar], *, title: str, caption: str) -> str:
    """The results chart as plain text for screen readers, at most 1,024 characters (an attachment's description)."""
    _check_bars(len(bars))
    counts = [max(0, bar.votes) for bar in bars]
    total = sum(counts)
    tied = sum(1 for bar in bars if bar.winner) > 1
    won = ", tied for first" if tied else ", the winner"
    items = [
        (str(index), bar.label, f"{_count(count, 'vote')}, {percent(count, total)}{won if bar.winner else ''}")
        for index, (bar, count) in enumerate(zip(bars, counts, strict=True), start=1)
    ]
    votes = _count(total, "vote") if total else "no votes"
    return _alt_text(f"Bar chart: {_clean(title)}, {votes}.", items, caption)


# -- a server's standings ------------------------------------------------------------------------------------------


def standings_chart(rows: Sequence[StandingBar], *, title: str, caption: str) -> bytes:
    """A server's all-time standings as a PNG: the first ``MAX_BARS`` rows in the order given (ranked already).

    Each bar's fill is the theory's share of all the votes in ``rows``; its wins and polls are written under its votes.
    Theories ranked first with at least one vote get the winner's star. Rows beyond ``MAX_BARS`` are counted in a
    line above the caption. Labels are drawn exactly as given (pass spoiler-free forms where the channel needs them).
    """
    total = sum(max(0, row.votes) for row in rows)
    shown = rows[:MAX_BARS]
    drawn = [
        _Row(
            marker=str(row.rank),
            label=row.label,
            share=max(0, row.votes) / total if total else 0.0,
            numbers=f"{_count(max(0, row.votes), 'vote')} · {percent(row.votes, total)}",
            detail=f"{_count(row.wins, 'win')} in {_count(row.polls, 'poll')}",
            winner=row.rank == 1 and row.votes > 0,
        )
        for row in shown
    ]
    more = len(rows) - len(shown)
    if more:
        caption = f"{_more(more)}\n{caption}"
    return _draw_chart(title, _count(total, "vote") if total else "No votes", drawn, caption, "No closed polls yet.")


def _more(count: int) -> str:
    return f"…and {count:,} more {'theory' if count == 1 else 'theories'}, not shown."


def standings_alt_text(rows: Sequence[StandingBar], *, title: str, caption: str) -> str:
    """The standings chart as plain text for screen readers, at most 1,024 characters (an attachment's description)."""
    total = sum(max(0, row.votes) for row in rows)
    items = [
        (
            str(row.rank),
            row.label,
            f"{_count(max(0, row.votes), 'vote')}, {percent(row.votes, total)}, "
            f"{_count(row.wins, 'win')} in {_count(row.polls, 'poll')}",
        )
        for row in rows[:MAX_BARS]
    ]
    more = len(rows) - len(items)
    tail = f"{_more(more)} {caption}" if more else caption
    if not rows:
        tail = f"No closed polls yet. {caption}"
    votes = _count(total, "vote") if total else "no votes"
    return _alt_text(f"Bar chart: {_clean(title)}, {votes}.", items, tail)
