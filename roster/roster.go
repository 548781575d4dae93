// Package roster reads a school's roster from a folder of CSV files
// (schools, staff, students, IEP goals, assignments, duties, calendar),
// checks every row, and imports it into a storage.Store in one
// transaction. It also carries the demo school that `parabot shell --demo`
// starts with.
//
// A roster with any problem imports nothing; the error lists every bad
// row and column (see Errors).
package roster

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"slices"
	"strings"

	"parabot/storage"
)

// The roster files, in the order they are read: each file's rows may refer
// to rows of the files before it, never after.
const (
	SchoolsFile     = "schools.csv"
	StaffFile       = "staff.csv"
	StudentsFile    = "students.csv"
	GoalsFile       = "goals.csv"
	AssignmentsFile = "assignments.csv"
	DutiesFile      = "duties.csv"
	CalendarFile    = "calendar.csv"
)

// Files lists the roster files in the order they are read.
func Files() []string {
	return []string{SchoolsFile, StaffFile, StudentsFile, GoalsFile, AssignmentsFile, DutiesFile, CalendarFile, SchedulesFile, EscalationFile}
}

// Import reads the roster files at the top of fsys and imports them into
// store in one transaction. When the files have problems, or rows the
// database refuses (storage.ImportRefused: a handle, email or chat
// account of someone else, a purged student made active, a role that no
// longer fits the assignments left in place), it returns Errors and
// imports nothing. The database is asked only once the files themselves
// have no problem.
func Import(ctx context.Context, store storage.Store, fsys fs.FS) (storage.ImportResult, error) {
	r, err := Parse(fsys)
	if err != nil {
		return storage.ImportResult{}, err
	}
	res, err := store.ImportRoster(ctx, r)
	var refused storage.ImportRefused
	if errors.As(err, &refused) {
		return storage.ImportResult{}, refusedProblems(refused)
	}
	if err != nil {
		return storage.ImportResult{}, fmt.Errorf("import roster: %w", err)
	}
	return res, nil
}

// rowsFiles are the files of the rows storage.ImportProblem names.
var rowsFiles = map[string]string{
	storage.RowsStaff:    StaffFile,
	storage.RowsStudents: StudentsFile,
	storage.RowsGoals:    GoalsFile,
}

// refusedProblems are the database's refusals as the files' problems.
func refusedProblems(refused storage.ImportRefused) Errors {
	out := make(Errors, len(refused))
	for i, p := range refused {
		out[i] = Problem{File: rowsFiles[p.Rows], Line: p.Line, Column: p.Field, Msg: p.Msg}
	}
	return out
}

// Parse reads and checks the roster files at the top of fsys. Every file
// is optional, but a row may only refer to schools, staff and students of
// the same import. When anything is wrong it returns Errors listing every
// problem and an empty Roster; other errors are failures to read.
func Parse(fsys fs.FS) (storage.Roster, error) {
	p := &parser{
		fsys:     fsys,
		broken:   map[string]bool{},
		present:  map[string]bool{},
		badKeys:  map[string]bool{},
		schools:  map[string]*schoolRef{},
		staff:    map[string]*staffRef{},
		students: map[string][]*studentRef{},
	}
	if err := p.checkFolder(); err != nil {
		return storage.Roster{}, err
	}
	steps := []struct {
		spec  fileSpec
		parse func(rows []row)
	}{
		{schoolsSpec(), p.parseSchools},
		{staffSpec(), p.parseStaff},
		{studentsSpec(), p.parseStudents},
		{goalsSpec(), p.parseGoals},
		{assignmentsSpec(), p.parseAssignments},
		{dutiesSpec(), p.parseDuties},
		{calendarSpec(), p.parseCalendar},
		{schedulesSpec(), p.parseSchedules},
		{escalationSpec(), p.parseEscalation},
	}
	for _, s := range steps {
		rows, present, err := p.readFile(s.spec)
		if err != nil {
			return storage.Roster{}, err
		}
		p.present[s.spec.name] = present
		s.parse(rows)
	}
	if len(p.problems) > 0 {
		return storage.Roster{}, p.problems
	}
	return p.out, nil
}

// parser collects the roster and the problems found while reading it.
type parser struct {
	fsys     fs.FS
	problems Errors
	out      storage.Roster

	broken  map[string]bool // files whose rows cannot be referred to reliably
	present map[string]bool // files the import has
	badKeys map[string]bool // key("file", folded value) of keys reported as bad

	// What later files refer to, by folded name.
	schools  map[string]*schoolRef
	staff    map[string]*staffRef
	students map[string][]*studentRef // every school's students with a code
}

// badKey remembers a key that its own file had wrong, so that rows of
// other files naming it are not reported again.
func (r row) badKey(v string) {
	r.p.badKeys[key(r.file, fold(v))] = true
}

func (p *parser) add(file string, line int, col, msg string) {
	p.problems = append(p.problems, Problem{File: file, Line: line, Column: col, Msg: msg})
}

// checkFolder reports CSV files that are not roster files (a misspelled
// name would otherwise be skipped in silence) and a folder without any.
func (p *parser) checkFolder() error {
	entries, err := fs.ReadDir(p.fsys, ".")
	if err != nil {
		return fmt.Errorf("read roster folder: %w", err)
	}
	known := Files()
	found := 0
	var unknown []string
	for _, e := range entries {
		name := e.Name()
		if e.IsDir() || !strings.EqualFold(path.Ext(name), ".csv") {
			continue
		}
		if slices.Contains(known, name) {
			found++
			continue
		}
		unknown = append(unknown, name)
	}
	slices.Sort(unknown)
	for _, name := range unknown {
		p.add(name, 0, "", fmt.Sprintf("is not a roster file; the roster files are %s", strings.Join(known, ", ")))
	}
	if found == 0 && len(unknown) == 0 {
		p.add("", 0, "", fmt.Sprintf("the folder has no roster files; the roster files are %s", strings.Join(known, ", ")))
	}
	return nil
}

// missingRef reports a reference to a row another file does not have.
func (r row) missingRef(col, what, v, file string) {
	if r.p.broken[file] || r.p.badKeys[key(file, fold(v))] {
		return // that file's own problems are reported; repeating them here would only add noise
	}
	if !r.p.present[file] {
		r.problem(col, "no %s %q: this import has no %s, and every %s named must be in it", what, v, file, what)
		return
	}
	r.problem(col, "no %s %q in %s", what, v, file)
}
