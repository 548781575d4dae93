package sqlstore

import (
	"context"
	"fmt"

	"parabot/storage"
)

const sessionCols = `entry_id, entry_id, goal_id, student_id, staff_id, at, type, data, trials, correct, independent, note, active`

func scanSession(row scanner) (storage.Session, error) {
	var s storage.Session
	var data string
	err := row.Scan(&s.ID, &s.EntryID, &s.GoalID, &s.StudentID, &s.StaffID, UTC{&s.At}, &s.Type, &data,
		&s.Trials, &s.Correct, &s.Independent, &s.Note, &s.Active)
	s.Data = []byte(data)
	return s, err
}

// Sessions lists a student's sessions in [f.From, f.To) (of one goal when
// f.GoalID is set), oldest first.
func (s *Store) Sessions(ctx context.Context, f storage.Filter) ([]storage.Session, error) {
	return list(ctx, s.db, fmt.Sprintf("listing sessions of student %d", f.StudentID), scanSession, `SELECT `+sessionCols+` FROM sessions
		WHERE student_id = $1 AND at >= $2 AND at < $3 AND ($4 OR active) AND (goal_id = $5 OR $5 = 0)
		ORDER BY at, entry_id`, f.StudentID, s.d.Time(f.From), s.d.Time(upper(f.To)), f.IncludeInactive, f.GoalID)
}

// Trials lists a student's trials in [f.From, f.To), oldest first: the
// trials sessions' values, one Trial each, in the order logged. A trial's
// ID is its session's (its entry's).
func (s *Store) Trials(ctx context.Context, f storage.Filter) ([]storage.Trial, error) {
	sessions, err := s.Sessions(ctx, f)
	if err != nil {
		return nil, err
	}
	var out []storage.Trial
	for _, se := range sessions {
		if se.Type != storage.MeasureTrials {
			continue
		}
		results, err := se.Results()
		if err != nil {
			return nil, fmt.Errorf("listing trials of student %d: %w", f.StudentID, err)
		}
		for _, r := range results {
			out = append(out, storage.Trial{ID: se.ID, EntryID: se.EntryID, GoalID: se.GoalID, StudentID: se.StudentID,
				StaffID: se.StaffID, At: se.At, Outcome: r.Outcome, Prompt: r.Prompt, Active: se.Active})
		}
	}
	return out, nil
}
