package sqlstore

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"parabot/storage"
)

const escalationCols = `id, school_id, student_id, opened_by, kind, coalesce(incident_id, 0), body, urgent, severity,
	state, level, round, coalesce(ack_by, 0), created_at, updated_at`

func scanEscalation(row scanner) (storage.Escalation, error) {
	var e storage.Escalation
	err := row.Scan(&e.ID, &e.SchoolID, &e.StudentID, &e.OpenedBy, &e.Kind, &e.IncidentID, &e.Body, &e.Urgent, &e.Severity,
		&e.State, &e.Level, &e.Round, &e.AckBy, UTC{&e.CreatedAt}, UTC{&e.UpdatedAt})
	return e, err
}

const stepCols = `id, escalation_id, at, action, coalesce(staff_id, 0), level, notified, note`

func scanStep(row scanner) (storage.EscalationStep, error) {
	var s storage.EscalationStep
	var notified string
	if err := row.Scan(&s.ID, &s.EscalationID, UTC{&s.At}, &s.Action, &s.StaffID, &s.Level, &notified, &s.Note); err != nil {
		return s, err
	}
	if err := json.Unmarshal([]byte(notified), &s.Notified); err != nil {
		return s, fmt.Errorf("decoding notified staff: %w", err)
	}
	return s, nil
}

// insertStep writes one timeline step of escalation id.
func insertStep(ctx context.Context, x Executor, d Dialect, id int64, s storage.EscalationStep) error {
	ids := s.Notified
	if ids == nil {
		ids = []int64{}
	}
	b, _ := json.Marshal(ids) // a []int64 always marshals
	if _, err := x.Exec(ctx, `INSERT INTO escalation_steps (escalation_id, at, action, staff_id, level, notified, note)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`, id, d.Time(s.At), s.Action, nullID(s.StaffID), s.Level, string(b), s.Note); err != nil {
		return fmt.Errorf("inserting %s step: %w", s.Action, err)
	}
	return nil
}

// OpenEscalation stores a new open escalation, its "opened" step, an
// audit row and its first job, which first makes once the id is known.
// It claims ctx's one-time key (storage.WithOnce) in the same write, and
// returns storage.ErrDuplicate when it was claimed before.
func (s *Store) OpenEscalation(ctx context.Context, e storage.Escalation, first func(storage.Escalation) storage.Job) (storage.Escalation, error) {
	// The write inserts its jobs after fn: fn fills the one slot with the
	// job that names the new id (and does so again if the write reruns).
	jobs := make([]storage.Job, 1)
	once := storage.OnceKey(ctx)
	err := s.write(ctx, jobs, func(ctx context.Context, x Executor) error {
		if once != "" {
			n, err := x.Exec(ctx, ClaimSQL, once, s.d.Time(e.CreatedAt))
			if err != nil {
				return fmt.Errorf("claiming one-time key: %w", err)
			}
			if n == 0 {
				return storage.ErrDuplicate
			}
		}
		var err error
		if e, err = s.insertEscalation(ctx, x, e); err != nil {
			return err
		}
		jobs[0] = first(e)
		return nil
	})
	if err != nil {
		return storage.Escalation{}, fmt.Errorf("opening escalation: %w", err)
	}
	return e, nil
}

// insertEscalation writes a new open escalation (round 1, level 0), its
// "opened" step and its audit row, and returns it with its id.
func (s *Store) insertEscalation(ctx context.Context, x Executor, e storage.Escalation) (storage.Escalation, error) {
	e.State, e.Level, e.Round, e.UpdatedAt = storage.EscalationOpen, 0, 1, e.CreatedAt
	if err := x.QueryRow(ctx, `INSERT INTO escalations (school_id, student_id, opened_by, kind, incident_id, body, urgent, severity,
		state, level, round, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, 0, 1, $10, $10) RETURNING id`,
		e.SchoolID, e.StudentID, e.OpenedBy, string(e.Kind), nullID(e.IncidentID), e.Body, e.Urgent, e.Severity,
		string(e.State), s.d.Time(e.CreatedAt)).Scan(&e.ID); err != nil {
		return e, fmt.Errorf("inserting: %w", err)
	}
	if err := insertStep(ctx, x, s.d, e.ID, storage.EscalationStep{At: e.CreatedAt, Action: storage.StepOpened, StaffID: e.OpenedBy}); err != nil {
		return e, err
	}
	return e, insertAudit(ctx, x, s.d, storage.AuditEvent{At: e.CreatedAt, StaffID: e.OpenedBy, StudentID: e.StudentID,
		Action: "create", Entity: "escalation", EntityID: e.ID, Detail: fmt.Sprintf("kind=%s urgent=%t", e.Kind, e.Urgent)})
}

// Escalation returns one escalation.
func (s *Store) Escalation(ctx context.Context, id int64) (storage.Escalation, error) {
	return one(ctx, s.db, fmt.Sprintf("loading escalation %d", id), scanEscalation,
		`SELECT `+escalationCols+` FROM escalations WHERE id = $1`, id)
}

// EscalationSteps lists an escalation's timeline, oldest first.
func (s *Store) EscalationSteps(ctx context.Context, id int64) ([]storage.EscalationStep, error) {
	return list(ctx, s.db, fmt.Sprintf("listing steps of escalation %d", id), scanStep,
		`SELECT `+stepCols+` FROM escalation_steps WHERE escalation_id = $1 ORDER BY id`, id)
}

