-- The schema and data of a parabot database at migration 0003, as a
-- database written by that release holds them (pg_dump, schema name removed).
-- The migration test loads it into a fresh schema and opens it.

CREATE TABLE assignments (
    staff_id bigint NOT NULL,
    student_id bigint NOT NULL,
    kind text NOT NULL,
    active boolean DEFAULT true NOT NULL,
    CONSTRAINT assignments_kind_check CHECK ((kind = ANY (ARRAY['para'::text, 'teacher'::text, 'therapist'::text])))
);

CREATE TABLE audit (
    id bigint NOT NULL,
    at timestamp with time zone NOT NULL,
    staff_id bigint NOT NULL,
    student_id bigint,
    action text NOT NULL,
    entity text NOT NULL,
    entity_id bigint DEFAULT 0 NOT NULL,
    detail text DEFAULT ''::text NOT NULL
);

ALTER TABLE audit ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME audit_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE calendar_days (
    school_id bigint NOT NULL,
    day text NOT NULL,
    kind text NOT NULL,
    dismissal text DEFAULT ''::text NOT NULL,
    note text DEFAULT ''::text NOT NULL,
    active boolean DEFAULT true NOT NULL
);

CREATE TABLE claims (
    key text NOT NULL,
    claimed_at timestamp with time zone NOT NULL
);

CREATE TABLE duties (
    id bigint NOT NULL,
    school_id bigint NOT NULL,
    staff_id bigint NOT NULL,
    kind text NOT NULL,
    weekday integer NOT NULL,
    start_time text NOT NULL,
    end_time text DEFAULT ''::text NOT NULL,
    place text DEFAULT ''::text NOT NULL,
    active boolean DEFAULT true NOT NULL,
    CONSTRAINT duties_weekday_check CHECK (((weekday >= 0) AND (weekday <= 6)))
);

ALTER TABLE duties ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME duties_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE entries (
    id bigint NOT NULL,
    kind text NOT NULL,
    staff_id bigint NOT NULL,
    student_id bigint NOT NULL,
    created_at timestamp with time zone NOT NULL,
    summary text DEFAULT ''::text NOT NULL,
    active boolean DEFAULT true NOT NULL,
    deactivated_by bigint,
    deactivated_at timestamp with time zone,
    deactivated_reason text DEFAULT ''::text NOT NULL,
    CONSTRAINT entries_kind_check CHECK ((kind = ANY (ARRAY['trials'::text, 'incident'::text, 'transition'::text, 'note'::text])))
);

ALTER TABLE entries ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME entries_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE goals (
    id bigint NOT NULL,
    student_id bigint NOT NULL,
    code text NOT NULL,
    text text DEFAULT ''::text NOT NULL,
    domain text DEFAULT ''::text NOT NULL,
    measurement text DEFAULT ''::text NOT NULL,
    baseline text DEFAULT ''::text NOT NULL,
    mastery_percent integer DEFAULT 0 NOT NULL,
    mastery_sessions integer DEFAULT 0 NOT NULL,
    mastery_min_trials integer DEFAULT 0 NOT NULL,
    start_date text DEFAULT ''::text NOT NULL,
    end_date text DEFAULT ''::text NOT NULL,
    active boolean DEFAULT true NOT NULL
);

ALTER TABLE goals ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME goals_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE identities (
    platform text NOT NULL,
    user_id text NOT NULL,
    staff_id bigint NOT NULL
);

CREATE TABLE incident_versions (
    incident_id bigint NOT NULL,
    version integer NOT NULL,
    changed_by bigint NOT NULL,
    changed_at timestamp with time zone NOT NULL,
    at timestamp with time zone NOT NULL,
    duration_ns bigint NOT NULL,
    setting text NOT NULL,
    antecedent text NOT NULL,
    behavior text NOT NULL,
    consequence text NOT NULL,
    severity integer NOT NULL,
    strategies text NOT NULL,
    injury boolean NOT NULL,
    restraint boolean NOT NULL,
    seclusion boolean NOT NULL,
    others text NOT NULL,
    notes text NOT NULL,
    summary text NOT NULL
);

