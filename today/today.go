// Package today answers what a school day holds: for the whole school
// (Facts: calendar, settings, duties, absences, the data still due), and
// for one staff member (Day: their duties, covers and missing data). The
// reminders are planned from Facts; the Slack Home tab and /today show a
// Day.
package today

import (
	"context"
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
	// Covering names, by duty id, the absent staff member whose duty the
	// caller covers.
	Covering map[int64]string
	// Absent is the caller's own absence that includes the day, if any.
	Absent *storage.Absence
	// Absences lists the absences that touch the caller: students of
	// their caseload away, staff they cover for, their own.
	Absences []string
	Due      []Due // students with goals that have no trials yet today
	// Upcoming lists the reminders still to come today for the caller
	// ("14:15 data reminder"); the caller of Plan fills it in.
	Upcoming []string
	Facts    Facts
}

// Due is a student with goals that have no trials logged today.
type Due struct {
	Student storage.Student
	Goals   []storage.Goal
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
				d.Absences = append(d.Absences, s.Label()+" is absent today.")
			}
		}
	}
	d.Due, err = f.Missing(ctx, store, caseload)
	return d, err
}
