package sqlstore

import (
	"context"
	"fmt"

	"parabot/storage"
)

var _ storage.CaseloadRecords = (*Store)(nil)

// The reads of storage.CaseloadRecords: the one-student queries of
// student.go, session.go, incident.go and transition.go for a list of
// students, ordered by student first. Each uses the same (student_id,
// at) index as its one-student counterpart, once per student.

// GoalsOf lists the students' active goals, by student, then as Goals.
func (s *Store) GoalsOf(ctx context.Context, studentIDs []int64) ([]storage.Goal, error) {
	return list(ctx, s.db, fmt.Sprintf("listing goals of %d students", len(studentIDs)), scanGoal, `SELECT `+goalCols+` FROM goals
		WHERE `+s.d.AnyID("student_id", 1)+` AND active ORDER BY student_id, length(code), code`, s.d.IDs(studentIDs))
}

// SessionsOf lists the students' active sessions in [f.From, f.To), by
// student, then oldest first.
func (s *Store) SessionsOf(ctx context.Context, f storage.ManyFilter) ([]storage.Session, error) {
	return list(ctx, s.db, fmt.Sprintf("listing sessions of %d students", len(f.StudentIDs)), scanSession, `SELECT `+sessionCols+` FROM sessions
		WHERE `+s.d.AnyID("student_id", 1)+` AND at >= $2 AND at < $3 AND active
		ORDER BY student_id, at, entry_id`, s.d.IDs(f.StudentIDs), s.d.Time(f.From), s.d.Time(upper(f.To)))
}

// IncidentsOf lists the students' active incidents in [f.From, f.To), by
// student, then oldest first.
func (s *Store) IncidentsOf(ctx context.Context, f storage.ManyFilter) ([]storage.Incident, error) {
	return list(ctx, s.db, fmt.Sprintf("listing incidents of %d students", len(f.StudentIDs)), scanIncident, `SELECT `+incidentCols+`
		FROM incidents i JOIN entries e ON e.id = i.entry_id
		WHERE `+s.d.AnyID("i.student_id", 1)+` AND i.at >= $2 AND i.at < $3 AND i.active
		ORDER BY i.student_id, i.at, i.id`, s.d.IDs(f.StudentIDs), s.d.Time(f.From), s.d.Time(upper(f.To)))
}

// TransitionsOf lists the students' active transitions in [f.From, f.To),
// by student, then oldest first.
func (s *Store) TransitionsOf(ctx context.Context, f storage.ManyFilter) ([]storage.Transition, error) {
	return list(ctx, s.db, fmt.Sprintf("listing transitions of %d students", len(f.StudentIDs)), scanTransition, `SELECT `+transitionCols+`
		FROM transitions t JOIN entries e ON e.id = t.entry_id
		WHERE `+s.d.AnyID("t.student_id", 1)+` AND t.at >= $2 AND t.at < $3 AND t.active
		ORDER BY t.student_id, t.at, t.id`, s.d.IDs(f.StudentIDs), s.d.Time(f.From), s.d.Time(upper(f.To)))
}

// NotesOf lists the students' active notes in [f.From, f.To), by student,
// then oldest first.
func (s *Store) NotesOf(ctx context.Context, f storage.ManyFilter) ([]storage.Note, error) {
	return list(ctx, s.db, fmt.Sprintf("listing notes of %d students", len(f.StudentIDs)), scanNote, `SELECT `+noteCols+`
		FROM notes n JOIN entries e ON e.id = n.entry_id
		WHERE `+s.d.AnyID("n.student_id", 1)+` AND n.at >= $2 AND n.at < $3 AND n.active
		ORDER BY n.student_id, n.at, n.id`, s.d.IDs(f.StudentIDs), s.d.Time(f.From), s.d.Time(upper(f.To)))
}
