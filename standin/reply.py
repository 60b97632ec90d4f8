"""The record of one interaction: what the bot answered, filled in by the REST routes, awaited by the driver."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass, field

from .messages import EPHEMERAL, message_buttons, message_text


@dataclass
class Reply:
    """Everything the bot did in answer to one interaction."""

    kind: str  # "command", "autocomplete" or "component"
    interaction_id: int
    token: str
    channel_id: int
    source_message: dict | None = None  # for a component: the message whose button was pressed
    callback_type: int | None = None
    message: dict | None = None  # the response message, as it stands after any edits
    followups: list[dict] = field(default_factory=list)
    choices: list[dict] | None = None
    edits: int = 0
    shards: list[int] = field(default_factory=list)  # the shard(s) whose connection the interaction went out on
    changed: asyncio.Condition = field(default_factory=asyncio.Condition)
    # time.perf_counter() when the interaction went out on the gateway and when its callback POST came in.
    sent_at: float | None = None
    answered_at: float | None = None
    # When the event was on the wire (after any wait for a gateway connection): Discord's deadlines count from here.
    delivered_at: float | None = None
    expired: bool = False  # the bot's first answer came after Discord's 3 s: refused with 10062 Unknown interaction

    @property
    def complete(self) -> bool:
        """Answered: a message, an update or choices; a deferral counts once its message has been edited in."""
        if self.callback_type in (4, 7, 8, 9):
            return True
        return self.callback_type in (5, 6) and self.edits > 0

    @property
    def ephemeral(self) -> bool:
        return bool(self.message and self.message.get("flags", 0) & EPHEMERAL)

    @property
    def content(self) -> str:
        return (self.message or {}).get("content") or ""

    @property
    def embeds(self) -> list[dict]:
        return (self.message or {}).get("embeds") or []

    @property
    def text(self) -> str:
        """Content and every embed's visible text, for assertions about what a person would read."""
        return message_text(self.message or {})

    @property
    def attachments(self) -> list[dict]:
        """The files on the response message (their bytes: ``StandIn.file_bytes``)."""
        return (self.message or {}).get("attachments") or []

    @property
    def buttons(self) -> list[dict]:
        return message_buttons(self.message or {})

    async def wait(self, predicate: Callable[[Reply], bool], timeout: float = 10.0) -> None:
        async with self.changed:
            await asyncio.wait_for(self.changed.wait_for(lambda: predicate(self)), timeout)

    async def notify(self) -> None:
        async with self.changed:
            self.changed.notify_all()