CREATE TABLE incidents (
    id bigint NOT NULL,
    entry_id bigint NOT NULL,
    student_id bigint NOT NULL,
    staff_id bigint NOT NULL,
    at timestamp with time zone NOT NULL,
    duration_ns bigint DEFAULT 0 NOT NULL,
    setting text DEFAULT ''::text NOT NULL,
    antecedent text DEFAULT ''::text NOT NULL,
    behavior text DEFAULT ''::text NOT NULL,
    consequence text DEFAULT ''::text NOT NULL,
    severity integer NOT NULL,
    strategies text DEFAULT '[]'::text NOT NULL,
    injury boolean DEFAULT false NOT NULL,
    restraint boolean DEFAULT false NOT NULL,
    seclusion boolean DEFAULT false NOT NULL,
    others text DEFAULT '[]'::text NOT NULL,
    notes text DEFAULT ''::text NOT NULL,
    active boolean DEFAULT true NOT NULL,
    version integer DEFAULT 1 NOT NULL,
    CONSTRAINT incidents_severity_check CHECK (((severity >= 1) AND (severity <= 5)))
);

ALTER TABLE incidents ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME incidents_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE notes (
    id bigint NOT NULL,
    entry_id bigint NOT NULL,
    student_id bigint NOT NULL,
    staff_id bigint NOT NULL,
    to_staff_id bigint,
    at timestamp with time zone NOT NULL,
    body text NOT NULL,
    active boolean DEFAULT true NOT NULL
);

ALTER TABLE notes ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME notes_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE schema_migrations (
    version integer NOT NULL,
    name text NOT NULL,
    applied_at timestamp with time zone DEFAULT now() NOT NULL
);

CREATE TABLE schools (
    id bigint NOT NULL,
    name text NOT NULL,
    time_zone text NOT NULL,
    year_start text DEFAULT ''::text NOT NULL,
    year_end text DEFAULT ''::text NOT NULL,
    day_start text DEFAULT ''::text NOT NULL,
    dismissal text DEFAULT ''::text NOT NULL
);

ALTER TABLE schools ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME schools_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE staff (
    id bigint NOT NULL,
    school_id bigint NOT NULL,
    handle text NOT NULL,
    name text NOT NULL,
    email text DEFAULT ''::text NOT NULL,
    role text NOT NULL,
    channel text DEFAULT ''::text NOT NULL,
    active boolean DEFAULT true NOT NULL,
    CONSTRAINT staff_role_check CHECK ((role = ANY (ARRAY['para'::text, 'teacher'::text, 'admin'::text, 'therapist'::text])))
);

ALTER TABLE staff ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME staff_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE students (
    id bigint NOT NULL,
    school_id bigint NOT NULL,
    code text NOT NULL,
    initials text DEFAULT ''::text NOT NULL,
    first_name text DEFAULT ''::text NOT NULL,
    last_name text DEFAULT ''::text NOT NULL,
    grade text DEFAULT ''::text NOT NULL,
    active boolean DEFAULT true NOT NULL
);

ALTER TABLE students ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME students_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE transitions (
    id bigint NOT NULL,
    entry_id bigint NOT NULL,
    student_id bigint NOT NULL,
    staff_id bigint NOT NULL,
    at timestamp with time zone NOT NULL,
    from_place text DEFAULT ''::text NOT NULL,
    to_place text DEFAULT ''::text NOT NULL,
    prompt integer NOT NULL,
    latency_ns bigint DEFAULT 0 NOT NULL,
    handoff_to text DEFAULT ''::text NOT NULL,
    active boolean DEFAULT true NOT NULL,
    CONSTRAINT transitions_prompt_check CHECK (((prompt >= 0) AND (prompt <= 5)))
);

ALTER TABLE transitions ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME transitions_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

CREATE TABLE trials (
    id bigint NOT NULL,
    entry_id bigint NOT NULL,
    goal_id bigint NOT NULL,
    student_id bigint NOT NULL,
    staff_id bigint NOT NULL,
    at timestamp with time zone NOT NULL,
    outcome text NOT NULL,
    prompt integer NOT NULL,
    active boolean DEFAULT true NOT NULL,
    CONSTRAINT trials_outcome_check CHECK ((outcome = ANY (ARRAY['correct'::text, 'incorrect'::text, 'no_response'::text]))),
    CONSTRAINT trials_prompt_check CHECK (((prompt >= 0) AND (prompt <= 5)))
);

ALTER TABLE trials ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (
    SEQUENCE NAME trials_id_seq
    START WITH 1
    INCREMENT BY 1
    NO MINVALUE
    NO MAXVALUE
    CACHE 1
);

