// Package today answers what a school day holds: for the whole school
// (Facts: calendar, settings, duties, absences, the data still due), and
// for one staff member (Day: their duties, covers and missing data). The
// reminders are planned from Facts; the Slack Home tab and /today show a
// Day.
package today

import (
	"context"
	"fmt"
	"strings"
	"time"

	"parabot/bot"
	"parabot/storage"
)

// Day is one staff member's school day.
type Day struct {
	Date         string // YYYY-MM-DD, school time
	Weekday      time.Weekday
	School       bool   // false on weekends, holidays and closures
	Closed       string // why there is no school, when School is false
	EarlyRelease string // dismissal time on an early-release day, else ""
	Note         string // the calendar's note for the day
	Duties       []storage.Duty
	// Covering names, by duty id, the absent staff member whose duty the
	// caller covers.
	Covering map[int64]string
	// Absent is the caller's own absence that includes the day, if any.
	Absent *storage.Absence
	// Absences lists the absences that touch the caller: students of
	// their caseload away, staff they cover for, their own.
	Absences []string
	Due      []Due // students with goals that still need data today, in caseload order
	// Upcoming lists the reminders still to come today for the caller
	// ("14:15 data reminder"); the caller of Plan fills it in.
	Upcoming []string
	Facts    Facts
}

// Due is a student with goals that still need data today.
type Due struct {
	Student storage.Student
	Goals   []GoalDue
}

// GoalDue is a goal's progress today against what it needs: it is due
// until Trials reaches Needed.
type GoalDue struct {
	Goal storage.Goal
	// Trials counts what was logged today in the goal type's unit (see
	// Logged): trials, latencies, or sessions of the other types.
	Trials int
	Needed int // see Needed
}

// Needed is how much a goal needs in a day: trials and latency goals the
// minimum of their mastery criterion (mastery_min_trials, or 1 when
// unset); every other type one session (a count, a duration, a run of
// the routine, a rating).
func Needed(g storage.Goal) int {
	switch g.Measure() {
	case storage.MeasureTrials, storage.MeasureLatency:
		return max(1, g.MasteryMinTrials)
	}
	return 1
}

// Logged is how much a session counts towards Needed: its trials or
// latencies, or 1 for a session of another type.
func Logged(s storage.Session) int {
	switch s.Type {
	case storage.MeasureTrials, storage.MeasureLatency:
		return s.Trials
	}
	return 1
}

// unit names what a goal's Needed counts: "trials", "latencies", "counts".
func unit(m storage.Measure, n int) string {
	one, many := "trial", "trials"
	switch m {
	case storage.MeasureFrequency:
		one, many = "count", "counts"
	case storage.MeasureDuration:
		one, many = "duration", "durations"
	case storage.MeasureLatency:
		one, many = "latency", "latencies"
	case storage.MeasureTaskAnalysis:
		one, many = "run of the steps", "runs of the steps"
	case storage.MeasureRating:
		one, many = "rating", "ratings"
	}
	if n == 1 {
		return one
	}
	return many
}

// DueLine is one student's line of the checklist, for the staff member's
// own eyes (it names the student): "Aiden B. (S103) — G1 add and subtract
// two-digit numbers: 1 of 10 trials; G3 write his first and last name: 0
// of 3 trials". Each goal's title is cut to titleLen characters.
func DueLine(due Due, titleLen int) string {
	parts := make([]string, len(due.Goals))
	for i, g := range due.Goals {
		parts[i] = fmt.Sprintf("%s: %d of %d %s", clip(bot.GoalLine(g.Goal), titleLen), g.Trials, g.Needed, unit(g.Goal.Measure(), g.Needed))
	}
	return bot.Named(due.Student) + " — " + strings.Join(parts, "; ")
}

// clip shortens s to at most n characters, marking the cut.
func clip(s string, n int) string {
	r := []rune(s)
	if n <= 0 || len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// Plan builds the day of staff member st at now, for their caseload.
func Plan(ctx context.Context, store storage.Store, st storage.Staff, caseload []storage.Student, school storage.School, now time.Time) (Day, error) {
	f, err := LoadFacts(ctx, store, school, now.In(school.Location()).Format("2006-01-02"))
	if err != nil {
		return Day{}, err
	}
	d := Day{Date: f.Day.Date, Weekday: f.Day.Weekday, School: f.Day.School, Closed: f.Day.Closed,
		EarlyRelease: f.Day.EarlyRelease, Note: f.Day.Note, Covering: map[int64]string{}, Facts: f}
	if !d.School {
		return d, nil
	}
	if a, ok := f.StaffAbsence(st.ID); ok {
		d.Absent = &a
		if a.CoverID != 0 {
			d.Absences = append(d.Absences, "You are marked absent; "+f.Staff[a.CoverID].Name+" covers your duties.")
		} else {
			d.Absences = append(d.Absences, "You are marked absent (no cover).")
		}
		return d, nil
	}
	for _, du := range f.Duties {
		who, covering := f.OnDuty(du)
		if who != st.ID {
			continue
		}
		d.Duties = append(d.Duties, du)
		if covering {
			d.Covering[du.ID] = f.Staff[du.StaffID].Name
		}
	}
	for _, a := range f.Absences {
		if a.CoverID == st.ID && a.StaffID != 0 {
			d.Absences = append(d.Absences, "You cover for "+f.Staff[a.StaffID].Name+" (absent "+a.From+" to "+a.To+").")
		}
		for _, s := range caseload {
			if a.StudentID == s.ID {
				d.Absences = append(d.Absences, bot.Named(s)+" is absent today.")
			}
		}
	}
	d.Due, err = f.Missing(ctx, store, caseload)
	return d, err
}
