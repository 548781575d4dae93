package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"parabot/storage"
)

func insertAudit(ctx context.Context, q queryer, a storage.AuditEvent) error {
	_, err := q.Exec(ctx, `INSERT INTO audit (at, staff_id, student_id, action, entity, entity_id, detail)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		fmtTime(a.At), a.StaffID, nullID(a.StudentID), a.Action, a.Entity, a.EntityID, a.Detail)
	if err != nil {
		return fmt.Errorf("inserting audit row: %w", dbErr(err))
	}
	return nil
}

const auditCols = `id, at, staff_id, student_id, action, entity, entity_id, detail`

// RecordAudit writes one audit row.
func (db *DB) RecordAudit(ctx context.Context, a storage.AuditEvent) error {
	if err := insertAudit(ctx, db.pool, a); err != nil {
		return fmt.Errorf("recording %s of %s: %w", a.Action, a.Entity, err)
	}
	return nil
}

// Audit lists audit rows for a student, or every row when studentID is 0,
// oldest first.
func (db *DB) Audit(ctx context.Context, studentID int64) ([]storage.AuditEvent, error) {
	// Two statements rather than "$1 = 0 OR student_id = $1", which
	// would read the whole table: one student's rows come from the
	// (student_id, at, id) index, in order.
	var rows pgx.Rows
	var err error
	if studentID == 0 {
		rows, err = db.pool.Query(ctx, `SELECT `+auditCols+` FROM audit ORDER BY at, id`)
	} else {
		rows, err = db.pool.Query(ctx, `SELECT `+auditCols+` FROM audit WHERE student_id = $1 ORDER BY at, id`, studentID)
	}
	if err != nil {
		return nil, fmt.Errorf("listing audit rows of student %d: %w", studentID, err)
	}
	out, err := collect(rows, func(row scanner) (storage.AuditEvent, error) {
		var a storage.AuditEvent
		var student *int64
		err := row.Scan(&a.ID, utc{&a.At}, &a.StaffID, &student, &a.Action, &a.Entity, &a.EntityID, &a.Detail)
		a.StudentID = deref(student)
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("listing audit rows of student %d: %w", studentID, err)
	}
	return out, nil
}
