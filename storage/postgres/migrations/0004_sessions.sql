-- Goal data is stored as sessions: one row per goal logged together,
-- holding the values exactly as logged (for trials, the ordered
-- [outcome, prompt] pairs) and the counts summaries read. The type
-- column names how the goal is measured, so every measurement type
-- (trials, frequency, duration, latency, task analysis, rating) is a row
-- of the same table; data holds that type's values as JSON text.
--
-- A session is its entry's data: its key is the entry's id.
--
-- A request's one-time key becomes a unique column of its entry, and an
-- entry is its own "create" row of the audit trail: audit_log is the one
-- log, the entries' creations plus the audit table's other rows (reads,
-- exports, undos, edits). The create rows already in audit move onto
-- their entries (their detail), so no fact is lost.

CREATE TABLE sessions (
    entry_id    BIGINT PRIMARY KEY REFERENCES entries (id),
    goal_id     BIGINT NOT NULL,
    student_id  BIGINT NOT NULL REFERENCES students (id),
    staff_id    BIGINT NOT NULL REFERENCES staff (id),
    at          TIMESTAMPTZ NOT NULL,
    type        TEXT NOT NULL DEFAULT 'trials'
                CHECK (type IN ('trials', 'frequency', 'duration', 'latency', 'task_analysis', 'rating')),
    data        TEXT NOT NULL,
    trials      INTEGER NOT NULL DEFAULT 0,
    correct     INTEGER NOT NULL DEFAULT 0,
    independent INTEGER NOT NULL DEFAULT 0,
    active      BOOLEAN NOT NULL DEFAULT true,
    FOREIGN KEY (goal_id, student_id) REFERENCES goals (id, student_id)
);
CREATE INDEX sessions_student_at ON sessions (student_id, at, entry_id);

INSERT INTO sessions (entry_id, goal_id, student_id, staff_id, at, type, data, trials, correct, independent, active)
SELECT t.entry_id, min(t.goal_id), min(t.student_id), min(t.staff_id), min(t.at), 'trials',
       json_agg(json_build_array(t.outcome, t.prompt) ORDER BY t.id)::text,
       count(*),
       count(*) FILTER (WHERE t.outcome = 'correct'),
       count(*) FILTER (WHERE t.outcome = 'correct' AND t.prompt = 0),
       bool_and(t.active)
FROM trials t
GROUP BY t.entry_id
ORDER BY t.entry_id;

DROP TABLE trials;

ALTER TABLE entries ADD COLUMN once_key TEXT UNIQUE;
ALTER TABLE entries ADD COLUMN detail TEXT NOT NULL DEFAULT '';
CREATE INDEX staff_handle_lower ON staff (lower(handle));
CREATE INDEX entries_student_created ON entries (student_id, created_at, id);

UPDATE entries e SET detail = a.detail FROM audit a
WHERE a.action = 'create' AND a.entity = e.kind AND a.entity_id = e.id;
DELETE FROM audit a USING entries e
WHERE a.action = 'create' AND a.entity = e.kind AND a.entity_id = e.id;

CREATE VIEW audit_log AS
SELECT id, at, staff_id, student_id, action, entity, entity_id, detail FROM audit
UNION ALL
SELECT id, created_at, staff_id, student_id, 'create', kind, id, detail FROM entries;
