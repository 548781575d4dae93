// Package storage holds parabot's domain types and the small store
// interfaces, composed as Store, that every database engine implements.
// storage/sqlstore holds the SQL both engines run; storage/sqlite and
// storage/postgres are the engines; storage/storagetest is the one
// behaviour suite both must pass.
package storage

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned by every Store method that looks up one record
// which does not exist. Engines translate their own "no rows" into it.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned when a write would break a uniqueness rule, or
// when a record changed state under the caller (for example undoing an
// entry that is already undone).
var ErrConflict = errors.New("conflict")

// ErrDuplicate is returned by a Log* call whose one-time key (WithOnce)
// was claimed before: the same request, replayed or retried, was logged
// already, and nothing was written this time.
var ErrDuplicate = errors.New("already done")

// ErrNoAccess is returned by a Log* call when, at the moment of the
// write, the staff member may not log for the student: the staff member
// or the student is inactive, or the assignment (or the cover) that gave
// the right is gone. Nothing was written.
var ErrNoAccess = errors.New("no right to log for this student")

type onceKey struct{}

type schoolDayKey struct{}

// WithSchoolDay returns ctx carrying the caller's school day (YYYY-MM-DD
// in the school's zone), the day a Log* call checks covers against.
func WithSchoolDay(ctx context.Context, day string) context.Context {
	return context.WithValue(ctx, schoolDayKey{}, day)
}

// SchoolDay returns the day WithSchoolDay put in ctx, or "".
func SchoolDay(ctx context.Context) string {
	d, _ := ctx.Value(schoolDayKey{}).(string)
	return d
}

// WithOnce returns ctx carrying a one-time key (a platform's request or
// interaction id). A Log* call made with it claims the key in the same
// transaction as the entry, so a replayed request logs nothing twice.
func WithOnce(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, onceKey{}, key)
}

// OnceKey returns the key WithOnce put in ctx, or "".
func OnceKey(ctx context.Context) string {
	k, _ := ctx.Value(onceKey{}).(string)
	return k
}

// JobArgs is a job's payload: a struct that marshals to JSON with
// explicit, versioned field names (see scheduler.DeliverArgs), and names
// its kind, which picks the worker that runs it.
type JobArgs interface {
	Kind() string
}

// Job is a durable job to insert in the same transaction as the records
// that cause them (an outgoing message, a reminder, an escalation step).
// Zero fields take the job kind's defaults.
type Job struct {
	Args        JobArgs
	Queue       string
	MaxAttempts int
	Priority    int       // 1 (first) to 4
	ScheduledAt time.Time // not before; zero means now
	// UniqueKey, when set, makes the job one of a kind: a second job of
	// the same kind and key is not inserted, whichever replica inserts
	// it (a reminder's occurrence, an escalation step).
	UniqueKey string
}

// UniqueJobClaim is the one-time key the store claims when it inserts a
// job of kind with UniqueKey key: Claimed on it tells whether that job
// was inserted.
func UniqueJobClaim(kind, key string) string { return "job:" + kind + ":" + key }

// Store is everything parabot keeps: the composition of the small
// interfaces below, which callers and test fakes use on their own. Every
// method that writes does so in one transaction: the records, their audit
// rows and their jobs commit together or not at all.
type Store interface {
	// Engine names the engine: "sqlite" or "postgres".
	Engine() string
	// Close releases the connections.
	Close() error
	// Ping checks the database answers (used by /readyz).
	Ping(ctx context.Context) error

	RosterReader
	RosterWriter
	Calendar
	Logbook
	Records
	AuditTrail
	Queue
	Reminders
	Retention
	Escalations
	ParentNotices
	Debriefs
	Drafts
	Replicas
}

// Replicas records which serve processes are alive, so that they share
// a platform's rate limits and take over the jobs of one that died.
type Replicas interface {
	// Beat records that replica id is alive at now. It returns how many
	// replicas have beaten since stale (itself included), and the ids of
	// those silent since before stale, which it forgets: the caller takes
	// on their running jobs. Two callers never get the same id.
	Beat(ctx context.Context, id string, now, stale time.Time) (live int, dead []string, err error)
	// Leave forgets replica id (it stopped cleanly).
	Leave(ctx context.Context, id string) error
}

// Drafts keeps, for a short while, what a person has given so far of a
// guided form, or the command a button will run: the state a platform
// carries between interactions only as a short key. Any replica can read
// what another stored.
type Drafts interface {
	// PutDraft stores data under key until expires, replacing what the
	// key held; it also deletes the drafts that expired before now.
	PutDraft(ctx context.Context, key, data string, now, expires time.Time) error
	// Draft returns the data stored under key, or ErrNotFound when there
	// is none or it expired before now.
	Draft(ctx context.Context, key string, now time.Time) (string, error)
	// DropDraft deletes key; a key that is not there is no error.
	DropDraft(ctx context.Context, key string) error
}

