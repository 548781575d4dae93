package postgres

import (
	"context"
	"fmt"

	"parabot/storage"
)

// LogNote stores one note as one entry.
func (db *DB) LogNote(ctx context.Context, n storage.Note, jobs []storage.Job) (storage.Entry, error) {
	e := storage.Entry{Kind: storage.EntryNote, StaffID: n.StaffID, StudentID: n.StudentID, CreatedAt: storage.LoggedTime(n.LoggedAt, n.At), Summary: n.Summary}
	detail := fmt.Sprintf("to_staff_id=%d", n.ToStaffID)
	return db.logEntry(ctx, e, n.At, detail, jobs, `
		INSERT INTO notes (entry_id, student_id, staff_id, to_staff_id, at, body, active)
		SELECT e.id, $3, $2, $8::bigint, $4, $9, true FROM e`,
		nullID(n.ToStaffID), n.Text)
}

// Notes lists a student's notes in [f.From, f.To), oldest first.
func (db *DB) Notes(ctx context.Context, f storage.Filter) ([]storage.Note, error) {
	rows, err := db.pool.Query(ctx, `SELECT n.id, n.entry_id, n.student_id, n.staff_id, n.to_staff_id, n.at, n.body, n.active, e.summary
		FROM notes n JOIN entries e ON e.id = n.entry_id
		WHERE n.student_id = $1 AND n.at >= $2 AND n.at < $3 AND ($4::boolean OR n.active)
		ORDER BY n.at, n.id`, f.StudentID, fmtTime(f.From), fmtTime(upper(f.To)), f.IncludeInactive)
	if err != nil {
		return nil, fmt.Errorf("listing notes of student %d: %w", f.StudentID, err)
	}
	out, err := collect(rows, func(row scanner) (storage.Note, error) {
		var n storage.Note
		var to *int64
		err := row.Scan(&n.ID, &n.EntryID, &n.StudentID, &n.StaffID, &to, utc{&n.At}, &n.Text, &n.Active, &n.Summary)
		n.ToStaffID = deref(to)
		return n, err
	})
	if err != nil {
		return nil, fmt.Errorf("listing notes of student %d: %w", f.StudentID, err)
	}
	return out, nil
}
