-- Retention: the day a student left (was made inactive by an import), so
-- a school's policy can purge their records some years after. Students
-- already inactive count from the day of this migration.
ALTER TABLE students ADD COLUMN left_on TEXT NOT NULL DEFAULT ''; -- YYYY-MM-DD, '' while active
UPDATE students SET left_on = CAST(CURRENT_DATE AS TEXT) WHERE NOT active;
CREATE INDEX audit_at ON audit (at);
