package sqlstore

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"parabot/storage"
)

const incidentCols = `i.id, i.entry_id, i.student_id, i.staff_id, i.at, i.duration_ns, i.setting, i.antecedent, i.behavior,
	i.consequence, i.severity, i.strategies, i.injury, i.restraint, i.seclusion, i.others, i.notes, i.active, e.summary, i.not_recorded, i.details`

func scanIncident(row scanner) (storage.Incident, error) {
	var r incidentRow
	if err := row.Scan(r.dest()...); err != nil {
		return storage.Incident{}, err
	}
	return r.incident()
}

// Incidents lists a student's incidents in [f.From, f.To), oldest first.
func (s *Store) Incidents(ctx context.Context, f storage.Filter) ([]storage.Incident, error) {
	return list(ctx, s.db, fmt.Sprintf("listing incidents of student %d", f.StudentID), scanIncident, `SELECT `+incidentCols+`
		FROM incidents i JOIN entries e ON e.id = i.entry_id
		WHERE i.student_id = $1 AND i.at >= $2 AND i.at < $3 AND ($4 OR i.active)
		ORDER BY i.at, i.id`, f.StudentID, s.d.Time(f.From), s.d.Time(upper(f.To)), f.IncludeInactive)
}

// Incident returns one incident, active or not.
func (s *Store) Incident(ctx context.Context, id int64) (storage.Incident, error) {
	return one(ctx, s.db, fmt.Sprintf("loading incident %d", id), scanIncident, `SELECT `+incidentCols+`
		FROM incidents i JOIN entries e ON e.id = i.entry_id WHERE i.id = $1`, id)
}

// UpdateIncident replaces an incident's fields (and its entry's summary
// when in.Summary is set), first copying the current version into
// incident_versions, and writes an "edit" audit row. An undone incident
// cannot be edited (ErrConflict).
func (s *Store) UpdateIncident(ctx context.Context, in storage.Incident, byStaffID int64, at time.Time) error {
	err := s.tx(ctx, func(ctx context.Context, x Executor) error {
		var entryID, studentID int64
		var version int
		var active bool
		// Lock the entry, then the incident: the order DeactivateEntry
		// takes them in, so an edit and an undo wait for each other
		// instead of deadlocking, and the edit sees the undo.
		err := x.QueryRow(ctx, `SELECT e.id FROM entries e JOIN incidents i ON i.entry_id = e.id WHERE i.id = $1 `+
			s.d.lockOf("e"), in.ID).Scan(&entryID)
		if err != nil {
			return err
		}
		err = x.QueryRow(ctx, `SELECT student_id, version, active FROM incidents WHERE id = $1 `+s.d.Lock, in.ID).
			Scan(&studentID, &version, &active)
		if err != nil {
			return err
		}
		if !active {
			return fmt.Errorf("incident was undone: %w", storage.ErrConflict)
		}
		if _, err := x.Exec(ctx, `INSERT INTO incident_versions (incident_id, version, changed_by, changed_at,
				at, duration_ns, setting, antecedent, behavior, consequence, severity, strategies,
				injury, restraint, seclusion, others, notes, summary, not_recorded, details)
			SELECT i.id, i.version, CAST($2 AS BIGINT), $3, i.at, i.duration_ns, i.setting, i.antecedent, i.behavior, i.consequence,
				i.severity, i.strategies, i.injury, i.restraint, i.seclusion, i.others, i.notes, e.summary, i.not_recorded, i.details
			FROM incidents i JOIN entries e ON e.id = i.entry_id WHERE i.id = $1`,
			in.ID, byStaffID, s.d.Time(at)); err != nil {
			return err
		}
		n, err := x.Exec(ctx, `UPDATE incidents SET at = $2, duration_ns = $3, setting = $4, antecedent = $5,
				behavior = $6, consequence = $7, severity = $8, strategies = $9, injury = $10, restraint = $11,
				seclusion = $12, others = $13, notes = $14, not_recorded = $16, details = $17, version = version + 1
			WHERE id = $1 AND active AND version = $15`, in.ID, s.d.Time(in.At), int64(in.Duration), in.Setting, in.Antecedent, in.Behavior,
			in.Consequence, in.Severity, encodeList(in.Strategies), in.Injury, in.Restraint, in.Seclusion,
			encodeList(in.Others), in.Notes, version, encodeList(in.NotRecorded), encodeDetails(in.Details))
		if err != nil {
			return err
		}
		if n != 1 {
			return fmt.Errorf("incident changed while being edited: %w", storage.ErrConflict)
		}
		if in.Summary != "" {
			if _, err := x.Exec(ctx, `UPDATE entries SET summary = $2 WHERE id = $1`, entryID, in.Summary); err != nil {
				return err
			}
		}
		return insertAudit(ctx, x, s.d, storage.AuditEvent{At: at, StaffID: byStaffID, StudentID: studentID, Action: "edit",
			Entity: string(storage.EntryIncident), EntityID: entryID,
			Detail: fmt.Sprintf("incident_id=%d version=%d", in.ID, version+1)})
	})
	if err != nil {
		return fmt.Errorf("updating incident %d: %w", in.ID, err)
	}
	return nil
}

