package postgres

import (
	"context"
	"errors"
	"fmt"

	"parabot/storage"
)

// LogTrials stores a batch of trials of one goal as one entry.
func (db *DB) LogTrials(ctx context.Context, b storage.TrialBatch, jobs []storage.Job) (storage.Entry, error) {
	if len(b.Results) == 0 {
		return storage.Entry{}, errors.New("logging trials: no trials in the batch")
	}
	outcomes := make([]string, len(b.Results))
	prompts := make([]int32, len(b.Results))
	for i, r := range b.Results {
		outcomes[i], prompts[i] = string(r.Outcome), int32(r.Prompt)
	}
	e := storage.Entry{Kind: storage.EntryTrials, StaffID: b.StaffID, StudentID: b.StudentID, CreatedAt: storage.LoggedTime(b.LoggedAt, b.At), Summary: b.Summary}
	detail := fmt.Sprintf("goal_id=%d trials=%d", b.GoalID, len(b.Results))
	return db.logEntry(ctx, e, b.At, detail, jobs, `
		INSERT INTO trials (entry_id, goal_id, student_id, staff_id, at, outcome, prompt, active)
		SELECT e.id, $8::bigint, $3, $2, $4, t.outcome, t.prompt, true
		FROM e, unnest($9::text[], $10::int[]) WITH ORDINALITY AS t (outcome, prompt, n)
		ORDER BY t.n`,
		b.GoalID, outcomes, prompts)
}

const trialCols = `id, entry_id, goal_id, student_id, staff_id, at, outcome, prompt, active`

// Trials lists a student's trials in [f.From, f.To), oldest first.
func (db *DB) Trials(ctx context.Context, f storage.Filter) ([]storage.Trial, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+trialCols+` FROM trials
		WHERE student_id = $1 AND at >= $2 AND at < $3 AND ($4::boolean OR active) AND ($5::bigint = 0 OR goal_id = $5)
		ORDER BY at, id`, f.StudentID, fmtTime(f.From), fmtTime(upper(f.To)), f.IncludeInactive, f.GoalID)
	if err != nil {
		return nil, fmt.Errorf("listing trials of student %d: %w", f.StudentID, err)
	}
	out, err := collect(rows, func(row scanner) (storage.Trial, error) {
		var t storage.Trial
		var prompt int
		err := row.Scan(&t.ID, &t.EntryID, &t.GoalID, &t.StudentID, &t.StaffID, utc{&t.At}, &t.Outcome, &prompt, &t.Active)
		t.Prompt = storage.Prompt(prompt)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("listing trials of student %d: %w", f.StudentID, err)
	}
	return out, nil
}
