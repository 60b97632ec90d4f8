"""Member text at the boundary (pure): one line, and no character that could hide, reverse or break it."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.errors import UserError
from bot.member_text import BIDI_CONTROLS, clean
from bot.render.markup import escape
from bot.render.phrases import echo


@pytest.mark.parametrize(
    ("text", "cleaned"),
    [
        ("  who\tplays\n\nharry  ", "who plays harry"),
        ("🎬 👨‍👩‍👦 family", "🎬 👨‍👩‍👦 family"),  # zero-width joiners inside emoji stay
        ("ｗｈｏ", "ｗｈｏ"),
        ("שלום hello", "שלום hello"),  # right-to-left text itself is fine; only the invisible controls are not
    ],
)
def test_whitespace_becomes_single_spaces_and_text_stays(text: str, cleaned: str) -> None:
    assert clean(text, "question") == cleaned


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("nul\x00byte", "U+0000"),
        ("\x1b[31mred", "U+001B"),
        ("bell\x07", "U+0007"),
        ("abc\u202edcba", "U+202E"),  # right-to-left override: reverses the rest of the line
        ("\u2066isolate", "U+2066"),
        ("mark\u200f", "U+200F"),
        ("broken \ud800 half", "half of a surrogate pair"),
        ("\x85next line", None),  # a C1 control that Python counts as whitespace: becomes a space
    ],
)
def test_controls_are_refused_with_the_character_and_its_place(text: str, named: str | None) -> None:
    if named is None:
        assert clean(text, "title") == "next line"
        return
    with pytest.raises(UserError) as refused:
        clean(text, "title")
    assert refused.value.message.startswith("Your title contains") and named in refused.value.message
    position = next(i for i, c in enumerate(text, start=1) if not c.isspace() and (ord(c) < 32 or c > "\u0600"))
    assert f"at character {position}" in refused.value.message


@given(st.text(max_size=300))
def test_clean_text_holds_no_control_and_no_line_break(text: str) -> None:
    try:
        cleaned = clean(text, "question")
    except UserError:
        return
    assert "\n" not in cleaned and "  " not in cleaned and cleaned == cleaned.strip()
    assert not any(ord(c) in BIDI_CONTROLS or 0xD800 <= ord(c) <= 0xDFFF for c in cleaned)
    cleaned.encode("utf-8")  # storable and sendable


MARKUP = [
    "[Vote here](http://evil.test)",
    "harry || dies",
    "```py boom```",
    "<@123456789012345678> <@&1> <#2> @everyone @here",
    "**bold** __under__ ~~strike~~ *it* `code`",
    "> quote -# small # title",
    "<:emoji:123> <t:0:R> https://evil.test",
    "\\||escaped bars\\||",
]


@pytest.mark.parametrize("text", MARKUP)
def test_the_one_escape_leaves_no_markup_live(text: str) -> None:
    for shown in (escape(text), echo(text, 200)):
        assert "[Vote" not in shown.replace("\\[", "")
        assert "||" not in shown.replace("\\|", "")
        assert "`" not in shown.replace("\\`", "")
        assert "<" not in shown.replace("\\<", "") and "@" not in shown.replace("\\@", "")
        assert "*" not in shown.replace("\\*", "") and "_" not in shown.replace("\\_", "")
        assert not re.search(r"(?<!\\)://", shown)  # no bare link either: "https\://" does not link
