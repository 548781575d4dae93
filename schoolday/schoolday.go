// Package schoolday answers the timing questions every reminder asks:
// is a date a school day (weekends, holidays, closures, early release,
// the school year), what instant a school-local wall time is on a date
// (with parabot's daylight-saving rule), where bus duty and the data
// deadline move on an early release, and which wall times a cron spec
// names on a date. It reads nothing itself: callers pass the school and
// its calendar.
package schoolday

import (
	"fmt"
	"strconv"
	"strings"
	"time"

	"parabot/storage"
)

// DateLayout is how dates are written everywhere: YYYY-MM-DD.
const DateLayout = "2006-01-02"

// Day is what one date is at a school.
type Day struct {
	Date         string // YYYY-MM-DD
	Weekday      time.Weekday
	School       bool   // false on weekends, holidays, closures and outside the year
	Closed       string // why there is no school, when School is false
	EarlyRelease string // HH:MM dismissal on an early-release day, else ""
	Dismissal    string // HH:MM dismissal of the day (early or regular)
	Note         string // the calendar's note for the day
}

// Classify says what date is at school, given the school's special days
// (any list; those of other dates are ignored).
func Classify(school storage.School, date string, special []storage.CalendarDay) (Day, error) {
	t, err := time.Parse(DateLayout, date)
	if err != nil {
		return Day{}, fmt.Errorf("date %q: %w", date, err)
	}
	d := Day{Date: date, Weekday: t.Weekday(), School: t.Weekday() != time.Saturday && t.Weekday() != time.Sunday, Dismissal: school.Dismissal}
	if !d.School {
		d.Closed = "weekend"
	}
	for _, c := range special {
		if c.Date != date {
			continue
		}
		d.Note = c.Note
		switch c.Kind {
		case storage.DayHoliday, storage.DayClosure:
			d.School, d.Closed = false, string(c.Kind)
		case storage.DayEarlyRelease:
			d.EarlyRelease, d.Dismissal = c.Dismissal, c.Dismissal
		case storage.DaySchool:
			d.School, d.Closed = true, ""
		}
	}
	if (school.YearStart != "" && date < school.YearStart) || (school.YearEnd != "" && date > school.YearEnd) {
		d.School, d.Closed = false, "outside the school year"
	}
	return d, nil
}

// At is the instant a school-local wall time (HH:MM) happens on date.
// The daylight-saving rule: a wall time the clock skips (02:30 on the
// spring-forward night) is the first instant after the jump (03:00); a
// wall time the clock shows twice (01:30 on the fall-back night) is its
// first occurrence only.
func At(date, clock string, loc *time.Location) (time.Time, error) {
	d, err := time.Parse(DateLayout, date)
	if err != nil {
		return time.Time{}, fmt.Errorf("date %q: %w", date, err)
	}
	mins, err := Minutes(clock)
	if err != nil {
		return time.Time{}, err
	}
	return wall(d.Year(), d.Month(), d.Day(), mins/60, mins%60, loc), nil
}

// wall applies the daylight-saving rule of At.
func wall(y int, m time.Month, day, h, min int, loc *time.Location) time.Time {
	want := time.Date(y, m, day, h, min, 0, 0, time.UTC) // the wall time, as if UTC
	t := time.Date(y, m, day, h, min, 0, 0, loc)
	// Every instant showing this wall time is want minus one of the
	// offsets in force around t; the earliest that really shows it wins.
	var best time.Time
	for _, probe := range []time.Time{t.Add(-3 * time.Hour), t, t.Add(3 * time.Hour)} {
		_, off := probe.Zone()
		c := want.Add(-time.Duration(off) * time.Second)
		if sameWall(c.In(loc), want) && (best.IsZero() || c.Before(best)) {
			best = c
		}
	}
	if !best.IsZero() {
		return best.In(loc)
	}
	// A skipped wall time: the jump is the boundary of t's zone period
	// nearest the wall time; the first instant after it is that boundary.
	start, end := t.ZoneBounds()
	if wallBefore(t.In(loc), want) {
		return end.In(loc)
	}
	return start.In(loc)
}

func sameWall(t, want time.Time) bool {
	return t.Year() == want.Year() && t.YearDay() == want.YearDay() && t.Hour() == want.Hour() && t.Minute() == want.Minute()
}

func wallBefore(t, want time.Time) bool {
	w := time.Date(t.Year(), t.Month(), t.Day(), t.Hour(), t.Minute(), 0, 0, time.UTC)
	return w.Before(want)
}

// Minutes reads HH:MM as minutes after midnight.
func Minutes(clock string) (int, error) {
	h, m, ok := strings.Cut(clock, ":")
	hh, err1 := strconv.Atoi(h)
	mm, err2 := strconv.Atoi(m)
	if !ok || err1 != nil || err2 != nil || hh < 0 || hh > 23 || mm < 0 || mm > 59 || len(m) != 2 {
		return 0, fmt.Errorf("%q is not a time; write HH:MM, e.g. 14:45", clock)
	}
	return hh*60 + mm, nil
}

// Clock writes minutes after midnight as HH:MM.
func Clock(mins int) string { return fmt.Sprintf("%02d:%02d", mins/60, mins%60) }

// MoveBusDuty moves a bus duty on an early-release day by as much as
// dismissal moves: a 15:10 duty with a 15:10 dismissal becomes 12:30 when
// the school lets out at 12:30. Other duties, and regular days, are
// returned as they are.
func MoveBusDuty(du storage.Duty, day Day, regular string) storage.Duty {
	if du.Kind != storage.DutyBus {
		return du
	}
	shift, ok := dismissalShift(day, regular)
	start, err1 := Minutes(du.Start)
	end, err2 := Minutes(du.End)
	if !ok || err1 != nil || err2 != nil || start+shift < 0 {
		return du
	}
	du.Start, du.End = Clock(start+shift), Clock(end+shift)
	return du
}

// MoveWithDismissal moves a wall time (HH:MM) on an early-release day by
// as much as dismissal moves, so it keeps its offset before dismissal: a
// 14:45 data-entry deadline with a 15:10 dismissal becomes 12:05 when the
// school lets out at 12:30. On a regular day, or when the time would move
// before midnight, it is returned as it is.
func MoveWithDismissal(clock string, day Day, regular string) string {
	shift, ok := dismissalShift(day, regular)
	mins, err := Minutes(clock)
	if !ok || err != nil || mins+shift < 0 {
		return clock
	}
	return Clock(mins + shift)
}

// dismissalShift is how many minutes dismissal moves on day from the
// regular dismissal (negative on an early release); false on a regular day.
func dismissalShift(day Day, regular string) (int, bool) {
	if day.EarlyRelease == "" {
		return 0, false
	}
	r, err1 := Minutes(regular)
	e, err2 := Minutes(day.EarlyRelease)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	return e - r, true
}

// AddDays returns date plus n days.
func AddDays(date string, n int) string {
	t, err := time.Parse(DateLayout, date)
	if err != nil {
		return date
	}
	return t.AddDate(0, 0, n).Format(DateLayout)
}

// Today is the school-local date of now.
func Today(now time.Time, loc *time.Location) string { return now.In(loc).Format(DateLayout) }
