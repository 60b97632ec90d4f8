"""A local stand-in for the Discord API, shared by the tests, the playground and the benchmark.

The real discord.py client talks to it over HTTP and a websocket on 127.0.0.1. It imports nothing of the bot:

- ``server``: ``StandIn``, started with ``async with StandIn() as discord:``; built in layers, one module each:
  ``core`` (the state), ``gateway`` (with ``session``: one connection and the shard it holds; each server's events go
  to its shard's connection), ``rest`` (with ``faults``, ``rules`` and ``uploads``: files sent with a message,
  checked as Discord checks them, their bytes kept in ``StandIn.files``), ``driver`` (playing a member, with
  ``client_rules``: what Discord's client refuses to send);
- ``world``: the servers, channels, members, roles and overwrites it pretends exist;
- ``permissions``: Discord's permission arithmetic (base permissions, overwrites, implicit denials), pure;
- ``pointing``: the one place that aims discord.py at it (``pointed_at``, ``point_from_env``);
- ``harness``: any discord.py client running in this process against it (``running_client``);
- ``process`` and ``launch``: a bot in a child process (``python -m standin.launch <module>``).
"""

from __future__ import annotations

from .client_rules import Refused
from .messages import ReadablePart, message_buttons, message_text, readable_parts, v2_text
from .permissions import Overwrite, Perm
from .pointing import address_env, point_from_env, pointed_at
from .reply import Reply
from .server import StandIn
from .session import shard_of
from .world import INVITE_PERMISSIONS, Channel, ChannelType, Guild, User, World

__all__ = [
    "INVITE_PERMISSIONS",
    "Channel",
    "ChannelType",
    "Guild",
    "Overwrite",
    "Perm",
    "ReadablePart",
    "Refused",
    "Reply",
    "StandIn",
    "User",
    "World",
    "address_env",
    "message_buttons",
    "message_text",
    "point_from_env",
    "pointed_at",
    "readable_parts",
    "shard_of",
    "v2_text",
]
