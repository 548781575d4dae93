package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"parabot/storage"
)

// LogTrials stores a batch of trials of one goal as one entry.
func (db *DB) LogTrials(ctx context.Context, b storage.TrialBatch, jobs []storage.Job) (storage.Entry, error) {
	if len(b.Results) == 0 {
		return storage.Entry{}, errors.New("logging trials: no trials in the batch")
	}
	e := storage.Entry{Kind: storage.EntryTrials, StaffID: b.StaffID, StudentID: b.StudentID, CreatedAt: storage.LoggedTime(b.LoggedAt, b.At), Summary: b.Summary}
	detail := fmt.Sprintf("goal_id=%d trials=%d", b.GoalID, len(b.Results))
	results := make([][2]any, len(b.Results))
	for i, r := range b.Results {
		results[i] = [2]any{string(r.Outcome), int(r.Prompt)}
	}
	resultsJSON, err := json.Marshal(results)
	if err != nil {
		return storage.Entry{}, fmt.Errorf("logging trials: encoding results: %w", err)
	}
	return db.logEntry(ctx, e, detail, jobs, func(ctx context.Context, tx *sql.Tx, entryID int64) error {
		_, err := tx.StmtContext(ctx, db.stmts.trials).ExecContext(ctx,
			entryID, b.GoalID, b.StudentID, b.StaffID, fmtTime(b.At), string(resultsJSON))
		return err
	})
}

// insertTrialsSQL inserts a whole batch in one statement of a fixed shape,
// so it is prepared once: $6 is a JSON array of [outcome, prompt] pairs.
// json_each walks the array in order, so the ids follow the batch's order
// (an ORDER BY key would only add a sort).
const insertTrialsSQL = `INSERT INTO trials (entry_id, goal_id, student_id, staff_id, at, outcome, prompt, active)
	SELECT $1, $2, $3, $4, $5, value ->> 0, value ->> 1, true FROM json_each($6)`

const trialCols = `id, entry_id, goal_id, student_id, staff_id, at, outcome, prompt, active`

// Trials lists a student's trials in [f.From, f.To), oldest first.
func (db *DB) Trials(ctx context.Context, f storage.Filter) ([]storage.Trial, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT `+trialCols+` FROM trials
		WHERE student_id = $1 AND at >= $2 AND at < $3 AND ($4 OR active) AND ($5 = 0 OR goal_id = $5)
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

// upper is a filter's upper bound: To, or far in the future when unset.
func upper(to time.Time) time.Time {
	if to.IsZero() {
		return farFuture
	}
	return to
}
