package storage

import (
	"slices"
	"time"
)

// EntryKind is what one logged entry holds.
type EntryKind string

// The entry kinds.
const (
	EntryTrials     EntryKind = "trials"
	EntryIncident   EntryKind = "incident"
	EntryTransition EntryKind = "transition"
	EntryNote       EntryKind = "note"
)

// LoggedTime is when a record was logged: logged, or at when logged is
// zero (a record logged as it happened).
func LoggedTime(logged, at time.Time) time.Time {
	if logged.IsZero() {
		return at
	}
	return logged
}

// Entry is one thing a staff member logged with one command: a batch of
// trials, an incident, a transition or a note. Undo deactivates a whole
// entry; nothing is deleted.
type Entry struct {
	ID        int64
	Kind      EntryKind
	StaffID   int64
	StudentID int64
	CreatedAt time.Time
	Summary   string // the confirmation line, with no student name
	Active    bool
	// Set when the entry was deactivated.
	DeactivatedBy     int64
	DeactivatedAt     time.Time
	DeactivatedReason string
}

// Outcome is the result of one trial.
type Outcome string

// The trial outcomes.
const (
	Correct    Outcome = "correct"
	Incorrect  Outcome = "incorrect"
	NoResponse Outcome = "no_response"
)

// Valid reports whether o is a known outcome.
func (o Outcome) Valid() bool {
	return o == Correct || o == Incorrect || o == NoResponse
}

// Prompt is a level of the prompt hierarchy, ordered from least support
// (Independent, 0) to most (FullPhysical, 5), so prompt fading can be
// computed by comparing levels.
type Prompt int

// The prompt hierarchy, least to most support.
const (
	Independent Prompt = iota
	Gestural
	Verbal
	Model
	PartialPhysical
	FullPhysical
)

// PromptNotRecorded is a prompt level nobody gave (a transition logged
// without one): it is not on the scale and never reads as independent.
const PromptNotRecorded Prompt = -1

var promptNames = [...]string{"independent", "gestural", "verbal", "model", "partial physical", "full physical"}

// String names the prompt level.
func (p Prompt) String() string {
	if p == PromptNotRecorded {
		return "not recorded"
	}
	if p < 0 || int(p) >= len(promptNames) {
		return "unknown"
	}
	return promptNames[p]
}

// Valid reports whether p is on the scale.
func (p Prompt) Valid() bool { return p >= Independent && p <= FullPhysical }

// Trial is one IEP goal trial.
type Trial struct {
	ID        int64
	EntryID   int64
	GoalID    int64
	StudentID int64
	StaffID   int64
	At        time.Time
	Outcome   Outcome
	Prompt    Prompt
	Active    bool
}

// TrialResult is one trial of a batch.
type TrialResult struct {
	Outcome Outcome
	Prompt  Prompt
}

// TrialBatch is several trials of one goal logged at once.
type TrialBatch struct {
	GoalID    int64
	StudentID int64
	StaffID   int64
	At        time.Time
	Results   []TrialResult
	Summary   string
	Note      string // the short comment typed with them
	// LoggedAt is when it was logged (the entry's CreatedAt and the
	// "create" audit row's time); zero means At. At stays the time the
	// record is about, which may be earlier (backdated).
	LoggedAt time.Time
}

// Incident is one behavior incident in ABC form.
type Incident struct {
	ID          int64
	EntryID     int64
	StudentID   int64
	StaffID     int64
	At          time.Time // when it started
	Duration    time.Duration
	Setting     string
	Antecedent  string
	Behavior    string
	Consequence string
	Severity    int // 1 (mild) .. 5 (severe)
	Strategies  []string
	Injury      bool
	Restraint   bool
	Seclusion   bool
	Others      []string // other students involved, by code only
	// NotRecorded lists the yes/no questions nobody answered ("injury",
	// "restraint", "seclusion"): their bool is false, and they read as
	// "not recorded", never as "no".
	NotRecorded []string
	// Details completes the record as a district incident form asks.
	Details IncidentDetails
	Notes   string
	Active  bool
	Summary string
	// LoggedAt is when it was logged (the entry's CreatedAt and the
	// "create" audit row's time); zero means At. At stays the time the
	// record is about, which may be earlier (backdated).
	LoggedAt time.Time
}

