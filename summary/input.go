// Package summary turns logged records into what teachers read: goal
// statistics and mastery in IEP progress wording, incident and transition
// patterns, progress charts, the IEP progress report PDF, an optional
// de-identified LLM narrative, and the daily and weekly summary replies.
//
// It reads nothing itself: the caller passes a Student's goals, sessions,
// incidents and transitions (see Input), so it can be fed by any store and
// tested with hand-made data. Inactive (undone) records are skipped here
// too, whatever the caller passes.
package summary

import (
	"time"

	"parabot/storage"
)

// Type is how a goal is measured; it decides a session's values, its
// statistics and its chart's axis.
type Type string

// The measurement types of an IEP goal.
const (
	TypeTrials       Type = "trials"        // outcome and prompt level of each trial
	TypeFrequency    Type = "frequency"     // a count in a session, with the span observed
	TypeDuration     Type = "duration"      // how long the behavior lasted
	TypeLatency      Type = "latency"       // time to start after a direction
	TypeTaskAnalysis Type = "task_analysis" // each step of a routine with its prompt level
	TypeRating       Type = "rating"        // a rubric score, 1 to N
)

// Valid reports whether t is a known type.
func (t Type) Valid() bool {
	switch t {
	case TypeTrials, TypeFrequency, TypeDuration, TypeLatency, TypeTaskAnalysis, TypeRating:
		return true
	}
	return false
}

// Schedule says on which school days a goal's data is due: every school
// day (the zero value), some weekdays, or once a school week.
type Schedule struct {
	Weekdays []time.Weekday // empty: every school day
	Weekly   bool           // one session a week, on any school day
}

// Phase marks a change in how a goal is taught or judged (a new target
// prompt level, a new criterion), drawn as a line on the chart.
type Phase struct {
	Start time.Time
	// Label is written on the chart, which may be posted to a channel:
	// a short phrase like "criterion 90%", never a name.
	Label string
}

// DayPeriod is the one school day of now, for the daily summary.
func DayPeriod(now time.Time, loc *time.Location) Period {
	return Period{From: now, To: now, Loc: loc}
}

// WeekPeriod is Monday to Friday of now's week, for the weekly summary.
func WeekPeriod(now time.Time, loc *time.Location) Period {
	d := dayOf(now, loc)
	monday := d - day((int(d.weekday())+6)%7)
	return Period{From: monday.time(loc), To: (monday + 4).time(loc), Loc: loc}
}

// MonthPeriod is the calendar month of now.
func MonthPeriod(now time.Time, loc *time.Location) Period {
	t := now.In(loc)
	first := time.Date(t.Year(), t.Month(), 1, 0, 0, 0, 0, loc)
	return Period{From: first, To: first.AddDate(0, 1, -1), Loc: loc}
}

// Goal is one IEP goal as summaries judge it: storage's goal plus its
// measurement type and the numbers the aim line needs.
//
// Mastery (storage.Goal's MasteryPercent, MasterySessions,
// MasteryMinTrials) is judged on the type's session value: percent
// correct for trials, percent of steps independent for task analysis
// (both against MasteryPercent, with at least MasteryMinTrials trials or
// steps on the day), and Target for the other types.
type Goal struct {
	storage.Goal
	Type  Type
	Title string // short title; channels never show it (it may hold a name)
	// Target is the criterion value for frequency (count a session, or a
	// rate per hour when RatePerHour), duration (minutes), latency
	// (seconds) and rating. Trials and task analysis use MasteryPercent.
	Target float64
	// Decrease is set when less is better: a latency, or the frequency of
	// a behavior to reduce. Latency goals always decrease.
	Decrease bool
	// RatePerHour judges a frequency goal by its rate per hour (count /
	// observed span) instead of its count a session.
	RatePerHour bool
	// BaselineValue is the baseline in the type's unit, where the aim line
	// starts; without it the aim line starts at the first session.
	BaselineValue float64
	HasBaseline   bool
	Steps         []string // task analysis: the routine's steps, in order
	ScaleMax      int      // rating: N of the 1..N rubric
	Schedule      Schedule
	Phases        []Phase
}

// decreasing reports whether a lower value is progress.
func (g Goal) decreasing() bool { return g.Decrease || g.Type == TypeLatency }

// target is the criterion in the type's unit.
func (g Goal) target() float64 {
	switch g.Type {
	case TypeTrials, TypeTaskAnalysis, "":
		return float64(g.MasteryPercent)
	}
	return g.Target
}

// Session is the data of one goal logged together: the values exactly as
// logged, by type. It is shaped to be filled from one stored session row.
type Session struct {
	ID      int64
	GoalID  int64
	StaffID int64
	At      time.Time
	// Type is the goal's type when the session was logged; a session of
	// another type than its goal's is left out, and empty means the goal's.
	Type Type
	// Trials: each trial's outcome and prompt level, in the order run.
	Trials []storage.TrialResult
	// Frequency: the count, and the span observed (zero when not timed).
	Count int
	Span  time.Duration
	// Duration and Latency: the time measured.
	Duration time.Duration
	Latency  time.Duration
	// Task analysis: the prompt level of each step, in step order.
	Steps []storage.Prompt
	// Rating: the rubric score, 1..N.
	Rating int
	Active bool
}

// StaffMember is who recorded data: the name is shown in private views and
// reports, the role replaces it in anything sent to an LLM.
type StaffMember struct {
	Name string
	Role storage.Role
}

// Period is the range a summary covers: the school days from From to To,
// both included, in Loc.
type Period struct {
	From time.Time // any time on the first day
	To   time.Time // any time on the last day
	Loc  *time.Location
}

// Input is everything one student's summary is computed from. Sessions,
// incidents and transitions may reach back before the period: earlier
// ones give the previous period's prompt mix and incident rate, and the
// mastery history.
type Input struct {
	Student     storage.Student
	Goals       []Goal
	Sessions    []Session // of any of Goals, in any order
	Incidents   []storage.Incident
	Transitions []storage.Transition
	Notes       []storage.Note
	Staff       map[int64]StaffMember // by staff id
	Period      Period
	// SchoolDay reports whether a day (midnight in Period.Loc) is a school
	// day; nil means Monday to Friday.
	SchoolDay func(day time.Time) bool
	Options   Options
}

// Options tunes the flags and the judgement of progress; zero values take
// the defaults.
type Options struct {
	StallSessions int // a goal with no gain over this many session days is stalled (default 5)
	NoDataDays    int // a goal with no data for this many due school days is flagged (default 3)
	MinPoints     int // fewer session days than this is "not enough data" (default 3)
}

func (o Options) withDefaults() Options {
	if o.StallSessions <= 0 {
		o.StallSessions = 5
	}
	if o.NoDataDays <= 0 {
		o.NoDataDays = 3
	}
	if o.MinPoints <= 0 {
		o.MinPoints = 3
	}
	return o
}
