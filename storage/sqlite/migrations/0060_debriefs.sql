-- Debrief tasks: when the school asks for one (schools.csv debrief), an
-- incident's debrief is the owner's task until marked held, by its due
-- time; it is reminded like the parent notice and goes to the admins
-- when overdue.
--
-- This migration was numbered 0032 before: a database that ran it under
-- that number has the table already, so it is created only if missing.

CREATE TABLE IF NOT EXISTS debriefs (
    id          INTEGER PRIMARY KEY,
    school_id   INTEGER NOT NULL REFERENCES schools (id),
    student_id  INTEGER NOT NULL REFERENCES students (id),
    incident_id INTEGER NOT NULL UNIQUE REFERENCES incidents (id),
    owner_id    INTEGER NOT NULL REFERENCES staff (id),
    incident_at TEXT NOT NULL,
    due         TEXT NOT NULL,
    done_at     TEXT,             -- when it was marked held, NULL until then
    done_by     INTEGER REFERENCES staff (id),
    note        TEXT NOT NULL,
    created_at  TEXT NOT NULL
);
