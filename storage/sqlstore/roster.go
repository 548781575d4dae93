package sqlstore

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"parabot/storage"
)

// ImportRoster creates or updates everything in r in one transaction,
// matching rows by their natural keys. Rows are compared before writing,
// so an identical re-import creates and updates nothing. Rows the
// database refuses (see storage.ImportProblem) are all collected, and
// returned as storage.ImportRefused with nothing imported.
func (s *Store) ImportRoster(ctx context.Context, r storage.Roster) (storage.ImportResult, error) {
	var res storage.ImportResult
	err := s.tx(ctx, func(ctx context.Context, x Executor) error {
		im := &importer{ctx: ctx, x: x, res: storage.ImportResult{Created: map[string]int{}, Updated: map[string]int{}},
			schools: map[string]int64{}, staff: map[string]storage.Staff{}, students: map[studentKey]int64{},
			studentSchools: map[string][]int64{}, refusedStaff: map[string]bool{}, purged: map[int64]bool{}}
		var schools int
		if err := x.QueryRow(ctx, `SELECT count(*) FROM schools`).Scan(&schools); err != nil {
			return fmt.Errorf("counting schools: %w", err)
		}
		if err := im.run(r); err != nil {
			return err
		}
		if err := im.reminders(r.Reminders); err != nil {
			return err
		}
		if err := im.checkStaff(r.Staff); err != nil {
			return err
		}
		if len(im.problems) > 0 {
			return im.refused()
		}
		res = im.res
		return s.auditImport(ctx, x, r.At, schools == 0, res, im.changes)
	})
	if err != nil {
		return storage.ImportResult{}, fmt.Errorf("importing roster: %w", err)
	}
	return res, nil
}

// importer carries one import's transaction and the ids it resolved.
type importer struct {
	ctx      context.Context
	x        Executor
	res      storage.ImportResult
	schools  map[string]int64         // by lower-case name
	staff    map[string]storage.Staff // by handle
	students map[studentKey]int64
	// studentSchools lists, by upper-case code, the schools of this
	// import's student rows, to place goal rows that name no school.
	studentSchools map[string][]int64
	// changes are the access changes to audit: staff, students and
	// assignments retired or brought back.
	changes []storage.AuditEvent
	// problems are the rows refused so far; refusedStaff the handles of
	// staff rows among them, whose assignments and duties are skipped.
	problems     storage.ImportRefused
	refusedStaff map[string]bool
	// purged tells, by student id, whether Purge anonymised the student.
	purged map[int64]bool
}

// studentKey is a student's natural key: the code (upper case) is unique
// per school.
type studentKey struct {
	schoolID int64
	code     string
}

// refuse notes a row the database refuses; the import goes on, to find
// every such row, and then imports nothing.
func (im *importer) refuse(rows string, line int, field, format string, args ...any) {
	im.problems = append(im.problems, storage.ImportProblem{Rows: rows, Line: line, Field: field, Msg: fmt.Sprintf(format, args...)})
}

// refused returns the problems in the order of the roster's files, then
// lines.
func (im *importer) refused() storage.ImportRefused {
	order := []string{storage.RowsStaff, storage.RowsStudents, storage.RowsGoals}
	slices.SortStableFunc(im.problems, func(a, b storage.ImportProblem) int {
		if c := slices.Index(order, a.Rows) - slices.Index(order, b.Rows); c != 0 {
			return c
		}
		return a.Line - b.Line
	})
	return im.problems
}

func (im *importer) count(kind string, created, updated bool) {
	switch {
	case created:
		im.res.Created[kind]++
	case updated:
		im.res.Updated[kind]++
	}
}

