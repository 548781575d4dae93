package storagetest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"parabot/storage"
)

// OtherSchool is the second school of the multi-school tests.
const OtherSchool = "Oak Middle School"

// otherRoster is a second school whose student codes are the same as
// SampleRoster's: S101 at Oak is another child than S101 at Maple.
func otherRoster() storage.Roster {
	return storage.Roster{
		Schools: []storage.School{{Name: OtherSchool, TimeZone: "America/Chicago",
			YearStart: "2026-08-24", YearEnd: "2027-06-04", DayStart: "08:00", Dismissal: "15:00"}},
		Staff: []storage.RosterStaff{
			{School: OtherSchool, Handle: "oteacher", Name: "Olga Teacher", Email: "olga.teacher@oak.example",
				Role: storage.RoleTeacher, Active: true},
			{School: OtherSchool, Handle: "opara", Name: "Omar Para", Email: "omar.para@oak.example",
				Role: storage.RolePara, Active: true},
		},
		Students: []storage.RosterStudent{
			{School: OtherSchool, Code: "S101", Initials: "X.Y.", FirstName: "Xena", LastName: "Young", Grade: "7", Active: true},
		},
		Goals: []storage.RosterGoal{
			{School: OtherSchool, StudentCode: "S101", Goal: goal("G1", "Writes a paragraph", storage.DomainAcademic)},
		},
		Assignments: []storage.RosterAssignment{
			{StaffHandle: "oteacher", StudentCode: "S101", Kind: storage.AssignTeacher, Active: true},
			{StaffHandle: "opara", StudentCode: "S101", Kind: storage.AssignPara, Active: true},
		},
	}
}

// Two schools may give the same code to different students: each import
// keeps to its own school's student, records and team.
func testSameCodeTwoSchools(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	maple := f.students["S101"]
	checkImport(t, s, otherRoster(), "second school",
		map[string]int{"assignments": 2, "goals": 1, "identities": 2, "schools": 1, "staff": 2, "students": 1}, map[string]int{})

	// Maple's S101 is untouched.
	got := of(s.Student(ctx, maple.ID)).must(t, "Student")
	if got != maple {
		t.Errorf("Maple's S101 after Oak's import = %+v, want %+v", got, maple)
	}
	oakTeacher := of(s.StaffByIdentity(ctx, storage.PlatformShell, "oteacher")).must(t, "StaffByIdentity")
	oak := of(s.Students(ctx, oakTeacher.SchoolID)).must(t, "Students")
	if len(oak) != 1 || oak[0].ID == maple.ID || oak[0].FirstName != "Xena" {
		t.Fatalf("Oak's students = %+v, want one S101 of its own", oak)
	}
	goals := of(s.Goals(ctx, oak[0].ID)).must(t, "Goals")
	if len(goals) != 1 || goals[0].Text != "Writes a paragraph" {
		t.Errorf("Oak's S101 goals = %+v, want its own G1", goals)
	}
	if goals, _ := s.Goals(ctx, maple.ID); len(goals) != 2 {
		t.Errorf("Maple's S101 goals = %+v, want its 2", goals)
	}

	// Caseloads and teams stay within each school.
	for handle, want := range map[string]int64{"opara": oak[0].ID, "oteacher": oak[0].ID} {
		st := of(s.StaffByIdentity(ctx, storage.PlatformShell, handle)).must(t, "StaffByIdentity")
		cl := of(s.Caseload(ctx, st.ID)).must(t, "Caseload")
		if len(cl) != 1 || cl[0].ID != want {
			t.Errorf("Caseload(%s) = %+v, want Oak's S101 only", handle, cl)
		}
	}
	cl := of(s.Caseload(ctx, f.staff["jrivera"].ID)).must(t, "Caseload")
	if codes(cl) != "S101,S102" || cl[0].ID != maple.ID {
		t.Errorf("Caseload(jrivera) = %+v, want Maple's S101 and S102", cl)
	}
	if got, want := team(t, s, maple.ID), "[teacher:tlopez para:jrivera therapist:kokafor]"; got != want {
		t.Errorf("team of Maple's S101 = %s, want %s", got, want)
	}
	if got, want := team(t, s, oak[0].ID), "[teacher:oteacher para:opara]"; got != want {
		t.Errorf("team of Oak's S101 = %s, want %s", got, want)
	}

	// Records stay with their own student.
	of(s.LogTrials(ctx, trialBatch(t, f, at(t, "2026-09-14", "10:00")), nil)).must(t, "LogTrials")
	trials := of(s.Trials(ctx, storage.Filter{StudentID: oak[0].ID})).must(t, "Trials")
	if len(trials) != 0 {
		t.Errorf("Oak's S101 has %d trials of Maple's S101", len(trials))
	}

	// A re-import of both changes nothing.
	checkImport(t, s, SampleRoster(), "Maple again", map[string]int{}, map[string]int{})
	checkImport(t, s, otherRoster(), "Oak again", map[string]int{}, map[string]int{})
}

