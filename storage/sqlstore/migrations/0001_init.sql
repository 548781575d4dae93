-- parabot's tables, written once for both engines (the words in braces
-- stand for the types that differ: see sqlstore.Types). Times are TEXT in
-- UTC at microsecond precision on SQLite ("2006-01-02T15:04:05.000000Z"),
-- so they sort as text, and timestamptz on Postgres; dates are TEXT
-- YYYY-MM-DD and clock times TEXT HH:MM, both in the school's time zone.

CREATE TABLE schools (
    id         {id},
    name       TEXT NOT NULL UNIQUE,
    time_zone  TEXT NOT NULL,
    year_start TEXT NOT NULL DEFAULT '',
    year_end   TEXT NOT NULL DEFAULT '',
    day_start  TEXT NOT NULL DEFAULT '',
    dismissal  TEXT NOT NULL DEFAULT ''
);

CREATE TABLE staff (
    id        {id},
    school_id {bigint} NOT NULL REFERENCES schools (id),
    handle    TEXT NOT NULL UNIQUE,
    name      TEXT NOT NULL,
    email     TEXT NOT NULL DEFAULT '',
    role      TEXT NOT NULL CHECK (role IN ('para', 'teacher', 'admin', 'therapist')),
    channel   TEXT NOT NULL DEFAULT '',
    active    {bool} NOT NULL DEFAULT {true}
);
CREATE INDEX staff_school_name ON staff (school_id, name);
CREATE INDEX staff_email ON staff (lower(email));

CREATE TABLE identities (
    platform TEXT NOT NULL,
    user_id  TEXT NOT NULL,
    staff_id {bigint} NOT NULL REFERENCES staff (id),
    PRIMARY KEY (platform, user_id)
);
CREATE INDEX identities_staff ON identities (staff_id);

CREATE TABLE students (
    id         {id},
    school_id  {bigint} NOT NULL REFERENCES schools (id),
    code       TEXT NOT NULL UNIQUE,
    initials   TEXT NOT NULL DEFAULT '',
    first_name TEXT NOT NULL DEFAULT '',
    last_name  TEXT NOT NULL DEFAULT '',
    grade      TEXT NOT NULL DEFAULT '',
    active     {bool} NOT NULL DEFAULT {true}
);
CREATE INDEX students_school_code ON students (school_id, code);

CREATE TABLE goals (
    id                 {id},
    student_id         {bigint} NOT NULL REFERENCES students (id),
    code               TEXT NOT NULL,
    text               TEXT NOT NULL DEFAULT '',
    domain             TEXT NOT NULL DEFAULT '',
    measurement        TEXT NOT NULL DEFAULT '',
    baseline           TEXT NOT NULL DEFAULT '',
    mastery_percent    INTEGER NOT NULL DEFAULT 0,
    mastery_sessions   INTEGER NOT NULL DEFAULT 0,
    mastery_min_trials INTEGER NOT NULL DEFAULT 0,
    start_date         TEXT NOT NULL DEFAULT '',
    end_date           TEXT NOT NULL DEFAULT '',
    active             {bool} NOT NULL DEFAULT {true},
    UNIQUE (student_id, code),
    UNIQUE (id, student_id)
);

CREATE TABLE assignments (
    staff_id   {bigint} NOT NULL REFERENCES staff (id),
    student_id {bigint} NOT NULL REFERENCES students (id),
    kind       TEXT NOT NULL CHECK (kind IN ('para', 'teacher', 'therapist')),
    PRIMARY KEY (staff_id, student_id, kind)
);
CREATE INDEX assignments_student ON assignments (student_id);

CREATE TABLE duties (
    id         {id},
    school_id  {bigint} NOT NULL REFERENCES schools (id),
    staff_id   {bigint} NOT NULL REFERENCES staff (id),
    kind       TEXT NOT NULL,
    weekday    INTEGER NOT NULL CHECK (weekday BETWEEN 0 AND 6),
    start_time TEXT NOT NULL,
    end_time   TEXT NOT NULL DEFAULT '',
    place      TEXT NOT NULL DEFAULT '',
    UNIQUE (staff_id, kind, weekday, start_time)
);
CREATE INDEX duties_school ON duties (school_id, weekday, start_time);

CREATE TABLE calendar_days (
    school_id {bigint} NOT NULL REFERENCES schools (id),
    day       TEXT NOT NULL,
    kind      TEXT NOT NULL,
    dismissal TEXT NOT NULL DEFAULT '',
    note      TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (school_id, day)
);

-- One entry per logging command; undo deactivates the entry and its records.
CREATE TABLE entries (
    id                 {id},
    kind               TEXT NOT NULL CHECK (kind IN ('trials', 'incident', 'transition', 'note')),
    staff_id           {bigint} NOT NULL REFERENCES staff (id),
    student_id         {bigint} NOT NULL REFERENCES students (id),
    created_at         {time} NOT NULL,
    summary            TEXT NOT NULL DEFAULT '',
    active             {bool} NOT NULL DEFAULT {true},
    deactivated_by     {bigint} REFERENCES staff (id),
    deactivated_at     {time},
    deactivated_reason TEXT NOT NULL DEFAULT ''
);
CREATE INDEX entries_staff ON entries (staff_id, id);