INSERT INTO assignments (staff_id, student_id, kind, active) VALUES (2, 1, 'teacher', true);
INSERT INTO assignments (staff_id, student_id, kind, active) VALUES (2, 2, 'teacher', true);
INSERT INTO assignments (staff_id, student_id, kind, active) VALUES (2, 3, 'teacher', true);
INSERT INTO assignments (staff_id, student_id, kind, active) VALUES (2, 4, 'teacher', true);
INSERT INTO assignments (staff_id, student_id, kind, active) VALUES (3, 1, 'para', true);
INSERT INTO assignments (staff_id, student_id, kind, active) VALUES (3, 2, 'para', true);
INSERT INTO assignments (staff_id, student_id, kind, active) VALUES (4, 3, 'para', true);
INSERT INTO assignments (staff_id, student_id, kind, active) VALUES (4, 4, 'para', true);
INSERT INTO assignments (staff_id, student_id, kind, active) VALUES (5, 1, 'therapist', true);
INSERT INTO assignments (staff_id, student_id, kind, active) VALUES (5, 3, 'therapist', true);

INSERT INTO audit (id, at, staff_id, student_id, action, entity, entity_id, detail) OVERRIDING SYSTEM VALUE VALUES (1, '2026-10-05 14:30:00.123456+00', 3, 1, 'create', 'trials', 1, 'goal_id=1 trials=4');
INSERT INTO audit (id, at, staff_id, student_id, action, entity, entity_id, detail) OVERRIDING SYSTEM VALUE VALUES (2, '2026-10-05 16:30:00.123456+00', 3, 1, 'create', 'trials', 2, 'goal_id=2 trials=2');
INSERT INTO audit (id, at, staff_id, student_id, action, entity, entity_id, detail) OVERRIDING SYSTEM VALUE VALUES (3, '2026-10-06 14:30:00.123456+00', 3, 1, 'create', 'trials', 3, 'goal_id=1 trials=1');
INSERT INTO audit (id, at, staff_id, student_id, action, entity, entity_id, detail) OVERRIDING SYSTEM VALUE VALUES (4, '2026-10-06 15:30:00.123456+00', 3, 1, 'deactivate', 'trials', 3, 'reason: wrong student');
INSERT INTO audit (id, at, staff_id, student_id, action, entity, entity_id, detail) OVERRIDING SYSTEM VALUE VALUES (5, '2026-10-07 14:30:00.123456+00', 3, 1, 'create', 'incident', 4, 'severity=2 severe=false');
INSERT INTO audit (id, at, staff_id, student_id, action, entity, entity_id, detail) OVERRIDING SYSTEM VALUE VALUES (6, '2026-10-07 15:30:00.123456+00', 2, 1, 'edit', 'incident', 4, 'incident_id=1 version=2');
INSERT INTO audit (id, at, staff_id, student_id, action, entity, entity_id, detail) OVERRIDING SYSTEM VALUE VALUES (7, '2026-10-07 16:30:00.123456+00', 3, 1, 'create', 'transition', 5, '');
INSERT INTO audit (id, at, staff_id, student_id, action, entity, entity_id, detail) OVERRIDING SYSTEM VALUE VALUES (8, '2026-10-07 17:30:00.123456+00', 3, 1, 'create', 'note', 6, 'to_staff_id=2');
INSERT INTO audit (id, at, staff_id, student_id, action, entity, entity_id, detail) OVERRIDING SYSTEM VALUE VALUES (9, '2026-10-07 18:30:00.123456+00', 2, 1, 'read', 'student', 1, 'progress');
INSERT INTO audit (id, at, staff_id, student_id, action, entity, entity_id, detail) OVERRIDING SYSTEM VALUE VALUES (10, '2026-10-07 19:30:00.123456+00', 2, NULL, 'export', 'school', 1, 'format=csv');

INSERT INTO calendar_days (school_id, day, kind, dismissal, note, active) VALUES (1, '2026-11-26', 'holiday', '', 'Thanksgiving', true);
INSERT INTO calendar_days (school_id, day, kind, dismissal, note, active) VALUES (1, '2026-12-18', 'early_release', '12:30', 'Winter break starts', true);

INSERT INTO claims (key, claimed_at) VALUES ('slack:trigger:1001', '2026-10-05 14:30:00.123456+00');
INSERT INTO claims (key, claimed_at) VALUES ('slack:trigger:1002', '2026-10-05 16:30:00.123456+00');
INSERT INTO claims (key, claimed_at) VALUES ('discord:interaction:77', '2026-10-07 14:30:00.123456+00');
INSERT INTO claims (key, claimed_at) VALUES ('deliver:42', '2026-10-07 20:30:00.123456+00');

