-- Parent-notice tasks: after a restraint, seclusion or injury the family
-- is told orally and in writing by the school's deadlines; the task is
-- re-sent to its owner until each notice is marked given.

CREATE TABLE parent_notices (
    id              {id},
    school_id       {bigint} NOT NULL REFERENCES schools (id),
    student_id      {bigint} NOT NULL REFERENCES students (id),
    incident_id     {bigint} NOT NULL UNIQUE REFERENCES incidents (id),
    owner_id        {bigint} NOT NULL REFERENCES staff (id),
    incident_at     {time} NOT NULL,
    oral_due        {time} NOT NULL,
    written_due     {time} NOT NULL,
    oral_at         {time},          -- when the family was told orally, NULL until then
    oral_method     TEXT NOT NULL, -- phone, in person
    oral_note       TEXT NOT NULL,
    written_at      {time},          -- when written notice was given, NULL until then
    written_method  TEXT NOT NULL, -- email, letter
    written_note    TEXT NOT NULL,
    created_at      {time} NOT NULL
);
