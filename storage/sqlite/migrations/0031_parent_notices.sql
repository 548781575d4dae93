-- Parent-notice tasks: after a restraint, seclusion or injury the family
-- is told orally and in writing by the school's deadlines; the task is
-- re-sent to its owner until each notice is marked given.

CREATE TABLE parent_notices (
    id              INTEGER PRIMARY KEY,
    school_id       INTEGER NOT NULL REFERENCES schools (id),
    student_id      INTEGER NOT NULL REFERENCES students (id),
    incident_id     INTEGER NOT NULL UNIQUE REFERENCES incidents (id),
    owner_id        INTEGER NOT NULL REFERENCES staff (id),
    incident_at     TEXT NOT NULL,
    oral_due        TEXT NOT NULL,
    written_due     TEXT NOT NULL,
    oral_at         TEXT,          -- when the family was told orally, NULL until then
    oral_method     TEXT NOT NULL, -- phone, in person
    oral_note       TEXT NOT NULL,
    written_at      TEXT,          -- when written notice was given, NULL until then
    written_method  TEXT NOT NULL, -- email, letter
    written_note    TEXT NOT NULL,
    created_at      TEXT NOT NULL
);
