"""Reading message payloads as a member sees them: their text (alt text of files included) and their buttons."""

from __future__ import annotations

EPHEMERAL = 1 << 6


def message_text(message: dict) -> str:
    parts = [message.get("content") or ""]
    for embed in message.get("embeds") or []:
        parts += [
            embed.get("title") or "",
            (embed.get("author") or {}).get("name") or "",
            embed.get("description") or "",
        ]
        for f in embed.get("fields") or []:
            parts += [f.get("name") or "", f.get("value") or ""]
        parts.append((embed.get("footer") or {}).get("text") or "")
    # A file's alt text is read out by screen readers, even for a file shown blurred (a spoiler attachment).
    parts += [a.get("description") or "" for a in message.get("attachments") or []]
    return "\n".join(p for p in parts if p)


def message_buttons(message: dict) -> list[dict]:
    return [c for row in message.get("components") or [] for c in row.get("components") or [] if c.get("type") == 2]
