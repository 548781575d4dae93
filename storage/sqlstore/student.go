package sqlstore

import (
	"context"
	"fmt"
	"strings"

	"parabot/storage"
)

const studentCols = `id, school_id, code, initials, first_name, last_name, grade, active`

func scanStudent(row scanner) (storage.Student, error) {
	var s storage.Student
	err := row.Scan(&s.ID, &s.SchoolID, &s.Code, &s.Initials, &s.FirstName, &s.LastName, &s.Grade, &s.Active)
	return s, err
}

// Caseload lists the active students a staff member may see: every
// student of the school for an admin, the ones with an active assignment
// for everyone else. An inactive staff member has none, and no one sees a
// student of another school, whatever assignments remain.
func (s *Store) Caseload(ctx context.Context, staffID int64) ([]storage.Student, error) {
	st, err := s.StaffMember(ctx, staffID)
	if err != nil {
		return nil, fmt.Errorf("loading caseload: %w", err)
	}
	if !st.Active {
		return nil, nil
	}
	if st.Role == storage.RoleAdmin {
		return s.Students(ctx, st.SchoolID)
	}
	return list(ctx, s.db, fmt.Sprintf("loading caseload of staff %d", staffID), scanStudent, `SELECT `+studentCols+` FROM students
		WHERE active AND school_id = $2 AND id IN (SELECT a.student_id FROM assignments a WHERE a.staff_id = $1 AND a.active)
		ORDER BY code`, staffID, st.SchoolID)
}

// Students lists a school's active students ordered by code.
func (s *Store) Students(ctx context.Context, schoolID int64) ([]storage.Student, error) {
	return list(ctx, s.db, fmt.Sprintf("listing students of school %d", schoolID), scanStudent, `SELECT `+studentCols+` FROM students
		WHERE school_id = $1 AND active ORDER BY code`, schoolID)
}

// Student returns one student by id.
func (s *Store) Student(ctx context.Context, id int64) (storage.Student, error) {
	return one(ctx, s.db, fmt.Sprintf("loading student %d", id), scanStudent, `SELECT `+studentCols+` FROM students WHERE id = $1`, id)
}

// StudentByCode returns the student with code (whatever its case) at a
// school, active or not.
func (s *Store) StudentByCode(ctx context.Context, schoolID int64, code string) (storage.Student, error) {
	return one(ctx, s.db, fmt.Sprintf("finding student by code in school %d", schoolID), scanStudent, `SELECT `+studentCols+` FROM students WHERE school_id = $1 AND code = $2`,
		schoolID, strings.ToUpper(code))
}

// StudentTeam lists the active staff with an active assignment to a
// student, with the kind of assignment (staff of the student's own
// school only), teachers first, then paras, then therapists.
func (s *Store) StudentTeam(ctx context.Context, studentID int64) ([]storage.TeamMember, error) {
	return list(ctx, s.db, fmt.Sprintf("loading team of student %d", studentID), func(row scanner) (storage.TeamMember, error) {
		var m storage.TeamMember
		s := &m.Staff
		err := row.Scan(&s.ID, &s.SchoolID, &s.Handle, &s.Name, &s.Email, &s.Role, &s.Channel, &s.Active, &m.Kind)
		return m, err
	}, `SELECT s.id, s.school_id, s.handle, s.name, s.email, s.role, s.channel, s.active, a.kind
		FROM assignments a JOIN staff s ON s.id = a.staff_id JOIN students st ON st.id = a.student_id
		WHERE a.student_id = $1 AND a.active AND s.active AND s.school_id = st.school_id
		ORDER BY CASE a.kind WHEN 'teacher' THEN 0 WHEN 'para' THEN 1 ELSE 2 END, s.name, s.id`, studentID)
}

const goalCols = `id, student_id, code, text, domain, measurement, baseline,
	mastery_percent, mastery_sessions, mastery_min_trials, start_date, end_date, active, type, title, steps, scale`

func scanGoal(row scanner) (storage.Goal, error) {
	var g storage.Goal
	var steps, scale string
	err := row.Scan(&g.ID, &g.StudentID, &g.Code, &g.Text, &g.Domain, &g.Measurement, &g.Baseline,
		&g.MasteryPercent, &g.MasterySessions, &g.MasteryMinTrials, &g.StartDate, &g.EndDate, &g.Active,
		&g.Type, &g.Title, &steps, &scale)
	g.Steps, g.Scale = splitBars(steps), splitBars(scale)
	return g, err
}

// splitBars reads a '|'-separated list (a task analysis's steps, a
// rating's labels); "" is none.
func splitBars(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "|")
}

// Goals lists a student's active goals ordered by code, shorter codes
// first so that G2 comes before G10.
func (s *Store) Goals(ctx context.Context, studentID int64) ([]storage.Goal, error) {
	return list(ctx, s.db, fmt.Sprintf("listing goals of student %d", studentID), scanGoal, `SELECT `+goalCols+` FROM goals
		WHERE student_id = $1 AND active ORDER BY length(code), code`, studentID)
}
