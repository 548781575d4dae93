package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"parabot/schoolday"
	"parabot/storage"
)

// reminders writes an import's reminder rows, after the schools,
// students and goals they name, and counts what changed: school settings
// (as "settings", "schedules" and "escalation levels"), ways home and
// goal schedules. An empty setting or way home removes it. A purged
// student's way home and goal schedules are left as Purge left them.
func (im *importer) reminders(r storage.RosterReminders) error {
	for _, s := range r.Settings {
		if err := im.setting(s); err != nil {
			return fmt.Errorf("setting %s of %q: %w", s.Name, s.School, err)
		}
	}
	for _, d := range r.Dismissals {
		if err := im.dismissal(d); err != nil {
			return fmt.Errorf("dismissal of %s: %w", d.StudentCode, err)
		}
	}
	for _, g := range r.GoalSchedules {
		if err := im.goalSchedule(g); err != nil {
			return fmt.Errorf("schedule of goal %s of %s: %w", g.GoalCode, g.StudentCode, err)
		}
	}
	return nil
}

// settingKind is how an import's summary counts a school setting.
func settingKind(name string) string {
	switch {
	case strings.HasPrefix(name, schoolday.SettingSchedulePrefix):
		return "schedules"
	case strings.HasPrefix(name, schoolday.SettingEscalationPrefix):
		return "escalation levels"
	}
	return "settings"
}

// valueSQL reads and writes one stored value of the roster by its key
// (the first arguments); ins and upd take the value after the key.
type valueSQL struct{ get, del, ins, upd string }

var (
	settingSQL = valueSQL{
		get: `SELECT value FROM school_settings WHERE school_id = $1 AND name = $2`,
		del: `DELETE FROM school_settings WHERE school_id = $1 AND name = $2`,
		ins: `INSERT INTO school_settings (school_id, name, value) VALUES ($1, $2, $3)`,
		upd: `UPDATE school_settings SET value = $3 WHERE school_id = $1 AND name = $2`,
	}
	dismissalSQL = valueSQL{
		get: `SELECT dismissal FROM student_dismissals WHERE student_id = $1`,
		del: `DELETE FROM student_dismissals WHERE student_id = $1`,
		ins: `INSERT INTO student_dismissals (student_id, dismissal) VALUES ($1, $2)`,
		upd: `UPDATE student_dismissals SET dismissal = $2 WHERE student_id = $1`,
	}
	goalScheduleSQL = valueSQL{
		get: `SELECT schedule FROM goal_schedules WHERE goal_id = $1`,
		del: `DELETE FROM goal_schedules WHERE goal_id = $1`,
		ins: `INSERT INTO goal_schedules (goal_id, schedule) VALUES ($1, $2)`,
		upd: `UPDATE goal_schedules SET schedule = $2 WHERE goal_id = $1`,
	}
)

// putValue makes the value stored under key what the import says ("":
// none), and counts a change as kind.
func (im *importer) putValue(kind string, q valueSQL, value string, key ...any) error {
	var old string
	err := im.x.QueryRow(im.ctx, q.get, key...).Scan(&old)
	found := err == nil
	if err != nil && !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	withValue := append(slices.Clip(key), value)
	switch {
	case value == "" && found:
		_, err = im.x.Exec(im.ctx, q.del, key...)
		im.count(kind, false, true)
	case value == "":
		return nil
	case !found:
		_, err = im.x.Exec(im.ctx, q.ins, withValue...)
		im.count(kind, true, false)
	case old != value:
		_, err = im.x.Exec(im.ctx, q.upd, withValue...)
		im.count(kind, false, true)
	default:
		return nil
	}
	return err
}

func (im *importer) setting(s storage.RosterSetting) error {
	schoolID, err := im.schoolID(s.School)
	if err != nil {
		return err
	}
	return im.putValue(settingKind(s.Name), settingSQL, s.Value, schoolID, s.Name)
}

// studentOfReminder finds the student a reminder row names; 0 when the
// student is purged and the row is to be left out.
func (im *importer) studentOfReminder(school, code string) (int64, error) {
	schoolID, err := im.schoolID(school)
	if err != nil {
		return 0, err
	}
	studentID, err := im.studentID(schoolID, code)
	if err != nil {
		return 0, err
	}
	if purged, err := im.isPurged(studentID); err != nil || purged {
		return 0, err
	}
	return studentID, nil
}

func (im *importer) dismissal(d storage.RosterDismissal) error {
	studentID, err := im.studentOfReminder(d.School, d.StudentCode)
	if err != nil || studentID == 0 {
		return err
	}
	return im.putValue("dismissals", dismissalSQL, d.Dismissal, studentID)
}

