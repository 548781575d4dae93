package sqlstore

import (
	"context"
	"fmt"

	"parabot/storage"
)

// InsertAuditSQL writes one row of the audit table. (An entry's creation
// is not a row of it: the entry itself is, through the audit_log view.)
const InsertAuditSQL = `INSERT INTO audit (at, staff_id, student_id, action, entity, entity_id, detail)
	VALUES ($1, $2, $3, $4, $5, $6, $7)`

func insertAudit(ctx context.Context, x Executor, d Dialect, a storage.AuditEvent) error {
	_, err := x.Exec(ctx, InsertAuditSQL, d.Time(a.At), a.StaffID, nullID(a.StudentID), a.Action, a.Entity, a.EntityID, a.Detail)
	if err != nil {
		return fmt.Errorf("inserting audit row: %w", err)
	}
	return nil
}

// RecordAudit writes one audit row.
func (s *Store) RecordAudit(ctx context.Context, a storage.AuditEvent) error {
	if err := insertAudit(ctx, s.db, s.d, a); err != nil {
		return fmt.Errorf("recording %s of %s: %w", a.Action, a.Entity, err)
	}
	return nil
}

// RecordAudits writes several audit rows in one transaction: all or none.
func (s *Store) RecordAudits(ctx context.Context, events []storage.AuditEvent) error {
	if len(events) == 0 {
		return nil
	}
	return s.tx(ctx, func(ctx context.Context, x Executor) error {
		for _, a := range events {
			if err := insertAudit(ctx, x, s.d, a); err != nil {
				return fmt.Errorf("recording %s of %s: %w", a.Action, a.Entity, err)
			}
		}
		return nil
	})
}

const auditCols = `id, at, staff_id, student_id, action, entity, entity_id, detail`

// auditOrder orders the log by time; at the same instant an entry's
// creation comes before what was done to it. (The ID of a "create" row is
// its entry's id; of any other row, the audit table's.)
const auditOrder = ` ORDER BY at, CASE action WHEN 'create' THEN 0 ELSE 1 END, id`

// Audit lists the audit trail of a student, or all of it when studentID
// is 0, oldest first: every entry's creation and every audit row.
func (s *Store) Audit(ctx context.Context, studentID int64) ([]storage.AuditEvent, error) {
	scan := func(row scanner) (storage.AuditEvent, error) {
		var a storage.AuditEvent
		var student *int64
		err := row.Scan(&a.ID, UTC{&a.At}, &a.StaffID, &student, &a.Action, &a.Entity, &a.EntityID, &a.Detail)
		a.StudentID = deref(student)
		return a, err
	}
	// Two statements rather than "$1 = 0 OR student_id = $1", which
	// would read every row: one student's rows come from the indexes on
	// (student_id, at).
	what := fmt.Sprintf("listing audit rows of student %d", studentID)
	if studentID == 0 {
		return list(ctx, s.db, what, scan, `SELECT `+auditCols+` FROM audit_log`+auditOrder)
	}
	return list(ctx, s.db, what, scan, `SELECT `+auditCols+` FROM audit_log WHERE student_id = $1`+auditOrder, studentID)
}
