-- Debrief tasks: when the school asks for one (schools.csv debrief), an
-- incident's debrief is the owner's task until marked held, by its due
-- time; it is reminded like the parent notice and goes to the admins
-- when overdue.
--
-- This migration was numbered 0032 before: a database that ran it under
-- that number has the table already, so it is created only if missing.

CREATE TABLE IF NOT EXISTS debriefs (
    id          {id},
    school_id   {bigint} NOT NULL REFERENCES schools (id),
    student_id  {bigint} NOT NULL REFERENCES students (id),
    incident_id {bigint} NOT NULL UNIQUE REFERENCES incidents (id),
    owner_id    {bigint} NOT NULL REFERENCES staff (id),
    incident_at {time} NOT NULL,
    due         {time} NOT NULL,
    done_at     {time},             -- when it was marked held, NULL until then
    done_by     {bigint} REFERENCES staff (id),
    note        TEXT NOT NULL,
    created_at  {time} NOT NULL
);
