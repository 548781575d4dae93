package storage

import (
	"context"
	"time"
)

// Escalations keeps escalations and their timelines. Every method that
// changes an escalation writes its timeline steps and the jobs it causes
// (the next step of the ladder, the messages) in the same transaction,
// and changes nothing when the escalation is no longer in the state the
// caller saw (ErrConflict).
type Escalations interface {
	// OpenEscalation stores a new open escalation with its "opened" step
	// and the job first(e) makes for it (its first step), which needs the
	// escalation's id. With a one-time key in ctx (WithOnce) it claims it
	// in the same transaction, and returns ErrDuplicate when it was
	// claimed before (one escalation per unaccounted student and day).
	OpenEscalation(ctx context.Context, e Escalation, first func(Escalation) Job) (Escalation, error)
	// Escalation returns one escalation.
	Escalation(ctx context.Context, id int64) (Escalation, error)
	// EscalationSteps lists an escalation's timeline, oldest first.
	EscalationSteps(ctx context.Context, id int64) ([]EscalationStep, error)
	// StudentEscalations lists a student's escalations, oldest first.
	StudentEscalations(ctx context.Context, studentID int64) ([]Escalation, error)
	// UnresolvedEscalations lists the escalations of a school that are
	// open or acknowledged and that staff member staffID opened or was
	// told of (on any level, in any round), oldest first.
	UnresolvedEscalations(ctx context.Context, schoolID, staffID int64) ([]Escalation, error)
	// AdvanceEscalation moves an open escalation of round from level from
	// to level to at at, with steps and jobs; ErrConflict when it is not
	// open, not in that round or not at level from any more.
	AdvanceEscalation(ctx context.Context, id int64, round, from, to int, at time.Time, steps []EscalationStep, jobs []Job) error
	// AcknowledgeEscalation marks an open escalation acknowledged by a staff
	// member, with its step and jobs; ErrConflict when it is not open.
	AcknowledgeEscalation(ctx context.Context, id, staffID int64, at time.Time, jobs []Job) error
	// ResolveEscalation closes an open or acknowledged escalation with a
	// note; ErrConflict when it is resolved already.
	ResolveEscalation(ctx context.Context, id, staffID int64, note string, at time.Time, jobs []Job) error
	// ReopenEscalation opens a resolved escalation again in a new round at
	// level 0, with its step and the job first(e) makes (its first step);
	// ErrConflict when it is not resolved.
	ReopenEscalation(ctx context.Context, id, staffID int64, at time.Time, first func(Escalation) Job) (Escalation, error)
	// AddEscalationStep adds a step that changes no state (a reply).
	AddEscalationStep(ctx context.Context, s EscalationStep, jobs []Job) error
}

// EscalationKind is what raised an escalation.
type EscalationKind string

// The kinds of escalation.
const (
	EscalationConcern     EscalationKind = "concern"
	EscalationIncident    EscalationKind = "incident"
	EscalationUnaccounted EscalationKind = "unaccounted"
)

// EscalationState is where an escalation stands.
type EscalationState string

// The states of an escalation.
const (
	EscalationOpen         EscalationState = "open"
	EscalationAcknowledged EscalationState = "acknowledged"
	EscalationResolved     EscalationState = "resolved"
)

