"""Spoiler markup and Discord's limits, as properties: whatever the text, pages fit, markup balances, words survive."""

from __future__ import annotations

import itertools
import os
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.models import OPEN, STRICTEST, Level, Policy, Source, Style, resolve_policy
from bot.render.limits import (
    EMBED_DESCRIPTION_LIMIT,
    EMBED_TITLE_LIMIT,
    EMBED_TOTAL_LIMIT,
    EMBEDS_PER_MESSAGE,
    FOOTER_BUDGET,
    MIN_PAGE,
    pack_pages,
    paginate,
    shorten,
)
from bot.render.markup import HIDDEN_NOTE, Atom, Segment, escape, needs_reveal, render_atoms, wrap

# Few enough examples to keep the suite quick, no deadline (no timing asserts). For a deeper search now and then:
# PROPERTY_EXAMPLES=5000 pytest tests/test_formatting.py
EXAMPLES = int(os.environ.get("PROPERTY_EXAMPLES", "60"))
PROPERTIES = settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.too_slow])
ANSWERS = settings(PROPERTIES, max_examples=max(EXAMPLES * 2 // 3, 1))  # whole answers cost more to generate
MARKDOWN = set("\\*_~`|>#[]<:@")

# Text the way members and data files write it, with Discord's special characters well represented.
plain_text = st.lists(
    st.sampled_from([*"abcdefg XYZ é.,'", *MARKDOWN, "||", "\n", "@everyone", "<@123>"]), max_size=120
).map("".join)
long_words = st.lists(st.sampled_from([*"xyz", "\\", "|", "||"]), min_size=1, max_size=300).map("".join)
text = st.one_of(plain_text, long_words, plain_text.map(lambda t: t + " " + "w" * 50))
levels = st.sampled_from(list(Level))
policies = st.builds(Policy, allowed=levels, style=st.sampled_from(list(Style)))
segments = st.one_of(
    st.builds(Segment, text, levels),
    st.builds(lambda w: Segment(f"**{w}**", escape=False), st.text(alphabet="abc XYZ", min_size=1, max_size=20)),
)
blocks = st.lists(st.lists(segments, max_size=4), max_size=6)
limits = st.integers(min_value=MIN_PAGE, max_value=300)


def read_page(page: str) -> list[tuple[str, bool]]:
    """A page as a person would see it: (word, inside spoiler bars?) pairs; fails if the bars do not balance.

    A backslash and the character after it are one literal; an unescaped ``||`` opens or closes a spoiler.
    """
    chars: list[tuple[str, bool]] = []
    inside = False
    i = 0
    while i < len(page):
        if page[i] == "\\" and i + 1 < len(page):
            chars += [(page[i], inside), (page[i + 1], inside)]
            i += 2
        elif page.startswith("||", i):
            inside = not inside
            i += 2
        else:
            chars.append((page[i], inside))
            i += 1
    assert not inside, f"unbalanced spoiler bars in page {page!r}"
    words: list[tuple[str, bool]] = []
    current, flag = "", False
    for char, spoiler in [*chars, (" ", False)]:
        if char.isspace():
            if current:
                words.append((current, flag))
            current = ""
        else:
            if current:
                assert spoiler == flag, f"a word straddles spoiler bars in page {page!r}"
            current, flag = current + char, spoiler
    return words


def expected_words(atoms: list[list[Atom]]) -> list[tuple[str, bool]]:
    return [(word, atom.spoiler) for block in atoms for atom in block for word in atom.text.split()]


def unescape(escaped: str) -> str:
    return re.sub(r"\\(.)", r"\1", escaped, flags=re.DOTALL)


# ---------------------------------------------------------------- escaping and wrapping


@PROPERTIES
@given(plain_text)
def test_escape_round_trips_and_neutralises_every_markup_character(raw: str) -> None:
    escaped = escape(raw)
    assert unescape(escaped) == raw
    read_page(wrap(escaped))  # balanced: nothing in the text opened or closed spoiler bars of its own
    i = 0
    while i < len(escaped):  # every special character sits behind exactly one escaping backslash
        if escaped[i] == "\\":
            assert escaped[i + 1] in MARKDOWN
            i += 2
        else:
            assert escaped[i] not in MARKDOWN
            i += 1


@PROPERTIES
@given(plain_text)
def test_wrap_hides_all_of_the_text_or_leaves_blank_text_alone(raw: str) -> None:
    wrapped = wrap(escape(raw))
    if raw.strip():
        assert all(inside for _, inside in read_page(wrapped))
        assert wrapped.startswith("||") and wrapped.endswith("||")
    else:
        assert "||" not in wrapped


def test_pipes_in_text_cannot_close_a_spoiler_early() -> None:
    page = wrap(escape("Harry || is dead"))
    assert read_page(page) == [("Harry", True), ("\\|\\|", True), ("is", True), ("dead", True)]


# ---------------------------------------------------------------- shorten


@PROPERTIES
@given(plain_text, st.integers(min_value=1, max_value=150))
def test_shorten_fits_and_keeps_a_prefix(raw: str, limit: int) -> None:
    short = shorten(raw, limit)
    normal = " ".join(raw.split())
    assert len(short) <= limit
    if len(normal) <= limit:
        assert short == normal
    else:
        assert short.endswith("…")
        assert normal.startswith(short[:-1])


def test_shorten_cuts_at_a_word_boundary() -> None:
    assert shorten("what song plays at the very end of the film", 20) == "what song plays at…"


# ---------------------------------------------------------------- spoiler policy


@ANSWERS
@given(blocks, policies)
def test_render_atoms_applies_the_policy(answer_blocks: list[list[Segment]], policy: Policy) -> None:
    atoms = render_atoms(answer_blocks, policy)
    flat = [a for block in atoms for a in block]
    shown = [s for block in answer_blocks for s in block if s.text.strip() and policy.shows(s.level)]
    hidden = [s for block in answer_blocks for s in block if s.text.strip() and not policy.shows(s.level)]
    plain = [a.text for a in flat if not a.spoiler and a.text != HIDDEN_NOTE]
    assert plain == [escape(s.text) if s.escape else s.text for s in shown]
    if policy.style is Style.WRAP:
        # every hidden text is wrapped, in order; hidden neighbours in a line share one bar
        wrapped = " ".join(a.text for a in flat if a.spoiler)
        assert wrapped == " ".join(escape(s.text) if s.escape else s.text for s in hidden)
        for line in atoms:
            assert not any(a.spoiler and b.spoiler for a, b in itertools.pairwise(line))
        assert not needs_reveal([s for b in answer_blocks for s in b], policy)
    else:
        assert not any(a.spoiler for a in flat)
        notes = sum(a.text == HIDDEN_NOTE for a in flat)
        assert (notes > 0) == bool(hidden) and notes <= len(hidden)
        assert needs_reveal([s for b in answer_blocks for s in b], policy) == bool(hidden)


def test_strictest_policy_shows_only_spoiler_free_text() -> None:
    atoms = render_atoms([[Segment("premise"), Segment("plot", Level.PLOT), Segment("twist", Level.ENDING)]], STRICTEST)
    assert atoms == [[Atom("premise"), Atom("plot twist", True)]]  # hidden neighbours share one bar
    assert render_atoms([[Segment("twist", Level.ENDING)]], OPEN) == [[Atom("twist")]]


def test_channel_setting_beats_parent_beats_default() -> None:
    default, own, parent = Policy(), Policy(Level.ENDING), Policy(Level.PLOT, Style.PRIVATE)
    assert resolve_policy(default, own, parent) == Policy(Level.ENDING, Style.WRAP, Source.CHANNEL)
    assert resolve_policy(default, None, parent) == Policy(Level.PLOT, Style.PRIVATE, Source.PARENT)
    assert resolve_policy(default) == Policy(source=Source.DEFAULT)


# ---------------------------------------------------------------- pages


@ANSWERS
@given(blocks, policies, limits)
def test_pages_fit_balance_and_keep_every_word(answer_blocks: list[list[Segment]], policy: Policy, limit: int) -> None:
    atoms = render_atoms(answer_blocks, policy)
    pages = paginate(atoms, limit)
    seen: list[tuple[str, bool]] = []
    for page in pages:
        assert 0 < len(page) <= limit
        assert page.strip(), "a page with nothing visible"
        seen += read_page(page)  # each page balances its own spoiler bars
    # Every word, in order, with its spoiler state; a word is only cut when it alone is longer than a page.
    position = 0
    for word, spoiler in expected_words(atoms):
        rebuilt, pieces = "", 0
        while rebuilt != word:
            assert position < len(seen), f"the pages lost {word!r}"
            piece, piece_spoiler = seen[position]
            assert piece_spoiler == spoiler, f"{word!r} changed spoiler state"
            rebuilt += piece
            pieces += 1
            position += 1
            assert word.startswith(rebuilt), f"the pages changed {word!r}"
        if pieces > 1:
            assert len(word) > limit - (4 if spoiler else 0), f"{word!r} was cut though it fits a page"
    assert position == len(seen), "the pages hold words the answer did not"


@PROPERTIES
@given(st.integers(min_value=1, max_value=120), limits, st.booleans())
def test_escaped_backslashes_are_never_split(count: int, limit: int, spoiler: bool) -> None:
    word = escape("\\" * count)
    pages = paginate([[Atom(word, spoiler)]], limit)
    for page in pages:
        read_page(page)
        body = page.strip("|") if spoiler else page
        assert len(body) % 2 == 0, f"an escape pair was split: {page!r}"
    assert "".join(p.strip("|") if spoiler else p for p in pages) == word


def test_blocks_break_between_them_and_empty_blocks_are_blank_lines() -> None:
    atoms = [[Atom("one two")], [], [Atom("three")], [Atom("x" * 10, spoiler=True)]]
    assert paginate(atoms, 100) == ["one two\n\nthree\n||xxxxxxxxxx||"]
    assert paginate(atoms, 14) == ["one two\n\nthree", "||xxxxxxxxxx||"]


def test_a_block_that_fits_a_page_is_not_split_across_two() -> None:
    pages = paginate([[Atom("a" * 10)], [Atom("b" * 5), Atom("c" * 5, spoiler=True)]], 20)
    assert pages == ["a" * 10, "bbbbb ||ccccc||"]


# ---------------------------------------------------------------- embeds and messages


@PROPERTIES
@given(
    st.lists(
        st.one_of(
            st.sampled_from([0, 1, 2000, 4000, EMBED_DESCRIPTION_LIMIT]), st.integers(0, EMBED_DESCRIPTION_LIMIT)
        ),
        max_size=16,
    ),
    st.text(max_size=400),
    st.text(max_size=400),
)
def test_messages_respect_every_embed_limit(sizes: list[int], title: str, footer: str) -> None:
    pages = ["p" * size for size in sizes]
    messages = pack_pages(title, pages, footer)
    assert [e.description for m in messages for e in m] == (pages or [""])
    for index, message in enumerate(messages):
        assert 1 <= len(message) <= EMBEDS_PER_MESSAGE
        assert sum(e.size() for e in message) <= EMBED_TOTAL_LIMIT
        for position, embed in enumerate(message):
            assert len(embed.title) <= EMBED_TITLE_LIMIT
            assert len(embed.description) <= EMBED_DESCRIPTION_LIMIT
            assert len(embed.footer) <= FOOTER_BUDGET
            assert bool(embed.title) == (index == 0 and position == 0 and bool(title.strip()))
            assert bool(embed.footer) == (position == len(message) - 1 and bool(footer.strip()))
