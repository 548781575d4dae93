package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
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
// after since, newest first (by the time each was logged), at most limit.
func (s *Store) RecentEntries(ctx context.Context, staffID int64, since time.Time, limit int) ([]storage.Entry, error) {
	return list(ctx, s.db, fmt.Sprintf("listing recent entries of staff %d", staffID), scanEntry, `SELECT `+entryCols+` FROM entries
		WHERE staff_id = $1 AND active AND created_at >= $2 ORDER BY created_at DESC, id DESC LIMIT $3`, staffID, s.d.Time(since), limit)
}

// DeactivateEntry marks an entry and its records inactive, keeping who,
// when and why, writes a "deactivate" audit row, and withdraws an
// incident's open or acknowledged escalations (withdrawEscalations).
func (s *Store) DeactivateEntry(ctx context.Context, entryID, byStaffID int64, reason string, at time.Time,
	withdraw []storage.Escalation, jobs []storage.Job) error {
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
		if kind == storage.EntryIncident {
			if err := s.withdrawEscalations(ctx, x, entryID, byStaffID, reason, at, withdraw); err != nil {
				return err
			}
		}
		return insertAudit(ctx, x, s.d, storage.AuditEvent{At: at, StaffID: byStaffID, StudentID: studentID,
			Action: "deactivate", Entity: string(kind), EntityID: entryID, Detail: "reason: " + reason})
	})
	if err != nil {
		return fmt.Errorf("deactivating entry %d: %w", entryID, err)
	}
	return nil
}

// withdrawEscalations resolves the open or acknowledged escalations of
// the incident of entry entryID, each with a "withdrawn" step by
// byStaffID noting reason, so no later step of their ladders fires.
// They must be those of seen at the round and level seen: one that moved
// up since was told to people the caller's messages miss (ErrConflict).
func (s *Store) withdrawEscalations(ctx context.Context, x Executor, entryID, byStaffID int64, reason string, at time.Time, seen []storage.Escalation) error {
	got, err := list(ctx, x, "withdrawing escalations", func(r scanner) (storage.Escalation, error) {
		var e storage.Escalation
		return e, r.Scan(&e.ID, &e.Round, &e.Level)
	}, `UPDATE escalations SET state = 'resolved', updated_at = $2
		WHERE incident_id IN (SELECT id FROM incidents WHERE entry_id = $1) AND state <> 'resolved'
		RETURNING id, round, level`, entryID, s.d.Time(at))
	if err != nil {
		return err
	}
	if len(got) != len(seen) {
		return fmt.Errorf("%d escalations to withdraw, %d read: %w", len(got), len(seen), storage.ErrConflict)
	}
	for _, e := range got {
		if !slices.ContainsFunc(seen, func(r storage.Escalation) bool { return r.ID == e.ID && r.Round == e.Round && r.Level == e.Level }) {
			return fmt.Errorf("escalation %d moved on since it was read: %w", e.ID, storage.ErrConflict)
		}
		if err := insertStep(ctx, x, s.d, e.ID, storage.EscalationStep{At: at, Action: storage.StepWithdrawn, StaffID: byStaffID,
			Level: e.Level, Note: reason}); err != nil {
			return err
		}
	}
	return nil
}