func (im *importer) goalSchedule(g storage.RosterGoalSchedule) error {
	studentID, err := im.studentOfReminder(g.School, g.StudentCode)
	if err != nil || studentID == 0 {
		return err
	}
	var goalID int64
	err = im.x.QueryRow(im.ctx, `SELECT id FROM goals WHERE student_id = $1 AND code = $2`, studentID, g.GoalCode).Scan(&goalID)
	if err != nil {
		return fmt.Errorf("finding goal %s of %s: %w", g.GoalCode, g.StudentCode, err)
	}
	return im.putValue("goal schedules", goalScheduleSQL, g.Schedule, goalID)
}

// SchoolSettings returns a school's reminder settings by name.
func (s *Store) SchoolSettings(ctx context.Context, schoolID int64) (map[string]string, error) {
	return stringMap[string](ctx, s.db, schoolID,
		`SELECT name, value FROM school_settings WHERE school_id = $1 ORDER BY name`)
}

// Dismissals returns students' ways home by student id.
func (s *Store) Dismissals(ctx context.Context, schoolID int64) (map[int64]string, error) {
	return stringMap[int64](ctx, s.db, schoolID, `SELECT d.student_id, d.dismissal FROM student_dismissals d
		JOIN students s ON s.id = d.student_id WHERE s.school_id = $1`)
}

// GoalSchedules returns goals' data schedules by goal id.
func (s *Store) GoalSchedules(ctx context.Context, schoolID int64) (map[int64]string, error) {
	return stringMap[int64](ctx, s.db, schoolID, `SELECT gs.goal_id, gs.schedule FROM goal_schedules gs
		JOIN goals g ON g.id = gs.goal_id JOIN students s ON s.id = g.student_id WHERE s.school_id = $1`)
}

// stringMap runs a query of a school returning (key, value) rows.
func stringMap[K comparable](ctx context.Context, x Executor, schoolID int64, query string) (map[K]string, error) {
	type kv struct {
		k K
		v string
	}
	rows, err := list(ctx, x, fmt.Sprintf("loading reminder settings of school %d", schoolID), func(row scanner) (kv, error) {
		var r kv
		err := row.Scan(&r.k, &r.v)
		return r, err
	}, query, schoolID)
	if err != nil {
		return nil, err
	}
	out := make(map[K]string, len(rows))
	for _, r := range rows {
		out[r.k] = r.v
	}
	return out, nil
}

const absenceCols = `id, school_id, coalesce(staff_id, 0), coalesce(student_id, 0), from_day, to_day, coalesce(cover_id, 0), by_staff_id, created_at`

func scanAbsence(row scanner) (storage.Absence, error) {
	var a storage.Absence
	err := row.Scan(&a.ID, &a.SchoolID, &a.StaffID, &a.StudentID, &a.From, &a.To, &a.CoverID, &a.ByStaffID, UTC{&a.CreatedAt})
	return a, err
}

// AddAbsence stores an absence and its audit row; an absence of the same
// person on a day of it is ErrConflict.
func (s *Store) AddAbsence(ctx context.Context, a storage.Absence) (storage.Absence, error) {
	err := s.tx(ctx, func(ctx context.Context, x Executor) error {
		// Two absences of one person added at once would both pass the
		// overlap check: the person's row is locked first, so the second
		// waits for the first and sees it (SQLite's transactions hold the
		// whole database already).
		person := `SELECT id FROM staff WHERE id = $1 ` + s.d.Lock
		id := a.StaffID
		if id == 0 {
			person, id = `SELECT id FROM students WHERE id = $1 `+s.d.Lock, a.StudentID
		}
		var locked int64
		if err := x.QueryRow(ctx, person, id).Scan(&locked); err != nil {
			return fmt.Errorf("locking the absent person: %w", err)
		}
		var n int
		if err := x.QueryRow(ctx, `SELECT count(*) FROM absences
			WHERE school_id = $1 AND (staff_id = $2 OR student_id = $3) AND from_day <= $5 AND to_day >= $4`,
			a.SchoolID, nullID(a.StaffID), nullID(a.StudentID), a.From, a.To).Scan(&n); err != nil {
			return fmt.Errorf("checking overlaps: %w", err)
		}
		if n > 0 {
			return storage.ErrConflict
		}
		if err := x.QueryRow(ctx, `INSERT INTO absences (school_id, staff_id, student_id, from_day, to_day, cover_id, by_staff_id, created_at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`,
			a.SchoolID, nullID(a.StaffID), nullID(a.StudentID), a.From, a.To, nullID(a.CoverID), a.ByStaffID, s.d.Time(a.CreatedAt)).Scan(&a.ID); err != nil {
			return fmt.Errorf("inserting: %w", err)
		}
		return insertAudit(ctx, x, s.d, storage.AuditEvent{At: a.CreatedAt, StaffID: a.ByStaffID,
			StudentID: a.StudentID, Action: "create", Entity: "absence", EntityID: a.ID, Detail: absenceDetail(a)})
	})
	if err != nil {
		return storage.Absence{}, fmt.Errorf("adding absence: %w", err)
	}
	return a, nil
}

