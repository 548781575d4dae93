package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"time"

	"parabot/storage"
)

const debriefCols = `id, school_id, student_id, incident_id, owner_id, incident_at, due, done_at, coalesce(done_by, 0), note, created_at`

func scanDebrief(row scanner) (storage.Debrief, error) {
	var d storage.Debrief
	err := row.Scan(&d.ID, &d.SchoolID, &d.StudentID, &d.IncidentID, &d.OwnerID, UTC{&d.IncidentAt}, UTC{&d.Due}, UTC{&d.DoneAt},
		&d.DoneBy, &d.Note, UTC{&d.CreatedAt})
	return d, err
}

// insertDebrief writes a debrief task and its audit row, and returns it
// with its id.
func (s *Store) insertDebrief(ctx context.Context, x Executor, d storage.Debrief) (storage.Debrief, error) {
	if err := x.QueryRow(ctx, `INSERT INTO debriefs (school_id, student_id, incident_id, owner_id, incident_at, due, note, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, '', $7) RETURNING id`,
		d.SchoolID, d.StudentID, d.IncidentID, d.OwnerID, s.d.Time(d.IncidentAt), s.d.Time(d.Due), s.d.Time(d.CreatedAt)).Scan(&d.ID); err != nil {
		return d, fmt.Errorf("inserting: %w", err)
	}
	return d, insertAudit(ctx, x, s.d, storage.AuditEvent{At: d.CreatedAt, StaffID: d.OwnerID, StudentID: d.StudentID,
		Action: "create", Entity: "debrief", EntityID: d.ID, Detail: fmt.Sprintf("incident_id=%d", d.IncidentID)})
}

// Debrief returns an incident's debrief task.
func (s *Store) Debrief(ctx context.Context, incidentID int64) (storage.Debrief, error) {
	return one(ctx, s.db, fmt.Sprintf("loading debrief of incident %d", incidentID), scanDebrief,
		`SELECT `+debriefCols+` FROM debriefs WHERE incident_id = $1`, incidentID)
}

// MarkDebriefed records a debrief held once, on the timeline of the
// incident's escalations too.
func (s *Store) MarkDebriefed(ctx context.Context, incidentID, byStaffID int64, note string, at time.Time, jobs []storage.Job) error {
	err := s.write(ctx, jobs, func(ctx context.Context, x Executor) error {
		var studentID, id int64
		if err := x.QueryRow(ctx, `UPDATE debriefs SET done_at = $2, done_by = $3, note = $4
			WHERE incident_id = $1 AND done_at IS NULL RETURNING student_id, id`, incidentID, s.d.Time(at), byStaffID, note).Scan(&studentID, &id); err != nil {
			if errors.Is(err, storage.ErrNotFound) {
				return storage.ErrConflict
			}
			return err
		}
		escs, err := list(ctx, x, "listing escalations of the incident", func(r scanner) (int64, error) {
			var id int64
			return id, r.Scan(&id)
		}, `SELECT id FROM escalations WHERE incident_id = $1 ORDER BY id`, incidentID)
		if err != nil {
			return err
		}
		for _, e := range escs {
			if err := insertStep(ctx, x, s.d, e, storage.EscalationStep{At: at, Action: storage.StepDebriefed, StaffID: byStaffID, Note: note}); err != nil {
				return err
			}
		}
		return insertAudit(ctx, x, s.d, storage.AuditEvent{At: at, StaffID: byStaffID, StudentID: studentID, Action: "edit",
			Entity: "debrief", EntityID: id, Detail: "held"})
	})
	if err != nil {
		return fmt.Errorf("marking debrief of incident %d: %w", incidentID, err)
	}
	return nil
}
