package roster

import (
	"time"

	"parabot/storage"
)

// schoolsSpec describes schools.csv: one row a school.
func schoolsSpec() fileSpec {
	return fileSpec{name: SchoolsFile, columns: append([]column{
		{name: "name", required: true, max: 100},
		{name: "time_zone", required: true, max: 40},
		{name: "year_start", required: true, max: 40},
		{name: "year_end", required: true, max: 40},
		{name: "day_start", required: true, max: 40},
		{name: "dismissal", required: true, max: 40},
	}, append(reminderSchoolColumns(), retentionSchoolColumns()...)...)}
}

// schoolRef is what later files need to know of a school. The times are
// zero (or -1 for minutes) when the school's row had them wrong, and the
// checks that need them are skipped.
type schoolRef struct {
	name               string
	line               int
	yearStart, yearEnd time.Time
	dayStart           int // minutes after midnight
	dismissal          int
}

func (p *parser) parseSchools(rows []row) {
	for _, r := range rows {
		s := storage.School{Name: r.name("name")}
		if tz := r.get("time_zone"); tz != "" {
			if _, err := time.LoadLocation(tz); err != nil || tz == "Local" {
				r.problem("time_zone", "%q is not a time zone; write an IANA name such as America/New_York or America/Chicago", tz)
			} else {
				s.TimeZone = tz
			}
		}
		ref := &schoolRef{name: s.Name, line: r.line, dayStart: -1, dismissal: -1}
		start, okStart := r.date("year_start")
		end, okEnd := r.date("year_end")
		if okStart && okEnd {
			switch {
			case !end.After(start):
				r.problem("year_end", "%s is not after year_start %s", r.get("year_end"), r.get("year_start"))
			case end.Sub(start) > 366*24*time.Hour:
				r.problem("year_end", "the year from %s to %s is longer than a year; one row is one school year", r.get("year_start"), r.get("year_end"))
			default:
				ref.yearStart, ref.yearEnd = start, end
			}
		}
		s.YearStart, s.YearEnd = r.get("year_start"), r.get("year_end")
		var dayStart, dismissal int
		var okDay, okDismissal bool
		s.DayStart, dayStart, okDay = r.clock("day_start")
		s.Dismissal, dismissal, okDismissal = r.clock("dismissal")
		if okDay && okDismissal {
			if dismissal <= dayStart {
				r.problem("dismissal", "%s is not after day_start %s", s.Dismissal, s.DayStart)
			} else {
				ref.dayStart, ref.dismissal = dayStart, dismissal
			}
		}
		if s.Name != "" {
			if prev, dup := p.schools[fold(s.Name)]; dup {
				r.problem("name", "school %q is already on line %d", s.Name, prev.line)
			} else {
				p.schools[fold(s.Name)] = ref
			}
		}
		p.parseSchoolReminders(r, s.Name)
		p.parseSchoolRetention(r, s.Name)
		p.out.Schools = append(p.out.Schools, s)
	}
}

// school resolves a reference to a school of schools.csv; nil when the
// value is empty or names no school (which is reported).
func (r row) school(col string) *schoolRef {
	v := r.get(col)
	if v == "" {
		return nil
	}
	s, ok := r.p.schools[fold(v)]
	if !ok {
		r.missingRef(col, "school", v, SchoolsFile)
		return nil
	}
	return s
}