// Student codes and school names match whatever their case: "s101" is
// S101, "maple elementary" is Maple Elementary.
func testImportMatchesCase(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	r := SampleRoster()
	for i := range r.Schools {
		r.Schools[i].Name = strings.ToUpper(r.Schools[i].Name)
	}
	for i := range r.Staff {
		r.Staff[i].School = strings.ToLower(r.Staff[i].School)
	}
	for i := range r.Students {
		r.Students[i].School = strings.ToLower(r.Students[i].School)
		r.Students[i].Code = strings.ToLower(r.Students[i].Code)
	}
	for i := range r.Goals {
		r.Goals[i].StudentCode = strings.ToLower(r.Goals[i].StudentCode)
	}
	for i := range r.Assignments {
		r.Assignments[i].StudentCode = strings.ToLower(r.Assignments[i].StudentCode)
	}
	for i := range r.Calendar {
		r.Calendar[i].School = strings.ToLower(r.Calendar[i].School)
	}
	checkImport(t, s, r, "lower-case re-import", map[string]int{}, map[string]int{})
	schools := of(s.Schools(ctx)).must(t, "Schools")
	if len(schools) != 1 || schools[0].Name != SampleSchool {
		t.Errorf("Schools = %+v, want only %q as first imported", schools, SampleSchool)
	}
	students := of(s.Students(ctx, f.school.ID)).must(t, "Students")
	if got := codes(students); got != "S101,S102,S103,S104" {
		t.Errorf("Students = %s, want S101,S102,S103,S104", got)
	}
	// A new student's code is kept in upper case.
	r.Students = append(r.Students, storage.RosterStudent{School: SampleSchool, Code: "s105", Initials: "I.J.", Active: true})
	checkImport(t, s, r, "new lower-case code", map[string]int{"students": 1}, map[string]int{})
	students = of(s.Students(ctx, f.school.ID)).must(t, "Students")
	if got := codes(students); got != "S101,S102,S103,S104,S105" {
		t.Errorf("Students = %s, want S101,S102,S103,S104,S105", got)
	}
}

// A staff handle is one person's across every school: an import that
// would give an existing handle to another school is refused, naming the
// row, and changes nothing; the same person (same email) may move.
func testImportHandleOtherSchool(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	r := otherRoster()
	r.Staff = append(r.Staff, storage.RosterStaff{School: OtherSchool, Handle: "jrivera", Name: "Jay Rivera",
		Email: "jay.rivera@oak.example", Role: storage.RolePara, Active: true, Line: 4})
	r.Assignments = append(r.Assignments, storage.RosterAssignment{StaffHandle: "jrivera", StudentCode: "S101", Kind: storage.AssignPara, Active: true})
	_, err := s.ImportRoster(ctx, r)
	wantRefused(t, "another school's jrivera", err, storage.ImportProblem{Rows: storage.RowsStaff, Line: 4, Field: "handle",
		Msg: `handle "jrivera" is already used by Jo Rivera at Maple Elementary; give this person another handle`})
	got := of(s.StaffMember(ctx, f.staff["jrivera"].ID)).must(t, "StaffMember")
	if got != f.staff["jrivera"] {
		t.Errorf("jrivera after the refused import = %+v, want %+v", got, f.staff["jrivera"])
	}
	if schools, _ := s.Schools(ctx); len(schools) != 1 {
		t.Errorf("refused import left %d schools, want 1 (nothing saved)", len(schools))
	}

	// Jo Rivera (same email) moves to Oak: Maple's students leave the
	// caseload at once, even before any assignment is retired.
	r = otherRoster()
	r.Staff = append(r.Staff, storage.RosterStaff{School: OtherSchool, Handle: "jrivera", Name: "Jo Rivera",
		Email: "Jo.Rivera@maple.example", Role: storage.RolePara, Active: true})
	of(s.ImportRoster(ctx, r)).must(t, "moving jrivera with the same email")
	moved := of(s.StaffMember(ctx, f.staff["jrivera"].ID)).must(t, "StaffMember")
	if moved.SchoolID == f.school.ID {
		t.Fatalf("jrivera still at Maple after moving")
	}
	cl := of(s.Caseload(ctx, moved.ID)).must(t, "Caseload")
	if len(cl) != 0 {
		t.Errorf("moved para's caseload = %s, want none of the old school's students", codes(cl))
	}
	if got, want := team(t, s, f.students["S101"].ID), "[teacher:tlopez therapist:kokafor]"; got != want {
		t.Errorf("team of Maple's S101 = %s, want %s", got, want)
	}
	// The old school's assignment can still be retired.
	checkImport(t, s, storage.Roster{Assignments: []storage.RosterAssignment{
		{StaffHandle: "jrivera", StudentCode: "S101", School: SampleSchool, Kind: storage.AssignPara, Active: false},
	}}, "retiring the old assignment", map[string]int{}, map[string]int{"assignments": 1})
	// But no new one across schools.
	_, err = s.ImportRoster(ctx, storage.Roster{Assignments: []storage.RosterAssignment{
		{StaffHandle: "jrivera", StudentCode: "S102", School: SampleSchool, Kind: storage.AssignPara, Active: true},
	}})
	wantErr(t, "assigning across schools", err, storage.ErrConflict)
}