CREATE TABLE trials (
    id         {id},
    entry_id   {bigint} NOT NULL REFERENCES entries (id),
    goal_id    {bigint} NOT NULL,
    student_id {bigint} NOT NULL REFERENCES students (id),
    staff_id   {bigint} NOT NULL REFERENCES staff (id),
    at         {time} NOT NULL,
    outcome    TEXT NOT NULL CHECK (outcome IN ('correct', 'incorrect', 'no_response')),
    prompt     INTEGER NOT NULL CHECK (prompt BETWEEN 0 AND 5),
    active     {bool} NOT NULL DEFAULT {true},
    FOREIGN KEY (goal_id, student_id) REFERENCES goals (id, student_id)
);
CREATE INDEX trials_student_at ON trials (student_id, at);
CREATE INDEX trials_entry ON trials (entry_id);

CREATE TABLE incidents (
    id          {id},
    entry_id    {bigint} NOT NULL UNIQUE REFERENCES entries (id),
    student_id  {bigint} NOT NULL REFERENCES students (id),
    staff_id    {bigint} NOT NULL REFERENCES staff (id),
    at          {time} NOT NULL,
    duration_ns {bigint} NOT NULL DEFAULT 0,
    setting     TEXT NOT NULL DEFAULT '',
    antecedent  TEXT NOT NULL DEFAULT '',
    behavior    TEXT NOT NULL DEFAULT '',
    consequence TEXT NOT NULL DEFAULT '',
    severity    INTEGER NOT NULL CHECK (severity BETWEEN 1 AND 5),
    strategies  TEXT NOT NULL DEFAULT '[]', -- JSON array of strings
    injury      {bool} NOT NULL DEFAULT {false},
    restraint   {bool} NOT NULL DEFAULT {false},
    seclusion   {bool} NOT NULL DEFAULT {false},
    others      TEXT NOT NULL DEFAULT '[]', -- JSON array of student codes
    notes       TEXT NOT NULL DEFAULT '',
    active      {bool} NOT NULL DEFAULT {true},
    version     INTEGER NOT NULL DEFAULT 1
);
CREATE INDEX incidents_student_at ON incidents (student_id, at);

-- Earlier versions of an edited incident: version N is what the incident
-- was before changed_by replaced it at changed_at.
CREATE TABLE incident_versions (
    incident_id {bigint} NOT NULL REFERENCES incidents (id),
    version     INTEGER NOT NULL,
    changed_by  {bigint} NOT NULL REFERENCES staff (id),
    changed_at  {time} NOT NULL,
    at          {time} NOT NULL,
    duration_ns {bigint} NOT NULL,
    setting     TEXT NOT NULL,
    antecedent  TEXT NOT NULL,
    behavior    TEXT NOT NULL,
    consequence TEXT NOT NULL,
    severity    INTEGER NOT NULL,
    strategies  TEXT NOT NULL,
    injury      {bool} NOT NULL,
    restraint   {bool} NOT NULL,
    seclusion   {bool} NOT NULL,
    others      TEXT NOT NULL,
    notes       TEXT NOT NULL,
    summary     TEXT NOT NULL,
    PRIMARY KEY (incident_id, version)
);

CREATE TABLE transitions (
    id         {id},
    entry_id   {bigint} NOT NULL UNIQUE REFERENCES entries (id),
    student_id {bigint} NOT NULL REFERENCES students (id),
    staff_id   {bigint} NOT NULL REFERENCES staff (id),
    at         {time} NOT NULL,
    from_place TEXT NOT NULL DEFAULT '',
    to_place   TEXT NOT NULL DEFAULT '',
    prompt     INTEGER NOT NULL CHECK (prompt BETWEEN 0 AND 5),
    latency_ns {bigint} NOT NULL DEFAULT 0,
    handoff_to TEXT NOT NULL DEFAULT '',
    active     {bool} NOT NULL DEFAULT {true}
);
CREATE INDEX transitions_student_at ON transitions (student_id, at);

CREATE TABLE notes (
    id          {id},
    entry_id    {bigint} NOT NULL UNIQUE REFERENCES entries (id),
    student_id  {bigint} NOT NULL REFERENCES students (id),
    staff_id    {bigint} NOT NULL REFERENCES staff (id),
    to_staff_id {bigint} REFERENCES staff (id),
    at          {time} NOT NULL,
    body        TEXT NOT NULL,
    active      {bool} NOT NULL DEFAULT {true}
);
CREATE INDEX notes_student_at ON notes (student_id, at);

-- Who did what to whose records. No foreign keys: the audit log never
-- blocks, and outlives what it describes.
CREATE TABLE audit (
    id         {id},
    at         {time} NOT NULL,
    staff_id   {bigint} NOT NULL,
    student_id {bigint}, -- NULL when not about one student
    action     TEXT NOT NULL,
    entity     TEXT NOT NULL,
    entity_id  {bigint} NOT NULL DEFAULT 0,
    detail     TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_student ON audit (student_id, id);

-- One-time keys (deliveries, platform event ids) acted on once.
CREATE TABLE claims (
    key        TEXT PRIMARY KEY,
    claimed_at {time} NOT NULL
);
