package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"parabot/storage"
)

const insertTransitionSQL = `INSERT INTO transitions (entry_id, student_id, staff_id, at, from_place, to_place,
	prompt, latency_ns, handoff_to, active) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, true)`

// LogTransition stores one transition as one entry.
func (db *DB) LogTransition(ctx context.Context, t storage.Transition, jobs []storage.Job) (storage.Entry, error) {
	e := storage.Entry{Kind: storage.EntryTransition, StaffID: t.StaffID, StudentID: t.StudentID, CreatedAt: storage.LoggedTime(t.LoggedAt, t.At), Summary: t.Summary}
	return db.logEntry(ctx, e, "", jobs, func(ctx context.Context, tx *sql.Tx, entryID int64) error {
		_, err := tx.StmtContext(ctx, db.stmts.transition).ExecContext(ctx,
			entryID, t.StudentID, t.StaffID, fmtTime(t.At), t.From, t.To, int(t.Prompt), int64(t.Latency), t.HandoffTo)
		return err
	})
}

// Transitions lists a student's transitions in [f.From, f.To), oldest first.
func (db *DB) Transitions(ctx context.Context, f storage.Filter) ([]storage.Transition, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT t.id, t.entry_id, t.student_id, t.staff_id, t.at, t.from_place, t.to_place,
			t.prompt, t.latency_ns, t.handoff_to, t.active, e.summary
		FROM transitions t JOIN entries e ON e.id = t.entry_id
		WHERE t.student_id = $1 AND t.at >= $2 AND t.at < $3 AND ($4 OR t.active)
		ORDER BY t.at, t.id`, f.StudentID, fmtTime(f.From), fmtTime(upper(f.To)), f.IncludeInactive)
	if err != nil {
		return nil, fmt.Errorf("listing transitions of student %d: %w", f.StudentID, err)
	}
	out, err := collect(rows, func(row scanner) (storage.Transition, error) {
		var t storage.Transition
		var prompt int
		var latency int64
		err := row.Scan(&t.ID, &t.EntryID, &t.StudentID, &t.StaffID, utc{&t.At}, &t.From, &t.To,
			&prompt, &latency, &t.HandoffTo, &t.Active, &t.Summary)
		t.Prompt, t.Latency = storage.Prompt(prompt), time.Duration(latency)
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("listing transitions of student %d: %w", f.StudentID, err)
	}
	return out, nil
}