// IncidentVersions lists an incident's earlier versions, oldest first.
func (s *Store) IncidentVersions(ctx context.Context, incidentID int64) ([]storage.IncidentVersion, error) {
	return list(ctx, s.db, fmt.Sprintf("listing versions of incident %d", incidentID), scanVersion, `SELECT v.version, v.changed_by, v.changed_at,
			i.id, i.entry_id, i.student_id, i.staff_id, v.at, v.duration_ns, v.setting, v.antecedent, v.behavior,
			v.consequence, v.severity, v.strategies, v.injury, v.restraint, v.seclusion, v.others, v.notes, true, v.summary, v.not_recorded, v.details
		FROM incident_versions v JOIN incidents i ON i.id = v.incident_id
		WHERE v.incident_id = $1 ORDER BY v.version`, incidentID)
}

func scanVersion(row scanner) (storage.IncidentVersion, error) {
	var v storage.IncidentVersion
	var rest incidentRow
	if err := row.Scan(append([]any{&v.Version, &v.ChangedBy, UTC{&v.ChangedAt}}, rest.dest()...)...); err != nil {
		return v, err
	}
	in, err := rest.incident()
	v.IncidentID, v.Incident = in.ID, in
	return v, err
}

// incidentRow is an incident as scanned, before its lists are decoded.
type incidentRow struct {
	in                storage.Incident
	dur               int64
	strategies, other string
	notRecorded       string
	details           string
}

func (r *incidentRow) dest() []any {
	in := &r.in
	return []any{&in.ID, &in.EntryID, &in.StudentID, &in.StaffID, UTC{&in.At}, &r.dur, &in.Setting, &in.Antecedent,
		&in.Behavior, &in.Consequence, &in.Severity, &r.strategies, &in.Injury, &in.Restraint, &in.Seclusion, &r.other,
		&in.Notes, &in.Active, &in.Summary, &r.notRecorded, &r.details}
}

func (r *incidentRow) incident() (storage.Incident, error) {
	in := r.in
	in.Duration = time.Duration(r.dur)
	var err error
	if in.Strategies, err = decodeList(r.strategies); err != nil {
		return in, err
	}
	if in.Others, err = decodeList(r.other); err != nil {
		return in, err
	}
	if in.NotRecorded, err = decodeList(r.notRecorded); err != nil {
		return in, err
	}
	if err := json.Unmarshal([]byte(r.details), &in.Details); err != nil {
		return in, fmt.Errorf("decoding incident %d details: %w", in.ID, err)
	}
	return in, nil
}

// encodeList stores a list of short strings as a JSON array.
func encodeList(l []string) string {
	if len(l) == 0 {
		return "[]"
	}
	b, _ := json.Marshal(l) // a []string always marshals
	return string(b)
}

// decodeList reads a JSON array; an empty one is nil.
func decodeList(s string) ([]string, error) {
	var l []string
	if err := json.Unmarshal([]byte(s), &l); err != nil {
		return nil, fmt.Errorf("decoding stored list: %w", err)
	}
	if len(l) == 0 {
		return nil, nil
	}
	return l, nil
}

// encodeDetails stores an incident's details as a JSON object.
func encodeDetails(d storage.IncidentDetails) string {
	b, _ := json.Marshal(d) // strings and times always marshal
	return string(b)
}
