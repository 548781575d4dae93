package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"parabot/storage"
)

var _ storage.Reminders = (*DB)(nil)

// The reminder queries; storage/postgres runs the same text.
const (
	upsertSettingSQL = `INSERT INTO school_settings (school_id, name, value)
	SELECT id, $2, $3 FROM schools WHERE lower(name) = lower($1)
	ON CONFLICT (school_id, name) DO UPDATE SET value = excluded.value`
	deleteSettingSQL = `DELETE FROM school_settings
	WHERE name = $2 AND school_id IN (SELECT id FROM schools WHERE lower(name) = lower($1))`
	upsertDismissalSQL = `INSERT INTO student_dismissals (student_id, dismissal)
	SELECT s.id, $3 FROM students s JOIN schools sc ON sc.id = s.school_id
	WHERE lower(sc.name) = lower($1) AND s.code = upper($2)
	ON CONFLICT (student_id) DO UPDATE SET dismissal = excluded.dismissal`
	deleteDismissalSQL = `DELETE FROM student_dismissals WHERE student_id IN (
	SELECT s.id FROM students s JOIN schools sc ON sc.id = s.school_id
	WHERE lower(sc.name) = lower($1) AND s.code = upper($2))`
	upsertGoalScheduleSQL = `INSERT INTO goal_schedules (goal_id, schedule)
	SELECT g.id, $4 FROM goals g JOIN students s ON s.id = g.student_id JOIN schools sc ON sc.id = s.school_id
	WHERE lower(sc.name) = lower($1) AND s.code = upper($2) AND g.code = $3
	ON CONFLICT (goal_id) DO UPDATE SET schedule = excluded.schedule`
	selectSettingsSQL      = `SELECT name, value FROM school_settings WHERE school_id = $1 ORDER BY name`
	selectDismissalsSQL    = `SELECT d.student_id, d.dismissal FROM student_dismissals d JOIN students s ON s.id = d.student_id WHERE s.school_id = $1`
	selectGoalSchedulesSQL = `SELECT gs.goal_id, gs.schedule FROM goal_schedules gs JOIN goals g ON g.id = gs.goal_id
	JOIN students s ON s.id = g.student_id WHERE s.school_id = $1`
	overlapAbsenceSQL = `SELECT count(*) FROM absences
	WHERE school_id = $1 AND (staff_id = $2 OR student_id = $3) AND from_day <= $5 AND to_day >= $4`
	insertAbsenceSQL = `INSERT INTO absences (school_id, staff_id, student_id, from_day, to_day, cover_id, by_staff_id, created_at)
	VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id`
	absenceCols       = `id, school_id, coalesce(staff_id, 0), coalesce(student_id, 0), from_day, to_day, coalesce(cover_id, 0), by_staff_id, created_at`
	selectAbsencesSQL = `SELECT ` + absenceCols + ` FROM absences
	WHERE school_id = $1 AND from_day <= $3 AND to_day >= $2 ORDER BY from_day, id`
	upsertDutyAnswerSQL = `INSERT INTO duty_answers (duty_id, day, staff_id, answer, at) VALUES ($1, $2, $3, $4, $5)
	ON CONFLICT (duty_id, day, staff_id) DO UPDATE SET answer = excluded.answer, at = excluded.at`
	selectDutyAnswersSQL = `SELECT a.duty_id, a.day, a.staff_id, a.answer, a.at FROM duty_answers a
	JOIN duties d ON d.id = a.duty_id WHERE d.school_id = $1 AND a.day = $2 ORDER BY a.at, a.duty_id`
)

// importReminders writes an import's reminder rows in its transaction,
// after the schools, students and goals they name.
func importReminders(ctx context.Context, tx *sql.Tx, r storage.RosterReminders) error {
	for _, s := range r.Settings {
		q, args := upsertSettingSQL, []any{s.School, s.Name, s.Value}
		if s.Value == "" {
			q, args = deleteSettingSQL, args[:2]
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("setting %s: %w", s.Name, dbErr(err))
		}
	}
	for _, d := range r.Dismissals {
		q, args := upsertDismissalSQL, []any{d.School, d.StudentCode, d.Dismissal}
		if d.Dismissal == "" {
			q, args = deleteDismissalSQL, args[:2]
		}
		if _, err := tx.ExecContext(ctx, q, args...); err != nil {
			return fmt.Errorf("dismissal of %s: %w", d.StudentCode, dbErr(err))
		}
	}
	for _, g := range r.GoalSchedules {
		if _, err := tx.ExecContext(ctx, upsertGoalScheduleSQL, g.School, g.StudentCode, g.GoalCode, g.Schedule); err != nil {
			return fmt.Errorf("schedule of goal %s of %s: %w", g.GoalCode, g.StudentCode, dbErr(err))
		}
	}
	return nil
}

// SchoolSettings returns a school's reminder settings by name.
func (db *DB) SchoolSettings(ctx context.Context, schoolID int64) (map[string]string, error) {
	return stringMap[string](ctx, db.db, selectSettingsSQL, schoolID)
}

