package roster

import (
	"strings"

	"parabot/storage"
)

// assignmentsSpec describes assignments.csv: one row puts a staff member
// on a student's team, or with active "no" takes them off it.
func assignmentsSpec() fileSpec {
	return fileSpec{name: AssignmentsFile, columns: []column{
		{name: "staff", required: true, max: 32},
		{name: "student", required: true, max: 16},
		{name: "kind", required: true, max: 40},
		{name: "active", max: 40},
	}}
}

func (p *parser) parseAssignments(rows []row) {
	seen := map[string]int{}
	for _, r := range rows {
		a := storage.RosterAssignment{Kind: r.assignmentKind("kind"), Active: r.active()}
		staff := r.staffMember("staff")
		if staff != nil {
			a.StaffHandle = staff.handle
		}
		st := r.assignedStudent("student", staff, a.Active)
		if st != nil {
			a.StudentCode = st.code
			if st.school != nil {
				a.School = st.school.name
			}
		}
		if staff != nil && a.Active && a.Kind != "" && staff.role != "" && !a.Kind.Fits(staff.role) {
			r.problem("kind", "%s is %s %s; a %s assignment needs %s", staff.handle, article(string(staff.role)), staff.role, a.Kind, a.Kind.Needs())
		}
		if staff != nil && st != nil {
			k := key(staff.handle, a.School, fold(st.code))
			if prev, dup := seen[k]; dup {
				r.problem("student", "%s is already assigned to %s on line %d", staff.handle, st.code, prev)
			} else {
				seen[k] = r.line
			}
		}
		p.out.Assignments = append(p.out.Assignments, a)
	}
}

// assignedStudent resolves an assignment's student: the one with the code
// at the staff member's school. An active assignment needs one there; an
// inactive one may retire an assignment to a student of another school
// (the staff member moved), when only one school has the code.
func (r row) assignedStudent(col string, staff *staffRef, active bool) *studentRef {
	v := r.get(col)
	if v == "" || staff == nil || staff.school == nil {
		return r.student(col, nil)
	}
	if st := r.p.studentAt(fold(v), staff.school); st != nil {
		return st
	}
	st := r.student(col, nil)
	if st != nil && st.school != nil && active {
		r.problem(col, "%s is at %s, but %s works at %s; staff are assigned to students of their own school", st.code, st.school.name, staff.handle, staff.school.name)
	}
	return st
}

// article is "an" before a word starting with a vowel, else "a".
func article(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an"
	}
	return "a"
}

// assignmentKind reads how a staff member relates to a student.
func (r row) assignmentKind(col string) storage.AssignmentKind {
	v := r.get(col)
	switch k := storage.AssignmentKind(strings.ToLower(v)); k {
	case "":
		return ""
	case storage.AssignPara, storage.AssignTeacher, storage.AssignTherapist:
		return k
	}
	r.problem(col, "%q is not an assignment kind (para, teacher, therapist)", v)
	return ""
}
