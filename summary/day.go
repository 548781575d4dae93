package summary

import (
	"fmt"
	"time"
)

// day is a calendar date in the school's zone, counted in days since
// 1970-01-01, so days compare and subtract as integers.
type day int

// dayOf is the school-zone date of t.
func dayOf(t time.Time, loc *time.Location) day {
	y, m, d := t.In(loc).Date()
	return day(time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400)
}

// parseDay reads a YYYY-MM-DD date; ok is false for an empty or bad one.
func parseDay(s string) (day, bool) {
	t, err := time.Parse("2006-01-02", s)
	if err != nil {
		return 0, false
	}
	return day(t.Unix() / 86400), true
}

// time is the day's midnight in loc.
func (d day) time(loc *time.Location) time.Time {
	y, m, dd := time.Unix(int64(d)*86400, 0).UTC().Date()
	return time.Date(y, m, dd, 0, 0, 0, 0, loc)
}

// String writes the day as YYYY-MM-DD.
func (d day) String() string {
	return time.Unix(int64(d)*86400, 0).UTC().Format("2006-01-02")
}

// weekday is the day's day of the week.
func (d day) weekday() time.Weekday {
	return time.Weekday((int(d) + 4) % 7) // 1970-01-01 was a Thursday
}

// week numbers the Monday-to-Sunday week a day is in.
func (d day) week() int { return (int(d) + 3) / 7 }

// calendar answers which days are school days and when goal data is due.
type calendar struct {
	loc       *time.Location
	schoolDay func(time.Time) bool
}

func (c calendar) isSchoolDay(d day) bool {
	if c.schoolDay == nil {
		wd := d.weekday()
		return wd != time.Saturday && wd != time.Sunday
	}
	return c.schoolDay(d.time(c.loc))
}

// dueDays lists the school days from first to last (both included) on
// which the schedule wants data; a weekly schedule makes every school day
// a candidate and is counted by week.
func (c calendar) dueDays(s Schedule, first, last day) []day {
	var out []day
	for d := first; d <= last; d++ {
		if !c.isSchoolDay(d) {
			continue
		}
		if !s.Weekly && len(s.Weekdays) > 0 && !hasWeekday(s.Weekdays, d.weekday()) {
			continue
		}
		out = append(out, d)
	}
	return out
}

func hasWeekday(ws []time.Weekday, w time.Weekday) bool {
	for _, x := range ws {
		if x == w {
			return true
		}
	}
	return false
}

// periodDays is the period's first and last day; an error when the period
// is empty or backwards.
func periodDays(p Period) (day, day, error) {
	if p.Loc == nil {
		return 0, 0, fmt.Errorf("summary period has no time zone")
	}
	first, last := dayOf(p.From, p.Loc), dayOf(p.To, p.Loc)
	if first > last {
		return 0, 0, fmt.Errorf("summary period starts %s, after its end %s", first, last)
	}
	return first, last, nil
}

// previous is the first day of the period before first..last: as many
// school days, ending the day before first (as many calendar days when the
// period has no school day).
func (c calendar) previous(first, last day) day {
	n := len(c.dueDays(Schedule{}, first, last))
	if n == 0 {
		return first - (last - first + 1)
	}
	d := first
	for seen := 0; seen < n && first-d < 800; {
		d--
		if c.isSchoolDay(d) {
			seen++
		}
	}
	return d
}
