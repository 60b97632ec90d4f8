"""Places outside a server that invited the bot, where a member uses the app installed to their own account.

Discord tells the bot where an interaction happened with ``context`` (0: a server, 1: the member's DM with the bot,
2: a group DM or a DM between friends) and who installed the app there with ``authorizing_integration_owners``
(``"0"``: the server's id, when the server invited the bot; ``"1"``: the member's id, when they installed it to their
account). Outside a server there is no ``guild_id`` and the member comes as ``user``, not ``member``.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from .permissions import ALL_PERMS, Perm
from .world import User, snowflake

GUILD_INSTALL, USER_INSTALL = 0, 1
GUILD, BOT_DM, PRIVATE_CHANNEL = 0, 1, 2
# What a user-installed app may do where it was not invited: answer the interaction, nothing else in the channel.
USER_APP_PERMS = Perm.VIEW_CHANNEL | Perm.SEND_MESSAGES | Perm.EMBED_LINKS | Perm.READ_MESSAGE_HISTORY


@dataclass
class Elsewhere:
    """Where a member uses the app outside a server that invited it."""

    context: int
    channel: dict  # the channel payload Discord sends with the interaction
    guild_id: int | None = None  # context 0 only: a server the bot is not in
    members: list[User] = field(default_factory=list)  # who can read the channel besides the bot

    @property
    def channel_id(self) -> int:
        return int(self.channel["id"])

    def owners(self, user: User) -> dict[str, str]:
        return {str(USER_INSTALL): str(user.id)}

    def app_permissions(self) -> int:
        return ALL_PERMS & USER_APP_PERMS


def bot_dm(user: User) -> Elsewhere:
    """The member's DM with the bot (they installed the app to their account)."""
    channel = {"id": str(snowflake()), "type": 1, "recipients": [user.payload()], "last_message_id": None}
    return Elsewhere(BOT_DM, channel, members=[user])


def group_dm(user: User, *others: User) -> Elsewhere:
    """A group DM (or a DM between friends) where the member uses the app from their own account."""
    channel = {
        "id": str(snowflake()),
        "type": 3,
        "name": "film night",
        "icon": None,
        "owner_id": str(user.id),
        "recipients": [u.payload() for u in (user, *others)],
        "last_message_id": None,
    }
    return Elsewhere(PRIVATE_CHANNEL, channel, members=[user, *others])


def other_server(user: User) -> Elsewhere:
    """A text channel of a server that never invited the bot, where the member uses the app from their account."""
    guild_id = snowflake()
    channel = {
        "id": str(snowflake()),
        "type": 0,
        "name": "chat",
        "guild_id": str(guild_id),
        "position": 0,
        "parent_id": None,
        "nsfw": False,
        "flags": 0,
        "permission_overwrites": [],
        "topic": None,
        "last_message_id": None,
        "rate_limit_per_user": 0,
    }
    return Elsewhere(GUILD, channel, guild_id=guild_id, members=[user])


def allowed_in(command: dict, context: int, installed_by: int) -> bool:
    """Whether Discord offers ``command`` there: its ``contexts`` (default: all) and install types (default: the
    server install only, as for an app that configured nothing else)."""
    contexts = command.get("contexts")
    if contexts is None and command.get("dm_permission") is False:  # the older way of saying "servers only"
        contexts = [GUILD]
    installs = command.get("integration_types") or [GUILD_INSTALL]
    return (contexts is None or context in contexts) and installed_by in installs
