-- Assignments, duties and calendar days can be retired by a roster import
-- (active = no), like staff, students and goals: the row is kept, and an
-- inactive one gives no access and is not listed.

ALTER TABLE assignments ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
ALTER TABLE duties ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
ALTER TABLE calendar_days ADD COLUMN active INTEGER NOT NULL DEFAULT 1;
