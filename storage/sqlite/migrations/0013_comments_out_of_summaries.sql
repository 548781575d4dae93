-- The comment typed with trials or a transition ("-- was tired") was kept
-- at the end of its entry's summary, after " Note: ", until sessions and
-- transitions got a field of their own (0010). Move it there, so every
-- summary is free of what was typed.
UPDATE sessions SET note = substr(
        (SELECT e.summary FROM entries e WHERE e.id = sessions.entry_id),
        instr((SELECT e.summary FROM entries e WHERE e.id = sessions.entry_id), ' Note: ') + 7)
WHERE note = '' AND EXISTS (SELECT 1 FROM entries e WHERE e.id = sessions.entry_id AND instr(e.summary, ' Note: ') > 0);

UPDATE transitions SET note = substr(
        (SELECT e.summary FROM entries e WHERE e.id = transitions.entry_id),
        instr((SELECT e.summary FROM entries e WHERE e.id = transitions.entry_id), ' Note: ') + 7)
WHERE note = '' AND EXISTS (SELECT 1 FROM entries e WHERE e.id = transitions.entry_id AND instr(e.summary, ' Note: ') > 0);

UPDATE entries SET summary = substr(summary, 1, instr(summary, ' Note: ') - 1)
WHERE kind IN ('trials', 'transition') AND instr(summary, ' Note: ') > 0;
