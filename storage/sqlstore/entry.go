package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"parabot/storage"
)

const entryCols = `id, kind, staff_id, student_id, created_at, summary, active,
	deactivated_by, deactivated_at, deactivated_reason`

func scanEntry(row scanner) (storage.Entry, error) {
	var e storage.Entry
	var by *int64
	err := row.Scan(&e.ID, &e.Kind, &e.StaffID, &e.StudentID, UTC{&e.CreatedAt}, &e.Summary, &e.Active,
		&by, UTC{&e.DeactivatedAt}, &e.DeactivatedReason)
	e.DeactivatedBy = deref(by)
	return e, err
}

// recordTables names the table holding each entry kind's records.
var recordTables = map[storage.EntryKind]string{
	storage.EntryTrials:     "sessions",
	storage.EntryIncident:   "incidents",
	storage.EntryTransition: "transitions",
	storage.EntryNote:       "notes",
}

// Entry returns one entry.
func (s *Store) Entry(ctx context.Context, id int64) (storage.Entry, error) {
	return one(ctx, s.db, fmt.Sprintf("loading entry %d", id), scanEntry, `SELECT `+entryCols+` FROM entries WHERE id = $1`, id)
}

// LastEntry returns the active entry a staff member logged last (by
// logging order, not by the time it is about: a backdated entry logged
// just now is the last one).
func (s *Store) LastEntry(ctx context.Context, staffID int64) (storage.Entry, error) {
	return one(ctx, s.db, fmt.Sprintf("loading last entry of staff %d", staffID), scanEntry, `SELECT `+entryCols+` FROM entries
		WHERE staff_id = $1 AND active ORDER BY id DESC LIMIT 1`, staffID)
}

// RecentEntries lists the active entries a staff member logged at or
// after since, newest first (by logging order), at most limit.
func (s *Store) RecentEntries(ctx context.Context, staffID int64, since time.Time, limit int) ([]storage.Entry, error) {
	return list(ctx, s.db, fmt.Sprintf("listing recent entries of staff %d", staffID), scanEntry, `SELECT `+entryCols+` FROM entries
		WHERE staff_id = $1 AND active AND created_at >= $2 ORDER BY id DESC LIMIT $3`, staffID, s.d.Time(since), limit)
}

// DeactivateEntry marks an entry and its records inactive, keeping who,
// when and why, and writes a "deactivate" audit row.
func (s *Store) DeactivateEntry(ctx context.Context, entryID, byStaffID int64, reason string, at time.Time, jobs []storage.Job) error {
	err := s.write(ctx, jobs, func(ctx context.Context, x Executor) error {
		var kind storage.EntryKind
		var studentID int64
		err := x.QueryRow(ctx, `UPDATE entries SET active = false, deactivated_by = $2, deactivated_at = $3, deactivated_reason = $4
			WHERE id = $1 AND active RETURNING kind, student_id`, entryID, byStaffID, s.d.Time(at), reason).Scan(&kind, &studentID)
		if errors.Is(err, storage.ErrNotFound) {
			var active bool
			if err := x.QueryRow(ctx, `SELECT active FROM entries WHERE id = $1`, entryID).Scan(&active); err != nil {
				return err
			}
			return fmt.Errorf("already inactive: %w", storage.ErrConflict)
		}
		if err != nil {
			return err
		}
		table, ok := recordTables[kind]
		if !ok {
			return fmt.Errorf("unknown entry kind %q", kind)
		}
		if _, err := x.Exec(ctx, `UPDATE `+table+` SET active = false WHERE entry_id = $1`, entryID); err != nil {
			return err
		}
		return insertAudit(ctx, x, s.d, storage.AuditEvent{At: at, StaffID: byStaffID, StudentID: studentID,
			Action: "deactivate", Entity: string(kind), EntityID: entryID, Detail: "reason: " + reason})
	})
	if err != nil {
		return fmt.Errorf("deactivating entry %d: %w", entryID, err)
	}
	return nil
}