INSERT INTO duties (id, school_id, staff_id, kind, weekday, start_time, end_time, place, active) OVERRIDING SYSTEM VALUE VALUES (1, 1, 3, 'bus', 1, '15:00', '15:20', 'bus loop', true);
INSERT INTO duties (id, school_id, staff_id, kind, weekday, start_time, end_time, place, active) OVERRIDING SYSTEM VALUE VALUES (2, 1, 3, 'bus', 2, '15:00', '15:20', 'bus loop', true);
INSERT INTO duties (id, school_id, staff_id, kind, weekday, start_time, end_time, place, active) OVERRIDING SYSTEM VALUE VALUES (3, 1, 3, 'bus', 3, '15:00', '15:20', 'bus loop', true);
INSERT INTO duties (id, school_id, staff_id, kind, weekday, start_time, end_time, place, active) OVERRIDING SYSTEM VALUE VALUES (4, 1, 3, 'bus', 4, '15:00', '15:20', 'bus loop', true);
INSERT INTO duties (id, school_id, staff_id, kind, weekday, start_time, end_time, place, active) OVERRIDING SYSTEM VALUE VALUES (5, 1, 3, 'bus', 5, '15:00', '15:20', 'bus loop', true);
INSERT INTO duties (id, school_id, staff_id, kind, weekday, start_time, end_time, place, active) OVERRIDING SYSTEM VALUE VALUES (6, 1, 4, 'lunch', 3, '11:30', '12:00', 'cafeteria', true);

INSERT INTO entries (id, kind, staff_id, student_id, created_at, summary, active, deactivated_by, deactivated_at, deactivated_reason) OVERRIDING SYSTEM VALUE VALUES (1, 'trials', 3, 1, '2026-10-05 14:30:00.123456+00', 'G1: 4 trials, 2 correct', true, NULL, NULL, '');
INSERT INTO entries (id, kind, staff_id, student_id, created_at, summary, active, deactivated_by, deactivated_at, deactivated_reason) OVERRIDING SYSTEM VALUE VALUES (2, 'trials', 3, 1, '2026-10-05 16:30:00.123456+00', 'G2: 2 trials, 2 correct', true, NULL, NULL, '');
INSERT INTO entries (id, kind, staff_id, student_id, created_at, summary, active, deactivated_by, deactivated_at, deactivated_reason) OVERRIDING SYSTEM VALUE VALUES (3, 'trials', 3, 1, '2026-10-06 14:30:00.123456+00', 'G1: 1 trial, 0 correct', false, 3, '2026-10-06 15:30:00.123456+00', 'wrong student');
INSERT INTO entries (id, kind, staff_id, student_id, created_at, summary, active, deactivated_by, deactivated_at, deactivated_reason) OVERRIDING SYSTEM VALUE VALUES (4, 'incident', 3, 1, '2026-10-07 14:30:00.123456+00', 'incident sev 2', true, NULL, NULL, '');
INSERT INTO entries (id, kind, staff_id, student_id, created_at, summary, active, deactivated_by, deactivated_at, deactivated_reason) OVERRIDING SYSTEM VALUE VALUES (5, 'transition', 3, 1, '2026-10-07 16:30:00.123456+00', 'transition', true, NULL, NULL, '');
INSERT INTO entries (id, kind, staff_id, student_id, created_at, summary, active, deactivated_by, deactivated_at, deactivated_reason) OVERRIDING SYSTEM VALUE VALUES (6, 'note', 3, 1, '2026-10-07 17:30:00.123456+00', 'note', true, NULL, NULL, '');

