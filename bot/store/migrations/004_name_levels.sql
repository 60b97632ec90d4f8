-- Names carry spoiler levels too: a moment's title, a fact's topic, a theory's title and each quote topic can give
-- the film away as surely as a text, so each has its own level (for places that cannot wrap it, its spoiler-free form
-- is built from its number and this level). Members' theories get the level their suggester (or a moderator) chose.

ALTER TABLE moments ADD COLUMN title_spoiler INTEGER NOT NULL DEFAULT 2 CHECK (title_spoiler BETWEEN 0 AND 2);
ALTER TABLE facts ADD COLUMN topic_spoiler INTEGER NOT NULL DEFAULT 2 CHECK (topic_spoiler BETWEEN 0 AND 2);
ALTER TABLE theories ADD COLUMN title_spoiler INTEGER NOT NULL DEFAULT 2 CHECK (title_spoiler BETWEEN 0 AND 2);

CREATE TABLE quote_topics (
    topic    TEXT PRIMARY KEY,
    position INTEGER NOT NULL UNIQUE,
    spoiler  INTEGER NOT NULL CHECK (spoiler BETWEEN 0 AND 2)
) STRICT;

-- Until a moderator says otherwise, a member's theory is taken to give the ending away (the old rule for all of them).
ALTER TABLE member_theories ADD COLUMN spoiler INTEGER NOT NULL DEFAULT 2 CHECK (spoiler BETWEEN 0 AND 2);

-- The facts are written again at the next start, with the names' levels.
DELETE FROM meta WHERE key = 'facts_digest';
