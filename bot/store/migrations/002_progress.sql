-- Each member's own progress through the film, keyed by user (the same in every server and in DMs).
-- Kept until the member runs /progress clear, which deletes the row.

CREATE TABLE progress (
    user_id    INTEGER PRIMARY KEY,
    watched    TEXT NOT NULL CHECK (watched IN ('not_seen', 'part_way', 'seen_all')),
    moment_id  TEXT CHECK (moment_id IS NULL OR watched = 'part_way'),
    updated_at TEXT NOT NULL
) STRICT;
