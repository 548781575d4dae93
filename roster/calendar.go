package roster

import (
	"strings"
	"time"

	"parabot/storage"
)

// calendarSpec describes calendar.csv: one row a day (or, for a break, a
// run of days) that is not a regular school day; with active "no" the
// day is a regular one again.
func calendarSpec() fileSpec {
	return fileSpec{name: CalendarFile, columns: []column{
		{name: "school", required: true, max: 100},
		{name: "date", required: true, max: 40},
		{name: "end_date", max: 40},
		{name: "kind", required: true, max: 40},
		{name: "dismissal", max: 40},
		{name: "note", max: 200},
		{name: "active", max: 40},
	}}
}

// maxBreak is the longest run of days one calendar row may cover.
const maxBreak = 60 * 24 * time.Hour

func (p *parser) parseCalendar(rows []row) {
	seen := map[string]int{}
	for _, r := range rows {
		school := r.school("school")
		d := storage.CalendarDay{Kind: r.dayKind("kind"), Note: r.get("note")}
		active := r.active()
		d.Dismissal = r.calendarDismissal(d.Kind, school)
		days := r.calendarDates(d.Kind, school)
		name := ""
		if school != nil {
			name = school.name
		}
		for _, day := range days {
			d.Date = day.Format(dateLayout)
			if school != nil {
				k := key(fold(school.name), d.Date)
				if prev, dup := seen[k]; dup {
					r.problem("date", "%s is already on line %d", d.Date, prev)
				} else {
					seen[k] = r.line
				}
			}
			p.out.Calendar = append(p.out.Calendar, storage.RosterDay{School: name, Day: d, Active: active})
		}
	}
}

// calendarDismissal checks the dismissal column against the kind of day:
// an early release needs one, before the school's regular dismissal.
func (r row) calendarDismissal(kind storage.DayKind, school *schoolRef) string {
	if r.get("dismissal") == "" {
		if kind == storage.DayEarlyRelease {
			r.problem("dismissal", "is required for an early_release day; write the early dismissal time, for example 12:30")
		}
		return ""
	}
	if kind != "" && kind != storage.DayEarlyRelease {
		r.problem("dismissal", "is only for early_release days; leave it empty for a %s", kind)
		return ""
	}
	hhmm, minutes, ok := r.clock("dismissal")
	if ok && school != nil && school.dismissal >= 0 && (minutes >= school.dismissal || minutes <= school.dayStart) {
		r.problem("dismissal", "%s is not between the school's day_start %s and its regular dismissal %s",
			hhmm, clockString(school.dayStart), clockString(school.dismissal))
	}
	return hhmm
}

// calendarDates reads date and end_date and returns the days the row
// covers: one, or for a break every weekday from date to end_date.
func (r row) calendarDates(kind storage.DayKind, school *schoolRef) []time.Time {
	first, okFirst := r.date("date")
	last, okLast := r.date("end_date")
	if r.get("end_date") == "" {
		last, okLast = first, okFirst
	} else if kind != "" && kind != storage.DayHoliday && kind != storage.DayClosure {
		r.problem("end_date", "is only for holidays and closures that run several days; give each %s day a row of its own", kind)
		return nil
	}
	if !okFirst || !okLast {
		return nil
	}
	if last.Before(first) {
		r.problem("end_date", "%s is before date %s", r.get("end_date"), r.get("date"))
		return nil
	}
	if last.Sub(first) > maxBreak {
		r.problem("end_date", "%s is more than 60 days after date %s; check the dates", r.get("end_date"), r.get("date"))
		return nil
	}
	if school != nil && !school.yearStart.IsZero() {
		for _, c := range []struct {
			col string
			t   time.Time
		}{{"date", first}, {"end_date", last}} {
			if r.get(c.col) != "" && (c.t.Before(school.yearStart) || c.t.After(school.yearEnd)) {
				r.problem(c.col, "%s is outside %s's school year, %s to %s", r.get(c.col), school.name,
					school.yearStart.Format(dateLayout), school.yearEnd.Format(dateLayout))
				return nil
			}
		}
	}
	if !first.Equal(last) {
		var days []time.Time
		for t := first; !t.After(last); t = t.AddDate(0, 0, 1) {
			if !weekend(t) {
				days = append(days, t)
			}
		}
		if len(days) == 0 {
			r.problem("end_date", "%s to %s has no weekday; there is no school to cancel", r.get("date"), r.get("end_date"))
		}
		return days
	}
	switch {
	case kind == storage.DaySchool && !weekend(first):
		r.problem("date", "%s is a %s, a school day already; kind school is for a make-up day on a weekend", r.get("date"), first.Weekday())
		return nil
	case kind != "" && kind != storage.DaySchool && weekend(first):
		r.problem("date", "%s is a %s; there is no school to cancel or shorten", r.get("date"), first.Weekday())
		return nil
	}
	return []time.Time{first}
}

// dayKind reads a kind of calendar day; "early release" and
// "early-release" read as early_release.
func (r row) dayKind(col string) storage.DayKind {
	v := r.get(col)
	k := storage.DayKind(strings.NewReplacer(" ", "_", "-", "_").Replace(strings.ToLower(v)))
	switch k {
	case "":
		return ""
	case storage.DayHoliday, storage.DayClosure, storage.DayEarlyRelease, storage.DaySchool:
		return k
	}
	r.problem(col, "%q is not a kind of day (holiday, closure, early_release, school)", v)
	return ""
}

func weekend(t time.Time) bool {
	return t.Weekday() == time.Saturday || t.Weekday() == time.Sunday
}

func clockString(minutes int) string {
	return time.Date(0, 1, 1, 0, minutes, 0, 0, time.UTC).Format("15:04")
}
