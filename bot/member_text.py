"""Text members type, checked once where it comes in: one line, and no characters that could hide or deface it.

Every free-text option of every command goes through ``clean`` (see ``bot.options.MemberText``) before anything
else sees it: line breaks, tabs and runs of spaces become single spaces; control characters (NUL and the like),
unpaired surrogates (which no encoding can store or send) and the bidirectional overrides and isolates (which
reverse or reorder the rest of a line where it is shown) are refused with a message saying which character and
where. Shown back, member text is escaped by ``bot.render.markup.escape``, the one escape.
"""

from __future__ import annotations

import unicodedata

from .errors import UserError
from .render import errors

BIDI_CONTROLS = frozenset(
    [0x061C, 0x200E, 0x200F, *range(0x202A, 0x202F), *range(0x2066, 0x206A)]
)  # marks, embeddings, overrides and isolates


def _problem(char: str) -> str | None:
    """What is wrong with one character, in words, or None when it may stay."""
    code = ord(char)
    category = unicodedata.category(char)
    if category == "Cs":
        return "a broken character (half of a surrogate pair)"
    if code in BIDI_CONTROLS:
        return f"an invisible text-direction control (U+{code:04X})"
    if category == "Cc" and not char.isspace():
        return f"an invisible control character (U+{code:04X})"
    return None


def clean(text: str, what: str) -> str:
    """``text`` on one line with single spaces, or a ``UserError`` naming the first character that can't stay."""
    for index, char in enumerate(text, start=1):
        problem = _problem(char)
        if problem is not None:
            raise UserError(errors.bad_character(what, problem, index))
    return " ".join(text.split())
