package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"parabot/storage"
)

// Retention: each school's policy (school_settings keep_records and
// keep_access_log, in years) applied by Purge. A student's records go
// keep_records years after the day they left (students.left_on); access
// log rows about the school's students or by its staff go keep_access_log
// years after they were written. Nothing younger is touched.

// errDryRun rolls back a dry run's transaction once it has counted.
var errDryRun = errors.New("dry run")

// The tables holding a student's records, children first.
var purgeTables = []string{
	`DELETE FROM escalation_steps WHERE escalation_id IN (SELECT id FROM escalations WHERE student_id = $1)`,
	`DELETE FROM escalations WHERE student_id = $1`,
	`DELETE FROM parent_notices WHERE student_id = $1`,
	`DELETE FROM debriefs WHERE student_id = $1`,
	`DELETE FROM incident_versions WHERE incident_id IN (SELECT id FROM incidents WHERE student_id = $1)`,
	`DELETE FROM incidents WHERE student_id = $1`,
	`DELETE FROM sessions WHERE student_id = $1`,
	`DELETE FROM transitions WHERE student_id = $1`,
	`DELETE FROM notes WHERE student_id = $1`,
	`DELETE FROM student_dismissals WHERE student_id = $1`,
	`DELETE FROM absences WHERE student_id = $1`,
	`DELETE FROM goal_schedules WHERE goal_id IN (SELECT id FROM goals WHERE student_id = $1)`,
}

// Purge applies every school's retention policy as of now, and records
// what it did in the audit trail. With dryRun it counts the same and
// changes nothing.
func (s *Store) Purge(ctx context.Context, now time.Time, dryRun bool) (storage.PurgeReport, error) {
	var rep storage.PurgeReport
	err := s.tx(ctx, func(ctx context.Context, x Executor) error {
		rep = storage.PurgeReport{DryRun: dryRun}
		schools, err := list(ctx, x, "listing schools", func(row scanner) (storage.School, error) {
			var sc storage.School
			return sc, row.Scan(&sc.ID, &sc.Name)
		}, `SELECT id, name FROM schools ORDER BY id`)
		if err != nil {
			return err
		}
		for _, sc := range schools {
			r, err := s.purgeSchool(ctx, x, sc, now)
			if err != nil {
				return fmt.Errorf("purging school %d: %w", sc.ID, err)
			}
			if r.KeepRecords > 0 || r.KeepAccessLog > 0 {
				rep.Schools = append(rep.Schools, r)
			}
		}
		if dryRun {
			return errDryRun
		}
		return nil
	})
	if errors.Is(err, errDryRun) {
		err = nil
	}
	if err != nil {
		return storage.PurgeReport{}, fmt.Errorf("purging by the retention policies: %w", err)
	}
	return rep, nil
}

// years reads a retention setting: whole years, 0 when unset (keep).
func years(settings map[string]string, name string) int {
	n, err := strconv.Atoi(settings[name])
	if err != nil || n < 0 {
		return 0
	}
	return n
}

func (s *Store) purgeSchool(ctx context.Context, x Executor, sc storage.School, now time.Time) (storage.SchoolPurge, error) {
	r := storage.SchoolPurge{SchoolID: sc.ID, School: sc.Name}
	settings := map[string]string{}
	rows, err := list(ctx, x, "loading retention settings", func(row scanner) ([2]string, error) {
		var kv [2]string
		return kv, row.Scan(&kv[0], &kv[1])
	}, `SELECT name, value FROM school_settings WHERE school_id = $1 AND name IN ($2, $3)`, sc.ID, storage.SettingKeepRecords, storage.SettingKeepAccessLog)
	if err != nil {
		return r, err
	}
	for _, kv := range rows {
		settings[kv[0]] = kv[1]
	}
	r.KeepRecords, r.KeepAccessLog = years(settings, storage.SettingKeepRecords), years(settings, storage.SettingKeepAccessLog)
	if r.KeepRecords > 0 {
		cutoff := now.AddDate(-r.KeepRecords, 0, 0).Format(time.DateOnly)
		ids, err := list(ctx, x, "listing students to purge", func(row scanner) (int64, error) {
			var id int64
			return id, row.Scan(&id)
		}, `SELECT id FROM students WHERE school_id = $1 AND NOT active AND left_on <> '' AND left_on < $2 AND NOT purged ORDER BY id`, sc.ID, cutoff)
		if err != nil {
			return r, err
		}
		for _, id := range ids {
			var entries int64
			if err := x.QueryRow(ctx, `SELECT count(*) FROM entries WHERE student_id = $1`, id).Scan(&entries); err != nil {
				return r, fmt.Errorf("counting entries of student %d: %w", id, err)
			}
			for _, q := range purgeTables {
				if _, err := x.Exec(ctx, q, id); err != nil {
					return r, fmt.Errorf("purging student %d: %w", id, err)
				}
			}
			if _, err := x.Exec(ctx, `DELETE FROM entries WHERE student_id = $1`, id); err != nil {
				return r, fmt.Errorf("purging entries of student %d: %w", id, err)
			}
			// The student and their goals stay as ids the audit trail can
			// name, without a name or a goal's text.
			if _, err := x.Exec(ctx, `UPDATE students SET initials = '', first_name = '', last_name = '', grade = '', purged = $2 WHERE id = $1`, id, true); err != nil {
				return r, fmt.Errorf("anonymising student %d: %w", id, err)
			}
			if _, err := x.Exec(ctx, `UPDATE goals SET text = '', baseline = '' WHERE student_id = $1`, id); err != nil {
				return r, fmt.Errorf("anonymising goals of student %d: %w", id, err)
			}
			if err := insertAudit(ctx, x, s.d, storage.AuditEvent{At: now, StudentID: id, Action: "purge", Entity: "student",
				Detail: fmt.Sprintf("entries=%d keep_records=%d", entries, r.KeepRecords)}); err != nil {
				return r, err
			}
			r.Students++
			r.Entries += entries
		}
	}
	if r.KeepAccessLog > 0 {
		cutoff := s.d.Time(now.AddDate(-r.KeepAccessLog, 0, 0))
		n, err := x.Exec(ctx, `DELETE FROM audit WHERE at < $2 AND action <> 'purge' AND (
			student_id IN (SELECT id FROM students WHERE school_id = $1) OR staff_id IN (SELECT id FROM staff WHERE school_id = $1))`, sc.ID, cutoff)
		if err != nil {
			return r, fmt.Errorf("purging access log rows: %w", err)
		}
		r.AccessRows = n
		if n > 0 {
			if err := insertAudit(ctx, x, s.d, storage.AuditEvent{At: now, Action: "purge", Entity: "audit",
				Detail: fmt.Sprintf("school_id=%d rows=%d keep_access_log=%d", sc.ID, n, r.KeepAccessLog)}); err != nil {
				return r, err
			}
		}
	}
	return r, nil
}
