-- The open escalations of a school (the Slack Home tab, at each open) and
-- the escalations of an incident (a debrief held) are read by index.
CREATE INDEX escalations_open ON escalations (school_id, created_at) WHERE state <> 'resolved';
CREATE INDEX escalations_incident ON escalations (incident_id) WHERE incident_id IS NOT NULL;
