"""One gateway connection: its websocket, sequence number and session id, and the shard it identified as.

Discord gives each server to one shard, ``(guild_id >> 22) % shard_count``; a connection that identified without a
``shard`` field is shard 0 of 1 and holds every server. Direct messages always go to shard 0."""

from __future__ import annotations

import asyncio
import json
import secrets
from typing import Any

from aiohttp import web


def shard_of(guild_id: int, shard_count: int) -> int:
    """The shard that holds a server, as Discord computes it."""
    return (guild_id >> 22) % shard_count


class GatewaySession:
    def __init__(self, ws: web.WebSocketResponse) -> None:
        self.ws = ws
        self.seq = 0
        self.session_id = secrets.token_hex(16)
        self.identified = asyncio.Event()
        self.shard_id = 0
        self.shard_count = 1

    def owns(self, guild_id: int | None) -> bool:
        """Whether events of this server (None: a direct message) go to this connection."""
        if guild_id is None:
            return self.shard_id == 0
        return shard_of(guild_id, self.shard_count) == self.shard_id

    async def send(self, op: int, d: Any, t: str | None = None) -> None:
        payload: dict[str, Any] = {"op": op, "d": d, "s": None, "t": t}
        if op == 0:
            self.seq += 1
            payload["s"] = self.seq
        await self.ws.send_str(json.dumps(payload))
