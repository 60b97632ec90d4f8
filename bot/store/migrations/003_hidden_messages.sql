-- Messages a moderator hid behind spoiler bars with "Hide spoilers": whose, who hid it, where and when.
-- The text itself is not kept (the re-post holds it, in the channel).

CREATE TABLE hidden_messages (
    id           INTEGER PRIMARY KEY,
    guild_id     INTEGER NOT NULL,
    channel_id   INTEGER NOT NULL,
    message_id   INTEGER NOT NULL,  -- the original, removed
    repost_id    INTEGER NOT NULL,  -- the bot's re-post behind spoiler bars
    author_id    INTEGER NOT NULL,
    moderator_id INTEGER NOT NULL,
    hidden_at    TEXT NOT NULL
) STRICT;

CREATE INDEX hidden_messages_by_guild ON hidden_messages (guild_id, hidden_at);