INSERT INTO goals (id, student_id, code, text, domain, measurement, baseline, mastery_percent, mastery_sessions, mastery_min_trials, start_date, end_date, active) OVERRIDING SYSTEM VALUE VALUES (1, 1, 'G1', 'Requests a break using a picture card', 'communication', 'percent correct', '20%', 80, 3, 5, '2026-09-08', '2027-06-18', true);
INSERT INTO goals (id, student_id, code, text, domain, measurement, baseline, mastery_percent, mastery_sessions, mastery_min_trials, start_date, end_date, active) OVERRIDING SYSTEM VALUE VALUES (2, 1, 'G2', 'Identifies coins by name', 'academic', 'percent correct', '20%', 80, 3, 5, '2026-09-08', '2027-06-18', true);
INSERT INTO goals (id, student_id, code, text, domain, measurement, baseline, mastery_percent, mastery_sessions, mastery_min_trials, start_date, end_date, active) OVERRIDING SYSTEM VALUE VALUES (3, 2, 'G1', 'Takes turns in a structured game', 'social', 'percent correct', '20%', 80, 3, 5, '2026-09-08', '2027-06-18', true);
INSERT INTO goals (id, student_id, code, text, domain, measurement, baseline, mastery_percent, mastery_sessions, mastery_min_trials, start_date, end_date, active) OVERRIDING SYSTEM VALUE VALUES (4, 3, 'G1', 'Follows a two-step direction', 'communication', 'percent correct', '20%', 80, 3, 5, '2026-09-08', '2027-06-18', true);
INSERT INTO goals (id, student_id, code, text, domain, measurement, baseline, mastery_percent, mastery_sessions, mastery_min_trials, start_date, end_date, active) OVERRIDING SYSTEM VALUE VALUES (5, 4, 'G1', 'Zips jacket independently', 'daily living', 'percent correct', '20%', 80, 3, 5, '2026-09-08', '2027-06-18', true);

INSERT INTO identities (platform, user_id, staff_id) VALUES ('shell', 'pprincipal', 1);
INSERT INTO identities (platform, user_id, staff_id) VALUES ('shell', 'tlopez', 2);
INSERT INTO identities (platform, user_id, staff_id) VALUES ('slack', 'U0TLOPEZ', 2);
INSERT INTO identities (platform, user_id, staff_id) VALUES ('shell', 'jrivera', 3);
INSERT INTO identities (platform, user_id, staff_id) VALUES ('slack', 'U0JRIVERA', 3);
INSERT INTO identities (platform, user_id, staff_id) VALUES ('shell', 'mchen', 4);
INSERT INTO identities (platform, user_id, staff_id) VALUES ('discord', '100000000000000001', 4);
INSERT INTO identities (platform, user_id, staff_id) VALUES ('shell', 'kokafor', 5);

INSERT INTO incident_versions (incident_id, version, changed_by, changed_at, at, duration_ns, setting, antecedent, behavior, consequence, severity, strategies, injury, restraint, seclusion, others, notes, summary) VALUES (1, 1, 2, '2026-10-07 15:30:00.123456+00', '2026-10-07 14:30:00.123456+00', 420000000000, 'math', 'asked to work', 'threw pencil', 'break', 2, '["break card","first-then"]', false, false, false, '["S102"]', 'calm after', 'incident sev 2');

INSERT INTO incidents (id, entry_id, student_id, staff_id, at, duration_ns, setting, antecedent, behavior, consequence, severity, strategies, injury, restraint, seclusion, others, notes, active, version) OVERRIDING SYSTEM VALUE VALUES (1, 4, 1, 3, '2026-10-07 14:30:00.123456+00', 420000000000, 'math', 'asked to work', 'threw pencil and book', 'break', 3, '["break card","first-then"]', false, false, false, '["S102"]', 'calm after', true, 2);

INSERT INTO notes (id, entry_id, student_id, staff_id, to_staff_id, at, body, active) OVERRIDING SYSTEM VALUE VALUES (1, 6, 1, 3, 2, '2026-10-07 17:30:00.123456+00', 'good day', true);

INSERT INTO schema_migrations (version, name, applied_at) VALUES (1, 'init', '2026-12-01 22:22:28.940503+00');
INSERT INTO schema_migrations (version, name, applied_at) VALUES (2, 'roster_active', '2026-12-01 22:22:28.989211+00');
INSERT INTO schema_migrations (version, name, applied_at) VALUES (3, 'school_scoped_codes', '2026-12-01 22:22:28.991812+00');

INSERT INTO schools (id, name, time_zone, year_start, year_end, day_start, dismissal) OVERRIDING SYSTEM VALUE VALUES (1, 'Maple Elementary', 'America/New_York', '2026-08-31', '2027-06-18', '08:30', '15:10');

INSERT INTO staff (id, school_id, handle, name, email, role, channel, active) OVERRIDING SYSTEM VALUE VALUES (1, 1, 'pprincipal', 'Pat Principal', 'pat.principal@maple.example', 'admin', '', true);
INSERT INTO staff (id, school_id, handle, name, email, role, channel, active) OVERRIDING SYSTEM VALUE VALUES (2, 1, 'tlopez', 'Tina Lopez', 'tina.lopez@maple.example', 'teacher', 'room-12', true);
INSERT INTO staff (id, school_id, handle, name, email, role, channel, active) OVERRIDING SYSTEM VALUE VALUES (3, 1, 'jrivera', 'Jo Rivera', 'jo.rivera@maple.example', 'para', '', true);
INSERT INTO staff (id, school_id, handle, name, email, role, channel, active) OVERRIDING SYSTEM VALUE VALUES (4, 1, 'mchen', 'Mei Chen', 'mei.chen@maple.example', 'para', '', true);
INSERT INTO staff (id, school_id, handle, name, email, role, channel, active) OVERRIDING SYSTEM VALUE VALUES (5, 1, 'kokafor', 'Kemi Okafor', 'kemi.okafor@maple.example', 'therapist', '', true);

