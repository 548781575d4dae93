package storage

import (
	"context"
	"time"
)

// Reminders is what the reminder machinery keeps beside the roster: a
// school's reminder settings and schedules, students' ways home, goals'
// data schedules, absences and covers, answers to duty reminders, and the
// one-time send of each reminder occurrence.
type Reminders interface {
	// SchoolSettings returns a school's reminder settings by name
	// (schools.csv's data_due, data_reminder, duty_lead, <kind>_lead, and
	// "schedule:<kind>" for schedules.csv); a missing name is unset.
	SchoolSettings(ctx context.Context, schoolID int64) (map[string]string, error)
	// Dismissals returns the way home (bus 12, pickup, walker, after-care)
	// of the school's students that have one, by student id.
	Dismissals(ctx context.Context, schoolID int64) (map[int64]string, error)
	// GoalSchedules returns the data schedule (daily, weekly, mon,wed) of
	// the school's goals that have one, by goal id.
	GoalSchedules(ctx context.Context, schoolID int64) (map[int64]string, error)

	// AddAbsence stores an absence with an audit row. It returns
	// ErrConflict when the same person is already absent on a day of it.
	AddAbsence(ctx context.Context, a Absence) (Absence, error)
	// Absences lists the school's absences that touch [from, to]
	// (YYYY-MM-DD, inclusive), oldest first.
	Absences(ctx context.Context, schoolID int64, from, to string) ([]Absence, error)
	// CancelAbsence takes absence id back from day on (YYYY-MM-DD), with
	// an audit row by staff member by: an absence that began before day
	// ends the day before it (the days already past stay on record); one
	// that begins on or after day is deleted. It returns what is left of
	// the absence (zero when deleted), and ErrNotFound when the absence
	// is gone or ended before day.
	CancelAbsence(ctx context.Context, id int64, day string, by int64, at time.Time) (Absence, error)

	// AnswerDuty records a staff member's answer to a duty reminder (the
	// last answer for the duty and day counts).
	AnswerDuty(ctx context.Context, a DutyAnswer) error
	// DutyAnswers lists the answers given for the school's duties on day.
	DutyAnswers(ctx context.Context, schoolID int64, day string) ([]DutyAnswer, error)

	// EnqueueOnce claims key and inserts jobs in one transaction: it
	// returns false, and inserts nothing, when key was claimed before.
	EnqueueOnce(ctx context.Context, key string, at time.Time, jobs []Job) (bool, error)
}

// Absence is a staff member away for a day or a range (with an optional
// cover), or a student away for a day. Exactly one of StaffID and
// StudentID is set.
type Absence struct {
	ID        int64
	SchoolID  int64
	StaffID   int64
	StudentID int64
	From, To  string // YYYY-MM-DD, inclusive
	CoverID   int64  // the staff member who takes the duties, or 0
	ByStaffID int64  // who marked it
	CreatedAt time.Time
}

// Covers reports whether the absence includes day.
func (a Absence) Covers(day string) bool { return a.From <= day && day <= a.To }

// The answers to a duty reminder.
const (
	AnswerOnMyWay  = "on_my_way"
	AnswerCantMake = "cant_make_it"
)

// DutyAnswer is a staff member's answer to a duty reminder.
type DutyAnswer struct {
	DutyID  int64
	Day     string // YYYY-MM-DD
	StaffID int64
	Answer  string // AnswerOnMyWay or AnswerCantMake
	At      time.Time
}

// RosterReminders is what an import brings for reminders: settings of
// schools, students' ways home and goals' data schedules. Rows name
// schools, students and goals by their natural keys.
type RosterReminders struct {
	Settings      []RosterSetting
	Dismissals    []RosterDismissal
	GoalSchedules []RosterGoalSchedule
}

// RosterSetting is one reminder setting of a school. An empty Value
// removes the setting.
type RosterSetting struct {
	School string
	Name   string
	Value  string
}

// RosterDismissal is a student's way home; an empty Dismissal removes it.
type RosterDismissal struct {
	School      string
	StudentCode string
	Dismissal   string
}

// RosterGoalSchedule is a goal's data schedule; empty means daily.
type RosterGoalSchedule struct {
	School      string
	StudentCode string
	GoalCode    string
	Schedule    string
}
