"""Reading message payloads as a member sees them: their text (alt text of files included), their buttons, and
Components V2 messages (containers, sections, text displays), with what sits in spoiler containers marked."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

EPHEMERAL = 1 << 6
SPOILER_OPEN, SPOILER_CLOSE = "⟦spoiler⟧", "⟦/spoiler⟧"


@dataclass(frozen=True)
class ReadablePart:
    """One piece of text a member can read in a message, and whether it sits in a container marked as a spoiler
    (hidden until they click it)."""

    text: str
    in_spoiler: bool = False


def _walk(components: list[dict], in_spoiler: bool = False) -> Iterator[tuple[dict, bool]]:
    """Every component, nested ones and section accessories included, with whether a spoiler container holds it."""
    for component in components:
        yield component, in_spoiler
        inside = in_spoiler or (component.get("type") == 17 and bool(component.get("spoiler")))
        yield from _walk(component.get("components") or [], inside)
        accessory = component.get("accessory")
        if accessory:
            yield accessory, inside


def readable_parts(message: dict) -> list[ReadablePart]:
    """Everything readable in a message, in order: content, embeds, text displays and button labels, each marked
    with whether it sits inside a spoiler container (the ``||...||`` inside a text stays as it is)."""
    parts = [ReadablePart(message.get("content") or "")]
    for embed in message.get("embeds") or []:
        texts = [embed.get("title"), (embed.get("author") or {}).get("name"), embed.get("description")]
        for f in embed.get("fields") or []:
            texts += [f.get("name"), f.get("value")]
        texts.append((embed.get("footer") or {}).get("text"))
        parts += [ReadablePart(t) for t in texts if t]
    for component, in_spoiler in _walk(message.get("components") or []):
        if component.get("type") == 10:
            parts.append(ReadablePart(component.get("content") or "", in_spoiler))
        elif component.get("type") == 2 and component.get("label"):
            parts.append(ReadablePart(component["label"], in_spoiler))
    return [p for p in parts if p.text]


def v2_text(message: dict) -> str:
    """The readable text of a (V2) message, with what sits in spoiler containers between ``⟦spoiler⟧`` and
    ``⟦/spoiler⟧`` markers, so a test can tell what a member reads before clicking anything."""
    return "\n".join(
        f"{SPOILER_OPEN}{p.text}{SPOILER_CLOSE}" if p.in_spoiler else p.text for p in readable_parts(message)
    )


def message_text(message: dict) -> str:
    """Content, embeds and text displays (V2), for assertions about what a person would read.

    A text inside a container marked as a spoiler reads as if wrapped in one spoiler bar (``||text||``): hidden
    until clicked, like a bar, so the same spoiler checks read embeds and V2 messages alike. ``v2_text`` and
    ``readable_parts`` tell exactly what sits in spoiler containers.
    """
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
    for component, in_spoiler in _walk(message.get("components") or []):
        if component.get("type") == 10 and component.get("content"):
            parts.append(f"||{component['content']}||" if in_spoiler else component["content"])
    # A file's alt text is read out by screen readers, even for a file shown blurred (a spoiler attachment).
    parts += [a.get("description") or "" for a in message.get("attachments") or []]
    return "\n".join(p for p in parts if p)


def message_buttons(message: dict) -> list[dict]:
    """Every button of a message, in action rows, containers and beside sections."""
    return [c for c, _ in _walk(message.get("components") or []) if c.get("type") == 2]