// IncidentDetails are the parts of an incident record beyond ABC: who
// was there, who was hurt, and for a restraint or seclusion how it was
// done. Students are named by code only; staff by name.
type IncidentDetails struct {
	StaffInvolved []string `json:"staff_involved,omitempty"`
	Witnesses     []string `json:"witnesses,omitempty"` // staff by name, students by code
	Injured       []string `json:"injured,omitempty"`   // "student", "peer", "staff"
	// NurseSaw is "yes", "no", or "" when not recorded.
	NurseSaw string `json:"nurse_saw,omitempty"`
	// Restraint or seclusion: its type (physical escort, prone, supine,
	// seated, standing, seclusion room), when it started and ended, who
	// applied it, and what was observed during it.
	HoldType    string    `json:"hold_type,omitempty"`
	HoldStart   time.Time `json:"hold_start,omitzero"`
	HoldEnd     time.Time `json:"hold_end,omitzero"`
	AppliedBy   []string  `json:"applied_by,omitempty"`
	Observation string    `json:"observation,omitempty"`
}

// YesNo reads one of an incident's yes/no questions ("injury",
// "restraint", "seclusion") as "yes", "no" or "not recorded".
func (in Incident) YesNo(question string) string {
	if slices.Contains(in.NotRecorded, question) {
		return "not recorded"
	}
	var v bool
	switch question {
	case "injury":
		v = in.Injury
	case "restraint":
		v = in.Restraint
	case "seclusion":
		v = in.Seclusion
	}
	if v {
		return "yes"
	}
	return "no"
}

// MaxSeverity is the top of the severity scale.
const MaxSeverity = 5

// Severe reports whether the incident must reach teacher and admin at once.
func (in Incident) Severe() bool {
	return in.Protected() || in.Severity >= MaxSeverity
}

// Protected reports whether only an admin may take the incident back
// (void it): a restraint, seclusion or injury.
func (in Incident) Protected() bool {
	return in.Restraint || in.Seclusion || in.Injury
}

// IncidentVersion is an earlier version of an incident, kept on edit.
type IncidentVersion struct {
	IncidentID int64
	Version    int
	Incident   Incident
	ChangedBy  int64
	ChangedAt  time.Time
}

// Transition is a student moving between activities or places, with the
// handoff for bus and pickup.
type Transition struct {
	ID        int64
	EntryID   int64
	StudentID int64
	StaffID   int64
	At        time.Time
	From      string
	To        string
	Prompt    Prompt // PromptNotRecorded when none was given
	Latency   time.Duration
	HandoffTo string // to whom the student was released (bus, pickup)
	Note      string // the short comment typed with it
	Active    bool
	Summary   string
	// LoggedAt is when it was logged (the entry's CreatedAt and the
	// "create" audit row's time); zero means At. At stays the time the
	// record is about, which may be earlier (backdated).
	LoggedAt time.Time
}

// Note is a para's daily note to the student's teacher.
type Note struct {
	ID        int64
	EntryID   int64
	StudentID int64
	StaffID   int64 // author
	ToStaffID int64 // the teacher
	At        time.Time
	Text      string
	Active    bool
	Summary   string
	// LoggedAt is when it was logged (the entry's CreatedAt and the
	// "create" audit row's time); zero means At. At stays the time the
	// record is about, which may be earlier (backdated).
	LoggedAt time.Time
}

// AuditEvent is one row of the audit log: who did what to which
// student's records, when, and why.
type AuditEvent struct {
	ID        int64
	At        time.Time
	StaffID   int64
	StudentID int64  // 0 when not about one student
	Action    string // "create", "deactivate", "edit", "read", "export", "refused", "import", "retire", "reactivate", "link", "purge"
	Entity    string // "trials", "incident", "transition", "note", "student", ...
	EntityID  int64
	Detail    string // ids and reasons only, never names or note text
}

// AuditQuery narrows the audit trail: zero fields do not narrow it.
type AuditQuery struct {
	StudentID int64
	StaffID   int64
	// System keeps only the rows of no staff member (the command line,
	// the retention purge, the scheduler).
	System   bool
	From, To time.Time // From included, To excluded
	Limit    int       // the newest Limit rows only; 0 for all
}

// Retention settings of a school (school_settings names, from
// schools.csv): whole years to keep a student's records after they leave,
// and access log rows after they are written. Unset keeps them.
const (
	SettingKeepRecords   = "keep_records"
	SettingKeepAccessLog = "keep_access_log"
)

// PurgeReport is what a purge did, or with DryRun would do, by school.
type PurgeReport struct {
	DryRun  bool
	Schools []SchoolPurge // schools with a retention policy
}

// SchoolPurge is one school's share of a purge.
type SchoolPurge struct {
	SchoolID      int64
	School        string
	KeepRecords   int   // years; 0 keeps
	KeepAccessLog int   // years; 0 keeps
	Students      int   // students whose records were deleted and who were anonymised
	Entries       int64 // their entries deleted
	AccessRows    int64 // access log rows deleted
}
