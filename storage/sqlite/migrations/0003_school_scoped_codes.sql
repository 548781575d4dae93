-- Student codes are unique per school, not across schools: two schools may
-- each have an S101. A code is matched whatever its case, so it is stored
-- in upper case; school names are matched case-insensitively too.
--
-- Codes that differ only in case within one school are the same student
-- entered twice by an earlier importer; the later rows keep their records
-- but get the code "<CODE>-<id>", for an administrator to merge or retire.
-- School names that differ only in case get " (<id>)" the same way.
--
-- SQLite cannot drop a column's UNIQUE, so students is rebuilt (the
-- migration runs with foreign keys off and checks them before commit).

CREATE TABLE students_new (
    id         INTEGER PRIMARY KEY,
    school_id  INTEGER NOT NULL REFERENCES schools (id),
    code       TEXT NOT NULL,
    initials   TEXT NOT NULL DEFAULT '',
    first_name TEXT NOT NULL DEFAULT '',
    last_name  TEXT NOT NULL DEFAULT '',
    grade      TEXT NOT NULL DEFAULT '',
    active     INTEGER NOT NULL DEFAULT 1
);
INSERT INTO students_new (id, school_id, code, initials, first_name, last_name, grade, active)
SELECT s.id, s.school_id,
       CASE WHEN EXISTS (SELECT 1 FROM students o
                         WHERE o.school_id = s.school_id AND upper(o.code) = upper(s.code) AND o.id < s.id)
            THEN upper(s.code) || '-' || s.id
            ELSE upper(s.code) END,
       s.initials, s.first_name, s.last_name, s.grade, s.active
FROM students s;
DROP TABLE students;
ALTER TABLE students_new RENAME TO students;
CREATE UNIQUE INDEX students_school_code ON students (school_id, code);

UPDATE schools SET name = name || ' (' || id || ')'
WHERE EXISTS (SELECT 1 FROM schools o WHERE lower(o.name) = lower(schools.name) AND o.id < schools.id);
CREATE UNIQUE INDEX schools_name_lower ON schools (lower(name));

-- Audit rows of one student, oldest first, straight from the index.
CREATE INDEX audit_student_at ON audit (student_id, at, id);
DROP INDEX audit_student;
