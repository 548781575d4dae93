package today

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"parabot/schoolday"
	"parabot/storage"
)

// Facts are what one school day holds for the whole school: the calendar,
// the reminder settings, the staff, the duty roster of the day (bus duty
// moved on an early release) and the absences. Reminders are planned
// from them, and checked against them again when they fire.
type Facts struct {
	School   storage.School
	Loc      *time.Location
	Day      schoolday.Day
	Settings schoolday.Settings
	Staff    map[int64]storage.Staff // active staff by id
	Duties   []storage.Duty          // the day's duties, by start
	Absences []storage.Absence       // absences that include the day
	// Special holds the calendar's special days of the day's week.
	Special []storage.CalendarDay
}

// LoadFacts reads the facts of date (YYYY-MM-DD) at school.
func LoadFacts(ctx context.Context, store storage.Store, school storage.School, date string) (Facts, error) {
	f := Facts{School: school, Loc: school.Location(), Staff: map[int64]storage.Staff{}}
	week := schoolday.WeekStart(date)
	special, err := store.CalendarDays(ctx, school.ID, week, schoolday.AddDays(week, 6))
	if err != nil {
		return f, fmt.Errorf("loading calendar of school %d: %w", school.ID, err)
	}
	f.Special = special
	if f.Day, err = schoolday.Classify(school, date, special); err != nil {
		return f, err
	}
	kv, err := store.SchoolSettings(ctx, school.ID)
	if err != nil {
		return f, fmt.Errorf("loading settings of school %d: %w", school.ID, err)
	}
	f.Settings = schoolday.ReadSettings(kv)
	staff, err := store.ListStaff(ctx, school.ID)
	if err != nil {
		return f, fmt.Errorf("loading staff of school %d: %w", school.ID, err)
	}
	for _, st := range staff {
		f.Staff[st.ID] = st
	}
	duties, err := store.Duties(ctx, school.ID)
	if err != nil {
		return f, fmt.Errorf("loading duties of school %d: %w", school.ID, err)
	}
	for _, du := range duties {
		if du.Weekday == f.Day.Weekday {
			f.Duties = append(f.Duties, schoolday.MoveBusDuty(du, f.Day, school.Dismissal))
		}
	}
	slices.SortStableFunc(f.Duties, func(a, b storage.Duty) int { return strings.Compare(a.Start, b.Start) })
	if f.Absences, err = store.Absences(ctx, school.ID, date, date); err != nil {
		return f, fmt.Errorf("loading absences of school %d: %w", school.ID, err)
	}
	return f, nil
}

// StaffAbsence returns the absence of a staff member on the day.
func (f Facts) StaffAbsence(staffID int64) (storage.Absence, bool) {
	for _, a := range f.Absences {
		if a.StaffID == staffID && a.Covers(f.Day.Date) {
			return a, true
		}
	}
	return storage.Absence{}, false
}

// StudentAbsent reports whether a student is marked absent on the day.
func (f Facts) StudentAbsent(studentID int64) bool {
	for _, a := range f.Absences {
		if a.StudentID == studentID && a.Covers(f.Day.Date) {
			return true
		}
	}
	return false
}

// Working reports whether a staff member is active and not absent.
func (f Facts) Working(staffID int64) bool {
	if _, ok := f.Staff[staffID]; !ok {
		return false
	}
	_, absent := f.StaffAbsence(staffID)
	return !absent
}

// OnDuty is who does a duty on the day: its staff member, or their cover
// when they are absent; 0 when the duty is uncovered.
func (f Facts) OnDuty(du storage.Duty) (staffID int64, covering bool) {
	if f.Working(du.StaffID) {
		return du.StaffID, false
	}
	if a, absent := f.StaffAbsence(du.StaffID); absent && a.CoverID != 0 && f.Working(a.CoverID) {
		return a.CoverID, true
	}
	return 0, false
}

// At is the instant of a wall time (HH:MM) on the day.
func (f Facts) At(clock string) time.Time {
	t, err := schoolday.At(f.Day.Date, clock, f.Loc)
	if err != nil {
		return time.Time{}
	}
	return t
}

// EndOfDay is the first instant of the next day.
func (f Facts) EndOfDay() time.Time {
	t, _ := time.ParseInLocation(schoolday.DateLayout, schoolday.AddDays(f.Day.Date, 1), f.Loc)
	return t
}

// Missing lists the students of students whose data is due on the day
// (absent students owe none), with each goal that does not have yet the
// trials it needs (Needed) that day, or that week for a weekly goal.
func (f Facts) Missing(ctx context.Context, store storage.Store, students []storage.Student) ([]Due, error) {
	if !f.Day.School {
		return nil, nil
	}
	schedules, err := store.GoalSchedules(ctx, f.School.ID)
	if err != nil {
		return nil, fmt.Errorf("loading goal schedules: %w", err)
	}
	dayStart, _ := time.ParseInLocation(schoolday.DateLayout, f.Day.Date, f.Loc)
	weekStart, _ := time.ParseInLocation(schoolday.DateLayout, schoolday.WeekStart(f.Day.Date), f.Loc)
	lastOfWeek := schoolday.LastSchoolDayOfWeek(f.School, f.Day.Date, f.Special)
	var out []Due
	for _, s := range students {
		if f.StudentAbsent(s.ID) {
			continue
		}
		goals, err := store.Goals(ctx, s.ID)
		if err != nil {
			return nil, fmt.Errorf("loading goals of student %d: %w", s.ID, err)
		}
		sessions, err := store.Sessions(ctx, storage.Filter{StudentID: s.ID, From: weekStart, To: f.EndOfDay()})
		if err != nil {
			return nil, fmt.Errorf("loading sessions of student %d: %w", s.ID, err)
		}
		today, week := map[int64]int{}, map[int64]int{}
		for _, se := range sessions {
			week[se.GoalID] += Logged(se)
			if !se.At.Before(dayStart) {
				today[se.GoalID] += Logged(se)
			}
		}
		var missing []GoalDue
		for _, g := range goals {
			if g.StartDate > f.Day.Date || (g.EndDate != "" && f.Day.Date > g.EndDate) {
				continue
			}
			gs, err := schoolday.ParseGoalSchedule(schedules[g.ID])
			if err != nil || !gs.DueOn(f.Day, lastOfWeek) {
				continue
			}
			// A goal is due until it has what its type needs (Needed):
			// in the day, or in the week for a weekly goal.
			logged := today[g.ID]
			if gs.Weekly {
				logged = week[g.ID]
			}
			if logged >= Needed(g) {
				continue
			}
			missing = append(missing, GoalDue{Goal: g, Trials: logged, Needed: Needed(g)})
		}
		if len(missing) > 0 {
			out = append(out, Due{Student: s, Goals: missing})
		}
	}
	return out, nil
}