// StudentEscalations lists a student's escalations, oldest first.
func (s *Store) StudentEscalations(ctx context.Context, studentID int64) ([]storage.Escalation, error) {
	return list(ctx, s.db, fmt.Sprintf("listing escalations of student %d", studentID), scanEscalation,
		`SELECT `+escalationCols+` FROM escalations WHERE student_id = $1 ORDER BY created_at, id`, studentID)
}

// UnresolvedEscalations lists the open and acknowledged escalations of a
// school that staffID opened or was told of, oldest first.
func (s *Store) UnresolvedEscalations(ctx context.Context, schoolID, staffID int64) ([]storage.Escalation, error) {
	return list(ctx, s.db, fmt.Sprintf("listing unresolved escalations of staff %d", staffID), scanEscalation,
		`SELECT `+escalationCols+` FROM escalations e WHERE school_id = $1 AND state <> 'resolved'
			AND (opened_by = $2 OR EXISTS (SELECT 1 FROM escalation_steps st
				WHERE st.escalation_id = e.id AND `+s.d.Holds("st.notified", 2)+`))
		ORDER BY created_at, id`, schoolID, staffID)
}

// change runs update, a conditional UPDATE of one escalation, and writes
// the steps made for the level the escalation is on as it changes
// (RETURNING level), in one write: a move up at the same moment cannot
// leave a step on the level before. No row changed (its state moved on)
// is ErrConflict, and nothing is written.
func (s *Store) change(ctx context.Context, id int64, what string, jobs []storage.Job, steps func(level int) []storage.EscalationStep,
	update string, args ...any) error {
	err := s.write(ctx, jobs, func(ctx context.Context, x Executor) error {
		var level int
		if err := x.QueryRow(ctx, update+` RETURNING level`, args...).Scan(&level); err != nil {
			if errors.Is(err, storage.ErrNotFound) {
				return storage.ErrConflict
			}
			return err
		}
		for _, st := range steps(level) {
			if err := insertStep(ctx, x, s.d, id, st); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("%s escalation %d: %w", what, id, err)
	}
	return nil
}

// atLevel records step at the level the escalation is on as it changes.
func atLevel(step storage.EscalationStep) func(level int) []storage.EscalationStep {
	return func(level int) []storage.EscalationStep {
		step.Level = level
		return []storage.EscalationStep{step}
	}
}

// AdvanceEscalation moves an open escalation from one level to another.
func (s *Store) AdvanceEscalation(ctx context.Context, id int64, round, from, to int, at time.Time, steps []storage.EscalationStep, jobs []storage.Job) error {
	return s.change(ctx, id, "advancing", jobs, func(int) []storage.EscalationStep { return steps }, `UPDATE escalations SET level = $4, updated_at = $5
		WHERE id = $1 AND state = 'open' AND round = $2 AND level = $3`, id, round, from, to, s.d.Time(at))
}

// AcknowledgeEscalation marks an open escalation acknowledged.
func (s *Store) AcknowledgeEscalation(ctx context.Context, id, staffID int64, at time.Time, jobs []storage.Job) error {
	return s.change(ctx, id, "acknowledging", jobs, atLevel(storage.EscalationStep{At: at, Action: storage.StepAcknowledged, StaffID: staffID}),
		`UPDATE escalations SET state = 'acknowledged', ack_by = $2, updated_at = $3 WHERE id = $1 AND state = 'open'`,
		id, staffID, s.d.Time(at))
}

// ResolveEscalation closes an open or acknowledged escalation.
func (s *Store) ResolveEscalation(ctx context.Context, id, staffID int64, note string, at time.Time, jobs []storage.Job) error {
	return s.change(ctx, id, "resolving", jobs, atLevel(storage.EscalationStep{At: at, Action: storage.StepResolved, StaffID: staffID, Note: note}),
		`UPDATE escalations SET state = 'resolved', updated_at = $2 WHERE id = $1 AND state <> 'resolved'`, id, s.d.Time(at))
}

// ReopenEscalation opens a resolved escalation again in a new round.
func (s *Store) ReopenEscalation(ctx context.Context, id, staffID int64, at time.Time, first func(storage.Escalation) storage.Job) (storage.Escalation, error) {
	jobs := make([]storage.Job, 1)
	var e storage.Escalation
	err := s.write(ctx, jobs, func(ctx context.Context, x Executor) error {
		n, err := x.Exec(ctx, `UPDATE escalations SET state = 'open', level = 0, round = round + 1, ack_by = NULL, updated_at = $2
			WHERE id = $1 AND state = 'resolved'`, id, s.d.Time(at))
		if err != nil {
			return err
		}
		if n != 1 {
			return storage.ErrConflict
		}
		if e, err = one(ctx, x, "reloading", scanEscalation, `SELECT `+escalationCols+` FROM escalations WHERE id = $1`, id); err != nil {
			return err
		}
		if err := insertStep(ctx, x, s.d, id, storage.EscalationStep{At: at, Action: storage.StepReopened, StaffID: staffID}); err != nil {
			return err
		}
		jobs[0] = first(e)
		return nil
	})
	if err != nil {
		return storage.Escalation{}, fmt.Errorf("reopening escalation %d: %w", id, err)
	}
	return e, nil
}

// AddEscalationStep adds a step that changes no state.
func (s *Store) AddEscalationStep(ctx context.Context, st storage.EscalationStep, jobs []storage.Job) error {
	err := s.write(ctx, jobs, func(ctx context.Context, x Executor) error {
		return insertStep(ctx, x, s.d, st.EscalationID, st)
	})
	if err != nil {
		return fmt.Errorf("adding %s step to escalation %d: %w", st.Action, st.EscalationID, err)
	}
	return nil
}
