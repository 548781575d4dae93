package schoolday

import (
	"fmt"
	"strings"
	"time"

	"parabot/storage"
)

// GoalSchedule says on which school days a goal's data is due: every day
// (the default), some weekdays, or once a week.
type GoalSchedule struct {
	Weekly bool
	Days   map[time.Weekday]bool // nil means every school day
}

var weekdays = map[string]time.Weekday{
	"sun": time.Sunday, "mon": time.Monday, "tue": time.Tuesday, "wed": time.Wednesday,
	"thu": time.Thursday, "fri": time.Friday, "sat": time.Saturday,
}

// ParseGoalSchedule reads goals.csv's schedule column: "daily" or empty,
// "weekly", or weekdays such as "mon,wed,fri" (full names too).
func ParseGoalSchedule(v string) (GoalSchedule, error) {
	v = strings.ToLower(strings.TrimSpace(v))
	switch v {
	case "", "daily":
		return GoalSchedule{}, nil
	case "weekly":
		return GoalSchedule{Weekly: true}, nil
	}
	gs := GoalSchedule{Days: map[time.Weekday]bool{}}
	for _, w := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == ' ' || r == ';' }) {
		key := w
		if len(key) > 3 {
			key = key[:3]
		}
		d, ok := weekdays[key]
		if !ok || (len(w) > 3 && !strings.EqualFold(w, d.String())) {
			return GoalSchedule{}, fmt.Errorf("%q is not a weekday; write daily, weekly, or weekdays like mon,wed,fri", w)
		}
		gs.Days[d] = true
	}
	if len(gs.Days) == 0 {
		return GoalSchedule{}, fmt.Errorf("%q names no weekday; write daily, weekly, or weekdays like mon,wed,fri", v)
	}
	return gs, nil
}

// DueOn reports whether the goal's data is due on day, a school day.
// A weekly goal is due on the last school day of its week (lastOfWeek),
// unless it was logged earlier that week (the caller checks).
func (g GoalSchedule) DueOn(day Day, lastOfWeek string) bool {
	switch {
	case g.Weekly:
		return day.Date == lastOfWeek
	case g.Days != nil:
		return g.Days[day.Weekday]
	}
	return true
}

// WeekStart is the Monday of date's week.
func WeekStart(date string) string {
	t, err := time.Parse(DateLayout, date)
	if err != nil {
		return date
	}
	back := (int(t.Weekday()) + 6) % 7
	return t.AddDate(0, 0, -back).Format(DateLayout)
}

// LastSchoolDayOfWeek is the last school day of date's week (Monday to
// Sunday), given the school's special days of that week; "" when the
// week has none.
func LastSchoolDayOfWeek(school storage.School, date string, special []storage.CalendarDay) string {
	start := WeekStart(date)
	last := ""
	for i := 0; i < 7; i++ {
		d, err := Classify(school, AddDays(start, i), special)
		if err == nil && d.School {
			last = d.Date
		}
	}
	return last
}
