-- Student codes are unique per school, not across schools: two schools may
-- each have an S101. A code is matched whatever its case, so it is stored
-- in upper case; school names are matched case-insensitively too.
--
-- Codes that differ only in case within one school are the same student
-- entered twice by an earlier importer; the later rows keep their records
-- but get the code "<CODE>-<id>", for an administrator to merge or retire.
-- School names that differ only in case get " (<id>)" the same way.

ALTER TABLE students DROP CONSTRAINT students_code_key;
UPDATE students s SET code = upper(s.code) || '-' || s.id
WHERE EXISTS (SELECT 1 FROM students o
              WHERE o.school_id = s.school_id AND upper(o.code) = upper(s.code) AND o.id < s.id);
UPDATE students SET code = upper(code) WHERE code <> upper(code);
DROP INDEX students_school_code;
CREATE UNIQUE INDEX students_school_code ON students (school_id, code);

UPDATE schools s SET name = s.name || ' (' || s.id || ')'
WHERE EXISTS (SELECT 1 FROM schools o WHERE lower(o.name) = lower(s.name) AND o.id < s.id);
CREATE UNIQUE INDEX schools_name_lower ON schools (lower(name));

-- Audit rows of one student, oldest first, straight from the index.
CREATE INDEX audit_student_at ON audit (student_id, at, id);
DROP INDEX audit_student;
