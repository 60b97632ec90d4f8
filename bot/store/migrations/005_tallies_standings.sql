-- Hot paths that stay flat as history grows (issue 15):
-- * each poll option carries its server and its vote count; triggers on votes keep the count in the same
--   transaction as the vote (a vote stays one statement), so reading a poll's tallies never counts votes;
-- * each server's all-time standings are one row per theory, added to when a poll closes (in the closing
--   transaction), so /theory list, show and results never read old polls' votes;
-- * an index for every per-server lookup, so no query reads another server's rows.

ALTER TABLE poll_options ADD COLUMN guild_id INTEGER NOT NULL DEFAULT 0;
ALTER TABLE poll_options ADD COLUMN votes INTEGER NOT NULL DEFAULT 0 CHECK (votes >= 0);

UPDATE poll_options SET guild_id = (SELECT p.guild_id FROM polls p WHERE p.id = poll_options.poll_id);
UPDATE poll_options SET votes = (
    SELECT COUNT(*) FROM votes v WHERE v.poll_id = poll_options.poll_id AND v.position = poll_options.position
);

-- /theory show: this server's polls that included a theory.
CREATE INDEX poll_options_theory ON poll_options (guild_id, theory_key, poll_id);
-- The review queue and the catalogue: one server's suggestions in one state, oldest first.
CREATE INDEX member_theories_status ON member_theories (guild_id, status, id);

-- The option a member's vote was on before their last press (NULL: the press was their first vote).
-- What a press did is read back from the vote statement itself (RETURNING previous, position).
ALTER TABLE votes ADD COLUMN previous INTEGER;

CREATE TRIGGER votes_count_insert AFTER INSERT ON votes
BEGIN
    UPDATE poll_options SET votes = votes + 1 WHERE poll_id = new.poll_id AND position = new.position;
END;

CREATE TRIGGER votes_count_move AFTER UPDATE OF position ON votes WHEN old.position != new.position
BEGIN
    UPDATE poll_options SET votes = votes - 1 WHERE poll_id = old.poll_id AND position = old.position;
    UPDATE poll_options SET votes = votes + 1 WHERE poll_id = new.poll_id AND position = new.position;
END;

CREATE TRIGGER votes_count_delete AFTER DELETE ON votes
BEGIN
    UPDATE poll_options SET votes = votes - 1 WHERE poll_id = old.poll_id AND position = old.position;
END;

-- A server's all-time standings from its closed polls, one row per theory.
CREATE TABLE theory_standings (
    guild_id   INTEGER NOT NULL,
    theory_key TEXT NOT NULL,
    title      TEXT NOT NULL,     -- the title its most recent closed poll used
    title_poll INTEGER NOT NULL,  -- that poll
    spoiler    INTEGER NOT NULL CHECK (spoiler BETWEEN 0 AND 2),  -- the highest level any of its polls gave it
    votes      INTEGER NOT NULL CHECK (votes >= 0),
    polls      INTEGER NOT NULL CHECK (polls >= 1),
    wins       INTEGER NOT NULL CHECK (wins >= 0),
    PRIMARY KEY (guild_id, theory_key)
) STRICT;

WITH closed AS (
    SELECT o.guild_id, o.poll_id, o.position, o.theory_key, o.title, o.spoiler, o.votes,
           MAX(o.votes) OVER (PARTITION BY o.poll_id) AS top
    FROM poll_options o JOIN polls p ON p.id = o.poll_id
    WHERE p.closed_at IS NOT NULL
)
INSERT INTO theory_standings (guild_id, theory_key, title, title_poll, spoiler, votes, polls, wins)
SELECT c.guild_id, c.theory_key,
       (SELECT l.title FROM closed l WHERE l.guild_id = c.guild_id AND l.theory_key = c.theory_key
          AND l.top > 0
        ORDER BY l.poll_id DESC, l.position DESC LIMIT 1),
       MAX(c.poll_id), MAX(c.spoiler), SUM(c.votes), COUNT(DISTINCT c.poll_id),
       SUM(CASE WHEN c.top > 0 AND c.votes = c.top THEN 1 ELSE 0 END)
FROM closed c
WHERE c.top > 0  -- a poll nobody voted in ranks nobody
GROUP BY c.guild_id, c.theory_key;
