// Package today answers what a staff member's school day holds: whether
// there is school, early release, their duties, and the data still due
// today for their students. The Slack Home tab and the /today command
// show it.
package today

import (
	"context"
	"fmt"
	"time"

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
	Due          []Due // students with goals that have no trials yet today
}

// Due is a student with goals that have no trials logged today.
type Due struct {
	Student storage.Student
	Goals   []storage.Goal
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
		trials, err := store.Trials(ctx, storage.Filter{StudentID: s.ID, From: midnight, To: midnight.AddDate(0, 0, 1)})
		if err != nil {
			return d, fmt.Errorf("loading trials of student %d: %w", s.ID, err)
		}
		logged := map[int64]bool{}
		for _, t := range trials {
			logged[t.GoalID] = true
		}
		var missing []storage.Goal
		for _, g := range goals {
			if !logged[g.ID] && g.StartDate <= d.Date && (g.EndDate == "" || d.Date <= g.EndDate) {
				missing = append(missing, g)
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
