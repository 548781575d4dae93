package sqlstore

import (
	"context"
	"fmt"
	"time"

	"parabot/storage"
)

const transitionCols = `t.id, t.entry_id, t.student_id, t.staff_id, t.at, t.from_place, t.to_place,
	t.prompt, t.prompt_recorded, t.latency_ns, t.handoff_to, t.note, t.active, e.summary`

func scanTransition(row scanner) (storage.Transition, error) {
	var t storage.Transition
	var prompt int
	var latency int64
	var recorded bool
	err := row.Scan(&t.ID, &t.EntryID, &t.StudentID, &t.StaffID, UTC{&t.At}, &t.From, &t.To,
		&prompt, &recorded, &latency, &t.HandoffTo, &t.Note, &t.Active, &t.Summary)
	t.Prompt, t.Latency = storage.Prompt(prompt), time.Duration(latency)
	if !recorded {
		t.Prompt = storage.PromptNotRecorded
	}
	return t, err
}

// Transitions lists a student's transitions in [f.From, f.To), oldest first.
func (s *Store) Transitions(ctx context.Context, f storage.Filter) ([]storage.Transition, error) {
	return list(ctx, s.db, fmt.Sprintf("listing transitions of student %d", f.StudentID), scanTransition, `SELECT `+transitionCols+`
		FROM transitions t JOIN entries e ON e.id = t.entry_id
		WHERE t.student_id = $1 AND t.at >= $2 AND t.at < $3 AND ($4 OR t.active)
		ORDER BY t.at, t.id`, f.StudentID, s.d.Time(f.From), s.d.Time(upper(f.To)), f.IncludeInactive)
}

const noteCols = `n.id, n.entry_id, n.student_id, n.staff_id, n.to_staff_id, n.at, n.body, n.active, e.summary`

func scanNote(row scanner) (storage.Note, error) {
	var n storage.Note
	var to *int64
	err := row.Scan(&n.ID, &n.EntryID, &n.StudentID, &n.StaffID, &to, UTC{&n.At}, &n.Text, &n.Active, &n.Summary)
	n.ToStaffID = deref(to)
	return n, err
}

// Notes lists a student's notes in [f.From, f.To), oldest first.
func (s *Store) Notes(ctx context.Context, f storage.Filter) ([]storage.Note, error) {
	return list(ctx, s.db, fmt.Sprintf("listing notes of student %d", f.StudentID), scanNote, `SELECT `+noteCols+`
		FROM notes n JOIN entries e ON e.id = n.entry_id
		WHERE n.student_id = $1 AND n.at >= $2 AND n.at < $3 AND ($4 OR n.active)
		ORDER BY n.at, n.id`, f.StudentID, s.d.Time(f.From), s.d.Time(upper(f.To)), f.IncludeInactive)
}
