package sqlstore

import (
	"context"
	"fmt"
	"time"

	"parabot/storage"
)

const schoolCols = `id, name, time_zone, year_start, year_end, day_start, dismissal`

func scanSchool(row scanner) (storage.School, error) {
	var s storage.School
	err := row.Scan(&s.ID, &s.Name, &s.TimeZone, &s.YearStart, &s.YearEnd, &s.DayStart, &s.Dismissal)
	return s, err
}

// School returns one school.
func (s *Store) School(ctx context.Context, id int64) (storage.School, error) {
	return one(ctx, s.db, fmt.Sprintf("loading school %d", id), scanSchool, `SELECT `+schoolCols+` FROM schools WHERE id = $1`, id)
}

// SchoolByName returns the school with that name, whatever its case.
func (s *Store) SchoolByName(ctx context.Context, name string) (storage.School, error) {
	return one(ctx, s.db, "finding school by name", scanSchool, `SELECT `+schoolCols+` FROM schools WHERE lower(name) = lower($1)`, name)
}

// Schools lists every school by name.
func (s *Store) Schools(ctx context.Context) ([]storage.School, error) {
	return list(ctx, s.db, "listing schools", scanSchool, `SELECT `+schoolCols+` FROM schools ORDER BY name, id`)
}

const dutyCols = `id, school_id, staff_id, kind, weekday, start_time, end_time, place`

func scanDuty(row scanner) (storage.Duty, error) {
	var d storage.Duty
	var weekday int
	err := row.Scan(&d.ID, &d.SchoolID, &d.StaffID, &d.Kind, &weekday, &d.Start, &d.End, &d.Place)
	d.Weekday = time.Weekday(weekday)
	return d, err
}

// Duties lists a school's active duty roster ordered by weekday and start.
func (s *Store) Duties(ctx context.Context, schoolID int64) ([]storage.Duty, error) {
	return list(ctx, s.db, fmt.Sprintf("listing duties of school %d", schoolID), scanDuty, `SELECT `+dutyCols+` FROM duties WHERE school_id = $1 AND active
		ORDER BY weekday, start_time, id`, schoolID)
}

const dayCols = `school_id, day, kind, dismissal, note`

func scanDay(row scanner) (storage.CalendarDay, error) {
	var d storage.CalendarDay
	err := row.Scan(&d.SchoolID, &d.Date, &d.Kind, &d.Dismissal, &d.Note)
	return d, err
}

// CalendarDays lists the school's active special days between from and
// to inclusive (YYYY-MM-DD, which sorts as text).
func (s *Store) CalendarDays(ctx context.Context, schoolID int64, from, to string) ([]storage.CalendarDay, error) {
	return list(ctx, s.db, fmt.Sprintf("listing calendar of school %d", schoolID), scanDay, `SELECT `+dayCols+` FROM calendar_days
		WHERE school_id = $1 AND day >= $2 AND day <= $3 AND active ORDER BY day`, schoolID, from, to)
}