// A goal row naming a code that two schools use must name the school.
func testImportAmbiguousGoal(t *testing.T, s storage.Store) {
	ctx := context.Background()
	load(t, s)
	checkImport(t, s, otherRoster(), "second school",
		map[string]int{"assignments": 2, "goals": 1, "identities": 2, "schools": 1, "staff": 2, "students": 1}, map[string]int{})
	_, err := s.ImportRoster(ctx, storage.Roster{Goals: []storage.RosterGoal{
		{StudentCode: "S101", Goal: goal("G9", "Ambiguous", storage.DomainMotor)},
	}})
	if err == nil || !errors.Is(err, storage.ErrConflict) {
		t.Errorf("goal of an ambiguous code: error = %v, want ErrConflict", err)
	}
	// A code used by one school only needs no school.
	checkImport(t, s, storage.Roster{Goals: []storage.RosterGoal{
		{StudentCode: "S102", Goal: goal("G9", "Unambiguous", storage.DomainMotor)},
	}}, "goal of a unique code", map[string]int{"goals": 1}, map[string]int{})
}

// A backdated entry is audited and created at the moment it was logged;
// its records keep the time they are about.
func testBackdatedEntry(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	about := at(t, "2026-09-14", "09:00")
	logged := at(t, "2026-09-15", "16:30")
	checkLogged := func(kind string, e storage.Entry, recordAt time.Time) {
		t.Helper()
		checkTime(t, kind+" Entry.CreatedAt", e.CreatedAt, logged)
		got := of(s.Entry(ctx, e.ID)).must(t, "Entry")
		checkTime(t, kind+" stored Entry.CreatedAt", got.CreatedAt, logged)
		checkTime(t, kind+" record At", recordAt, about)
		rows := of(s.Audit(ctx, e.StudentID)).must(t, "Audit")
		found := false
		for _, a := range rows {
			if a.EntityID == e.ID && a.Action == "create" {
				found = true
				checkTime(t, kind+" create audit At", a.At, logged)
			}
		}
		if !found {
			t.Errorf("%s: no create audit row", kind)
		}
	}
	b := trialBatch(t, f, about)
	b.LoggedAt = logged
	e := of(s.LogTrials(ctx, b, nil)).must(t, "LogTrials")
	trials := of(s.Trials(ctx, storage.Filter{StudentID: b.StudentID})).must(t, "Trials")
	checkLogged("trials", e, trials[0].At)

	in := sampleIncident(f, about)
	in.LoggedAt = logged
	e = of(s.LogIncident(ctx, in, nil)).must(t, "LogIncident")
	incidents := of(s.Incidents(ctx, storage.Filter{StudentID: in.StudentID})).must(t, "Incidents")
	checkLogged("incident", e, incidents[0].At)

	tr := storage.Transition{StudentID: f.students["S102"].ID, StaffID: f.staff["jrivera"].ID, At: about,
		From: "class", To: "bus", LoggedAt: logged}
	e = of(s.LogTransition(ctx, tr, nil)).must(t, "LogTransition")
	transitions := of(s.Transitions(ctx, storage.Filter{StudentID: tr.StudentID})).must(t, "Transitions")
	checkLogged("transition", e, transitions[0].At)

	n := storage.Note{StudentID: f.students["S103"].ID, StaffID: f.staff["mchen"].ID, ToStaffID: f.staff["tlopez"].ID,
		At: about, Text: "good day", LoggedAt: logged}
	e = of(s.LogNote(ctx, n, nil)).must(t, "LogNote")
	notes := of(s.Notes(ctx, storage.Filter{StudentID: n.StudentID})).must(t, "Notes")
	checkLogged("note", e, notes[0].At)
}
