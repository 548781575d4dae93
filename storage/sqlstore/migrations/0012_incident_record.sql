-- A complete incident record, as on a district incident form: staff
-- involved, witnesses, who was injured and whether the nurse saw them,
-- and for restraint or seclusion its type, start and end, who applied it
-- and the observation during it. Kept as one JSON object (details) on the
-- incident and on each earlier version, so an edit keeps them too.
ALTER TABLE incidents ADD COLUMN details TEXT NOT NULL DEFAULT '{}';
ALTER TABLE incident_versions ADD COLUMN details TEXT NOT NULL DEFAULT '{}';
