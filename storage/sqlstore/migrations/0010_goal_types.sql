-- Every IEP measurement type: a goal says how it is logged (type, trials
-- by default), a task analysis its steps and a rating its scale's labels
-- (both '|'-separated), and a goal may have a short title. The comment
-- typed with a session or a transition gets a field of its own, so the
-- entry's summary stays free of what was typed.
ALTER TABLE goals ADD COLUMN type TEXT NOT NULL DEFAULT 'trials'
    CHECK (type IN ('trials', 'frequency', 'duration', 'latency', 'task_analysis', 'rating'));
ALTER TABLE goals ADD COLUMN title TEXT NOT NULL DEFAULT '';
ALTER TABLE goals ADD COLUMN steps TEXT NOT NULL DEFAULT '';
ALTER TABLE goals ADD COLUMN scale TEXT NOT NULL DEFAULT '';
ALTER TABLE sessions ADD COLUMN note TEXT NOT NULL DEFAULT '';
ALTER TABLE transitions ADD COLUMN note TEXT NOT NULL DEFAULT '';
