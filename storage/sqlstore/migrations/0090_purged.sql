-- Retention: a student whose records Purge removed is marked, so that a
-- later roster import leaves the student as Purge left them instead of
-- writing their name back. Students purged before this migration are the
-- inactive ones whose names Purge blanked (an import requires names).
ALTER TABLE students ADD COLUMN purged {bool} NOT NULL DEFAULT {false};
UPDATE students SET purged = {true} WHERE NOT active AND first_name = '' AND last_name = '' AND initials = '';
