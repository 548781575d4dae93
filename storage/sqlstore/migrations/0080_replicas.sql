-- Serve processes alive: each beats every second or so; one silent for
-- a few seconds is taken for dead and its running jobs run elsewhere.

CREATE TABLE replicas (
    id      TEXT PRIMARY KEY,
    seen_at {time} NOT NULL
);
