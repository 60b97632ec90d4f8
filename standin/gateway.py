"""The gateway: HELLO, IDENTIFY (token, intents and shard checked), READY and GUILD_CREATE, RESUME, heartbeats,
events sent to the shard that holds their server, and the ways Discord drops or invalidates a connection."""

from __future__ import annotations

import json
import math
import time
from typing import Any

from aiohttp import WSMsgType, web

from .core import Core
from .session import GatewaySession, shard_of
from .world import Channel, ChannelType, Guild

PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15)  # members, presences, message content
# Discord closes a session holding more servers than this with 4011 ("Sharding required").
MAX_GUILDS_PER_SHARD = 2500
GUILDS_PER_RECOMMENDED_SHARD = 1000  # GET /gateway/bot recommends about one shard per 1,000 servers
OWNER_TIMEOUT = 30.0  # how long an event waits for the connection of the shard that holds its server


class Gateway(Core):
    """The websocket side of the stand-in, and the events and connection troubles it can send."""

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(max_msg_size=0, autoping=True)
        await ws.prepare(request)
        session = GatewaySession(ws)
        self.sessions.append(session)
        try:
            await session.send(10, {"heartbeat_interval": 41250})
            async for msg in ws:
                if msg.type != WSMsgType.TEXT:
                    continue
                data = json.loads(msg.data)
                await self._gateway_op(session, data["op"], data.get("d"))
        finally:
            if session in self.sessions:
                self.sessions.remove(session)
            if not self.sessions:
                self.connected.clear()
            await self._news()
        return ws

    async def _gateway_op(self, session: GatewaySession, op: int, d: Any) -> None:
        if op == 1:  # heartbeat
            await session.ws.send_str(json.dumps({"op": 11, "d": None, "s": None, "t": None}))
        elif op == 2:  # identify
            if d.get("token") != self.token:
                await session.ws.close(code=4004, message=b"Authentication failed.")
                return
            if d.get("intents", 0) & PRIVILEGED_INTENTS:
                self.problem(f"the bot asked for privileged intents ({d['intents']})")
                await session.ws.close(code=4014, message=b"Disallowed intent(s).")
                return
            if not await self._take_shard(session, d.get("shard")):
                return
            self.identifies += 1
            self.session_starts_left = max(0, self.session_starts_left - 1)
            self.identify_log.append((time.perf_counter(), session.shard_id, session.shard_count))
            self.session_shards[session.session_id] = (session.shard_id, session.shard_count)
            await self._ready(session)
        elif op == 6:  # resume
            self.resumes += 1
            if d.get("token") != self.token:
                await session.send(9, False)
                return
            shard = self.session_shards.get(str(d.get("session_id")))
            if shard is None:  # a session this gateway never started: it cannot be resumed
                await session.send(9, False)
                return
            session.session_id = str(d["session_id"])
            session.shard_id, session.shard_count = shard
            session.seq = int(d.get("seq") or 0)
            await session.send(0, {}, "RESUMED")
            session.identified.set()
            self.connected.set()
            await self._news()
        elif op in (3, 4, 8, 31):  # presence, voice state, request members, request soundboard: ignore
            return
        else:
            self.problem(f"unknown gateway op {op}")

    @property
    def shards_recommended(self) -> int:
        """What GET /gateway/bot recommends: ``recommended_shards`` if set, else one per 1,000 servers."""
        if self.recommended_shards is not None:
            return self.recommended_shards
        return max(1, math.ceil(len(self.world.guilds) / GUILDS_PER_RECOMMENDED_SHARD))

    def guilds_of(self, shard_id: int, shard_count: int) -> list[Guild]:
        return [g for g in self.world.guilds if shard_of(g.id, shard_count) == shard_id]

    async def _take_shard(self, session: GatewaySession, shard: Any) -> bool:
        """IDENTIFY's ``shard`` field (absent: shard 0 of 1): refused with 4010 if malformed, 4011 if that shard
        would hold more than 2,500 servers. True if the session may go on."""
        if shard is None:
            shard = [0, 1]
        valid = (
            isinstance(shard, list)
            and len(shard) == 2
            and all(type(n) is int for n in shard)
            and shard[1] >= 1
            and 0 <= shard[0] < shard[1]
        )
        if not valid:
            self.problem(f"IDENTIFY with an invalid shard {shard!r}")
            await session.ws.close(code=4010, message=b"Invalid shard.")
            return False
        held = len(self.guilds_of(shard[0], shard[1]))
        if held > MAX_GUILDS_PER_SHARD:
            # Not a problem of the stand-in's: Discord's answer, which the bot is expected to explain.
            await session.ws.close(code=4011, message=b"Sharding required.")
            return False
        session.shard_id, session.shard_count = shard
        return True

    def identified_shards(self) -> set[int]:
        """The shard ids of the connections that are identified (READY sent, or RESUMED)."""
        return {s.shard_id for s in self.sessions if s.identified.is_set()}

    async def _ready(self, session: GatewaySession) -> None:
        world = self.world
        guilds = self.guilds_of(session.shard_id, session.shard_count)
        await session.send(
            0,
            {
                "v": 10,
                "user": world.bot.payload() | {"verified": True, "mfa_enabled": False},
                "guilds": [{"id": str(g.id), "unavailable": True} for g in guilds],
                "session_id": session.session_id,
                "resume_gateway_url": self.gateway_url,
                "shard": [session.shard_id, session.shard_count],
                "application": {"id": str(world.application_id), "flags": 0},
                "private_channels": [],
                "relationships": [],
                "presences": [],
                "guild_join_requests": [],
                "geo_ordered_rtc_regions": [],
                "user_settings": {},
                "_trace": ["stand-in"],
            },
            "READY",
        )
        for guild in guilds:
            await session.send(0, guild.create_payload(), "GUILD_CREATE")
        self.ready_at = time.perf_counter()
        session.identified.set()
        self.connected.set()
        await self._news()

    def _owners(self, guild_id: int | None) -> list[GatewaySession]:
        return [s for s in self.sessions if s.identified.is_set() and s.owns(guild_id)]

    async def dispatch(self, event: str, data: dict) -> list[int]:
        """Send an event to the connection of the shard that holds its server (``guild_id``, or ``id`` for a
        server's own events; none: a direct message, shard 0), once one is identified; the shard ids it went to."""
        raw = data.get("id") if event.startswith("GUILD_") else data.get("guild_id")
        guild_id = int(raw) if raw is not None else None
        if not self._owners(guild_id):
            try:
                await self.wait_until(lambda: bool(self._owners(guild_id)), OWNER_TIMEOUT)
            except TimeoutError:
                raise AssertionError(
                    f"no gateway connection holds server {guild_id} (shards connected: "
                    f"{sorted(self.identified_shards())}) to send {event} to"
                ) from None
        sent = []
        for session in self._owners(guild_id):
            await session.send(0, data, event)
            sent.append(session.shard_id)
        return sent

    async def drop_gateway(self, code: int = 4000) -> None:
        """Close every gateway connection as Discord does when something goes wrong on its side."""
        for session in list(self.sessions):
            await session.ws.close(code=code, message=b"stand-in: dropped")

    async def request_reconnect(self) -> None:
        for session in list(self.sessions):
            await session.send(7, None)

    async def invalidate_session(self, resumable: bool = False) -> None:
        for session in list(self.sessions):
            await session.send(9, resumable)

    async def remove_guild(self, guild: Guild) -> None:
        """The bot was removed from (or lost) a server."""
        self.world.guilds.remove(guild)
        await self.dispatch("GUILD_DELETE", {"id": str(guild.id)})

    async def delete_channel(self, channel: Channel) -> None:
        found = self.world.find_channel(channel.id)
        if found:
            found[0].channels.remove(channel)
        event = "THREAD_DELETE" if channel.type == ChannelType.PUBLIC_THREAD else "CHANNEL_DELETE"
        await self.dispatch(event, channel.payload())
