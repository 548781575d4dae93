-- Escalations: a concern, an incident or an unaccounted student raised
-- with the student's teacher first, then up a school's levels until
-- someone acknowledges; every step of it on a timeline. The policy
-- (levels and timeouts) is kept in school_settings as escalation:<level>.

CREATE TABLE escalations (
    id          {id},
    school_id   {bigint} NOT NULL REFERENCES schools (id),
    student_id  {bigint} NOT NULL REFERENCES students (id),
    opened_by   {bigint} NOT NULL REFERENCES staff (id),
    kind        TEXT NOT NULL,              -- concern, incident, unaccounted
    incident_id {bigint} REFERENCES incidents (id),
    body        TEXT NOT NULL,              -- the concern as typed; shown by DM only
    urgent      {bool} NOT NULL,
    severity    INTEGER NOT NULL,
    state       TEXT NOT NULL,              -- open, acknowledged, resolved
    level       INTEGER NOT NULL,           -- the level last notified; 0 before the first
    round       INTEGER NOT NULL DEFAULT 1, -- one more each reopening
    ack_by      {bigint} REFERENCES staff (id),
    created_at  {time} NOT NULL,
    updated_at  {time} NOT NULL
);
CREATE INDEX escalations_student ON escalations (student_id, created_at);

CREATE TABLE escalation_steps (
    id            {id},
    escalation_id {bigint} NOT NULL REFERENCES escalations (id),
    at            {time} NOT NULL,
    action        TEXT NOT NULL, -- opened, notified, acknowledged, escalated, skipped, resolved, reopened, replied, waiting, exhausted
    staff_id      {bigint} REFERENCES staff (id), -- the actor, when a person
    level         INTEGER NOT NULL,
    notified      TEXT NOT NULL, -- JSON array of the staff ids told
    note          TEXT NOT NULL  -- a reason or a resolution note
);
CREATE INDEX escalation_steps_escalation ON escalation_steps (escalation_id, id);
