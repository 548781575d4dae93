-- Reminders: a school's reminder settings and schedules, students' ways
-- home, goals' data schedules, absences with covers, and the answers to
-- duty reminders. Kept in tables of their own beside the roster.

CREATE TABLE school_settings (
    school_id {bigint} NOT NULL REFERENCES schools (id),
    name      TEXT NOT NULL, -- data_due, data_reminder, duty_lead, bus_lead, schedule:data_reminder, ...
    value     TEXT NOT NULL,
    PRIMARY KEY (school_id, name)
);

CREATE TABLE student_dismissals (
    student_id {bigint} PRIMARY KEY REFERENCES students (id),
    dismissal  TEXT NOT NULL -- bus 12, pickup, walker, after-care
);

CREATE TABLE goal_schedules (
    goal_id  {bigint} PRIMARY KEY REFERENCES goals (id),
    schedule TEXT NOT NULL -- daily, weekly, mon,wed,fri
);

CREATE TABLE absences (
    id          {id},
    school_id   {bigint} NOT NULL REFERENCES schools (id),
    staff_id    {bigint} REFERENCES staff (id),    -- a staff member away, or
    student_id  {bigint} REFERENCES students (id), -- a student away
    from_day    TEXT NOT NULL, -- YYYY-MM-DD
    to_day      TEXT NOT NULL,
    cover_id    {bigint} REFERENCES staff (id),
    by_staff_id {bigint} NOT NULL REFERENCES staff (id),
    created_at  {time} NOT NULL
);
CREATE INDEX absences_school_day ON absences (school_id, from_day);

CREATE TABLE duty_answers (
    duty_id  {bigint} NOT NULL REFERENCES duties (id),
    day      TEXT NOT NULL,
    staff_id {bigint} NOT NULL REFERENCES staff (id),
    answer   TEXT NOT NULL, -- on_my_way, cant_make_it
    at       {time} NOT NULL,
    PRIMARY KEY (duty_id, day, staff_id)
);
