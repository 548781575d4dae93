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
		st := r.student("student")
		if staff != nil {
			a.StaffHandle = staff.handle
		}
		if st != nil {
			a.StudentCode = st.code
		}
		if staff != nil && st != nil {
			if staff.school != nil && st.school != nil && staff.school != st.school {
				r.problem("student", "%s is at %s, but %s works at %s; staff are assigned to students of their own school", st.code, st.school.name, staff.handle, staff.school.name)
			}
			k := key(staff.handle, fold(st.code))
			if prev, dup := seen[k]; dup {
				r.problem("student", "%s is already assigned to %s on line %d", staff.handle, st.code, prev)
			} else {
				seen[k] = r.line
			}
		}
		p.out.Assignments = append(p.out.Assignments, a)
	}
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