func (im *importer) run(r storage.Roster) error {
	for i, s := range r.Schools {
		if err := im.school(s); err != nil {
			return fmt.Errorf("school row %d (%q): %w", i+1, s.Name, err)
		}
	}
	for i, s := range r.Staff {
		if err := im.staffRow(s); err != nil {
			return fmt.Errorf("staff row %d (%q): %w", i+1, s.Handle, err)
		}
	}
	if err := im.identities(r.Staff); err != nil {
		return err
	}
	for i, s := range r.Students {
		if err := im.student(s); err != nil {
			return fmt.Errorf("student row %d (%q): %w", i+1, s.Code, err)
		}
	}
	for i, g := range r.Goals {
		if err := im.goal(g); err != nil {
			return fmt.Errorf("goal row %d (%s %s): %w", i+1, g.StudentCode, g.Goal.Code, err)
		}
	}
	for i, a := range r.Assignments {
		if err := im.assignment(a); err != nil {
			return fmt.Errorf("assignment row %d (%s %s): %w", i+1, a.StaffHandle, a.StudentCode, err)
		}
	}
	for i, d := range r.Duties {
		if err := im.duty(d); err != nil {
			return fmt.Errorf("duty row %d (%s): %w", i+1, d.StaffHandle, err)
		}
	}
	for i, d := range r.Calendar {
		if err := im.day(d); err != nil {
			return fmt.Errorf("calendar row %d (%s %s): %w", i+1, d.School, d.Day.Date, err)
		}
	}
	return nil
}