// absenceDetail is an absence's audit detail: ids and days only.
func absenceDetail(a storage.Absence) string {
	d := fmt.Sprintf("from=%s to=%s", a.From, a.To)
	if a.StaffID != 0 {
		d += fmt.Sprintf(" staff=%d", a.StaffID)
	}
	if a.CoverID != 0 {
		d += fmt.Sprintf(" cover=%d", a.CoverID)
	}
	return d
}

// Absences lists the school's absences touching [from, to].
func (s *Store) Absences(ctx context.Context, schoolID int64, from, to string) ([]storage.Absence, error) {
	return list(ctx, s.db, fmt.Sprintf("listing absences of school %d", schoolID), scanAbsence,
		`SELECT `+absenceCols+` FROM absences
		WHERE school_id = $1 AND from_day <= $3 AND to_day >= $2 ORDER BY from_day, id`, schoolID, from, to)
}

// CancelAbsence takes an absence back from day on: it ends the day
// before day, or is deleted when it begins on or after day.
func (s *Store) CancelAbsence(ctx context.Context, id int64, day string, by int64, at time.Time) (storage.Absence, error) {
	d, err := time.Parse(time.DateOnly, day)
	if err != nil {
		return storage.Absence{}, fmt.Errorf("cancelling absence %d from %q: %w", id, day, err)
	}
	var left storage.Absence
	err = s.tx(ctx, func(ctx context.Context, x Executor) error {
		a, err := one(ctx, x, fmt.Sprintf("loading absence %d", id), scanAbsence,
			`SELECT `+absenceCols+` FROM absences WHERE id = $1 AND to_day >= $2 `+s.d.Lock, id, day)
		if err != nil {
			return err
		}
		detail := absenceDetail(a) + " cancelled_from=" + day
		if a.From < day {
			left = a
			left.To = d.AddDate(0, 0, -1).Format(time.DateOnly)
			_, err = x.Exec(ctx, `UPDATE absences SET to_day = $2 WHERE id = $1`, id, left.To)
		} else {
			_, err = x.Exec(ctx, `DELETE FROM absences WHERE id = $1`, id)
		}
		if err != nil {
			return fmt.Errorf("cancelling absence %d: %w", id, err)
		}
		return insertAudit(ctx, x, s.d, storage.AuditEvent{At: at, StaffID: by, StudentID: a.StudentID,
			Action: "cancel", Entity: "absence", EntityID: id, Detail: detail})
	})
	if err != nil {
		return storage.Absence{}, fmt.Errorf("cancelling absence: %w", err)
	}
	return left, nil
}

// AnswerDuty records an answer to a duty reminder; the last one counts.
func (s *Store) AnswerDuty(ctx context.Context, a storage.DutyAnswer) error {
	err := s.write(ctx, nil, func(ctx context.Context, x Executor) error {
		_, err := x.Exec(ctx, `INSERT INTO duty_answers (duty_id, day, staff_id, answer, at) VALUES ($1, $2, $3, $4, $5)
			ON CONFLICT (duty_id, day, staff_id) DO UPDATE SET answer = excluded.answer, at = excluded.at`,
			a.DutyID, a.Day, a.StaffID, a.Answer, s.d.Time(a.At))
		return err
	})
	if err != nil {
		return fmt.Errorf("answering duty %d: %w", a.DutyID, err)
	}
	return nil
}

// DutyAnswers lists the answers given for the school's duties on day.
func (s *Store) DutyAnswers(ctx context.Context, schoolID int64, day string) ([]storage.DutyAnswer, error) {
	return list(ctx, s.db, fmt.Sprintf("listing duty answers of school %d", schoolID), func(row scanner) (storage.DutyAnswer, error) {
		var a storage.DutyAnswer
		err := row.Scan(&a.DutyID, &a.Day, &a.StaffID, &a.Answer, UTC{&a.At})
		return a, err
	}, `SELECT a.duty_id, a.day, a.staff_id, a.answer, a.at FROM duty_answers a
		JOIN duties d ON d.id = a.duty_id WHERE d.school_id = $1 AND a.day = $2 ORDER BY a.at, a.duty_id`, schoolID, day)
}

// EnqueueOnce claims key and inserts jobs in one write. Each job gets a
// UniqueKey under key (key/0, key/1, ...): the write that claims key is
// the one that claims those too, so when key was claimed before none of
// the jobs is inserted, whichever replica tries.
func (s *Store) EnqueueOnce(ctx context.Context, key string, at time.Time, jobs []storage.Job) (bool, error) {
	keyed := make([]storage.Job, len(jobs))
	for i, j := range jobs {
		j.UniqueKey = key + "/" + strconv.Itoa(i)
		keyed[i] = j
	}
	var claimed bool
	err := s.write(ctx, keyed, func(ctx context.Context, x Executor) error {
		n, err := x.Exec(ctx, ClaimSQL, key, s.d.Time(at))
		claimed = n == 1 // set on every run: a failed SQLite group runs each write again alone
		return err
	})
	if err != nil {
		return false, fmt.Errorf("enqueueing once %q: %w", key, err)
	}
	return claimed, nil
}
