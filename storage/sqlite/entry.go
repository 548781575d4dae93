package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"parabot/storage"
)

const entryCols = `id, kind, staff_id, student_id, created_at, summary, active,
	deactivated_by, deactivated_at, deactivated_reason`

func scanEntry(row scanner) (storage.Entry, error) {
	var e storage.Entry
	var by sql.NullInt64
	err := row.Scan(&e.ID, &e.Kind, &e.StaffID, &e.StudentID, utc{&e.CreatedAt}, &e.Summary, &e.Active,
		&by, utc{&e.DeactivatedAt}, &e.DeactivatedReason)
	e.DeactivatedBy = by.Int64
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
	e, err := scanEntry(db.db.QueryRowContext(ctx, `SELECT `+entryCols+` FROM entries WHERE id = $1`, id))
	if err != nil {
		return storage.Entry{}, fmt.Errorf("loading entry %d: %w", id, dbErr(err))
	}
	return e, nil
}

// LastEntry returns the active entry a staff member logged last (by
// logging order, not by the time it is about: a backdated entry logged
// just now is the last one).
func (db *DB) LastEntry(ctx context.Context, staffID int64) (storage.Entry, error) {
	e, err := scanEntry(db.db.QueryRowContext(ctx, `SELECT `+entryCols+` FROM entries
		WHERE staff_id = $1 AND active ORDER BY id DESC LIMIT 1`, staffID))
	if err != nil {
		return storage.Entry{}, fmt.Errorf("loading last entry of staff %d: %w", staffID, dbErr(err))
	}
	return e, nil
}

// DeactivateEntry marks an entry and its records inactive, keeping who,
// when and why, and writes a "deactivate" audit row.
func (db *DB) DeactivateEntry(ctx context.Context, entryID, byStaffID int64, reason string, at time.Time, jobs []storage.Job) error {
	err := db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		var kind storage.EntryKind
		var studentID int64
		err := tx.QueryRowContext(ctx, `UPDATE entries SET active = false, deactivated_by = $2, deactivated_at = $3, deactivated_reason = $4
			WHERE id = $1 AND active RETURNING kind, student_id`, entryID, byStaffID, fmtTime(at), reason).Scan(&kind, &studentID)
		if errors.Is(err, sql.ErrNoRows) {
			var active bool
			if err := tx.QueryRowContext(ctx, `SELECT active FROM entries WHERE id = $1`, entryID).Scan(&active); err != nil {
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
		if _, err := tx.ExecContext(ctx, `UPDATE `+table+` SET active = false WHERE entry_id = $1`, entryID); err != nil {
			return dbErr(err)
		}
		err = insertAudit(ctx, tx.StmtContext(ctx, db.stmts.audit), storage.AuditEvent{At: at, StaffID: byStaffID, StudentID: studentID,
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

const insertEntrySQL = `INSERT INTO entries (kind, staff_id, student_id, created_at, summary, active)
	VALUES ($1, $2, $3, $4, $5, true) RETURNING id`

// logEntry writes an entry, its records (through records), its "create"
// audit row and its jobs in one transaction, shared with other writes
// (see write). records must use the context it is given.
func (db *DB) logEntry(ctx context.Context, e storage.Entry, detail string, jobs []storage.Job,
	records func(ctx context.Context, tx *sql.Tx, entryID int64) error) (storage.Entry, error) {
	e.CreatedAt = e.CreatedAt.UTC().Truncate(time.Microsecond)
	e.Active = true
	once := storage.OnceKey(ctx) // read here: write runs statements on its own context
	err := db.write(ctx, func(ctx context.Context, tx *sql.Tx) error {
		if once != "" {
			res, err := tx.StmtContext(ctx, db.stmts.claim).ExecContext(ctx, once, fmtTime(e.CreatedAt))
			if err != nil {
				return fmt.Errorf("claiming the request: %w", err)
			}
			if n, err := res.RowsAffected(); err != nil || n == 0 {
				return storage.ErrDuplicate
			}
		}
		err := tx.StmtContext(ctx, db.stmts.entry).QueryRowContext(ctx,
			e.Kind, e.StaffID, e.StudentID, fmtTime(e.CreatedAt), e.Summary).Scan(&e.ID)
		if err != nil {
			return fmt.Errorf("inserting entry: %w", dbErr(err))
		}
		if err := records(ctx, tx, e.ID); err != nil {
			return fmt.Errorf("inserting %s: %w", e.Kind, dbErr(err))
		}
		if err := insertAudit(ctx, tx.StmtContext(ctx, db.stmts.audit), storage.AuditEvent{At: e.CreatedAt,
			StaffID: e.StaffID, StudentID: e.StudentID, Action: "create", Entity: string(e.Kind), EntityID: e.ID,
			Detail: detail}); err != nil {
			return err
		}
		return db.insertJobs(ctx, tx, jobs)
	})
	if err != nil {
		return storage.Entry{}, fmt.Errorf("logging %s: %w", e.Kind, err)
	}
	return e, nil
}
