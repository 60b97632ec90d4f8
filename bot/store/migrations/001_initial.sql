-- The film's facts (replaced whole when data/film.toml changes) and the guild data later features keep.

CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
) STRICT;

-- Film facts --------------------------------------------------------------------------------------------------------

CREATE TABLE film (
    id                 INTEGER PRIMARY KEY CHECK (id = 1),
    title              TEXT NOT NULL,
    year               INTEGER NOT NULL,
    writer_director    TEXT NOT NULL,
    based_on_title     TEXT NOT NULL,
    based_on_author    TEXT NOT NULL,
    based_on_year      INTEGER NOT NULL,
    premise            TEXT NOT NULL,
    setting            TEXT NOT NULL,
    distributor        TEXT NOT NULL,
    director_known_for TEXT NOT NULL,  -- JSON list of text
    streaming          TEXT NOT NULL,  -- JSON list of text
    recognition        TEXT NOT NULL   -- JSON list of text
) STRICT;

CREATE TABLE characters (
    id       TEXT PRIMARY KEY,
    position INTEGER NOT NULL UNIQUE,
    name     TEXT NOT NULL,
    actor    TEXT NOT NULL,
    aliases  TEXT NOT NULL,  -- JSON list of text
    summary  TEXT NOT NULL
) STRICT;

CREATE TABLE character_arc (
    character_id TEXT NOT NULL REFERENCES characters (id) ON DELETE CASCADE,
    position     INTEGER NOT NULL,
    text         TEXT NOT NULL,
    spoiler      INTEGER NOT NULL CHECK (spoiler BETWEEN 0 AND 2),
    PRIMARY KEY (character_id, position)
) STRICT;

CREATE TABLE moments (
    id       TEXT PRIMARY KEY,
    position INTEGER NOT NULL UNIQUE,
    title    TEXT NOT NULL,
    summary  TEXT NOT NULL,
    spoiler  INTEGER NOT NULL CHECK (spoiler BETWEEN 0 AND 2),
    keywords TEXT NOT NULL  -- JSON list of text
) STRICT;

CREATE TABLE facts (
    id       TEXT PRIMARY KEY,
    position INTEGER NOT NULL UNIQUE,
    topic    TEXT NOT NULL,
    question TEXT NOT NULL,
    keywords TEXT NOT NULL,  -- JSON list of text
    answer   TEXT NOT NULL,
    spoiler  INTEGER NOT NULL CHECK (spoiler BETWEEN 0 AND 2)
) STRICT;

CREATE TABLE theories (
    id       TEXT PRIMARY KEY,
    position INTEGER NOT NULL UNIQUE,
    title    TEXT NOT NULL,
    claim    TEXT NOT NULL,
    evidence TEXT NOT NULL,  -- JSON list of moment ids
    source   TEXT NOT NULL,
    spoiler  INTEGER NOT NULL CHECK (spoiler BETWEEN 0 AND 2)
) STRICT;

CREATE TABLE quotes (
    id       TEXT PRIMARY KEY,
    position INTEGER NOT NULL UNIQUE,
    speaker  TEXT NOT NULL,
    outlet   TEXT NOT NULL,
    text     TEXT NOT NULL,
    context  TEXT NOT NULL,
    topics   TEXT NOT NULL,  -- JSON list of text
    spoiler  INTEGER NOT NULL CHECK (spoiler BETWEEN 0 AND 2)
) STRICT;

-- What /ask searches: one row per searchable entry, weighted title > keywords > body.
CREATE VIRTUAL TABLE search_index USING fts5 (
    kind UNINDEXED,
    ref UNINDEXED,
    title,
    keywords,
    body,
    tokenize = 'porter unicode61 remove_diacritics 2'
);

-- Guild data (never touched by a facts reload) ----------------------------------------------------------------------

CREATE TABLE guild_settings (
    guild_id INTEGER PRIMARY KEY,
    allowed  INTEGER NOT NULL DEFAULT 0 CHECK (allowed BETWEEN 0 AND 2),
    style    TEXT NOT NULL DEFAULT 'wrap' CHECK (style IN ('wrap', 'private'))
) STRICT;

CREATE TABLE channel_settings (
    channel_id INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    allowed    INTEGER NOT NULL CHECK (allowed BETWEEN 0 AND 2),
    style      TEXT NOT NULL CHECK (style IN ('wrap', 'private'))
) STRICT;
CREATE INDEX channel_settings_guild ON channel_settings (guild_id);

CREATE TABLE settings_log (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    channel_id INTEGER,            -- NULL: the server default
    actor_id   INTEGER NOT NULL,
    old        TEXT,               -- e.g. 'plot/wrap'; NULL when there was no own setting
    new        TEXT,               -- NULL when the setting was reset
    changed_at TEXT NOT NULL       -- ISO 8601, UTC
) STRICT;
CREATE INDEX settings_log_guild ON settings_log (guild_id, id);

CREATE TABLE member_theories (
    id          INTEGER PRIMARY KEY,
    guild_id    INTEGER NOT NULL,
    title       TEXT NOT NULL,
    claim       TEXT NOT NULL,
    author_id   INTEGER NOT NULL,
    status      TEXT NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'rejected')),
    created_at  TEXT NOT NULL,
    reviewed_by INTEGER,
    reviewed_at TEXT
) STRICT;
CREATE UNIQUE INDEX member_theories_title ON member_theories (guild_id, title COLLATE NOCASE);

CREATE TABLE polls (
    id         INTEGER PRIMARY KEY,
    guild_id   INTEGER NOT NULL,
    channel_id INTEGER NOT NULL,
    message_id INTEGER,
    author_id  INTEGER NOT NULL,
    hidden     INTEGER NOT NULL CHECK (hidden IN (0, 1)),
    created_at TEXT NOT NULL,
    closes_at  TEXT NOT NULL,
    closed_at  TEXT
) STRICT;
CREATE INDEX polls_open ON polls (closes_at) WHERE closed_at IS NULL;
CREATE INDEX polls_guild ON polls (guild_id, id);

-- A poll keeps its own copy of each theory's title, so later edits to the facts file never rewrite history.
CREATE TABLE poll_options (
    poll_id    INTEGER NOT NULL REFERENCES polls (id) ON DELETE CASCADE,
    position   INTEGER NOT NULL,
    theory_key TEXT NOT NULL,    -- a curated theory id, or 'member:<id>'
    title      TEXT NOT NULL,
    spoiler    INTEGER NOT NULL CHECK (spoiler BETWEEN 0 AND 2),
    PRIMARY KEY (poll_id, position)
) STRICT;

CREATE TABLE votes (
    poll_id  INTEGER NOT NULL,
    user_id  INTEGER NOT NULL,
    position INTEGER NOT NULL,
    voted_at TEXT NOT NULL,
    PRIMARY KEY (poll_id, user_id),
    FOREIGN KEY (poll_id, position) REFERENCES poll_options (poll_id, position) ON DELETE CASCADE
) STRICT;

CREATE TABLE quote_rotation (
    channel_id INTEGER NOT NULL,
    quote_id   TEXT NOT NULL,
    shown_at   TEXT NOT NULL,
    PRIMARY KEY (channel_id, quote_id)
) STRICT;
