package postgres

import (
	"context"
	"fmt"
	"time"

	"parabot/storage"
)

// LogTransition stores one transition as one entry.
func (db *DB) LogTransition(ctx context.Context, t storage.Transition, jobs []storage.Job) (storage.Entry, error) {
	e := storage.Entry{Kind: storage.EntryTransition, StaffID: t.StaffID, StudentID: t.StudentID, CreatedAt: storage.LoggedTime(t.LoggedAt, t.At), Summary: t.Summary}
	return db.logEntry(ctx, e, t.At, "", jobs, `
		INSERT INTO transitions (entry_id, student_id, staff_id, at, from_place, to_place, prompt, latency_ns, handoff_to, active)
		SELECT e.id, $3, $2, $4, $8, $9, $10::int, $11::bigint, $12, true FROM e`,
		t.From, t.To, int(t.Prompt), int64(t.Latency), t.HandoffTo)
}

// Transitions lists a student's transitions in [f.From, f.To), oldest first.
func (db *DB) Transitions(ctx context.Context, f storage.Filter) ([]storage.Transition, error) {
	rows, err := db.pool.Query(ctx, `SELECT t.id, t.entry_id, t.student_id, t.staff_id, t.at, t.from_place, t.to_place,
			t.prompt, t.latency_ns, t.handoff_to, t.active, e.summary
		FROM transitions t JOIN entries e ON e.id = t.entry_id
		WHERE t.student_id = $1 AND t.at >= $2 AND t.at < $3 AND ($4::boolean OR t.active)
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
