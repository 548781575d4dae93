-- The comment typed with trials or a transition ("-- was tired") was kept
-- at the end of its entry's summary, after " Note: ", until sessions and
-- transitions got a field of their own (0010). Move it there, so every
-- summary is free of what was typed.
UPDATE sessions s SET note = substr(e.summary, position(' Note: ' IN e.summary) + 7)
FROM entries e
WHERE e.id = s.entry_id AND s.note = '' AND position(' Note: ' IN e.summary) > 0;

UPDATE transitions t SET note = substr(e.summary, position(' Note: ' IN e.summary) + 7)
FROM entries e
WHERE e.id = t.entry_id AND t.note = '' AND position(' Note: ' IN e.summary) > 0;

UPDATE entries SET summary = substr(summary, 1, position(' Note: ' IN summary) - 1)
WHERE kind IN ('trials', 'transition') AND position(' Note: ' IN summary) > 0;
