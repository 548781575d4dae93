package roster

import (
	"strconv"
	"strings"
	"unicode"

	"parabot/storage"
)

// studentsSpec describes students.csv: one row a student.
func studentsSpec() fileSpec {
	return fileSpec{name: StudentsFile, columns: []column{
		{name: "school", required: true, max: 100},
		{name: "code", required: true, max: 16},
		{name: "initials", required: true, max: 40},
		{name: "first_name", required: true, max: 50},
		{name: "last_name", required: true, max: 50},
		{name: "grade", max: 40},
		{name: "active", max: 40},
		{name: "dismissal", max: 40}, // bus 12, pickup, walker, after-care
	}}
}

// studentRef is what later files need to know of a student.
type studentRef struct {
	code   string
	school *schoolRef // nil when the row named no known school
	line   int
}

func (p *parser) parseStudents(rows []row) {
	for _, r := range rows {
		school := r.school("school")
		s := storage.RosterStudent{
			Code:      r.studentCode("code"),
			Initials:  r.initials("initials"),
			FirstName: r.name("first_name"),
			LastName:  r.name("last_name"),
			Grade:     r.grade("grade"),
			Active:    r.active(),
			Line:      r.line,
		}
		if school != nil {
			s.School = school.name
		}
		if s.Code != "" {
			// A code is unique within a school; another school may use it.
			if prev := p.studentAt(fold(s.Code), school); prev != nil {
				r.problem("code", "student code %q is already on line %d", s.Code, prev.line)
			} else {
				p.students[fold(s.Code)] = append(p.students[fold(s.Code)], &studentRef{code: s.Code, school: school, line: r.line})
			}
		}
		p.parseDismissal(r, s.School, s.Code)
		p.out.Students = append(p.out.Students, s)
	}
}

// studentCode reads a student's display code, e.g. S104: what channels
// show, so it must not be a name.
func (r row) studentCode(col string) string {
	v := r.get(col)
	if v == "" {
		return ""
	}
	if !matches(v, "-") || !strings.ContainsAny(v, "0123456789") {
		r.problem(col, "%q is not a student code; use letters, digits and dashes with at least one digit, for example S104", v)
		r.badKey(v)
		return ""
	}
	return v
}

// initials reads a student's initials, written with or without dots, and
// returns them in one form: "ab", "A B" and "A.B." are all "A.B.".
func (r row) initials(col string) string {
	v := r.get(col)
	if v == "" {
		return ""
	}
	var letters []rune
	ok := true
	for _, c := range v {
		switch {
		case unicode.IsLetter(c):
			letters = append(letters, unicode.ToUpper(c))
		case c == '.' || c == ' ':
		default:
			ok = false
		}
	}
	if !ok || len(letters) == 0 || len(letters) > 4 {
		r.problem(col, "%q are not initials; write one to four letters, for example A.B.", v)
		return ""
	}
	var b strings.Builder
	for _, c := range letters {
		b.WriteRune(c)
		b.WriteByte('.')
	}
	return b.String()
}

// grade reads an optional grade: PK, TK, K or 1 to 12.
func (r row) grade(col string) string {
	v := strings.ToUpper(r.get(col))
	switch v {
	case "", "PK", "TK", "K":
		return v
	case "PRE-K", "PREK":
		return "PK"
	}
	if n, err := strconv.Atoi(v); err == nil && n >= 1 && n <= 12 && isDigits(v) {
		return strconv.Itoa(n)
	}
	r.problem(col, "%q is not a grade; write PK, TK, K or 1 to 12", r.get(col))
	return ""
}

// studentAt returns the student with the folded code at school, nil when
// there is none.
func (p *parser) studentAt(code string, school *schoolRef) *studentRef {
	for _, s := range p.students[code] {
		if s.school == school {
			return s
		}
	}
	return nil
}

// student resolves a reference to a student of students.csv by code and,
// when school is not nil, school. Without a school the code must be one
// school's only. It returns nil when the value is empty or names no one
// student (which is reported).
func (r row) student(col string, school *schoolRef) *studentRef {
	v := r.get(col)
	if v == "" {
		return nil
	}
	found := r.p.students[fold(v)]
	if len(found) == 0 {
		r.missingRef(col, "student with code", v, StudentsFile)
		return nil
	}
	if school != nil {
		if s := r.p.studentAt(fold(v), school); s != nil {
			return s
		}
		r.problem(col, "no student with code %q at %s in %s", v, school.name, StudentsFile)
		return nil
	}
	if len(found) > 1 {
		r.problem(col, "%s is at several schools (%s); add a school column to %s saying which", v, schoolNames(found), r.file)
		return nil
	}
	return found[0]
}

// schoolNames lists the schools of students, in the order they were read.
func schoolNames(students []*studentRef) string {
	names := make([]string, 0, len(students))
	for _, s := range students {
		if s.school != nil {
			names = append(names, s.school.name)
		}
	}
	return strings.Join(names, ", ")
}