func (im *importer) school(s storage.School) error {
	var old storage.School
	err := im.x.QueryRow(im.ctx, `SELECT `+schoolCols+` FROM schools WHERE lower(name) = lower($1)`, s.Name).
		Scan(&old.ID, &old.Name, &old.TimeZone, &old.YearStart, &old.YearEnd, &old.DayStart, &old.Dismissal)
	if errors.Is(err, storage.ErrNotFound) {
		err = im.x.QueryRow(im.ctx, `INSERT INTO schools (name, time_zone, year_start, year_end, day_start, dismissal)
			VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
			s.Name, s.TimeZone, s.YearStart, s.YearEnd, s.DayStart, s.Dismissal).Scan(&s.ID)
		if err != nil {
			return err
		}
		im.schools[strings.ToLower(s.Name)] = s.ID
		im.count("schools", true, false)
		return nil
	}
	if err != nil {
		return err
	}
	im.schools[strings.ToLower(s.Name)] = old.ID
	s.ID, s.Name = old.ID, old.Name // the name keeps the case it was first imported with
	if s == old {
		return nil
	}
	_, err = im.x.Exec(im.ctx, `UPDATE schools SET time_zone = $2, year_start = $3, year_end = $4, day_start = $5, dismissal = $6
		WHERE id = $1`, s.ID, s.TimeZone, s.YearStart, s.YearEnd, s.DayStart, s.Dismissal)
	im.count("schools", false, true)
	return err
}

func (im *importer) schoolID(name string) (int64, error) {
	if id, ok := im.schools[strings.ToLower(name)]; ok {
		return id, nil
	}
	var id int64
	err := im.x.QueryRow(im.ctx, `SELECT id FROM schools WHERE lower(name) = lower($1)`, name).Scan(&id)
	if errors.Is(err, storage.ErrNotFound) {
		return 0, fmt.Errorf("unknown school %q: %w", name, storage.ErrNotFound)
	}
	if err != nil {
		return 0, err
	}
	im.schools[strings.ToLower(name)] = id
	return id, nil
}

func (im *importer) staffRow(s storage.RosterStaff) error {
	if !s.Role.Valid() {
		return fmt.Errorf("unknown role %q", s.Role)
	}
	schoolID, err := im.schoolID(s.School)
	if err != nil {
		return err
	}
	st := storage.Staff{SchoolID: schoolID, Handle: s.Handle, Name: s.Name, Email: s.Email,
		Role: s.Role, Channel: s.Channel, Active: s.Active}
	old, err := scanStaff(im.x.QueryRow(im.ctx, `SELECT `+staffCols+` FROM staff WHERE handle = $1`, s.Handle))
	switch {
	case errors.Is(err, storage.ErrNotFound):
		err = im.x.QueryRow(im.ctx, `INSERT INTO staff (school_id, handle, name, email, role, channel, active)
			VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id`,
			st.SchoolID, st.Handle, st.Name, st.Email, st.Role, st.Channel, st.Active).Scan(&st.ID)
		if err != nil {
			return err
		}
		im.count("staff", true, false)
	case err != nil:
		return err
	default:
		st.ID = old.ID
		if old.SchoolID != st.SchoolID && (old.Email == "" || !strings.EqualFold(old.Email, st.Email)) {
			return im.handleTaken(s, old)
		}
		if st != old {
			_, err = im.x.Exec(im.ctx, `UPDATE staff SET school_id = $2, name = $3, email = $4, role = $5, channel = $6, active = $7
				WHERE id = $1`, st.ID, st.SchoolID, st.Name, st.Email, st.Role, st.Channel, st.Active)
			if err != nil {
				return err
			}
			im.activeChanged(old.Active, st.Active, st.ID, 0, "staff", "")
			im.count("staff", false, true)
		}
	}
	im.staff[st.Handle] = st
	return nil
}

// handleTaken refuses a staff row that would move old's handle to another
// school. A handle is one person's across every school (it is also their
// login name), so another school's row with the same handle is someone
// else, unless it carries the same email: then the person has moved.
func (im *importer) handleTaken(s storage.RosterStaff, old storage.Staff) error {
	var school string
	if err := im.x.QueryRow(im.ctx, `SELECT name FROM schools WHERE id = $1`, old.SchoolID).Scan(&school); err != nil {
		return err
	}
	im.refusedStaff[s.Handle] = true
	im.refuse(storage.RowsStaff, s.Line, "handle", "handle %q is already used by %s at %s; give this person another handle "+
		"(or, if they moved schools, the same email as before)", old.Handle, old.Name, school)
	return nil
}

func (im *importer) staffByHandle(handle string) (storage.Staff, error) {
	if st, ok := im.staff[handle]; ok {
		return st, nil
	}
	st, err := scanStaff(im.x.QueryRow(im.ctx, `SELECT `+staffCols+` FROM staff WHERE handle = $1`, handle))
	if errors.Is(err, storage.ErrNotFound) {
		return storage.Staff{}, fmt.Errorf("unknown staff handle %q: %w", handle, storage.ErrNotFound)
	}
	if err != nil {
		return storage.Staff{}, err
	}
	im.staff[handle] = st
	return st, nil
}

// leftToday is the day an import makes a student inactive, recorded for
// retention (the database's date: an import has no clock of its own).
const leftToday = `CAST(CURRENT_DATE AS TEXT)`

func (im *importer) student(s storage.RosterStudent) error {
	schoolID, err := im.schoolID(s.School)
	if err != nil {
		return err
	}
	st := storage.Student{SchoolID: schoolID, Code: strings.ToUpper(s.Code), Initials: s.Initials, FirstName: s.FirstName,
		LastName: s.LastName, Grade: s.Grade, Active: s.Active}
	var purged bool
	old, err := scanStudent(withFlag{im.x.QueryRow(im.ctx, `SELECT `+studentCols+`, purged FROM students WHERE school_id = $1 AND code = $2`,
		st.SchoolID, st.Code), &purged})
	switch {
	case errors.Is(err, storage.ErrNotFound):
		err = im.x.QueryRow(im.ctx, `INSERT INTO students (school_id, code, initials, first_name, last_name, grade, active, left_on)
			VALUES ($1, $2, $3, $4, $5, $6, $7, CASE WHEN $7 THEN '' ELSE `+leftToday+` END) RETURNING id`,
			st.SchoolID, st.Code, st.Initials, st.FirstName, st.LastName, st.Grade, st.Active).Scan(&st.ID)
		if err != nil {
			return err
		}
		im.count("students", true, false)
	case err != nil:
		return err
	case purged:
		// The school's retention policy removed the student's records:
		// writing their name back would undo it.
		st.ID = old.ID
		if s.Active {
			im.refuse(storage.RowsStudents, s.Line, "active", "%s's records were purged under the school's retention policy (keep_records), "+
				"so %s cannot be active again; enrol the student under a new code, or set active to no", st.Code, st.Code)
		} else {
			im.res.Purged++
		}
	default:
		st.ID = old.ID
		if st != old {
			_, err = im.x.Exec(im.ctx, `UPDATE students SET initials = $2, first_name = $3, last_name = $4, grade = $5, active = $6,
				left_on = CASE WHEN $6 THEN '' WHEN left_on = '' THEN `+leftToday+` ELSE left_on END
				WHERE id = $1`, st.ID, st.Initials, st.FirstName, st.LastName, st.Grade, st.Active)
			if err != nil {
				return err
			}
			im.activeChanged(old.Active, st.Active, 0, st.ID, "student", "")
			im.count("students", false, true)
		}
	}
	im.purged[st.ID] = purged
	im.students[studentKey{st.SchoolID, st.Code}] = st.ID
	im.studentSchools[st.Code] = append(im.studentSchools[st.Code], st.SchoolID)
	return nil
}

// isPurged reports whether Purge anonymised a student.
func (im *importer) isPurged(studentID int64) (bool, error) {
	if p, ok := im.purged[studentID]; ok {
		return p, nil
	}
	var p bool
	if err := im.x.QueryRow(im.ctx, `SELECT purged FROM students WHERE id = $1`, studentID).Scan(&p); err != nil {
		return false, fmt.Errorf("loading student %d: %w", studentID, err)
	}
	im.purged[studentID] = p
	return p, nil
}

// studentID finds the student with code at a school.
func (im *importer) studentID(schoolID int64, code string) (int64, error) {
	k := studentKey{schoolID, strings.ToUpper(code)}
	if id, ok := im.students[k]; ok {
		return id, nil
	}
	var id int64
	err := im.x.QueryRow(im.ctx, `SELECT id FROM students WHERE school_id = $1 AND code = $2`, k.schoolID, k.code).Scan(&id)
	if errors.Is(err, storage.ErrNotFound) {
		return 0, fmt.Errorf("unknown student code %q: %w", code, storage.ErrNotFound)
	}
	if err != nil {
		return 0, err
	}
	im.students[k] = id
	return id, nil
}

// goalStudentID finds a goal row's student: at the row's school; when it
// names none, the student of this import with that code when only one
// school's row has it, else the one student with that code in any school.
func (im *importer) goalStudentID(rg storage.RosterGoal) (int64, error) {
	if rg.School != "" {
		schoolID, err := im.schoolID(rg.School)
		if err != nil {
			return 0, err
		}
		return im.studentID(schoolID, rg.StudentCode)
	}
	if schools := im.studentSchools[strings.ToUpper(rg.StudentCode)]; len(schools) == 1 {
		return im.studentID(schools[0], rg.StudentCode)
	}
	ids, err := list(im.ctx, im.x, "finding student by code", func(row scanner) (int64, error) {
		var id int64
		return id, row.Scan(&id)
	}, `SELECT id FROM students WHERE code = $1 ORDER BY id LIMIT 2`, strings.ToUpper(rg.StudentCode))
	switch {
	case err != nil:
		return 0, err
	case len(ids) == 0:
		return 0, fmt.Errorf("unknown student code %q: %w", rg.StudentCode, storage.ErrNotFound)
	case len(ids) > 1:
		return 0, fmt.Errorf("student code %q is used by several schools; name the school: %w", rg.StudentCode, storage.ErrConflict)
	}
	return ids[0], nil
}

func (im *importer) goal(rg storage.RosterGoal) error {
	studentID, err := im.goalStudentID(rg)
	if err != nil {
		return err
	}
	purged, err := im.isPurged(studentID)
	if err != nil {
		return err
	}
	g := rg.Goal
	g.ID, g.StudentID = 0, studentID
	old, err := scanGoal(im.x.QueryRow(im.ctx, `SELECT `+goalCols+` FROM goals WHERE student_id = $1 AND code = $2`, studentID, g.Code))
	switch {
	case purged && errors.Is(err, storage.ErrNotFound):
		im.refuse(storage.RowsGoals, rg.Line, "student", "%s's records were purged under the school's retention policy (keep_records), "+
			"so %s gets no new goals; enrol the student under a new code, or leave the goal out", strings.ToUpper(rg.StudentCode), g.Code)
		return nil
	case purged && err == nil:
		return nil // left as Purge left it, without its text
	case errors.Is(err, storage.ErrNotFound):
		_, err = im.x.Exec(im.ctx, `INSERT INTO goals (student_id, code, text, domain, measurement, baseline,
			mastery_percent, mastery_sessions, mastery_min_trials, start_date, end_date, active, type, title, steps, scale)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)`,
			g.StudentID, g.Code, g.Text, g.Domain, g.Measurement, g.Baseline,
			g.MasteryPercent, g.MasterySessions, g.MasteryMinTrials, g.StartDate, g.EndDate, g.Active,
			string(g.Measure()), g.Title, strings.Join(g.Steps, "|"), strings.Join(g.Scale, "|"))
		im.count("goals", true, false)
	case err != nil:
	default:
		g.ID = old.ID
		if !g.Same(old) {
			_, err = im.x.Exec(im.ctx, `UPDATE goals SET text = $2, domain = $3, measurement = $4, baseline = $5,
				mastery_percent = $6, mastery_sessions = $7, mastery_min_trials = $8, start_date = $9, end_date = $10, active = $11,
				type = $12, title = $13, steps = $14, scale = $15
				WHERE id = $1`, g.ID, g.Text, g.Domain, g.Measurement, g.Baseline,
				g.MasteryPercent, g.MasterySessions, g.MasteryMinTrials, g.StartDate, g.EndDate, g.Active,
				string(g.Measure()), g.Title, strings.Join(g.Steps, "|"), strings.Join(g.Scale, "|"))
			im.count("goals", false, true)
		}
	}
	return err
}

// assignment creates or updates one assignment. An inactive one is kept,
// so that a later import can make it active again, but gives no access;
// it may name a student of a school the staff member has left.
func (im *importer) assignment(a storage.RosterAssignment) error {
	if im.refusedStaff[a.StaffHandle] {
		return nil // the staff row is refused: nothing will be imported
	}
	st, err := im.staffByHandle(a.StaffHandle)
	if err != nil {
		return err
	}
	schoolID := st.SchoolID
	if a.School != "" {
		if schoolID, err = im.schoolID(a.School); err != nil {
			return err
		}
	}
	studentID, err := im.studentID(schoolID, a.StudentCode)
	if err != nil {
		return err
	}
	if a.Active && schoolID != st.SchoolID {
		return fmt.Errorf("student %s is not at %s's school; staff are assigned to students of their own school: %w",
			a.StudentCode, st.Handle, storage.ErrConflict)
	}
	var active bool
	err = im.x.QueryRow(im.ctx, `SELECT active FROM assignments WHERE staff_id = $1 AND student_id = $2 AND kind = $3`,
		st.ID, studentID, a.Kind).Scan(&active)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		_, err = im.x.Exec(im.ctx, `INSERT INTO assignments (staff_id, student_id, kind, active) VALUES ($1, $2, $3, $4)`,
			st.ID, studentID, a.Kind, a.Active)
		im.count("assignments", true, false)
	case err != nil:
	case active != a.Active:
		_, err = im.x.Exec(im.ctx, `UPDATE assignments SET active = $4 WHERE staff_id = $1 AND student_id = $2 AND kind = $3`,
			st.ID, studentID, a.Kind, a.Active)
		im.activeChanged(active, a.Active, st.ID, studentID, "assignment", "kind="+string(a.Kind))
		im.count("assignments", false, true)
	}
	return err
}

func (im *importer) duty(rd storage.RosterDuty) error {
	if im.refusedStaff[rd.StaffHandle] {
		return nil // the staff row is refused: nothing will be imported
	}
	st, err := im.staffByHandle(rd.StaffHandle)
	if err != nil {
		return err
	}
	d := rd.Duty
	d.ID, d.SchoolID, d.StaffID = 0, st.SchoolID, st.ID
	var active bool
	old, err := scanDuty(withFlag{im.x.QueryRow(im.ctx, `SELECT `+dutyCols+`, active FROM duties
		WHERE staff_id = $1 AND kind = $2 AND weekday = $3 AND start_time = $4`, d.StaffID, d.Kind, int(d.Weekday), d.Start), &active})
	switch {
	case errors.Is(err, storage.ErrNotFound):
		_, err = im.x.Exec(im.ctx, `INSERT INTO duties (school_id, staff_id, kind, weekday, start_time, end_time, place, active)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, d.SchoolID, d.StaffID, d.Kind, int(d.Weekday), d.Start, d.End, d.Place, rd.Active)
		im.count("duties", true, false)
	case err != nil:
	default:
		d.ID = old.ID
		if d != old || active != rd.Active {
			_, err = im.x.Exec(im.ctx, `UPDATE duties SET school_id = $2, end_time = $3, place = $4, active = $5 WHERE id = $1`,
				d.ID, d.SchoolID, d.End, d.Place, rd.Active)
			im.count("duties", false, true)
		}
	}
	return err
}

