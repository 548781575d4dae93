package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"parabot/storage"
)

// LogTrials stores a batch of trials of one goal as one entry.
func (db *DB) LogTrials(ctx context.Context, b storage.TrialBatch, jobs []storage.Job) (storage.Entry, error) {
	if len(b.Results) == 0 {
		return storage.Entry{}, errors.New("logging trials: no trials in the batch")
	}
	e := storage.Entry{Kind: storage.EntryTrials, StaffID: b.StaffID, StudentID: b.StudentID, CreatedAt: b.At, Summary: b.Summary}
	detail := fmt.Sprintf("goal_id=%d trials=%d", b.GoalID, len(b.Results))
	return db.logEntry(ctx, e, detail, jobs, func(tx *sql.Tx, entryID int64) error {
		// One multi-row INSERT for the whole batch.
		var q strings.Builder
		q.WriteString(`INSERT INTO trials (entry_id, goal_id, student_id, staff_id, at, outcome, prompt, active) VALUES `)
		args := []any{entryID, b.GoalID, b.StudentID, b.StaffID, fmtTime(b.At)}
		for i, r := range b.Results {
			if i > 0 {
				q.WriteString(", ")
			}
			n := len(args)
			fmt.Fprintf(&q, "($1, $2, $3, $4, $5, $%d, $%d, true)", n+1, n+2)
			args = append(args, string(r.Outcome), int(r.Prompt))
		}
		_, err := tx.ExecContext(ctx, q.String(), args...)
		return err
	})
}

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
