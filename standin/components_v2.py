"""Discord's rules for Components V2 messages (the IS_COMPONENTS_V2 flag), checked by the stand-in.

From the Discord API docs ("Components", "Using message components"): a message with the flag has no content and
no embeds; its top-level components are action rows, sections, text displays, thumbnails, media galleries, files,
separators and containers; a container holds those but no other container; a section holds 1-3 text displays and
one accessory (a button or a thumbnail); at most 40 components in all, nested ones included; at most 4,000
characters of text across the message; the flag cannot be removed once a message has it.
"""

from __future__ import annotations

from typing import Any

from .rules import RuleBroken, check

IS_COMPONENTS_V2 = 1 << 15
SUPPRESS_EMBEDS = 1 << 2
EDITABLE_FLAGS = IS_COMPONENTS_V2 | SUPPRESS_EMBEDS  # the flags an edit may change; the others stay as they were

ACTION_ROW, BUTTON, SECTION, TEXT_DISPLAY, THUMBNAIL, MEDIA_GALLERY, FILE, SEPARATOR, CONTAINER = (
    1,
    2,
    9,
    10,
    11,
    12,
    13,
    14,
    17,
)
TOP_LEVEL = {ACTION_ROW, SECTION, TEXT_DISPLAY, MEDIA_GALLERY, FILE, SEPARATOR, CONTAINER}
IN_CONTAINER = TOP_LEVEL - {CONTAINER}
V2_ONLY = TOP_LEVEL - {ACTION_ROW}
COMPONENTS_LIMIT = 40
TEXT_LIMIT = 4000


def is_v2(flags: int | None) -> bool:
    return bool((flags or 0) & IS_COMPONENTS_V2)


def uses_v2_components(components: list[dict[str, Any]]) -> bool:
    return any(c.get("type") in V2_ONLY for c in components)


def edited_flags(old: int, data: dict[str, Any]) -> int:
    """A message's flags after an edit; removing IS_COMPONENTS_V2 is refused (400)."""
    if "flags" not in data or data["flags"] is None:
        return old
    new = int(data["flags"])
    check(not (is_v2(old) and not is_v2(new)), "flags", "IS_COMPONENTS_V2 cannot be removed from a message")
    return (old & ~EDITABLE_FLAGS) | (new & EDITABLE_FLAGS)


class _Tally:
    def __init__(self) -> None:
        self.components = 0
        self.text = 0
        self.custom_ids: list[str] = []


def validate_v2(data: dict[str, Any], flags: int, *, creating: bool = True) -> None:
    """A message body (create or edit) read with its resulting flags."""
    components = data.get("components")
    if not is_v2(flags):
        if components:
            check(
                not uses_v2_components(components),
                "components",
                "layout components (sections, text displays, containers...) need the IS_COMPONENTS_V2 flag",
            )
        return
    check(not data.get("content"), "message", "a message with IS_COMPONENTS_V2 cannot have content")
    check(not data.get("embeds"), "message", "a message with IS_COMPONENTS_V2 cannot have embeds")
    check(not data.get("poll"), "message", "a message with IS_COMPONENTS_V2 cannot have a poll")
    if components is None and not creating:
        return
    components = components or []
    check(len(components) >= 1, "message", "a V2 message needs at least one component")
    tally = _Tally()
    for component in components:
        check(component.get("type") in TOP_LEVEL, "components", f"type {component.get('type')} is not top-level")
        _component(component, tally)
    check(tally.components <= COMPONENTS_LIMIT, "components", f"{tally.components} components (limit 40)")
    check(tally.text <= TEXT_LIMIT, "components", f"{tally.text} characters of text (limit 4000)")
    check(len(tally.custom_ids) == len(set(tally.custom_ids)), "components", "custom_ids must be unique")


def _component(c: dict[str, Any], tally: _Tally) -> None:
    kind = c.get("type")
    tally.components += 1
    if kind == CONTAINER:
        children = c.get("components") or []
        check(len(children) >= 1, "container", "needs at least one component")
        colour = c.get("accent_color")
        check(colour is None or (isinstance(colour, int) and 0 <= colour <= 0xFFFFFF), "container", "bad accent_color")
        check(isinstance(c.get("spoiler", False), bool), "container", "spoiler must be true or false")
        for child in children:
            check(
                child.get("type") in IN_CONTAINER, "container", f"cannot hold a component of type {child.get('type')}"
            )
            _component(child, tally)
    elif kind == SECTION:
        texts = c.get("components") or []
        check(1 <= len(texts) <= 3, "section", f"{len(texts)} text displays (1-3)")
        for text in texts:
            check(text.get("type") == TEXT_DISPLAY, "section", "holds text displays only")
            _component(text, tally)
        accessory = c.get("accessory")
        check(isinstance(accessory, dict), "section", "needs an accessory (a button or a thumbnail)")
        assert isinstance(accessory, dict)
        check(accessory.get("type") in (BUTTON, THUMBNAIL), "section", "the accessory must be a button or thumbnail")
        _component(accessory, tally)
    elif kind == TEXT_DISPLAY:
        content = c.get("content")
        check(isinstance(content, str) and 1 <= len(content) <= TEXT_LIMIT, "text display", "content 1-4000")
        tally.text += len(content or "")
    elif kind == SEPARATOR:
        check(c.get("spacing", 1) in (1, 2), "separator", "spacing must be 1 or 2")
    elif kind == ACTION_ROW:
        children = c.get("components") or []
        check(1 <= len(children) <= 5, "action row", f"{len(children)} components (1-5)")
        for child in children:
            check(child.get("type") in (BUTTON, 3, 5, 6, 7, 8), "action row", "holds buttons or one select")
            _component(child, tally)
    elif kind == BUTTON:
        label = c.get("label")
        check(label is None or len(label) <= 80, "button", "label up to 80 characters")
        if c.get("style") != 5:
            custom_id = c.get("custom_id")
            check(isinstance(custom_id, str) and 1 <= len(custom_id) <= 100, "button", "custom_id 1-100 characters")
            tally.custom_ids.append(str(custom_id))
    elif kind in (THUMBNAIL, MEDIA_GALLERY, FILE):
        pass  # media: the bot sends none; accepted as Discord would, counted
    else:
        raise RuleBroken(f"components: unknown component type {kind!r}")


def check_result(message: dict[str, Any]) -> None:
    """After an edit: a V2 message keeps no content and no embeds from before."""
    if is_v2(message.get("flags")):
        check(not message.get("content"), "message", "a message with IS_COMPONENTS_V2 cannot keep content")
        check(not message.get("embeds"), "message", "a message with IS_COMPONENTS_V2 cannot keep embeds")
