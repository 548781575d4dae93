package storage

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
)

// Platform is a chat surface a staff member can be reached on.
type Platform string

// The platforms parabot speaks to.
const (
	PlatformShell   Platform = "shell"
	PlatformSlack   Platform = "slack"
	PlatformDiscord Platform = "discord"
)

// Role is what a staff member does; it decides which commands they may run
// and which students they see.
type Role string

// The roles of DOMAIN.md.
const (
	RolePara      Role = "para"
	RoleTeacher   Role = "teacher"
	RoleAdmin     Role = "admin"
	RoleTherapist Role = "therapist"
)

// Valid reports whether r is one of the known roles.
func (r Role) Valid() bool {
	switch r {
	case RolePara, RoleTeacher, RoleAdmin, RoleTherapist:
		return true
	}
	return false
}

// School is one school: everything in it happens in its time zone.
type School struct {
	ID        int64
	Name      string
	TimeZone  string // IANA name, e.g. America/New_York
	YearStart string // first day of the school year, YYYY-MM-DD
	YearEnd   string // last day, YYYY-MM-DD
	DayStart  string // HH:MM, first bell
	Dismissal string // HH:MM, regular dismissal
}

// Location loads the school's time zone, falling back to UTC for an
// unknown name (Validate on import refuses those). Loaded zones are kept,
// since this runs on every command.
func (s School) Location() *time.Location {
	if loc, ok := zones.Load(s.TimeZone); ok {
		return loc.(*time.Location)
	}
	loc, err := time.LoadLocation(s.TimeZone)
	if err != nil {
		return time.UTC
	}
	zones.Store(s.TimeZone, loc)
	return loc
}

// zones caches loaded time zones by name; time zone data never changes
// while the process runs.
var zones sync.Map

// Staff is a person who uses the bot.
type Staff struct {
	ID       int64
	SchoolID int64
	Handle   string // short unique login name, e.g. "jrivera"
	Name     string // full name, shown only to staff
	Email    string
	Role     Role
	Channel  string // the teacher's class channel name, where summaries go
	Active   bool
}

// Identity links a platform user id to a staff member.
type Identity struct {
	StaffID  int64
	Platform Platform
	UserID   string
	// LinkedAt is when LinkIdentity links it, for its audit row (zero:
	// the machine's clock). Not stored with the identity.
	LinkedAt time.Time
}

// Student is a student with an IEP. Code and Initials are what channels
// show; FirstName and LastName are only ever shown to entitled staff in
// private replies.
type Student struct {
	ID        int64
	SchoolID  int64
	Code      string // school-assigned display code, e.g. "S104"
	Initials  string // e.g. "A.B."
	FirstName string
	LastName  string
	Grade     string
	Active    bool
}

// Label is how a student is named anywhere others might read: initials
// and code, never the name.
func (s Student) Label() string {
	if s.Initials == "" {
		return s.Code
	}
	return s.Initials + " (" + s.Code + ")"
}

// AssignmentKind is how a staff member relates to a student.
type AssignmentKind string

// The assignment kinds.
const (
	AssignPara      AssignmentKind = "para"
	AssignTeacher   AssignmentKind = "teacher" // case manager
	AssignTherapist AssignmentKind = "therapist"
)

// Fits reports whether a staff member of role may hold an assignment of
// kind k: a teacher's or therapist's needs that role; a para's, a para or
// a teacher (a teacher may support another teacher's student).
func (k AssignmentKind) Fits(role Role) bool {
	switch k {
	case AssignTeacher:
		return role == RoleTeacher
	case AssignTherapist:
		return role == RoleTherapist
	case AssignPara:
		return role == RolePara || role == RoleTeacher
	}
	return false
}

// Needs says which roles an assignment of kind k needs, for messages: "a
// teacher", "a para or a teacher".
func (k AssignmentKind) Needs() string {
	if k == AssignPara {
		return "a para or a teacher"
	}
	return "a " + string(k)
}

