package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"parabot/storage"
)

const noticeCols = `id, school_id, student_id, incident_id, owner_id, incident_at, oral_due, written_due, oral_at, written_at,
	oral_method, written_method, oral_note, written_note, created_at`

func scanNotice(row scanner) (storage.ParentNotice, error) {
	var n storage.ParentNotice
	err := row.Scan(&n.ID, &n.SchoolID, &n.StudentID, &n.IncidentID, &n.OwnerID, UTC{&n.IncidentAt}, UTC{&n.OralDue}, UTC{&n.WrittenDue},
		UTC{&n.OralAt}, UTC{&n.WrittenAt}, &n.OralMethod, &n.WrittenMethod, &n.OralNote, &n.WrittenNote, UTC{&n.CreatedAt})
	return n, err
}

// OpenParentNotice stores a parent-notice task and its reminder jobs.
func (s *Store) OpenParentNotice(ctx context.Context, n storage.ParentNotice, jobs func(storage.ParentNotice) []storage.Job) (storage.ParentNotice, error) {
	// The write inserts its jobs after fn: fn fills the slots with the
	// jobs that name the new id (and does so again if the write reruns).
	slots := make([]storage.Job, len(jobs(n)))
	err := s.write(ctx, slots, func(ctx context.Context, x Executor) error {
		var err error
		if n, err = s.insertNotice(ctx, x, n); err != nil {
			return err
		}
		copy(slots, jobs(n))
		return nil
	})
	if err != nil {
		return storage.ParentNotice{}, fmt.Errorf("opening parent notice of incident %d: %w", n.IncidentID, err)
	}
	return n, nil
}

// insertNotice writes a parent-notice task and its audit row, and
// returns it with its id.
func (s *Store) insertNotice(ctx context.Context, x Executor, n storage.ParentNotice) (storage.ParentNotice, error) {
	if err := x.QueryRow(ctx, `INSERT INTO parent_notices (school_id, student_id, incident_id, owner_id, incident_at, oral_due, written_due,
		oral_method, oral_note, written_method, written_note, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, '', '', '', '', $8) RETURNING id`,
		n.SchoolID, n.StudentID, n.IncidentID, n.OwnerID, s.d.Time(n.IncidentAt), s.d.Time(n.OralDue), s.d.Time(n.WrittenDue),
		s.d.Time(n.CreatedAt)).Scan(&n.ID); err != nil {
		return n, fmt.Errorf("inserting: %w", err)
	}
	return n, insertAudit(ctx, x, s.d, storage.AuditEvent{At: n.CreatedAt, StaffID: n.OwnerID, StudentID: n.StudentID,
		Action: "create", Entity: "parent_notice", EntityID: n.ID, Detail: fmt.Sprintf("incident_id=%d", n.IncidentID)})
}

// ParentNotice returns an incident's parent-notice task.
func (s *Store) ParentNotice(ctx context.Context, incidentID int64) (storage.ParentNotice, error) {
	return one(ctx, s.db, fmt.Sprintf("loading parent notice of incident %d", incidentID), scanNotice,
		`SELECT `+noticeCols+` FROM parent_notices WHERE incident_id = $1`, incidentID)
}

// MarkNotified records the oral or written notice of a task once.
func (s *Store) MarkNotified(ctx context.Context, incidentID int64, written bool, method, note string, at time.Time, byStaffID int64, now time.Time) error {
	kind := "oral"
	if written {
		kind = "written"
	}
	// The column names come from kind, never from input.
	update := `UPDATE parent_notices SET ` + kind + `_at = $2, ` + kind + `_method = $3, ` + kind + `_note = $4
		WHERE incident_id = $1 AND ` + kind + `_at IS NULL RETURNING student_id, id`
	err := s.write(ctx, nil, func(ctx context.Context, x Executor) error {
		var studentID, id int64
		if err := x.QueryRow(ctx, update, incidentID, s.d.Time(at), method, note).Scan(&studentID, &id); err != nil {
			if errors.Is(err, storage.ErrNotFound) {
				return storage.ErrConflict
			}
			return err
		}
		return insertAudit(ctx, x, s.d, storage.AuditEvent{At: now, StaffID: byStaffID, StudentID: studentID, Action: "edit",
			Entity: "parent_notice", EntityID: id, Detail: fmt.Sprintf("%s notice method=%s", kind, method)})
	})
	if err != nil {
		return fmt.Errorf("marking %s notice of incident %d: %w", kind, incidentID, err)
	}
	return nil
}
