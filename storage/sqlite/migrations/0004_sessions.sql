-- Goal data is stored as sessions: one row per goal logged together,
-- holding the values exactly as logged (for trials, the ordered
-- [outcome, prompt] pairs) and the counts summaries read. The type
-- column names how the goal is measured, so every measurement type
-- (trials, frequency, duration, latency, task analysis, rating) is a row
-- of the same table; data holds that type's values as JSON.
--
-- A session is its entry's data: its key is the entry's id.
--
-- A request's one-time key becomes a unique column of its entry, and an
-- entry is its own "create" row of the audit trail: audit_log is the one
-- log, the entries' creations plus the audit table's other rows (reads,
-- exports, undos, edits). The create rows already in audit move onto
-- their entries (their detail), so no fact is lost.

CREATE TABLE sessions (
    entry_id    INTEGER PRIMARY KEY REFERENCES entries (id),
    goal_id     INTEGER NOT NULL,
    student_id  INTEGER NOT NULL REFERENCES students (id),
    staff_id    INTEGER NOT NULL REFERENCES staff (id),
    at          TEXT NOT NULL,
    type        TEXT NOT NULL DEFAULT 'trials'
                CHECK (type IN ('trials', 'frequency', 'duration', 'latency', 'task_analysis', 'rating')),
    data        TEXT NOT NULL,
    trials      INTEGER NOT NULL DEFAULT 0,
    correct     INTEGER NOT NULL DEFAULT 0,
    independent INTEGER NOT NULL DEFAULT 0,
    active      INTEGER NOT NULL DEFAULT 1,
    FOREIGN KEY (goal_id, student_id) REFERENCES goals (id, student_id)
);
CREATE INDEX sessions_student_at ON sessions (student_id, at, entry_id);

INSERT INTO sessions (entry_id, goal_id, student_id, staff_id, at, type, data, trials, correct, independent, active)
SELECT t.entry_id, min(t.goal_id), min(t.student_id), min(t.staff_id), min(t.at), 'trials',
       json_group_array(json_array(t.outcome, t.prompt) ORDER BY t.id),
       count(*),
       sum(t.outcome = 'correct'),
       sum(t.outcome = 'correct' AND t.prompt = 0),
       min(t.active)
FROM trials t
GROUP BY t.entry_id
ORDER BY t.entry_id;

DROP TABLE trials;

ALTER TABLE entries ADD COLUMN once_key TEXT;
ALTER TABLE entries ADD COLUMN detail TEXT NOT NULL DEFAULT '';
CREATE UNIQUE INDEX entries_once_key ON entries (once_key);
CREATE INDEX staff_handle_lower ON staff (lower(handle));
CREATE INDEX entries_student_created ON entries (student_id, created_at, id);

UPDATE entries SET detail = (SELECT a.detail FROM audit a
    WHERE a.action = 'create' AND a.entity = entries.kind AND a.entity_id = entries.id)
WHERE EXISTS (SELECT 1 FROM audit a WHERE a.action = 'create' AND a.entity = entries.kind AND a.entity_id = entries.id);
DELETE FROM audit WHERE action = 'create' AND entity IN ('trials', 'incident', 'transition', 'note')
    AND EXISTS (SELECT 1 FROM entries e WHERE e.id = audit.entity_id AND e.kind = audit.entity);

CREATE VIEW audit_log AS
SELECT id, at, staff_id, student_id, action, entity, entity_id, detail FROM audit
UNION ALL
SELECT id, created_at, staff_id, student_id, 'create', kind, id, detail FROM entries;