INSERT INTO students (id, school_id, code, initials, first_name, last_name, grade, active) OVERRIDING SYSTEM VALUE VALUES (1, 1, 'S101', 'A.B.', 'Ava', 'Brown', '2', true);
INSERT INTO students (id, school_id, code, initials, first_name, last_name, grade, active) OVERRIDING SYSTEM VALUE VALUES (2, 1, 'S102', 'C.D.', 'Caleb', 'Diaz', '3', true);
INSERT INTO students (id, school_id, code, initials, first_name, last_name, grade, active) OVERRIDING SYSTEM VALUE VALUES (3, 1, 'S103', 'E.F.', 'Emma', 'Fox', '1', true);
INSERT INTO students (id, school_id, code, initials, first_name, last_name, grade, active) OVERRIDING SYSTEM VALUE VALUES (4, 1, 'S104', 'G.H.', 'Gus', 'Hill', '4', true);

INSERT INTO transitions (id, entry_id, student_id, staff_id, at, from_place, to_place, prompt, latency_ns, handoff_to, active) OVERRIDING SYSTEM VALUE VALUES (1, 5, 1, 3, '2026-10-07 16:30:00.123456+00', 'class', 'bus', 2, 90000000000, 'bus 12', true);

INSERT INTO trials (id, entry_id, goal_id, student_id, staff_id, at, outcome, prompt, active) OVERRIDING SYSTEM VALUE VALUES (1, 1, 1, 1, 3, '2026-10-05 14:30:00.123456+00', 'correct', 0, true);
INSERT INTO trials (id, entry_id, goal_id, student_id, staff_id, at, outcome, prompt, active) OVERRIDING SYSTEM VALUE VALUES (2, 1, 1, 1, 3, '2026-10-05 14:30:00.123456+00', 'incorrect', 2, true);
INSERT INTO trials (id, entry_id, goal_id, student_id, staff_id, at, outcome, prompt, active) OVERRIDING SYSTEM VALUE VALUES (3, 1, 1, 1, 3, '2026-10-05 14:30:00.123456+00', 'no_response', 5, true);
INSERT INTO trials (id, entry_id, goal_id, student_id, staff_id, at, outcome, prompt, active) OVERRIDING SYSTEM VALUE VALUES (4, 1, 1, 1, 3, '2026-10-05 14:30:00.123456+00', 'correct', 1, true);
INSERT INTO trials (id, entry_id, goal_id, student_id, staff_id, at, outcome, prompt, active) OVERRIDING SYSTEM VALUE VALUES (5, 2, 2, 1, 3, '2026-10-05 15:30:00.123456+00', 'correct', 3, true);
INSERT INTO trials (id, entry_id, goal_id, student_id, staff_id, at, outcome, prompt, active) OVERRIDING SYSTEM VALUE VALUES (6, 2, 2, 1, 3, '2026-10-05 15:30:00.123456+00', 'correct', 4, true);
INSERT INTO trials (id, entry_id, goal_id, student_id, staff_id, at, outcome, prompt, active) OVERRIDING SYSTEM VALUE VALUES (7, 3, 1, 1, 3, '2026-10-06 14:30:00.123456+00', 'incorrect', 0, false);

ALTER TABLE ONLY assignments
    ADD CONSTRAINT assignments_pkey PRIMARY KEY (staff_id, student_id, kind);

ALTER TABLE ONLY audit
    ADD CONSTRAINT audit_pkey PRIMARY KEY (id);

ALTER TABLE ONLY calendar_days
    ADD CONSTRAINT calendar_days_pkey PRIMARY KEY (school_id, day);

ALTER TABLE ONLY claims
    ADD CONSTRAINT claims_pkey PRIMARY KEY (key);

ALTER TABLE ONLY duties
    ADD CONSTRAINT duties_pkey PRIMARY KEY (id);

