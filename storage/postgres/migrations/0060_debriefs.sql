-- Debrief tasks: when the school asks for one (schools.csv debrief), an
-- incident's debrief is the owner's task until marked held, by its due
-- time; it is reminded like the parent notice and goes to the admins
-- when overdue.
--
-- This migration was numbered 0032 before: a database that ran it under
-- that number has the table already, so it is created only if missing.

CREATE TABLE IF NOT EXISTS debriefs (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    school_id   BIGINT NOT NULL REFERENCES schools (id),
    student_id  BIGINT NOT NULL REFERENCES students (id),
    incident_id BIGINT NOT NULL UNIQUE REFERENCES incidents (id),
    owner_id    BIGINT NOT NULL REFERENCES staff (id),
    incident_at TIMESTAMPTZ NOT NULL,
    due         TIMESTAMPTZ NOT NULL,
    done_at     TIMESTAMPTZ,             -- when it was marked held, NULL until then
    done_by     BIGINT REFERENCES staff (id),
    note        TEXT NOT NULL,
    created_at  TIMESTAMPTZ NOT NULL
);
