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

// checkSessionSQL is CheckSession's query: one row of the one-time key's
// use, the student's absence on the day, and the staff member and time
// of the first active session of the goal in the window with the same
// type and values (0 and NULL when there is none).
const checkSessionSQL = `SELECT
	$1 <> '' AND ` + claimedSQL + `,
	EXISTS (SELECT 1 FROM absences WHERE school_id = $2 AND student_id = $3 AND from_day <= $4 AND to_day >= $4),
	COALESCE(same.staff_id, 0), same.at
	FROM (SELECT 1) AS one LEFT JOIN (SELECT staff_id, at FROM sessions
		WHERE student_id = $3 AND goal_id = $5 AND at >= $6 AND at < $7 AND active AND type = $8 AND data = $9
		ORDER BY at, entry_id LIMIT 1) AS same ON true`

// CheckSession reads what logging a session looks at before it writes,
// in one query.
func (s *Store) CheckSession(ctx context.Context, c storage.SessionCheck) (storage.SessionChecked, error) {
	var out storage.SessionChecked
	err := s.db.QueryRow(ctx, checkSessionSQL, c.OnceKey, c.SchoolID, c.StudentID, c.Day, c.GoalID,
		s.d.Time(c.From), s.d.Time(c.To), string(c.Values.Type), string(c.Values.Data())).
		Scan(&out.Claimed, &out.Absent, &out.SameStaffID, UTC{&out.SameAt})
	if err != nil {
		return out, fmt.Errorf("checking a session of student %d: %w", c.StudentID, err)
	}
	out.SameFound = out.SameStaffID != 0
	return out, nil
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