func (im *importer) day(rd storage.RosterDay) error {
	schoolID, err := im.schoolID(rd.School)
	if err != nil {
		return err
	}
	d := rd.Day
	d.SchoolID = schoolID
	var active bool
	old, err := scanDay(withFlag{im.x.QueryRow(im.ctx, `SELECT `+dayCols+`, active FROM calendar_days WHERE school_id = $1 AND day = $2`,
		d.SchoolID, d.Date), &active})
	switch {
	case errors.Is(err, storage.ErrNotFound):
		_, err = im.x.Exec(im.ctx, `INSERT INTO calendar_days (school_id, day, kind, dismissal, note, active) VALUES ($1, $2, $3, $4, $5, $6)`,
			d.SchoolID, d.Date, d.Kind, d.Dismissal, d.Note, rd.Active)
		im.count("calendar", true, false)
	case err != nil:
	case d != old || active != rd.Active:
		_, err = im.x.Exec(im.ctx, `UPDATE calendar_days SET kind = $3, dismissal = $4, note = $5, active = $6 WHERE school_id = $1 AND day = $2`,
			d.SchoolID, d.Date, d.Kind, d.Dismissal, d.Note, rd.Active)
		im.count("calendar", false, true)
	}
	return err
}

// withFlag scans a row whose last column is a flag: the columns before it
// into the destinations the scan function passes, the last into *flag.
// It lets the importer reuse scanDuty, scanDay and scanStudent on rows
// that also carry a flag they do not return (active, purged).
type withFlag struct {
	row  scanner
	flag *bool
}

