-- Escalations: a concern, an incident or an unaccounted student raised
-- with the student's teacher first, then up a school's levels until
-- someone acknowledges; every step of it on a timeline. The policy
-- (levels and timeouts) is kept in school_settings as escalation:<level>.

CREATE TABLE escalations (
    id          BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    school_id   BIGINT NOT NULL REFERENCES schools (id),
    student_id  BIGINT NOT NULL REFERENCES students (id),
    opened_by   BIGINT NOT NULL REFERENCES staff (id),
    kind        TEXT NOT NULL,              -- concern, incident, unaccounted
    incident_id BIGINT REFERENCES incidents (id),
    body        TEXT NOT NULL,              -- the concern as typed; shown by DM only
    urgent      BOOLEAN NOT NULL,
    severity    INTEGER NOT NULL,
    state       TEXT NOT NULL,              -- open, acknowledged, resolved
    level       INTEGER NOT NULL,           -- the level last notified; 0 before the first
    round       INTEGER NOT NULL DEFAULT 1, -- one more each reopening
    ack_by      BIGINT REFERENCES staff (id),
    created_at  TIMESTAMPTZ NOT NULL,
    updated_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX escalations_student ON escalations (student_id, created_at);

CREATE TABLE escalation_steps (
    id            BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    escalation_id BIGINT NOT NULL REFERENCES escalations (id),
    at            TIMESTAMPTZ NOT NULL,
    action        TEXT NOT NULL, -- opened, notified, acknowledged, escalated, skipped, resolved, reopened, replied, waiting, exhausted
    staff_id      BIGINT REFERENCES staff (id), -- the actor, when a person
    level         INTEGER NOT NULL,
    notified      TEXT NOT NULL, -- JSON array of the staff ids told
    note          TEXT NOT NULL  -- a reason or a resolution note
);
CREATE INDEX escalation_steps_escalation ON escalation_steps (escalation_id, id);
