"""What Tab offers at the playground prompt, as Discord's client offers it: command and option names by their start,
an option's choices by their names (matched anywhere in the name), the bot's own autocomplete as it answers."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from standin import ChannelType

from .parse import parse_command

if TYPE_CHECKING:
    from .session import Playground

# Asks the bot's autocomplete: (command path, option, text typed) -> the choices it offers.
Ask = Callable[[tuple[str, ...], str, str], list[dict[str, Any]]]
ACTIONS = [
    "as moderator",
    "as member",
    "in #",
    "click ",
    "reveal",
    "say ",
    "menu ",
    "save ",
    "help",
    "commands",
    "quit",
]
SUBCOMMAND_TYPES = (1, 2)
_OPTION_START = re.compile(r"(?:^|\s)([a-z0-9_-]{1,32}):")


@dataclass(frozen=True, slots=True)
class Completion:
    """The line as it would read with this candidate taken (up to the cursor), and how the menu shows it."""

    line: str
    label: str


def completions(pg: Playground, line: str, ask: Ask) -> list[Completion]:
    """The candidates for the line typed so far (everything before the cursor)."""
    if not line.startswith("/"):
        return [Completion(a, a) for a in ACTIONS if a.startswith(line.lower())]
    words = line[1:].split()
    if _OPTION_START.search(line) is None:
        return _names(pg, line, words)
    return _option_values(pg, line, ask)


def _names(pg: Playground, line: str, words: list[str]) -> list[Completion]:
    """Still naming the command, a subcommand, or the first option."""
    partial = "" if line.endswith(" ") or not words else words.pop()
    head = line[: len(line) - len(partial)]
    pool: list[dict[str, Any]] = [c for c in pg.standin.global_commands if c.get("type", 1) == 1]  # menus: "menu"
    leaf: dict[str, Any] | None = None
    for word in words:
        found = next((c for c in pool if c["name"] == word), None)
        if found is None:
            return []
        subs = [o for o in found.get("options") or [] if o["type"] in SUBCOMMAND_TYPES]
        pool, leaf = subs, (None if subs else found)
    if leaf is None:  # a command or a subcommand to name
        slash = "" if words else "/"
        return [
            Completion(f"{head}{c['name']}", f"{slash}{c['name']}  {c.get('description', '')}")
            for c in pool
            if c["name"].startswith(partial)
        ]
    return [
        Completion(f"{head}{o['name']}:", _option_label(o))
        for o in leaf.get("options") or []
        if o["name"].startswith(partial)
    ]


def _option_label(option: dict[str, Any]) -> str:
    required = "" if option.get("required") else " (optional)"
    return f"{option['name']}:  {option.get('description', '')}{required}"


def _option_values(pg: Playground, line: str, ask: Ask) -> list[Completion]:
    """An option's value, or the name of the next option."""
    try:
        parsed = parse_command(line + "\x00", pg.option_names)  # a marker keeps the value being typed, spaces and all
    except ValueError:
        return []
    try:
        schema = {o["name"]: o for o in pg.schema(parsed.path)}
    except LookupError:
        return []
    current = next(reversed(parsed.options), None)
    if current is None or current not in schema:
        return []
    value = parsed.options[current].removesuffix("\x00").strip()
    head = line[: line.rindex(f"{current}:") + len(current) + 1] + " "
    following: list[Completion] = []
    if value and (line.endswith(" ") or " " in value):  # perhaps the next option's name, after a value
        partial = "" if line.endswith(" ") else line.rsplit(" ", 1)[1]
        before = line[: len(line) - len(partial)]
        following = [
            Completion(f"{before}{o['name']}:", _option_label(o))
            for name, o in schema.items()
            if name not in parsed.options and name.startswith(partial)
        ]
    if value and line.endswith(" "):
        return following
    return [Completion(head + name, name) for name in _values(pg, parsed.path, schema[current], value, ask)] + following


def _values(pg: Playground, path: tuple[str, ...], option: dict[str, Any], typed: str, ask: Ask) -> list[str]:
    """The names a member could pick for ``option`` after typing ``typed``."""
    folded = typed.casefold()
    if option.get("choices"):
        pg.remember(path, option["name"], option["choices"])
        return [c["name"] for c in option["choices"] if folded in c["name"].casefold() or c["value"] == typed]
    if option.get("autocomplete"):
        choices = ask(path, option["name"], typed)
        pg.remember(path, option["name"], choices)
        return [c["name"] for c in choices]
    kind = option["type"]
    if kind == 7:  # a channel
        channels = [c for c in pg.standin.guild.channels if c.type != ChannelType.CATEGORY]
        return [f"#{c.name}" for c in channels if folded.lstrip("#") in c.name.casefold()]
    if kind == 6:  # a member
        members = [m.user.name for m in pg.standin.guild.members if not m.user.bot]
        return [f"@{name}" for name in members if folded.lstrip("@") in name.casefold()]
    if kind == 5:  # yes or no
        return [word for word in ("true", "false") if word.startswith(folded)]
    return []
