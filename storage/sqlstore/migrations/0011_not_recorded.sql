-- What was not answered stays "not recorded": a transition logged with no
-- prompt level (prompt_recorded false, prompt 0 meaning nothing), and an
-- incident's yes/no questions left unanswered (not_recorded, a JSON array
-- of their names: injury, restraint, seclusion), which never read as "no".
-- Rows logged before this change were answered (the old default).
ALTER TABLE transitions ADD COLUMN prompt_recorded {bool} NOT NULL DEFAULT {true};
ALTER TABLE incidents ADD COLUMN not_recorded TEXT NOT NULL DEFAULT '[]';
ALTER TABLE incident_versions ADD COLUMN not_recorded TEXT NOT NULL DEFAULT '[]';