// Retention applies the schools' retention policies (SettingKeepRecords,
// SettingKeepAccessLog).
type Retention interface {
	// Purge deletes the records of students who left longer ago than
	// their school keeps them (anonymising the student and goal rows),
	// and access log rows older than the school keeps them, as of now;
	// it records what it did in the audit trail. With dryRun it reports
	// the same and changes nothing.
	Purge(ctx context.Context, now time.Time, dryRun bool) (PurgeReport, error)
}

// RosterReader looks up schools, staff, students and goals.
type RosterReader interface {
	// School returns one school.
	School(ctx context.Context, id int64) (School, error)
	// SchoolByName returns the school with that name, whatever its case.
	SchoolByName(ctx context.Context, name string) (School, error)
	// Schools lists every school.
	Schools(ctx context.Context) ([]School, error)

	// StaffByIdentity finds the active staff member linked to a platform
	// user id.
	StaffByIdentity(ctx context.Context, platform Platform, userID string) (Staff, error)
	// StaffByEmail finds the active staff member with that email
	// (case-insensitive), for linking a platform account on first use.
	StaffByEmail(ctx context.Context, email string) (Staff, error)
	// StaffByHandle finds the staff member with a handle (unique across
	// schools), whatever its case, active or not.
	StaffByHandle(ctx context.Context, handle string) (Staff, error)
	// StaffWithRole lists the active staff of every school with a role,
	// ordered by name.
	StaffWithRole(ctx context.Context, role Role) ([]Staff, error)
	// Identities lists a staff member's platform identities.
	Identities(ctx context.Context, staffID int64) ([]Identity, error)
	// StaffMember returns one staff member by id.
	StaffMember(ctx context.Context, id int64) (Staff, error)
	// ListStaff lists a school's active staff, ordered by name.
	ListStaff(ctx context.Context, schoolID int64) ([]Staff, error)

	// Caseload lists the active students a staff member may see and log
	// for: students with an active assignment for paras, teachers and
	// therapists, every student of the school for admins. Ordered by code.
	Caseload(ctx context.Context, staffID int64) ([]Student, error)
	// Students lists a school's active students ordered by code.
	Students(ctx context.Context, schoolID int64) ([]Student, error)
	// Student returns one student by id.
	Student(ctx context.Context, id int64) (Student, error)
	// StudentByCode returns the student with a code (whatever its case)
	// at a school, active or not.
	StudentByCode(ctx context.Context, schoolID int64, code string) (Student, error)
	// StudentTeam lists the active staff with an active assignment to a
	// student, with the kind of assignment.
	StudentTeam(ctx context.Context, studentID int64) ([]TeamMember, error)
	// Goals lists a student's active goals ordered by code.
	Goals(ctx context.Context, studentID int64) ([]Goal, error)
}

// RosterWriter changes the roster.
type RosterWriter interface {
	// ImportRoster creates or updates everything in r in one transaction,
	// matching existing rows by their natural keys (school name, staff
	// handle, student code per school, goal code per student, ...).
	// Re-importing the same roster changes nothing. School names and
	// student codes match whatever their case; codes are stored in upper
	// case. A staff handle is one person's across all schools: a row that
	// would move an existing handle to another school is refused unless
	// it carries the same (non-empty) email as before, i.e. the person moved.
	// Rows are checked against the database as the import leaves it (see
	// ImportProblem); every refused row is listed in ImportRefused (an
	// ErrConflict) and nothing is imported. A purged student's rows leave
	// the student, their goals, way home and goal schedules as they are.
	ImportRoster(ctx context.Context, r Roster) (ImportResult, error)
	// LinkIdentity remembers that a platform user id is this staff member.
	LinkIdentity(ctx context.Context, id Identity) error
}

// Calendar reads a school's duty roster and special days.
type Calendar interface {
	// Duties lists a school's active duty roster ordered by weekday and
	// start.
	Duties(ctx context.Context, schoolID int64) ([]Duty, error)
	// CalendarDays lists the school's active special days (holidays,
	// closures, early release) between from and to inclusive, dates as
	// YYYY-MM-DD.
	CalendarDays(ctx context.Context, schoolID int64, from, to string) ([]CalendarDay, error)
}