// Escalation is a concern, incident or unaccounted student raised with
// the student's teacher first and then up the school's levels until
// someone acknowledges it.
type Escalation struct {
	ID         int64
	SchoolID   int64
	StudentID  int64
	OpenedBy   int64
	Kind       EscalationKind
	IncidentID int64 // for an incident, else 0
	Body       string
	Urgent     bool // urgent escalations do not wait for school hours
	Severity   int  // an incident's severity, else 0
	State      EscalationState
	Level      int // the level last notified; 0 before the first
	Round      int // 1, and one more each time it is reopened
	AckBy      int64
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// The actions of an escalation's timeline.
const (
	StepOpened       = "opened"
	StepNotified     = "notified"
	StepAcknowledged = "acknowledged"
	StepEscalated    = "escalated"
	StepSkipped      = "skipped"
	StepWaiting      = "waiting"
	StepExhausted    = "exhausted"
	StepResolved     = "resolved"
	StepReopened     = "reopened"
	StepReplied      = "replied"
	StepDebriefed    = "debriefed"
	// StepWithdrawn closes an incident's escalation when the incident is
	// taken back (undone or voided); its note is the reason.
	StepWithdrawn = "withdrawn"
)

// EscalationStep is one step of an escalation's timeline.
type EscalationStep struct {
	ID           int64
	EscalationID int64
	At           time.Time
	Action       string
	StaffID      int64   // the actor, or 0 for the bot
	Level        int     // the level it concerns
	Notified     []int64 // the staff told, for "notified"
	Note         string  // a reason (skipped, waiting) or a resolution note
}

// ParentNotices keeps the parent-notice tasks of restraints, seclusions
// and injuries.
type ParentNotices interface {
	// OpenParentNotice stores a task with the jobs jobs(n) makes for it
	// (its reminders), which need its id. An incident has at most one
	// task: a second is ErrConflict.
	OpenParentNotice(ctx context.Context, n ParentNotice, jobs func(ParentNotice) []Job) (ParentNotice, error)
	// ParentNotice returns an incident's task.
	ParentNotice(ctx context.Context, incidentID int64) (ParentNotice, error)
	// MarkNotified records the oral (Written false) or written notice of
	// an incident's task, with an audit row; ErrConflict when it was
	// recorded before.
	MarkNotified(ctx context.Context, incidentID int64, written bool, method, note string, at time.Time, byStaffID int64, now time.Time) error
}

// ParentNotice is the task of telling a student's family of a restraint,
// seclusion or injury, orally and in writing, by the school's deadlines.
type ParentNotice struct {
	ID, SchoolID, StudentID, IncidentID int64
	OwnerID                             int64 // who must give it and mark it
	IncidentAt                          time.Time
	OralDue, WrittenDue                 time.Time
	OralAt, WrittenAt                   time.Time // zero until given
	OralMethod, WrittenMethod           string
	OralNote, WrittenNote               string
	CreatedAt                           time.Time
}

// IncidentOpens is what a logged incident opens in the write that logs
// it: an escalation and a parent-notice task, each optional (nil), with
// the jobs each makes once its id and the incident's are known (its
// IncidentID is filled in). A jobs func returns as many jobs whatever the
// ids.
type IncidentOpens struct {
	Escalation     *Escalation
	EscalationJobs func(Escalation) []Job
	Notice         *ParentNotice
	NoticeJobs     func(ParentNotice) []Job
	Debrief        *Debrief
	DebriefJobs    func(Debrief) []Job
}

// IncidentOpened is what LogIncidentOpening wrote; Escalation and Notice
// are zero when not opened.
type IncidentOpened struct {
	Entry      Entry
	IncidentID int64
	Escalation Escalation
	Notice     ParentNotice
	Debrief    Debrief
}

// Debriefs keeps the debrief tasks of incidents (opened with the
// incident: LogIncidentOpening).
type Debriefs interface {
	// Debrief returns an incident's debrief task.
	Debrief(ctx context.Context, incidentID int64) (Debrief, error)
	// MarkDebriefed records an incident's debrief held, with a note, an
	// audit row, a "debriefed" step on the timeline of each escalation
	// of the incident, and jobs; ErrConflict when it was recorded before.
	MarkDebriefed(ctx context.Context, incidentID, byStaffID int64, note string, at time.Time, jobs []Job) error
}

// Debrief is the task of holding a debrief after an incident, when the
// school asks for one, by its due time.
type Debrief struct {
	ID, SchoolID, StudentID, IncidentID int64
	OwnerID                             int64 // who must hold it and mark it
	IncidentAt, Due                     time.Time
	DoneAt                              time.Time // zero until held
	DoneBy                              int64
	Note                                string
	CreatedAt                           time.Time
}
