package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"parabot/storage"
)

const entryCols = `id, kind, staff_id, student_id, created_at, summary, active,
	deactivated_by, deactivated_at, deactivated_reason`

func scanEntry(row scanner) (storage.Entry, error) {
	var e storage.Entry
	var by *int64
	err := row.Scan(&e.ID, &e.Kind, &e.StaffID, &e.StudentID, utc{&e.CreatedAt}, &e.Summary, &e.Active,
		&by, utc{&e.DeactivatedAt}, &e.DeactivatedReason)
	e.DeactivatedBy = deref(by)
	return e, err
}

// recordTables names the table holding each entry kind's records.
var recordTables = map[storage.EntryKind]string{
	storage.EntryTrials:     "trials",
	storage.EntryIncident:   "incidents",
	storage.EntryTransition: "transitions",
	storage.EntryNote:       "notes",
}

// Entry returns one entry.
func (db *DB) Entry(ctx context.Context, id int64) (storage.Entry, error) {
	e, err := scanEntry(db.pool.QueryRow(ctx, `SELECT `+entryCols+` FROM entries WHERE id = $1`, id))
	if err != nil {
		return storage.Entry{}, fmt.Errorf("loading entry %d: %w", id, dbErr(err))
	}
	return e, nil
}

// LastEntry returns the active entry a staff member logged last (by
// logging order, not by the time it is about: a backdated entry logged
// just now is the last one).
func (db *DB) LastEntry(ctx context.Context, staffID int64) (storage.Entry, error) {
	e, err := scanEntry(db.pool.QueryRow(ctx, `SELECT `+entryCols+` FROM entries
		WHERE staff_id = $1 AND active ORDER BY id DESC LIMIT 1`, staffID))
	if err != nil {
		return storage.Entry{}, fmt.Errorf("loading last entry of staff %d: %w", staffID, dbErr(err))
	}
	return e, nil
}

// DeactivateEntry marks an entry and its records inactive, keeping who,
// when and why, and writes a "deactivate" audit row.
func (db *DB) DeactivateEntry(ctx context.Context, entryID, byStaffID int64, reason string, at time.Time, jobs []storage.Job) error {
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		var kind storage.EntryKind
		var studentID int64
		err := tx.QueryRow(ctx, `UPDATE entries SET active = false, deactivated_by = $2, deactivated_at = $3, deactivated_reason = $4
			WHERE id = $1 AND active RETURNING kind, student_id`, entryID, byStaffID, fmtTime(at), reason).Scan(&kind, &studentID)
		if errors.Is(err, pgx.ErrNoRows) {
			var active bool
			if err := tx.QueryRow(ctx, `SELECT active FROM entries WHERE id = $1`, entryID).Scan(&active); err != nil {
				return dbErr(err)
			}
			return fmt.Errorf("already inactive: %w", storage.ErrConflict)
		}
		if err != nil {
			return dbErr(err)
		}
		table, ok := recordTables[kind]
		if !ok {
			return fmt.Errorf("unknown entry kind %q", kind)
		}
		if _, err := tx.Exec(ctx, `UPDATE `+table+` SET active = false WHERE entry_id = $1`, entryID); err != nil {
			return dbErr(err)
		}
		err = insertAudit(ctx, tx, storage.AuditEvent{At: at, StaffID: byStaffID, StudentID: studentID,
			Action: "deactivate", Entity: string(kind), EntityID: entryID, Detail: "reason: " + reason})
		if err != nil {
			return err
		}
		return db.insertJobs(ctx, tx, jobs)
	})
	if err != nil {
		return fmt.Errorf("deactivating entry %d: %w", entryID, err)
	}
	return nil
}

// logEntry writes an entry, its records, its "create" audit row and its
// jobs, all or nothing. The entry, records and audit row are one statement
// (data-modifying CTEs), so without jobs logging is one round trip; with
// jobs it is that statement and River's insert in one transaction.
//
// e.CreatedAt is when it was logged (the entry's created_at and the audit
// row's at); recordAt is the time the records are about.
//
// recordsSQL inserts the records, reading the new entry's id from the CTE
// e; it may use $1 kind, $2 staff_id, $3 student_id, $4 recordAt, $5
// summary, $6 the audit detail, and recordArgs from $8 on ($7 is the
// logging time).
func (db *DB) logEntry(ctx context.Context, e storage.Entry, recordAt time.Time, detail string, jobs []storage.Job,
	recordsSQL string, recordArgs ...any) (storage.Entry, error) {
	e.CreatedAt = fmtTime(e.CreatedAt)
	e.Active = true
	args := append([]any{string(e.Kind), e.StaffID, e.StudentID, fmtTime(recordAt), e.Summary, detail, e.CreatedAt}, recordArgs...)
	// With a one-time key, the claim is one more CTE and the entry (so its
	// records and audit row) is written only when the claim is new.
	claim, onlyIfClaimed := "", ""
	once := storage.OnceKey(ctx)
	if once != "" {
		args = append(args, once)
		claim = fmt.Sprintf(`c AS (
			INSERT INTO claims (key, claimed_at) VALUES ($%d, $7) ON CONFLICT (key) DO NOTHING RETURNING key
		), `, len(args))
		onlyIfClaimed = ` WHERE EXISTS (SELECT 1 FROM c)`
	}
	q := `WITH ` + claim + `e AS (
			INSERT INTO entries (kind, staff_id, student_id, created_at, summary, active)
			SELECT $1, $2, $3, $7, $5, true` + onlyIfClaimed + ` RETURNING id
		), r AS (` + recordsSQL + `), a AS (
			INSERT INTO audit (at, staff_id, student_id, action, entity, entity_id, detail)
			SELECT $7, $2, $3, 'create', $1, e.id, $6 FROM e
		)
		SELECT id FROM e`
	scan := func(row pgx.Row) error {
		err := row.Scan(&e.ID)
		if once != "" && errors.Is(err, pgx.ErrNoRows) {
			return storage.ErrDuplicate
		}
		return dbErr(err)
	}
	var err error
	if len(jobs) == 0 {
		err = scan(db.pool.QueryRow(ctx, q, args...))
	} else {
		err = db.inTx(ctx, func(tx pgx.Tx) error {
			if err := scan(tx.QueryRow(ctx, q, args...)); err != nil {
				return err
			}
			return db.insertJobs(ctx, tx, jobs)
		})
	}
	if err != nil {
		return storage.Entry{}, fmt.Errorf("logging %s: %w", e.Kind, err)
	}
	return e, nil
}