func (w withFlag) Scan(dest ...any) error { return w.row.Scan(append(dest, w.flag)...) }

// activeChanged notes a staff member, student or assignment retired or
// brought back, for the import's audit rows.
func (im *importer) activeChanged(was, is bool, staffID, studentID int64, entity, detail string) {
	if was == is {
		return
	}
	action := "retire"
	if is {
		action = "reactivate"
	}
	d := "import"
	if staffID != 0 && entity == "staff" {
		d += fmt.Sprintf(" staff_id=%d", staffID)
	}
	if detail != "" {
		d += " " + detail
	}
	im.changes = append(im.changes, storage.AuditEvent{StaffID: staffID, StudentID: studentID, Action: action, Entity: entity, Detail: d})
}

// auditImport records an import that changed anything: one "import" row
// with what it created and updated, and a row for each staff member,
// student and assignment it retired or brought back. (The first import,
// into a database without schools, is not recorded: there was no access
// before it. Rows are of no staff member: an import is run from the
// command line.)
func (s *Store) auditImport(ctx context.Context, x Executor, at time.Time, first bool, res storage.ImportResult, changes []storage.AuditEvent) error {
	if first || (len(res.Created) == 0 && len(res.Updated) == 0 && len(changes) == 0) {
		return nil
	}
	if at.IsZero() {
		at = time.Now()
	}
	at = at.UTC()
	events := append([]storage.AuditEvent{{At: at, Action: "import", Entity: "roster",
		Detail: fmt.Sprintf("created=%s updated=%s", countList(res.Created), countList(res.Updated))}}, changes...)
	for _, e := range events {
		e.At = at
		if e.Entity == "staff" {
			e.StaffID = 0 // the staff member is named in the detail: the row is not theirs
		}
		if err := insertAudit(ctx, x, s.d, e); err != nil {
			return fmt.Errorf("auditing the import: %w", err)
		}
	}
	return nil
}

// countList writes counts by kind as "staff:1,students:2", kinds sorted.
func countList(m map[string]int) string {
	kinds := make([]string, 0, len(m))
	for k := range m {
		kinds = append(kinds, k)
	}
	slices.Sort(kinds)
	parts := make([]string, len(kinds))
	for i, k := range kinds {
		parts[i] = fmt.Sprintf("%s:%d", k, m[k])
	}
	return strings.Join(parts, ",")
}