// Dismissals returns students' ways home by student id.
func (db *DB) Dismissals(ctx context.Context, schoolID int64) (map[int64]string, error) {
	return stringMap[int64](ctx, db.db, selectDismissalsSQL, schoolID)
}

// GoalSchedules returns goals' data schedules by goal id.
func (db *DB) GoalSchedules(ctx context.Context, schoolID int64) (map[int64]string, error) {
	return stringMap[int64](ctx, db.db, selectGoalSchedulesSQL, schoolID)
}

func stringMap[K comparable](ctx context.Context, q *sql.DB, query string, schoolID int64) (map[K]string, error) {
	rows, err := q.QueryContext(ctx, query, schoolID)
	if err != nil {
		return nil, fmt.Errorf("loading reminder settings of school %d: %w", schoolID, err)
	}
	defer rows.Close()
	out := map[K]string{}
	for rows.Next() {
		var k K
		var v string
		if err := rows.Scan(&k, &v); err != nil {
			return nil, fmt.Errorf("loading reminder settings of school %d: %w", schoolID, err)
		}
		out[k] = v
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("loading reminder settings of school %d: %w", schoolID, err)
	}
	return out, nil
}

// AddAbsence stores an absence and its audit row.
func (db *DB) AddAbsence(ctx context.Context, a storage.Absence) (storage.Absence, error) {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, overlapAbsenceSQL, a.SchoolID, nullID(a.StaffID), nullID(a.StudentID), a.From, a.To).Scan(&n); err != nil {
			return fmt.Errorf("checking overlaps: %w", err)
		}
		if n > 0 {
			return storage.ErrConflict
		}
		if err := tx.QueryRowContext(ctx, insertAbsenceSQL, a.SchoolID, nullID(a.StaffID), nullID(a.StudentID), a.From, a.To,
			nullID(a.CoverID), a.ByStaffID, fmtTime(a.CreatedAt)).Scan(&a.ID); err != nil {
			return fmt.Errorf("inserting: %w", dbErr(err))
		}
		return insertAudit(ctx, tx.StmtContext(ctx, db.stmts.audit), storage.AuditEvent{At: a.CreatedAt, StaffID: a.ByStaffID,
			StudentID: a.StudentID, Action: "create", Entity: "absence", EntityID: a.ID, Detail: absenceDetail(a)})
	})
	if err != nil {
		return storage.Absence{}, fmt.Errorf("adding absence: %w", err)
	}
	return a, nil
}

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
func (db *DB) Absences(ctx context.Context, schoolID int64, from, to string) ([]storage.Absence, error) {
	rows, err := db.db.QueryContext(ctx, selectAbsencesSQL, schoolID, from, to)
	if err != nil {
		return nil, fmt.Errorf("listing absences of school %d: %w", schoolID, err)
	}
	out, err := collect(rows, func(row scanner) (storage.Absence, error) {
		var a storage.Absence
		err := row.Scan(&a.ID, &a.SchoolID, &a.StaffID, &a.StudentID, &a.From, &a.To, &a.CoverID, &a.ByStaffID, utc{&a.CreatedAt})
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("listing absences of school %d: %w", schoolID, err)
	}
	return out, nil
}

// AnswerDuty records an answer to a duty reminder.
func (db *DB) AnswerDuty(ctx context.Context, a storage.DutyAnswer) error {
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		_, err := tx.ExecContext(ctx, upsertDutyAnswerSQL, a.DutyID, a.Day, a.StaffID, a.Answer, fmtTime(a.At))
		return dbErr(err)
	})
	if err != nil {
		return fmt.Errorf("answering duty %d: %w", a.DutyID, err)
	}
	return nil
}

// DutyAnswers lists the answers given for the school's duties on day.
func (db *DB) DutyAnswers(ctx context.Context, schoolID int64, day string) ([]storage.DutyAnswer, error) {
	rows, err := db.db.QueryContext(ctx, selectDutyAnswersSQL, schoolID, day)
	if err != nil {
		return nil, fmt.Errorf("listing duty answers of school %d: %w", schoolID, err)
	}
	out, err := collect(rows, func(row scanner) (storage.DutyAnswer, error) {
		var a storage.DutyAnswer
		err := row.Scan(&a.DutyID, &a.Day, &a.StaffID, &a.Answer, utc{&a.At})
		return a, err
	})
	if err != nil {
		return nil, fmt.Errorf("listing duty answers of school %d: %w", schoolID, err)
	}
	return out, nil
}

// EnqueueOnce claims key and inserts jobs in one transaction.
func (db *DB) EnqueueOnce(ctx context.Context, key string, at time.Time, jobs []storage.Job) (bool, error) {
	claimed := false
	err := db.inTx(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, claimSQL, key, fmtTime(at))
		if err != nil {
			return fmt.Errorf("claiming: %w", err)
		}
		n, err := res.RowsAffected()
		if err != nil || n == 0 {
			return err
		}
		claimed = true
		return db.insertJobs(ctx, tx, jobs)
	})
	if err != nil {
		return false, fmt.Errorf("enqueueing once %q: %w", key, err)
	}
	return claimed, nil
}