// Assignment puts a staff member on a student's team.
type Assignment struct {
	StaffID   int64
	StudentID int64
	Kind      AssignmentKind
}

// TeamMember is a staff member on a student's team.
type TeamMember struct {
	Staff Staff
	Kind  AssignmentKind
}

// Domain is an IEP goal area.
type Domain string

// The goal domains of DOMAIN.md.
const (
	DomainAcademic      Domain = "academic"
	DomainCommunication Domain = "communication"
	DomainBehavior      Domain = "behavior"
	DomainSocial        Domain = "social"
	DomainDailyLiving   Domain = "daily living"
	DomainMotor         Domain = "motor"
)

// Valid reports whether d is a known domain.
func (d Domain) Valid() bool {
	switch d {
	case DomainAcademic, DomainCommunication, DomainBehavior, DomainSocial, DomainDailyLiving, DomainMotor:
		return true
	}
	return false
}

// Goal is one IEP goal of a student.
type Goal struct {
	ID          int64
	StudentID   int64
	Code        string // G1, G2, ... unique per student
	Text        string
	Domain      Domain
	Measurement string // e.g. "percent correct"
	Baseline    string
	// Type is how the goal is logged (trials when empty).
	Type Measure
	// Title is the goal's short title; empty means one derived from Text.
	Title string
	// Steps are a task analysis's steps, in order.
	Steps []string
	// Scale labels a rating's scores: Scale[0] is 1, the last is N.
	Scale []string
	// Mastery: MasteryPercent correct over MasterySessions consecutive
	// sessions with at least MasteryMinTrials trials a session.
	MasteryPercent   int
	MasterySessions  int
	MasteryMinTrials int
	StartDate        string // YYYY-MM-DD
	EndDate          string // YYYY-MM-DD
	Active           bool
}

// Measure is the goal's type, trials when none was given.
func (g Goal) Measure() Measure {
	if g.Type == "" {
		return MeasureTrials
	}
	return g.Type
}

// Same reports whether two goals have the same fields.
func (g Goal) Same(o Goal) bool {
	return slices.Equal(g.Steps, o.Steps) && slices.Equal(g.Scale, o.Scale) &&
		g.ID == o.ID && g.StudentID == o.StudentID && g.Code == o.Code && g.Text == o.Text && g.Domain == o.Domain &&
		g.Measurement == o.Measurement && g.Baseline == o.Baseline && g.Measure() == o.Measure() && g.Title == o.Title &&
		g.MasteryPercent == o.MasteryPercent && g.MasterySessions == o.MasterySessions &&
		g.MasteryMinTrials == o.MasteryMinTrials && g.StartDate == o.StartDate && g.EndDate == o.EndDate && g.Active == o.Active
}

// DutyKind is a kind of supervision duty.
type DutyKind string

// The duty kinds.
const (
	DutyBus    DutyKind = "bus"
	DutyLunch  DutyKind = "lunch"
	DutyRecess DutyKind = "recess"
)

// Duty is one slot of the duty roster.
type Duty struct {
	ID       int64
	SchoolID int64
	StaffID  int64
	Kind     DutyKind
	Weekday  time.Weekday
	Start    string // HH:MM, school time
	End      string // HH:MM
	Place    string
}

// DayKind is what a calendar day is.
type DayKind string

// The calendar day kinds; every weekday not listed is a school day.
const (
	DayHoliday      DayKind = "holiday"
	DayClosure      DayKind = "closure"
	DayEarlyRelease DayKind = "early_release"
	DaySchool       DayKind = "school" // a school day on a weekend (make-up day)
)

// CalendarDay is an exception to the school's regular week.
type CalendarDay struct {
	SchoolID  int64
	Date      string // YYYY-MM-DD
	Kind      DayKind
	Dismissal string // HH:MM, for early release
	Note      string
}