ALTER TABLE ONLY duties
    ADD CONSTRAINT duties_staff_id_kind_weekday_start_time_key UNIQUE (staff_id, kind, weekday, start_time);

ALTER TABLE ONLY entries
    ADD CONSTRAINT entries_pkey PRIMARY KEY (id);

ALTER TABLE ONLY goals
    ADD CONSTRAINT goals_id_student_id_key UNIQUE (id, student_id);

ALTER TABLE ONLY goals
    ADD CONSTRAINT goals_pkey PRIMARY KEY (id);

ALTER TABLE ONLY goals
    ADD CONSTRAINT goals_student_id_code_key UNIQUE (student_id, code);

ALTER TABLE ONLY identities
    ADD CONSTRAINT identities_pkey PRIMARY KEY (platform, user_id);

ALTER TABLE ONLY incident_versions
    ADD CONSTRAINT incident_versions_pkey PRIMARY KEY (incident_id, version);

ALTER TABLE ONLY incidents
    ADD CONSTRAINT incidents_entry_id_key UNIQUE (entry_id);

ALTER TABLE ONLY incidents
    ADD CONSTRAINT incidents_pkey PRIMARY KEY (id);

ALTER TABLE ONLY notes
    ADD CONSTRAINT notes_entry_id_key UNIQUE (entry_id);

ALTER TABLE ONLY notes
    ADD CONSTRAINT notes_pkey PRIMARY KEY (id);

ALTER TABLE ONLY schema_migrations
    ADD CONSTRAINT schema_migrations_pkey PRIMARY KEY (version);

ALTER TABLE ONLY schools
    ADD CONSTRAINT schools_name_key UNIQUE (name);

ALTER TABLE ONLY schools
    ADD CONSTRAINT schools_pkey PRIMARY KEY (id);

ALTER TABLE ONLY staff
    ADD CONSTRAINT staff_handle_key UNIQUE (handle);

ALTER TABLE ONLY staff
    ADD CONSTRAINT staff_pkey PRIMARY KEY (id);

ALTER TABLE ONLY students
    ADD CONSTRAINT students_pkey PRIMARY KEY (id);

ALTER TABLE ONLY transitions
    ADD CONSTRAINT transitions_entry_id_key UNIQUE (entry_id);

ALTER TABLE ONLY transitions
    ADD CONSTRAINT transitions_pkey PRIMARY KEY (id);

ALTER TABLE ONLY trials
    ADD CONSTRAINT trials_pkey PRIMARY KEY (id);

CREATE INDEX assignments_student ON assignments USING btree (student_id);

CREATE INDEX audit_student_at ON audit USING btree (student_id, at, id);

CREATE INDEX duties_school ON duties USING btree (school_id, weekday, start_time);

CREATE INDEX entries_staff ON entries USING btree (staff_id, id);

CREATE INDEX identities_staff ON identities USING btree (staff_id);

CREATE INDEX incidents_student_at ON incidents USING btree (student_id, at);

CREATE INDEX notes_student_at ON notes USING btree (student_id, at);

CREATE UNIQUE INDEX schools_name_lower ON schools USING btree (lower(name));

CREATE INDEX staff_email ON staff USING btree (lower(email));

CREATE INDEX staff_school_name ON staff USING btree (school_id, name);

CREATE UNIQUE INDEX students_school_code ON students USING btree (school_id, code);

CREATE INDEX transitions_student_at ON transitions USING btree (student_id, at);

CREATE INDEX trials_entry ON trials USING btree (entry_id);

CREATE INDEX trials_student_at ON trials USING btree (student_id, at);

ALTER TABLE ONLY assignments
    ADD CONSTRAINT assignments_staff_id_fkey FOREIGN KEY (staff_id) REFERENCES staff(id);

ALTER TABLE ONLY assignments
    ADD CONSTRAINT assignments_student_id_fkey FOREIGN KEY (student_id) REFERENCES students(id);

ALTER TABLE ONLY calendar_days
    ADD CONSTRAINT calendar_days_school_id_fkey FOREIGN KEY (school_id) REFERENCES schools(id);

ALTER TABLE ONLY duties
    ADD CONSTRAINT duties_school_id_fkey FOREIGN KEY (school_id) REFERENCES schools(id);

ALTER TABLE ONLY duties
    ADD CONSTRAINT duties_staff_id_fkey FOREIGN KEY (staff_id) REFERENCES staff(id);

ALTER TABLE ONLY entries
    ADD CONSTRAINT entries_deactivated_by_fkey FOREIGN KEY (deactivated_by) REFERENCES staff(id);

