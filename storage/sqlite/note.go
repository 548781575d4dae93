package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"parabot/storage"
)

const insertNoteSQL = `INSERT INTO notes (entry_id, student_id, staff_id, to_staff_id, at, body, active)
	VALUES ($1, $2, $3, $4, $5, $6, true)`

// LogNote stores one note as one entry.
func (db *DB) LogNote(ctx context.Context, n storage.Note, jobs []storage.Job) (storage.Entry, error) {
	e := storage.Entry{Kind: storage.EntryNote, StaffID: n.StaffID, StudentID: n.StudentID, CreatedAt: storage.LoggedTime(n.LoggedAt, n.At), Summary: n.Summary}
	detail := fmt.Sprintf("to_staff_id=%d", n.ToStaffID)
	return db.logEntry(ctx, e, detail, jobs, func(ctx context.Context, tx *sql.Tx, entryID int64) error {
		_, err := tx.StmtContext(ctx, db.stmts.note).ExecContext(ctx,
			entryID, n.StudentID, n.StaffID, nullID(n.ToStaffID), fmtTime(n.At), n.Text)
		return err
	})
}

// Notes lists a student's notes in [f.From, f.To), oldest first.
func (db *DB) Notes(ctx context.Context, f storage.Filter) ([]storage.Note, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT n.id, n.entry_id, n.student_id, n.staff_id, n.to_staff_id, n.at, n.body, n.active, e.summary
		FROM notes n JOIN entries e ON e.id = n.entry_id
		WHERE n.student_id = $1 AND n.at >= $2 AND n.at < $3 AND ($4 OR n.active)
		ORDER BY n.at, n.id`, f.StudentID, fmtTime(f.From), fmtTime(upper(f.To)), f.IncludeInactive)
	if err != nil {
		return nil, fmt.Errorf("listing notes of student %d: %w", f.StudentID, err)
	}
	out, err := collect(rows, func(row scanner) (storage.Note, error) {
		var n storage.Note
		var to sql.NullInt64
		err := row.Scan(&n.ID, &n.EntryID, &n.StudentID, &n.StaffID, &to, utc{&n.At}, &n.Text, &n.Active, &n.Summary)
		n.ToStaffID = to.Int64
		return n, err
	})
	if err != nil {
		return nil, fmt.Errorf("listing notes of student %d: %w", f.StudentID, err)
	}
	return out, nil
}
