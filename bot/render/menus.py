"""What the message menus say: "Ask about this" and the moderators' "Hide spoilers" (pure)."""

from __future__ import annotations

from collections.abc import Sequence

from .limits import CONTENT_LIMIT, paginate
from .markup import Atom, escape
from .phrases import member

NOTHING_TO_ASK = (
    "That message has no text I could read as a question (only attachments, or nothing at all). "
    "Ask me in words with /ask."
)
NOTHING_TO_HIDE = (
    "That message has no text to wrap in spoiler bars (only attachments or embeds), so I left it as it is. "
    "A moderator can delete it if it gives the film away."
)
OWN_MESSAGE = "That's one of my own messages: my answers already follow this channel's spoiler setting."
HIDE_MODERATORS_ONLY = "Only members who can Manage Messages can hide a message behind spoiler bars."
REPOST_HEADER = "{author} wrote (hidden behind spoiler bars by a moderator; click to read):"


def bot_missing(permissions: Sequence[str]) -> str:
    """The bot lacks a permission in this channel: say which, and that nothing changed."""
    names = " and ".join(p.replace("_", " ").title() for p in permissions)
    return (
        f"I can't hide that message here: I need the {names} permission in this channel "
        "(ask an admin to give it to my role). Nothing was changed."
    )


def repost(author_id: int, text: str) -> list[str]:
    """The member's text, escaped (it can never close the bars or ping anyone), in spoiler bars, as messages of at most
    2,000 characters; the first names its author."""
    header = REPOST_HEADER.format(author=member(author_id))
    pages = paginate([[Atom(escape(text), spoiler=True)]], CONTENT_LIMIT - len(header) - 1)
    return [f"{header}\n{pages[0]}", *pages[1:]]


def hidden_done(author_id: int, parts: int) -> str:
    where = "re-posted behind spoiler bars" if parts == 1 else f"re-posted behind spoiler bars in {parts} messages"
    return f"Done: the message by {member(author_id)} is {where}, and the original is removed."


def repost_orphaned(author_id: int) -> str:
    return (
        f"I re-posted the message by {member(author_id)} behind spoiler bars but could not remove the original, "
        "so I took my copy down again. Nothing else changed."
    )
