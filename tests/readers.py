"""Reading an answer's title and footer whether it came as embeds or as a Components V2 layout."""

from __future__ import annotations

from standin import Reply, readable_parts


def _texts(message: dict) -> list[str]:
    return [c["content"] for c in message.get("components") or [] if c.get("type") == 10]


def title_of(reply: Reply) -> str:
    """The first embed's title, or a V2 message's heading (its first top-level text display, "### title")."""
    if reply.embeds:
        return reply.embeds[0].get("title") or ""
    texts = _texts(reply.message or {})
    return texts[0].removeprefix("### ") if texts and texts[0].startswith("### ") else ""


def footer_of(reply: Reply) -> str:
    """The last embed's footer, or the small text ("-# footer") closing the last V2 message."""
    last = (reply.followups or [reply.message or {}])[-1]
    embeds = last.get("embeds") or []
    if embeds:
        return (embeds[-1].get("footer") or {}).get("text") or ""
    footers = [t.removeprefix("-# ") for t in _texts(last) if t.startswith("-# ")]
    return footers[-1] if footers else ""


def plain_and_hidden(reply: Reply) -> tuple[str, str]:
    """(what a member reads without clicking, what is behind a click): spoiler containers and ``||`` bars alike."""
    plain: list[str] = []
    hidden: list[str] = []
    for message in [reply.message or {}, *reply.followups]:
        for part in readable_parts(message):
            if part.in_spoiler:
                hidden.append(part.text)
                continue
            inside = False
            i, text = 0, part.text
            while i < len(text):
                if text[i] == "\\" and i + 1 < len(text):
                    (hidden if inside else plain).append(text[i : i + 2])
                    i += 2
                elif text.startswith("||", i):
                    inside = not inside
                    (hidden if inside else plain).append("\n")
                    i += 2
                else:
                    (hidden if inside else plain).append(text[i])
                    i += 1
            plain.append("\n")
    return "".join(plain), "".join(hidden)