ALTER TABLE ONLY entries
    ADD CONSTRAINT entries_staff_id_fkey FOREIGN KEY (staff_id) REFERENCES staff(id);

ALTER TABLE ONLY entries
    ADD CONSTRAINT entries_student_id_fkey FOREIGN KEY (student_id) REFERENCES students(id);

ALTER TABLE ONLY goals
    ADD CONSTRAINT goals_student_id_fkey FOREIGN KEY (student_id) REFERENCES students(id);

ALTER TABLE ONLY identities
    ADD CONSTRAINT identities_staff_id_fkey FOREIGN KEY (staff_id) REFERENCES staff(id);

ALTER TABLE ONLY incident_versions
    ADD CONSTRAINT incident_versions_changed_by_fkey FOREIGN KEY (changed_by) REFERENCES staff(id);

ALTER TABLE ONLY incident_versions
    ADD CONSTRAINT incident_versions_incident_id_fkey FOREIGN KEY (incident_id) REFERENCES incidents(id);

ALTER TABLE ONLY incidents
    ADD CONSTRAINT incidents_entry_id_fkey FOREIGN KEY (entry_id) REFERENCES entries(id);

ALTER TABLE ONLY incidents
    ADD CONSTRAINT incidents_staff_id_fkey FOREIGN KEY (staff_id) REFERENCES staff(id);

ALTER TABLE ONLY incidents
    ADD CONSTRAINT incidents_student_id_fkey FOREIGN KEY (student_id) REFERENCES students(id);

ALTER TABLE ONLY notes
    ADD CONSTRAINT notes_entry_id_fkey FOREIGN KEY (entry_id) REFERENCES entries(id);

ALTER TABLE ONLY notes
    ADD CONSTRAINT notes_staff_id_fkey FOREIGN KEY (staff_id) REFERENCES staff(id);

ALTER TABLE ONLY notes
    ADD CONSTRAINT notes_student_id_fkey FOREIGN KEY (student_id) REFERENCES students(id);

ALTER TABLE ONLY notes
    ADD CONSTRAINT notes_to_staff_id_fkey FOREIGN KEY (to_staff_id) REFERENCES staff(id);

ALTER TABLE ONLY staff
    ADD CONSTRAINT staff_school_id_fkey FOREIGN KEY (school_id) REFERENCES schools(id);

ALTER TABLE ONLY students
    ADD CONSTRAINT students_school_id_fkey FOREIGN KEY (school_id) REFERENCES schools(id);

ALTER TABLE ONLY transitions
    ADD CONSTRAINT transitions_entry_id_fkey FOREIGN KEY (entry_id) REFERENCES entries(id);

ALTER TABLE ONLY transitions
    ADD CONSTRAINT transitions_staff_id_fkey FOREIGN KEY (staff_id) REFERENCES staff(id);

ALTER TABLE ONLY transitions
    ADD CONSTRAINT transitions_student_id_fkey FOREIGN KEY (student_id) REFERENCES students(id);

ALTER TABLE ONLY trials
    ADD CONSTRAINT trials_entry_id_fkey FOREIGN KEY (entry_id) REFERENCES entries(id);

ALTER TABLE ONLY trials
    ADD CONSTRAINT trials_goal_id_student_id_fkey FOREIGN KEY (goal_id, student_id) REFERENCES goals(id, student_id);

ALTER TABLE ONLY trials
    ADD CONSTRAINT trials_staff_id_fkey FOREIGN KEY (staff_id) REFERENCES staff(id);

ALTER TABLE ONLY trials
    ADD CONSTRAINT trials_student_id_fkey FOREIGN KEY (student_id) REFERENCES students(id);

SELECT pg_catalog.setval('audit_id_seq', 10, true);
SELECT pg_catalog.setval('duties_id_seq', 6, true);
SELECT pg_catalog.setval('entries_id_seq', 6, true);
SELECT pg_catalog.setval('goals_id_seq', 5, true);
SELECT pg_catalog.setval('incidents_id_seq', 1, true);
SELECT pg_catalog.setval('notes_id_seq', 1, true);
SELECT pg_catalog.setval('schools_id_seq', 1, true);
SELECT pg_catalog.setval('staff_id_seq', 5, true);
SELECT pg_catalog.setval('students_id_seq', 4, true);
SELECT pg_catalog.setval('transitions_id_seq', 1, true);
SELECT pg_catalog.setval('trials_id_seq', 7, true);
