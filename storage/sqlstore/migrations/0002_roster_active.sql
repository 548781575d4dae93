-- Assignments, duties and calendar days can be retired by a roster import
-- (active = no), like staff, students and goals: the row is kept, and an
-- inactive one gives no access and is not listed.

ALTER TABLE assignments ADD COLUMN active {bool} NOT NULL DEFAULT {true};
ALTER TABLE duties ADD COLUMN active {bool} NOT NULL DEFAULT {true};
ALTER TABLE calendar_days ADD COLUMN active {bool} NOT NULL DEFAULT {true};
