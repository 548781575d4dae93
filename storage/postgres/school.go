package postgres

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
func (db *DB) School(ctx context.Context, id int64) (storage.School, error) {
	s, err := scanSchool(db.pool.QueryRow(ctx, `SELECT `+schoolCols+` FROM schools WHERE id = $1`, id))
	if err != nil {
		return storage.School{}, fmt.Errorf("loading school %d: %w", id, dbErr(err))
	}
	return s, nil
}

// Schools lists every school by name.
func (db *DB) Schools(ctx context.Context) ([]storage.School, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+schoolCols+` FROM schools ORDER BY name, id`)
	if err != nil {
		return nil, fmt.Errorf("listing schools: %w", err)
	}
	out, err := collect(rows, scanSchool)
	if err != nil {
		return nil, fmt.Errorf("listing schools: %w", err)
	}
	return out, nil
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
func (db *DB) Duties(ctx context.Context, schoolID int64) ([]storage.Duty, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+dutyCols+` FROM duties WHERE school_id = $1 AND active
		ORDER BY weekday, start_time, id`, schoolID)
	if err != nil {
		return nil, fmt.Errorf("listing duties of school %d: %w", schoolID, err)
	}
	out, err := collect(rows, scanDuty)
	if err != nil {
		return nil, fmt.Errorf("listing duties of school %d: %w", schoolID, err)
	}
	return out, nil
}

const dayCols = `school_id, day, kind, dismissal, note`

func scanDay(row scanner) (storage.CalendarDay, error) {
	var d storage.CalendarDay
	err := row.Scan(&d.SchoolID, &d.Date, &d.Kind, &d.Dismissal, &d.Note)
	return d, err
}

// CalendarDays lists the school's active special days between from and
// to inclusive (YYYY-MM-DD, which sorts as text).
func (db *DB) CalendarDays(ctx context.Context, schoolID int64, from, to string) ([]storage.CalendarDay, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+dayCols+` FROM calendar_days
		WHERE school_id = $1 AND day >= $2 AND day <= $3 AND active ORDER BY day`, schoolID, from, to)
	if err != nil {
		return nil, fmt.Errorf("listing calendar of school %d: %w", schoolID, err)
	}
	out, err := collect(rows, scanDay)
	if err != nil {
		return nil, fmt.Errorf("listing calendar of school %d: %w", schoolID, err)
	}
	return out, nil
}
