-- Parent-notice tasks: after a restraint, seclusion or injury the family
-- is told orally and in writing by the school's deadlines; the task is
-- re-sent to its owner until each notice is marked given.

CREATE TABLE parent_notices (
    id              BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    school_id       BIGINT NOT NULL REFERENCES schools (id),
    student_id      BIGINT NOT NULL REFERENCES students (id),
    incident_id     BIGINT NOT NULL UNIQUE REFERENCES incidents (id),
    owner_id        BIGINT NOT NULL REFERENCES staff (id),
    incident_at     TIMESTAMPTZ NOT NULL,
    oral_due        TIMESTAMPTZ NOT NULL,
    written_due     TIMESTAMPTZ NOT NULL,
    oral_at         TIMESTAMPTZ,          -- when the family was told orally, NULL until then
    oral_method     TEXT NOT NULL, -- phone, in person
    oral_note       TEXT NOT NULL,
    written_at      TIMESTAMPTZ,          -- when written notice was given, NULL until then
    written_method  TEXT NOT NULL, -- email, letter
    written_note    TEXT NOT NULL,
    created_at      TIMESTAMPTZ NOT NULL
);
