package sqlstore

import (
	"context"
	"fmt"
	"slices"
	"strings"

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

// auditChunk bounds the rows of one multi-row insert (7 arguments each,
// well within both engines' limits on arguments).
const auditChunk = 500

// RecordAudits writes many audit rows in one transaction, with one
// multi-row insert per auditChunk rows: the access log's batched write.
func (s *Store) RecordAudits(ctx context.Context, events []storage.AuditEvent) error {
	if len(events) == 0 {
		return nil
	}
	return s.tx(ctx, func(ctx context.Context, x Executor) error {
		for start := 0; start < len(events); start += auditChunk {
			chunk := events[start:min(start+auditChunk, len(events))]
			var b strings.Builder
			b.WriteString(`INSERT INTO audit (at, staff_id, student_id, action, entity, entity_id, detail) VALUES `)
			args := make([]any, 0, 7*len(chunk))
			for i, a := range chunk {
				if i > 0 {
					b.WriteString(", ")
				}
				n := len(args)
				fmt.Fprintf(&b, "($%d, $%d, $%d, $%d, $%d, $%d, $%d)", n+1, n+2, n+3, n+4, n+5, n+6, n+7)
				args = append(args, s.d.Time(a.At), a.StaffID, nullID(a.StudentID), a.Action, a.Entity, a.EntityID, a.Detail)
			}
			if _, err := x.Exec(ctx, b.String(), args...); err != nil {
				return fmt.Errorf("inserting %d audit rows: %w", len(chunk), err)
			}
		}
		return nil
	})
}

// AuditSearch lists the audit trail narrowed by q, oldest first, at most
// q.Limit rows (0: all) — the newest ones when limited.
func (s *Store) AuditSearch(ctx context.Context, q storage.AuditQuery) ([]storage.AuditEvent, error) {
	var where []string
	var args []any
	add := func(cond string, v any) {
		args = append(args, v)
		where = append(where, fmt.Sprintf(cond, len(args)))
	}
	if q.StudentID != 0 {
		add("student_id = $%d", q.StudentID)
	}
	if q.StaffID != 0 {
		add("staff_id = $%d", q.StaffID)
	}
	if q.System {
		add("staff_id = $%d", 0)
	}
	if !q.From.IsZero() {
		add("at >= $%d", s.d.Time(q.From))
	}
	if !q.To.IsZero() {
		add("at < $%d", s.d.Time(q.To))
	}
	query := `SELECT ` + auditCols + ` FROM audit_log`
	if len(where) > 0 {
		query += ` WHERE ` + strings.Join(where, " AND ")
	}
	order := auditOrder
	if q.Limit > 0 {
		// The newest rows, put back in order below.
		order = ` ORDER BY at DESC, CASE action WHEN 'create' THEN 0 ELSE 1 END DESC, id DESC LIMIT ` + fmt.Sprint(q.Limit)
	}
	out, err := list(ctx, s.db, "searching the audit trail", scanAudit, query+order, args...)
	if err != nil {
		return nil, err
	}
	if q.Limit > 0 {
		slices.Reverse(out)
	}
	return out, nil
}

func scanAudit(row scanner) (storage.AuditEvent, error) {
	var a storage.AuditEvent
	var student *int64
	err := row.Scan(&a.ID, UTC{&a.At}, &a.StaffID, &student, &a.Action, &a.Entity, &a.EntityID, &a.Detail)
	a.StudentID = deref(student)
	return a, err
}
