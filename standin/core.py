"""What a stand-in keeps, as a real Discord would: the world, registered commands, messages and interactions."""

from __future__ import annotations

import asyncio
import logging
import secrets
from collections.abc import Callable

from .faults import Fault
from .reply import Reply
from .session import GatewaySession
from .world import Channel, Guild, World

log = logging.getLogger("standin")

API_PREFIX = "/api/v10"
# Discord's deadlines for an interaction: its first response within 3 seconds (after that the token is unknown:
# 404 10062 "Unknown interaction"), follow-ups and edits through its token for 15 minutes (then 401 50027 "Invalid
# Webhook Token").
ACK_DEADLINE = 3.0
FOLLOWUP_WINDOW = 15 * 60.0


class Core:
    """The state shared by the gateway, the REST routes and the driver, and the waits on it.

    The stand-in is built in layers, each a subclass in its own module: ``Core`` -> ``Gateway`` -> ``Rest`` (which
    sends gateway events) -> ``Driver`` (which uses both) -> ``StandIn`` (the server's lifecycle)."""

    def __init__(self, world: World | None = None, *, token: str | None = None) -> None:
        self.world = world or World.demo()
        self.token = token or f"standin.{secrets.token_urlsafe(24)}"
        self.global_commands: list[dict] = []
        self.guild_commands: dict[int, list[dict]] = {}
        self.messages: dict[int, dict] = {}  # every message the bot created, by id
        self.files: dict[int, bytes] = {}  # the bytes of every file the bot uploaded, by attachment id
        self.replies: dict[str, Reply] = {}  # by interaction token
        self.calls: list[tuple[str, str]] = []  # (method, path) of every REST request, in order
        self.problems: list[str] = []  # rule breaks and unknown routes: a test fixture fails on any
        self.faults: list[Fault] = []
        self.sessions: list[GatewaySession] = []
        self.identifies = 0
        # Sharding, as GET /gateway/bot tells it: None recommends one shard per 1,000 servers, as Discord roughly does.
        self.recommended_shards: int | None = None
        self.max_concurrency = 1  # IDENTIFYs allowed per 5 s (in buckets of shard_id % max_concurrency)
        self.session_starts_left = 1000  # of the daily session start limit; each IDENTIFY takes one
        # (time.perf_counter(), shard_id, shard_count) of every IDENTIFY accepted, in order.
        self.identify_log: list[tuple[float, int, int]] = []
        self.session_shards: dict[str, tuple[int, int]] = {}  # session id -> (shard_id, shard_count), for RESUME
        # The gateway URL that GET /gateway and /gateway/bot name (None: its own), for a test of another gateway.
        self.advertised_gateway: str | None = None
        self.resumes = 0
        self.connected = asyncio.Event()
        # Notified after every REST request and every gateway connect, identify, resume and disconnect.
        self._changed = asyncio.Condition()
        # time.perf_counter() of the last READY + GUILD_CREATEs sent and of the last command registration (PUT).
        self.ready_at: float | None = None
        self.synced_at: float | None = None
        self.port = 0  # the port it listens on, once started
        # Discord's deadlines (seconds), enforced on every interaction; a test may shorten them to reach them quickly.
        self.ack_deadline = ACK_DEADLINE
        self.followup_window = FOLLOWUP_WINDOW
        self.late_responses = 0  # first responses refused as too late (10062)
        self.expired_token_uses = 0  # follow-ups and edits refused after the follow-up window (50027)

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}{API_PREFIX}"

    @property
    def url_base(self) -> str:
        """Where its files are served (Discord's CDN): ``{url_base}/attachments/{channel}/{id}/{filename}``."""
        return f"http://127.0.0.1:{self.port}"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    @property
    def guild(self) -> Guild:
        return self.world.guild

    def problem(self, text: str) -> None:
        log.error("stand-in: %s", text)
        self.problems.append(text)

    async def _news(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def channel(self, name: str) -> Channel:
        return self.guild.channel_named(name)

    async def wait_until(self, predicate: Callable[[], bool], timeout: float = 10.0) -> None:
        """Wait until ``predicate()`` holds, checked after each REST request and gateway change: for what the bot
        does on its own (a background task editing a message, a reconnect), where there is no interaction to wait on."""
        async with self._changed:
            await asyncio.wait_for(self._changed.wait_for(predicate), timeout)