// Roster is everything an import brings. Rows refer to each other by
// natural keys (school name, staff handle, student code), not ids.
type Roster struct {
	Schools     []School
	Staff       []RosterStaff
	Students    []RosterStudent
	Goals       []RosterGoal
	Assignments []RosterAssignment
	Duties      []RosterDuty
	Calendar    []RosterDay
	Reminders   RosterReminders
	// At is when the import happens, for its audit rows (zero: the
	// machine's clock).
	At time.Time
}

// RosterStaff is a staff row of an import.
type RosterStaff struct {
	School    string
	Handle    string
	Name      string
	Email     string
	Role      Role
	Channel   string
	SlackID   string
	DiscordID string
	Active    bool
	// SlackIDColumn and DiscordIDColumn say that the import's file has
	// that column: then an empty SlackID or DiscordID unlinks the account
	// an earlier import gave (accounts linked by email stay).
	SlackIDColumn, DiscordIDColumn bool
	// Line is the row's line in its file, for the problems ImportRoster
	// reports (0 when the row comes from no file).
	Line int
}

// RosterStudent is a student row of an import.
type RosterStudent struct {
	School    string
	Code      string
	Initials  string
	FirstName string
	LastName  string
	Grade     string
	Active    bool
	Line      int // the row's line in its file (see RosterStaff)
}

// RosterGoal is a goal row of an import.
type RosterGoal struct {
	// School names the student's school; it may be empty when only one
	// school has a student with StudentCode (codes are unique per school).
	School      string
	StudentCode string
	Goal        Goal // ID and StudentID are ignored
	Line        int  // the row's line in its file (see RosterStaff)
}

// RosterAssignment is an assignment row of an import. An inactive
// assignment gives no access: the student leaves the staff member's
// Caseload and the staff member leaves the student's StudentTeam until a
// later import makes it active again.
//
// The student is the one with StudentCode at School, or at the staff
// member's school when School is empty. An active assignment needs staff
// and student at the same school; an inactive one may name a student of
// the school the staff member has left.
type RosterAssignment struct {
	StaffHandle string
	StudentCode string
	School      string
	Kind        AssignmentKind
	Active      bool
}

// RosterDuty is a duty row of an import. An inactive duty (a cancelled
// slot) is kept but no longer listed by Duties.
type RosterDuty struct {
	StaffHandle string
	Duty        Duty // ID, SchoolID and StaffID are ignored
	Active      bool
}

// RosterDay is a calendar row of an import. An inactive day (one entered
// by mistake) is kept but no longer listed by CalendarDays, so the date is
// a regular day again.
type RosterDay struct {
	School string
	Day    CalendarDay // SchoolID is ignored
	Active bool
}

// ImportResult counts what an import created and updated.
type ImportResult struct {
	Created map[string]int // by kind: "staff", "students", "settings", ...
	Updated map[string]int
	// Purged counts the import's rows of students whose records were
	// purged (Purge): they and their goals are left as they are.
	Purged int
}

// The kinds of roster rows an ImportProblem names.
const (
	RowsStaff    = "staff"
	RowsStudents = "students"
	RowsGoals    = "goals"
)

// ImportProblem is a row of an import that the database refuses, given
// what it holds and what the rest of the import does: a handle, email or
// chat account that is someone else's, a purged student made active, a
// role that no longer fits the staff member's assignments.
type ImportProblem struct {
	Rows  string // RowsStaff, RowsStudents, ...
	Line  int    // the row's Line
	Field string // the field at fault, by its roster column's name ("email"); "" for the row
	Msg   string // what is wrong and what to do instead
}

// ImportRefused is every problem ImportRoster found; it imports nothing
// then. errors.Is(err, ErrConflict) holds for it.
type ImportRefused []ImportProblem

// Error lists the problems, one a line.
func (e ImportRefused) Error() string {
	lines := make([]string, len(e))
	for i, p := range e {
		lines[i] = fmt.Sprintf("%s row at line %d: %s: %s", p.Rows, p.Line, p.Field, p.Msg)
	}
	return strings.Join(lines, "\n")
}

// Is makes ImportRefused an ErrConflict.
func (e ImportRefused) Is(target error) bool { return target == ErrConflict }
