"""What Discord's client refuses to send: a member cannot submit a slash command whose option values break the
command's declared limits (length, range, choices, kinds of channel), or leave out a required option. The driver
refuses such a command the same way, so a bot is only ever tested with what Discord would deliver."""

from __future__ import annotations

from typing import Any

STRING, INTEGER, BOOLEAN, USER, CHANNEL, ROLE, MENTIONABLE, NUMBER = 3, 4, 5, 6, 7, 8, 9, 10
LARGEST_INTEGER = 2**53  # Discord's integers stay within what a JavaScript number holds exactly


class Refused(ValueError):
    """An option value Discord's client would not send; ``words`` are what the client shows under the option."""

    def __init__(self, option: str, words: str) -> None:
        super().__init__(f"{option}: {words} (Discord's client would not send this)")
        self.option, self.words = option, words


def check_required(option: dict[str, Any]) -> None:
    if option.get("required"):
        raise Refused(option["name"], "This option is required.")


def check_value(option: dict[str, Any], value: Any) -> None:
    """Refuse ``value`` for ``option`` (its registered schema) as Discord's client would."""
    name, kind = option["name"], option["type"]
    if kind == STRING:
        if not isinstance(value, str):
            raise Refused(name, "Must be text.")
        if len(value) < option.get("min_length", 0) or (option.get("required") and not value):
            raise Refused(name, f"Must be {max(option.get('min_length', 0), 1)} or more in length.")
        if len(value) > option.get("max_length", 6000):
            raise Refused(name, f"Must be {option.get('max_length', 6000)} or fewer in length.")
    elif kind in (INTEGER, NUMBER):
        if isinstance(value, bool) or not isinstance(value, int | float) or (kind == INTEGER and value != int(value)):
            raise Refused(name, "Must be a whole number." if kind == INTEGER else "Must be a number.")
        low, high = option.get("min_value", -LARGEST_INTEGER), option.get("max_value", LARGEST_INTEGER)
        if value < low:
            raise Refused(name, f"Must be {low} or more.")
        if value > high:
            raise Refused(name, f"Must be {high} or less.")
    elif kind == BOOLEAN and not isinstance(value, bool):
        raise Refused(name, "Must be true or false.")
    choices = option.get("choices")
    if choices and value not in [c["value"] for c in choices]:
        raise Refused(name, "Choose one of " + ", ".join(f"“{c['name']}”" for c in choices) + ".")


# Channel types as Discord's client names them.
CHANNEL_KINDS = {
    0: "text channel",
    2: "voice channel",
    4: "category",
    5: "announcement channel",
    10: "thread",
    11: "thread",
    12: "thread",
    13: "stage",
    15: "forum",
    16: "media channel",
}


def check_channel_kind(option: dict[str, Any], channel_type: int) -> None:
    allowed = option.get("channel_types")
    if allowed and channel_type not in allowed:
        kinds = list(dict.fromkeys(CHANNEL_KINDS.get(t, f"channel of type {t}") for t in allowed))
        said = ", ".join(kinds[:-1]) + f" or {kinds[-1]}" if len(kinds) > 1 else kinds[0]
        raise Refused(option["name"], f"Choose a {said}.")
