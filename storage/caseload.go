package storage

import (
	"context"
	"time"
)

// ManyFilter selects the active records of several students in
// [From, To). A zero To means no upper bound.
type ManyFilter struct {
	StudentIDs []int64
	From, To   time.Time
}

// CaseloadRecords reads the records of several students at once, one
// query a kind, for the summaries of a teacher's caseload. Each list holds
// the same rows, in the same order for each student, as its one-student
// counterpart (Goals, Sessions, Incidents, Transitions, Notes), the
// students one after another by id. Both engines implement it; a store
// that does not is read one student at a time.
type CaseloadRecords interface {
	// GoalsOf lists the students' active goals.
	GoalsOf(ctx context.Context, studentIDs []int64) ([]Goal, error)
	// SessionsOf lists the students' active sessions in [f.From, f.To).
	SessionsOf(ctx context.Context, f ManyFilter) ([]Session, error)
	// IncidentsOf, TransitionsOf and NotesOf list the students' active
	// records in [f.From, f.To).
	IncidentsOf(ctx context.Context, f ManyFilter) ([]Incident, error)
	TransitionsOf(ctx context.Context, f ManyFilter) ([]Transition, error)
	NotesOf(ctx context.Context, f ManyFilter) ([]Note, error)
}
