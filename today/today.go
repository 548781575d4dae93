// Package today answers what a staff member's school day holds: whether
// there is school, early release, their duties, and the data still due
// today for their students. The Slack Home tab and the /today command
// show it.
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
	Due          []Due // students with goals that still need data today, in caseload order
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
	loc := school.Location()
	now = now.In(loc)
	d := Day{Date: now.Format("2006-01-02"), Weekday: now.Weekday(), School: now.Weekday() != time.Saturday && now.Weekday() != time.Sunday}
	if !d.School {
		d.Closed = "weekend"
	}
	days, err := store.CalendarDays(ctx, st.SchoolID, d.Date, d.Date)
	if err != nil {
		return d, fmt.Errorf("loading calendar of school %d: %w", st.SchoolID, err)
	}
	for _, c := range days {
		d.Note = c.Note
		switch c.Kind {
		case storage.DayHoliday, storage.DayClosure:
			d.School, d.Closed = false, string(c.Kind)
		case storage.DayEarlyRelease:
			d.EarlyRelease = c.Dismissal
		case storage.DaySchool:
			d.School, d.Closed = true, ""
		}
	}
	if (school.YearStart != "" && d.Date < school.YearStart) || (school.YearEnd != "" && d.Date > school.YearEnd) {
		d.School, d.Closed = false, "outside the school year"
	}
	if !d.School {
		return d, nil
	}
	duties, err := store.Duties(ctx, st.SchoolID)
	if err != nil {
		return d, fmt.Errorf("loading duties of school %d: %w", st.SchoolID, err)
	}
	for _, du := range duties {
		if du.StaffID == st.ID && du.Weekday == d.Weekday {
			if du.Kind == storage.DutyBus && d.EarlyRelease != "" {
				du = moveBusDuty(du, school.Dismissal, d.EarlyRelease)
			}
			d.Duties = append(d.Duties, du)
		}
	}
	midnight := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, loc)
	for _, s := range caseload {
		goals, err := store.Goals(ctx, s.ID)
		if err != nil {
			return d, fmt.Errorf("loading goals of student %d: %w", s.ID, err)
		}
		sessions, err := store.Sessions(ctx, storage.Filter{StudentID: s.ID, From: midnight, To: midnight.AddDate(0, 0, 1)})
		if err != nil {
			return d, fmt.Errorf("loading sessions of student %d: %w", s.ID, err)
		}
		logged := map[int64]int{}
		for _, se := range sessions {
			logged[se.GoalID] += Logged(se)
		}
		var missing []GoalDue
		for _, g := range goals {
			if logged[g.ID] < Needed(g) && g.StartDate <= d.Date && (g.EndDate == "" || d.Date <= g.EndDate) {
				missing = append(missing, GoalDue{Goal: g, Trials: logged[g.ID], Needed: Needed(g)})
			}
		}
		if len(missing) > 0 {
			d.Due = append(d.Due, Due{Student: s, Goals: missing})
		}
	}
	return d, nil
}

// moveBusDuty moves a bus duty on an early-release day by as much as
// dismissal moves: a 15:10 duty with a 15:10 dismissal becomes 12:30 when
// the school lets out at 12:30.
func moveBusDuty(du storage.Duty, regular, early string) storage.Duty {
	r, err1 := time.Parse("15:04", regular)
	e, err2 := time.Parse("15:04", early)
	start, err3 := time.Parse("15:04", du.Start)
	end, err4 := time.Parse("15:04", du.End)
	if err1 != nil || err2 != nil || err3 != nil || err4 != nil {
		return du
	}
	shift := e.Sub(r)
	du.Start, du.End = start.Add(shift).Format("15:04"), end.Add(shift).Format("15:04")
	return du
}
