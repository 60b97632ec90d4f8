"""Discord's rules for what a bot may register and send, checked by the stand-in so tests fail where Discord would.

From the Discord API docs (application commands, message and component limits).
"""

from __future__ import annotations

import re
from typing import Any

NAME = re.compile(r"^[-_a-z0-9]{1,32}$")
SUB_COMMAND, SUB_COMMAND_GROUP = 1, 2
CHOICE_TYPES = {3, 4, 10}


class RuleBroken(Exception):
    """Something the bot sent would be refused by Discord (400 Invalid Form Body, unless a subclass says otherwise),
    with Discord's nested ``errors`` object when the rule knows which field broke it."""

    status = 400
    code = 50035
    message = "Invalid Form Body"

    def __init__(self, text: str, *, errors: dict[str, Any] | None = None) -> None:
        super().__init__(text)
        self.errors = errors


def check(condition: bool, where: str, problem: str) -> None:
    if not condition:
        raise RuleBroken(f"{where}: {problem}")


def _text(value: Any, where: str, low: int, high: int) -> None:
    check(
        isinstance(value, str) and low <= len(value) <= high, where, f"must be {low}-{high} characters, got {value!r}"
    )


def validate_command(cmd: dict[str, Any]) -> None:
    name = cmd.get("name", "")
    where = f"command {name!r}"
    kind = cmd.get("type", 1)
    if kind == 1:
        check(bool(NAME.match(name)), where, "name must match ^[-_a-z0-9]{1,32}$")
        _text(cmd.get("description"), f"{where} description", 1, 100)
        _validate_options(cmd.get("options") or [], where, depth=0)
    else:
        _text(name, f"{where} name", 1, 32)
    size = len(name) + len(cmd.get("description", "")) + _options_size(cmd.get("options") or [])
    check(size <= 4000, where, f"names, descriptions and choices add up to {size} characters (limit 4000)")
    perms = cmd.get("default_member_permissions")
    # Documented as a string of digits; Discord takes a whole number too (discord.py sends one for context menus).
    check(
        perms is None or (isinstance(perms, str) and perms.isdigit()) or (type(perms) is int and perms >= 0),
        where,
        "default_member_permissions must be a string of digits",
    )


def _options_size(options: list[dict[str, Any]]) -> int:
    total = 0
    for opt in options:
        total += len(opt.get("name", "")) + len(opt.get("description", ""))
        total += sum(len(c.get("name", "")) + len(str(c.get("value", ""))) for c in opt.get("choices") or [])
        total += _options_size(opt.get("options") or [])
    return total


def _validate_options(options: list[dict[str, Any]], where: str, depth: int) -> None:
    check(len(options) <= 25, where, f"has {len(options)} options (limit 25)")
    names = [o.get("name") for o in options]
    check(len(names) == len(set(names)), where, "option names must be unique")
    kinds = {o.get("type") for o in options}
    if kinds & {SUB_COMMAND, SUB_COMMAND_GROUP}:
        check(kinds <= {SUB_COMMAND, SUB_COMMAND_GROUP}, where, "subcommands cannot be mixed with plain options")
    seen_optional = False
    for opt in options:
        oname = opt.get("name", "")
        owhere = f"{where} option {oname!r}"
        otype = opt.get("type")
        check(bool(NAME.match(oname)), owhere, "name must match ^[-_a-z0-9]{1,32}$")
        _text(opt.get("description"), f"{owhere} description", 1, 100)
        check(otype in range(1, 12), owhere, f"unknown option type {otype!r}")
        if otype in (SUB_COMMAND, SUB_COMMAND_GROUP):
            check(depth == 0 or (depth == 1 and otype == SUB_COMMAND), owhere, "subcommands nest at most two deep")
            _validate_options(opt.get("options") or [], owhere, depth + 1)
            continue
        if opt.get("required"):
            check(not seen_optional, owhere, "required options must come before optional ones")
        else:
            seen_optional = True
        choices = opt.get("choices") or []
        check(len(choices) <= 25, owhere, f"has {len(choices)} choices (limit 25)")
        if choices:
            check(otype in CHOICE_TYPES, owhere, "only string, integer and number options can have choices")
            check(not opt.get("autocomplete"), owhere, "autocomplete and choices cannot be used together")
        for choice in choices:
            _text(choice.get("name"), f"{owhere} choice name", 1, 100)
            if otype == 3:
                _text(choice.get("value"), f"{owhere} choice value", 1, 100)
        if opt.get("autocomplete"):
            check(otype in CHOICE_TYPES, owhere, "only string, integer and number options can autocomplete")
        if "max_length" in opt:
            check(0 < opt["max_length"] <= 6000, owhere, "max_length must be 1-6000")