// Logbook logs, corrects and takes back entries.
type Logbook interface {
	// Every Log* method claims the one-time key of ctx (WithOnce), if any,
	// in its transaction, and returns ErrDuplicate when it was claimed.

	// LogTrials stores a batch of trials of one goal as one entry (one
	// session).
	LogTrials(ctx context.Context, b TrialBatch, jobs []Job) (Entry, error)
	// LogSession stores one session of a goal of any measurement type as
	// one entry.
	LogSession(ctx context.Context, s SessionLog, jobs []Job) (Entry, error)
	// CheckSession reads in one query what logging a session looks at
	// before it writes (SessionCheck): whether the one-time key was used,
	// whether the student is marked absent on the day, and the first
	// active session of the goal with the same values near its time.
	CheckSession(ctx context.Context, c SessionCheck) (SessionChecked, error)
	// LogIncident stores one incident as one entry.
	LogIncident(ctx context.Context, in Incident, jobs []Job) (Entry, error)
	// LogIncidentOpening stores one incident as LogIncident does and, in
	// the same transaction, what it opens (an escalation, a parent-notice
	// task) with their jobs: all of it or nothing.
	LogIncidentOpening(ctx context.Context, in Incident, jobs []Job, open IncidentOpens) (IncidentOpened, error)
	// LogTransition stores one transition as one entry.
	LogTransition(ctx context.Context, t Transition, jobs []Job) (Entry, error)
	// LogNote stores one note as one entry.
	LogNote(ctx context.Context, n Note, jobs []Job) (Entry, error)

	// Entry returns one entry.
	Entry(ctx context.Context, id int64) (Entry, error)
	// LastEntry returns the newest active entry a staff member logged.
	LastEntry(ctx context.Context, staffID int64) (Entry, error)
	// RecentEntries lists the active entries a staff member logged at or
	// after since, newest first by the time each was logged, at most
	// limit.
	RecentEntries(ctx context.Context, staffID int64, since time.Time, limit int) ([]Entry, error)
	// DeactivateEntry marks an entry and its records inactive with a
	// reason, and writes an audit row and jobs (telling those who were sent
	// the entry that it was taken back). An incident's open or
	// acknowledged escalations are withdrawn in the same write: resolved,
	// each with a "withdrawn" step by byStaffID noting the reason. withdraw
	// lists them as the caller read them (to tell whom they reached). It
	// returns ErrConflict, writing nothing, when the entry is already
	// inactive, or when the escalations found are not those of withdraw at
	// the same round and level (one moved up since it was read).
	DeactivateEntry(ctx context.Context, entryID, byStaffID int64, reason string, at time.Time, withdraw []Escalation, jobs []Job) error
	// UpdateIncident replaces an incident's fields, keeping the earlier
	// version (IncidentVersions) with who changed it and when.
	UpdateIncident(ctx context.Context, in Incident, byStaffID int64, at time.Time) error
}

// Records reads what was logged about one student.
type Records interface {
	// Sessions lists active goal sessions of one student in [From, To),
	// oldest first: the values as logged and their counts.
	Sessions(ctx context.Context, f Filter) ([]Session, error)
	// Trials, Incidents, Transitions and Notes list active records of one
	// student in [From, To), oldest first. Trials are the trials sessions'
	// values, one each, in the order logged.
	Trials(ctx context.Context, f Filter) ([]Trial, error)
	Incidents(ctx context.Context, f Filter) ([]Incident, error)
	Transitions(ctx context.Context, f Filter) ([]Transition, error)
	Notes(ctx context.Context, f Filter) ([]Note, error)
	// IncidentVersions lists an incident's earlier versions, oldest first.
	IncidentVersions(ctx context.Context, incidentID int64) ([]IncidentVersion, error)
	// Incident returns one incident, active or not.
	Incident(ctx context.Context, id int64) (Incident, error)
}

// AuditTrail is the access log: who did what to whose records, when and
// why. Every entry's creation is in it, with every row RecordAudit and
// the other writes add.
type AuditTrail interface {
	// RecordAudit writes one audit row (reads and exports are recorded
	// through it; writes record their own).
	RecordAudit(ctx context.Context, a AuditEvent) error
	// RecordAudits writes many audit rows at once, all or none (the
	// access log's batched write of reads).
	RecordAudits(ctx context.Context, events []AuditEvent) error
	// AuditSearch lists the trail narrowed by student, staff and time,
	// oldest first (parabot audit, /audit).
	AuditSearch(ctx context.Context, q AuditQuery) ([]AuditEvent, error)
	// Audit lists the trail for a student (or all when studentID is 0),
	// oldest first.
	Audit(ctx context.Context, studentID int64) ([]AuditEvent, error)
}

// Queue inserts jobs and remembers one-time keys.
type Queue interface {
	// Enqueue inserts jobs on their own, in one transaction.
	Enqueue(ctx context.Context, jobs []Job) error
	// Claim records a one-time key (a delivery, a platform event or
	// interaction id). It returns false when the key was claimed before, so
	// a retried or duplicated job or event is acted on once.
	Claim(ctx context.Context, key string, at time.Time) (bool, error)
	// Release forgets a claim whose action failed, so a retry may act.
	Release(ctx context.Context, key string) error
	// Claimed reports whether a key was claimed (by Claim, or as a logged
	// entry's one-time key), without claiming it.
	Claimed(ctx context.Context, key string) (bool, error)
}

// Filter selects records of one student in a time range. A zero To means
// no upper bound. IncludeInactive also returns undone records.
type Filter struct {
	StudentID       int64
	GoalID          int64 // trials only; 0 for every goal
	From, To        time.Time
	IncludeInactive bool
}
