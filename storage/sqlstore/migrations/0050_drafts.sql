-- Drafts: a guided form's answers so far, or the command a button runs,
-- kept under a short key between a platform's interactions until they
-- expire.
CREATE TABLE drafts (
    key        TEXT PRIMARY KEY,
    data       TEXT NOT NULL,
    expires_at {time} NOT NULL
);
CREATE INDEX drafts_expires_at ON drafts (expires_at);