def validate_commands(commands: list[dict[str, Any]]) -> None:
    check(len(commands) <= 100, "commands", f"{len(commands)} chat commands (limit 100)")
    names = [(c.get("type", 1), c.get("name")) for c in commands]
    check(len(names) == len(set(names)), "commands", "command names must be unique per type")
    for cmd in commands:
        validate_command(cmd)


def validate_choices(choices: list[dict[str, Any]]) -> None:
    check(len(choices) <= 25, "autocomplete", f"{len(choices)} choices (limit 25)")
    for choice in choices:
        _text(choice.get("name"), "autocomplete choice name", 1, 100)
        value = choice.get("value")
        if isinstance(value, str):
            _text(value, "autocomplete choice value", 1, 100)


def validate_message(data: dict[str, Any], *, creating: bool = True, files: int = 0) -> None:
    """Content, embed and component limits of a message the bot sends or edits (with ``files`` new files)."""
    content = data.get("content")
    if content is not None:
        check(len(content) <= 2000, "message", f"content is {len(content)} characters (limit 2000)")
    embeds = data.get("embeds") or []
    check(len(embeds) <= 10, "message", f"{len(embeds)} embeds (limit 10)")
    total = 0
    for i, embed in enumerate(embeds):
        where = f"embed {i}"
        title, desc = embed.get("title") or "", embed.get("description") or ""
        footer = (embed.get("footer") or {}).get("text") or ""
        author = (embed.get("author") or {}).get("name") or ""
        check(len(title) <= 256, where, f"title is {len(title)} characters (limit 256)")
        check(len(desc) <= 4096, where, f"description is {len(desc)} characters (limit 4096)")
        check(len(footer) <= 2048, where, f"footer is {len(footer)} characters (limit 2048)")
        check(len(author) <= 256, where, f"author name is {len(author)} characters (limit 256)")
        fields = embed.get("fields") or []
        check(len(fields) <= 25, where, f"{len(fields)} fields (limit 25)")
        total += len(title) + len(desc) + len(footer) + len(author)
        for field in fields:
            name, value = field.get("name") or "", field.get("value") or ""
            check(1 <= len(name) <= 256, f"{where} field", f"name is {len(name)} characters (1-256)")
            check(1 <= len(value) <= 1024, f"{where} field {name!r}", f"value is {len(value)} characters (1-1024)")
            total += len(name) + len(value)
    check(total <= 6000, "message", f"embeds hold {total} characters (limit 6000)")
    if creating:
        filled = bool(content) or bool(embeds) or bool(data.get("components")) or files > 0
        check(filled, "message", "cannot send an empty message")
    rows = data.get("components") or []
    check(len(rows) <= 5, "message", f"{len(rows)} action rows (limit 5)")
    custom_ids: list[str] = []
    for row in rows:
        check(row.get("type") == 1, "components", "top-level components must be action rows")
        children = row.get("components") or []
        check(1 <= len(children) <= 5, "action row", f"{len(children)} components (1-5)")
        for comp in children:
            custom_id = comp.get("custom_id")
            if comp.get("type") == 2 and comp.get("style") != 5:
                check(isinstance(custom_id, str), "button", "needs a custom_id")
            if custom_id is not None:
                _text(custom_id, "custom_id", 1, 100)
                custom_ids.append(custom_id)
            label = comp.get("label")
            if label is not None:
                check(len(label) <= 80, "button", f"label is {len(label)} characters (limit 80)")
    check(len(custom_ids) == len(set(custom_ids)), "components", "custom_ids must be unique in a message")
