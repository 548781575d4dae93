package storagetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"parabot/storage"
)

func testImportRoster(t *testing.T, s storage.Store) {
	ctx := context.Background()
	res := of(s.ImportRoster(ctx, SampleRoster())).must(t, "ImportRoster")
	want := map[string]int{"schools": 1, "staff": 5, "identities": 8, "students": 4, "goals": 5,
		"assignments": 10, "duties": 6, "calendar": 2}
	if fmt.Sprint(res.Created) != fmt.Sprint(want) {
		t.Errorf("Created = %v, want %v", res.Created, want)
	}
	if len(res.Updated) != 0 {
		t.Errorf("Updated = %v, want nothing", res.Updated)
	}
	f := load(t, s) // a re-import, then the lookups
	if f.school.Name != SampleSchool || f.school.TimeZone != "America/New_York" || f.school.YearStart != "2026-08-31" ||
		f.school.YearEnd != "2027-06-18" || f.school.DayStart != "08:30" || f.school.Dismissal != "15:10" || f.school.ID == 0 {
		t.Errorf("school = %+v", f.school)
	}
	tl := f.staff["tlopez"]
	if tl.Name != "Tina Lopez" || tl.Role != storage.RoleTeacher || tl.Channel != "room-12" ||
		tl.Email != "tina.lopez@maple.example" || !tl.Active || tl.SchoolID != f.school.ID {
		t.Errorf("tlopez = %+v", tl)
	}
	ab := f.students["S101"]
	if ab.Initials != "A.B." || ab.FirstName != "Ava" || ab.LastName != "Brown" || ab.Grade != "2" || !ab.Active || ab.SchoolID != f.school.ID {
		t.Errorf("S101 = %+v", ab)
	}
	want1 := SampleRoster().Goals[0].Goal
	g := f.goals["S101/G1"]
	want1.ID, want1.StudentID = g.ID, ab.ID
	if !g.Same(want1) {
		t.Errorf("S101/G1 = %+v, want %+v", g, want1)
	}
}

func testImportIdempotent(t *testing.T, s storage.Store) {
	ctx := context.Background()
	of(s.ImportRoster(ctx, SampleRoster())).must(t, "first import")
	res := of(s.ImportRoster(ctx, SampleRoster())).must(t, "second import")
	for kind, n := range res.Created {
		if n != 0 {
			t.Errorf("re-import created %d %s", n, kind)
		}
	}
	for kind, n := range res.Updated {
		if n != 0 {
			t.Errorf("re-import updated %d %s", n, kind)
		}
	}
}

func testImportUpdates(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	r := SampleRoster()
	r.Schools[0].Dismissal = "15:00"
	r.Staff[1].Name = "Tina Lopez-Park"
	r.Staff[2].SlackID = "U0NEWJO" // a new Slack account for jrivera
	r.Students[0].Grade = "3"
	r.Goals[0].Goal.MasteryPercent = 90
	r.Duties[0].Duty.Place = "front loop"
	r.Calendar[1].Day.Dismissal = "12:00"
	r.Assignments = append(r.Assignments, storage.RosterAssignment{StaffHandle: "mchen", StudentCode: "S101", Kind: storage.AssignPara, Active: true})
	res := of(s.ImportRoster(ctx, r)).must(t, "ImportRoster")
	wantUpdated := map[string]int{"schools": 1, "staff": 1, "identities": 1, "students": 1, "goals": 1, "duties": 1, "calendar": 1}
	wantCreated := map[string]int{"assignments": 1}
	if fmt.Sprint(res.Updated) != fmt.Sprint(wantUpdated) || fmt.Sprint(res.Created) != fmt.Sprint(wantCreated) {
		t.Errorf("import = created %v updated %v, want created %v updated %v", res.Created, res.Updated, wantCreated, wantUpdated)
	}

	if sc, _ := s.School(ctx, f.school.ID); sc.Dismissal != "15:00" {
		t.Errorf("school dismissal = %q, want 15:00", sc.Dismissal)
	}
	if st, _ := s.StaffMember(ctx, f.staff["tlopez"].ID); st.Name != "Tina Lopez-Park" {
		t.Errorf("tlopez name = %q", st.Name)
	}
	if st, err := s.StaffByIdentity(ctx, storage.PlatformSlack, "U0NEWJO"); err != nil || st.ID != f.staff["jrivera"].ID {
		t.Errorf("StaffByIdentity(new slack id) = %+v, %v; want jrivera", st, err)
	}
	_, err := s.StaffByIdentity(ctx, storage.PlatformSlack, "U0JRIVERA")
	wantErr(t, "StaffByIdentity(replaced slack id)", err, storage.ErrNotFound)
	ids := of(s.Identities(ctx, f.staff["jrivera"].ID)).must(t, "Identities")
	if len(ids) != 2 || ids[1].UserID != "U0NEWJO" {
		t.Errorf("jrivera identities = %+v, want shell and the new Slack id", ids)
	}
	if st, _ := s.Student(ctx, f.students["S101"].ID); st.Grade != "3" {
		t.Errorf("S101 grade = %q", st.Grade)
	}
	goals := of(s.Goals(ctx, f.students["S101"].ID)).must(t, "Goals")
	if len(goals) != 2 || goals[0].MasteryPercent != 90 || goals[0].ID != f.goals["S101/G1"].ID {
		t.Errorf("S101 goals = %+v, want G1 updated in place to 90%%", goals)
	}
	duties := of(s.Duties(ctx, f.school.ID)).must(t, "Duties")
	if len(duties) != 6 || duties[0].Place != "front loop" {
		t.Errorf("duties = %+v, want 6 with Monday's at the front loop", duties)
	}
	days := of(s.CalendarDays(ctx, f.school.ID, "2026-12-18", "2026-12-18")).must(t, "CalendarDays")
	if len(days) != 1 || days[0].Dismissal != "12:00" {
		t.Errorf("2026-12-18 = %+v, want dismissal 12:00", days)
	}
	cl := of(s.Caseload(ctx, f.staff["mchen"].ID)).must(t, "Caseload")
	if got := codes(cl); got != "S101,S103,S104" {
		t.Errorf("mchen caseload = %s, want S101,S103,S104", got)
	}
}

func testImportDeactivates(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	r := SampleRoster()
	r.Staff[3].Active = false    // mchen leaves
	r.Students[3].Active = false // S104 moves away
	r.Goals[1].Goal.Active = false
	res := of(s.ImportRoster(ctx, r)).must(t, "ImportRoster")
	if want := map[string]int{"staff": 1, "students": 1, "goals": 1}; fmt.Sprint(res.Updated) != fmt.Sprint(want) {
		t.Errorf("Updated = %v, want %v", res.Updated, want)
	}
	// Kept, but inactive.
	st, err := s.StaffMember(ctx, f.staff["mchen"].ID)
	if err != nil || st.Active {
		t.Errorf("StaffMember(mchen) = %+v, %v; want kept inactive", st, err)
	}
	_, err = s.StaffByIdentity(ctx, storage.PlatformDiscord, "100000000000000001")
	wantErr(t, "StaffByIdentity of inactive staff", err, storage.ErrNotFound)
	_, err = s.StaffByEmail(ctx, "mei.chen@maple.example")
	wantErr(t, "StaffByEmail of inactive staff", err, storage.ErrNotFound)
	staff := of(s.ListStaff(ctx, f.school.ID)).must(t, "ListStaff")
	if len(staff) != 4 {
		t.Errorf("ListStaff = %d staff, want 4 active", len(staff))
	}
	stu, err := s.Student(ctx, f.students["S104"].ID)
	if err != nil || stu.Active {
		t.Errorf("Student(S104) = %+v, %v; want kept inactive", stu, err)
	}
	students := of(s.Students(ctx, f.school.ID)).must(t, "Students")
	if got := codes(students); got != "S101,S102,S103" {
		t.Errorf("Students = %s, want S101,S102,S103", got)
	}
	goals := of(s.Goals(ctx, f.students["S101"].ID)).must(t, "Goals")
	if len(goals) != 1 || goals[0].Code != "G1" {
		t.Errorf("S101 goals = %+v, want only G1", goals)
	}
	// Coming back reactivates.
	res = of(s.ImportRoster(ctx, SampleRoster())).must(t, "ImportRoster again")
	if want := map[string]int{"staff": 1, "students": 1, "goals": 1}; fmt.Sprint(res.Updated) != fmt.Sprint(want) {
		t.Errorf("reactivating: Updated = %v, want %v", res.Updated, want)
	}
}

// team lists a student's team as "kind:handle".
func team(t *testing.T, s storage.Store, studentID int64) string {
	t.Helper()
	members := of(s.StudentTeam(context.Background(), studentID)).must(t, "StudentTeam")
	var got []string
	for _, m := range members {
		got = append(got, fmt.Sprintf("%s:%s", m.Kind, m.Staff.Handle))
	}
	return fmt.Sprint(got)
}

// checkImport imports r and checks what it created and updated.
func checkImport(t *testing.T, s storage.Store, r storage.Roster, what string, created, updated map[string]int) {
	t.Helper()
	res, err := s.ImportRoster(context.Background(), r)
	must(t, what, err)
	if fmt.Sprint(res.Created) != fmt.Sprint(created) || fmt.Sprint(res.Updated) != fmt.Sprint(updated) {
		t.Errorf("%s: created %v updated %v, want created %v updated %v", what, res.Created, res.Updated, created, updated)
	}
}

// An inactive assignment ends the staff member's access to the student
// (Caseload) and takes them off the student's team; making it active
// again restores both.
func testImportRemovesAssignment(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	jr, mc, s101 := f.staff["jrivera"], f.staff["mchen"], f.students["S101"]
	caseload := func(when string, st storage.Staff, want string) {
		t.Helper()
		cl := of(s.Caseload(ctx, st.ID)).must(t, "Caseload")
		if got := codes(cl); got != want {
			t.Errorf("%s: Caseload(%s) = %q, want %q", when, st.Handle, got, want)
		}
	}
	checkTeam := func(when, want string) {
		t.Helper()
		if got := team(t, s, s101.ID); got != want {
			t.Errorf("%s: StudentTeam(S101) = %s, want %s", when, got, want)
		}
	}
	none := map[string]int{}
	caseload("sample roster", jr, "S101,S102")
	checkTeam("sample roster", "[teacher:tlopez para:jrivera therapist:kokafor]")

	r := SampleRoster()
	r.Assignments[4].Active = false // jrivera is moved off S101
	checkImport(t, s, r, "deactivating", none, map[string]int{"assignments": 1})
	caseload("deactivated", jr, "S102")
	checkTeam("deactivated", "[teacher:tlopez therapist:kokafor]")
	checkImport(t, s, r, "the same import again", none, none)
	caseload("imported again", jr, "S102")

	// An assignment that is inactive from the start gives no access either.
	r.Assignments = append(r.Assignments, storage.RosterAssignment{StaffHandle: "mchen", StudentCode: "S101", Kind: storage.AssignPara})
	checkImport(t, s, r, "a new inactive assignment", map[string]int{"assignments": 1}, none)
	caseload("new inactive assignment", mc, "S103,S104")
	checkTeam("new inactive assignment", "[teacher:tlopez therapist:kokafor]")

	checkImport(t, s, SampleRoster(), "reactivating", none, map[string]int{"assignments": 1})
	caseload("reactivated", jr, "S101,S102")
	checkTeam("reactivated", "[teacher:tlopez para:jrivera therapist:kokafor]")
	caseload("reactivated", mc, "S103,S104") // left out of the import: unchanged, still inactive
}

// An inactive duty or calendar day is no longer listed; making it active
// again lists it again, as the same row.
func testImportRemovesDutyAndDay(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	duties := func() []storage.Duty {
		t.Helper()
		d := of(s.Duties(ctx, f.school.ID)).must(t, "Duties")
		return d
	}
	days := func() string {
		t.Helper()
		d := of(s.CalendarDays(ctx, f.school.ID, "2026-08-31", "2027-06-18")).must(t, "CalendarDays")
		var got []string
		for _, day := range d {
			got = append(got, day.Date+" "+string(day.Kind))
		}
		return fmt.Sprint(got)
	}
	before := duties()
	if len(before) != 6 || before[0].Weekday != time.Monday || before[0].Kind != storage.DutyBus {
		t.Fatalf("sample roster duties = %+v, want 6 starting with Monday's bus duty", before)
	}
	none := map[string]int{}

	r := SampleRoster()
	r.Duties[0].Active = false   // Monday's bus duty is cancelled
	r.Calendar[0].Active = false // the holiday was entered by mistake
	checkImport(t, s, r, "deactivating", none, map[string]int{"calendar": 1, "duties": 1})
	after := duties()
	if len(after) != 5 || after[0].Weekday != time.Tuesday {
		t.Errorf("Duties after deactivating Monday's = %+v, want 5 from Tuesday", after)
	}
	if got, want := days(), "[2026-12-18 early_release]"; got != want {
		t.Errorf("CalendarDays after deactivating = %s, want %s", got, want)
	}
	if d, err := s.CalendarDays(ctx, f.school.ID, "2026-11-26", "2026-11-26"); err != nil || len(d) != 0 {
		t.Errorf("CalendarDays(2026-11-26) = %+v, %v; want none: a regular school day again", d, err)
	}
	checkImport(t, s, r, "the same import again", none, none)

	checkImport(t, s, SampleRoster(), "reactivating", none, map[string]int{"calendar": 1, "duties": 1})
	again := duties()
	if len(again) != 6 || again[0] != before[0] {
		t.Errorf("Duties after reactivating = %+v, want Monday's %+v back", again, before[0])
	}
	if got, want := days(), "[2026-11-26 holiday 2026-12-18 early_release]"; got != want {
		t.Errorf("CalendarDays after reactivating = %s, want %s", got, want)
	}
}

func testImportUnknownReference(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	tests := []struct {
		name string
		edit func(r *storage.Roster)
	}{
		{"staff of an unknown school", func(r *storage.Roster) {
			r.Staff = append(r.Staff, storage.RosterStaff{School: "Nowhere", Handle: "ghost", Name: "G", Role: storage.RolePara, Active: true})
		}},
		{"assignment of an unknown handle", func(r *storage.Roster) {
			r.Assignments = append(r.Assignments, storage.RosterAssignment{StaffHandle: "ghost", StudentCode: "S101", Kind: storage.AssignPara, Active: true})
		}},
		{"goal of an unknown student", func(r *storage.Roster) {
			r.Goals = append(r.Goals, storage.RosterGoal{StudentCode: "S999", Goal: goal("G1", "x", storage.DomainMotor)})
		}},
		{"duty of an unknown handle", func(r *storage.Roster) {
			r.Duties = append(r.Duties, storage.RosterDuty{StaffHandle: "ghost", Duty: storage.Duty{Kind: storage.DutyBus, Start: "15:00"}, Active: true})
		}},
		{"unknown role", func(r *storage.Roster) {
			r.Staff = append(r.Staff, storage.RosterStaff{School: SampleSchool, Handle: "ghost", Name: "G", Role: "janitor", Active: true})
		}},
	}
	for _, tc := range tests {
		r := SampleRoster()
		// Every bad import also brings a new student, which must not be
		// saved: an import is all or nothing.
		r.Students = append(r.Students, storage.RosterStudent{School: SampleSchool, Code: "S199", Initials: "N.N.", Active: true})
		tc.edit(&r)
		if _, err := s.ImportRoster(ctx, r); err == nil {
			t.Errorf("%s: import succeeded", tc.name)
		}
		students := of(s.Students(ctx, f.school.ID)).must(t, "Students")
		if len(students) != 4 {
			t.Errorf("%s: %d students after a failed import, want 4 (nothing saved)", tc.name, len(students))
		}
	}
}

func testSchools(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	r := storage.Roster{Schools: []storage.School{{Name: "Birch Middle", TimeZone: "America/Chicago"}}}
	of(s.ImportRoster(ctx, r)).must(t, "ImportRoster")
	all := of(s.Schools(ctx)).must(t, "Schools")
	if len(all) != 2 || all[0].Name != "Birch Middle" || all[1] != f.school {
		t.Errorf("Schools = %+v, want Birch Middle then %+v", all, f.school)
	}
	if loc := all[0].Location(); loc.String() != "America/Chicago" {
		t.Errorf("Location = %v", loc)
	}
}

func testDutiesAndCalendar(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	duties := of(s.Duties(ctx, f.school.ID)).must(t, "Duties")
	var got []string
	for _, d := range duties {
		got = append(got, fmt.Sprintf("%s %s %s-%s", d.Weekday, d.Kind, d.Start, d.End))
		if d.ID == 0 || d.SchoolID != f.school.ID {
			t.Errorf("duty %+v: missing ids", d)
		}
	}
	want := "[Monday bus 15:00-15:20 Tuesday bus 15:00-15:20 Wednesday lunch 11:30-12:00 Wednesday bus 15:00-15:20 " +
		"Thursday bus 15:00-15:20 Friday bus 15:00-15:20]"
	if fmt.Sprint(got) != want {
		t.Errorf("Duties = %v, want %v", got, want)
	}
	if duties[2].StaffID != f.staff["mchen"].ID || duties[0].StaffID != f.staff["jrivera"].ID || duties[0].Place != "bus loop" {
		t.Errorf("duties staff = %+v", duties)
	}
	for _, tc := range []struct {
		from, to string
		want     int
	}{
		{"2026-08-31", "2027-06-18", 2},
		{"2026-11-26", "2026-11-26", 1},
		{"2026-11-27", "2026-12-17", 0},
		{"2026-12-01", "2026-12-31", 1},
	} {
		days := of(s.CalendarDays(ctx, f.school.ID, tc.from, tc.to)).must(t, "CalendarDays")
		if len(days) != tc.want {
			t.Errorf("CalendarDays(%s, %s) = %d days, want %d", tc.from, tc.to, len(days), tc.want)
		}
	}
	days, _ := s.CalendarDays(ctx, f.school.ID, "2026-01-01", "2027-12-31")
	want2 := storage.CalendarDay{SchoolID: f.school.ID, Date: "2026-12-18", Kind: storage.DayEarlyRelease, Dismissal: "12:30", Note: "Winter break starts"}
	if len(days) != 2 || days[0].Date != "2026-11-26" || days[1] != want2 {
		t.Errorf("CalendarDays = %+v", days)
	}
}

func testIdentities(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	jr, mc := f.staff["jrivera"], f.staff["mchen"]
	st, err := s.StaffByIdentity(ctx, storage.PlatformSlack, "U0JRIVERA")
	if err != nil || st != jr {
		t.Errorf("StaffByIdentity(slack) = %+v, %v; want %+v", st, err, jr)
	}
	ids := of(s.Identities(ctx, jr.ID)).must(t, "Identities")
	if want := fmt.Sprint([]storage.Identity{
		{StaffID: jr.ID, Platform: storage.PlatformShell, UserID: "jrivera"},
		{StaffID: jr.ID, Platform: storage.PlatformSlack, UserID: "U0JRIVERA"},
	}); fmt.Sprint(ids) != want {
		t.Errorf("Identities(jrivera) = %v, want %v", ids, want)
	}
	link := storage.Identity{StaffID: jr.ID, Platform: storage.PlatformDiscord, UserID: "200000000000000002"}
	must(t, "LinkIdentity", s.LinkIdentity(ctx, link))
	must(t, "LinkIdentity again", s.LinkIdentity(ctx, link))
	if st, err := s.StaffByIdentity(ctx, storage.PlatformDiscord, link.UserID); err != nil || st.ID != jr.ID {
		t.Errorf("StaffByIdentity(linked discord) = %+v, %v", st, err)
	}
	ids, _ = s.Identities(ctx, jr.ID)
	if len(ids) != 3 {
		t.Errorf("Identities after link = %v, want 3", ids)
	}
	err = s.LinkIdentity(ctx, storage.Identity{StaffID: mc.ID, Platform: storage.PlatformDiscord, UserID: link.UserID})
	wantErr(t, "linking someone else's user id", err, storage.ErrConflict)
	err = s.LinkIdentity(ctx, storage.Identity{StaffID: 987654, Platform: storage.PlatformSlack, UserID: "UNEW"})
	if err == nil {
		t.Error("linking an identity to a missing staff member succeeded")
	}
}

func testStaffByEmail(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	for _, email := range []string{"tina.lopez@maple.example", "Tina.Lopez@MAPLE.example", "TINA.LOPEZ@MAPLE.EXAMPLE"} {
		st, err := s.StaffByEmail(ctx, email)
		if err != nil || st.ID != f.staff["tlopez"].ID {
			t.Errorf("StaffByEmail(%q) = %+v, %v; want tlopez", email, st, err)
		}
	}
	_, err := s.StaffByEmail(ctx, "")
	wantErr(t, "StaffByEmail(\"\")", err, storage.ErrNotFound)
	// An import cannot give two active staff members one email: linking a
	// chat account by it would not know whose it is.
	r := SampleRoster()
	r.Staff = append(r.Staff, storage.RosterStaff{School: SampleSchool, Handle: "tlopez2", Name: "Tina L.",
		Email: "TINA.lopez@maple.example", Role: storage.RoleTeacher, Active: true, Line: 7})
	_, err = s.ImportRoster(ctx, r)
	wantRefused(t, "an email of someone else", err,
		storage.ImportProblem{Rows: storage.RowsStaff, Line: 7, Field: "email", Msg: "is already the email of tlopez (Tina Lopez)"})
	st, err := s.StaffByEmail(ctx, "tina.lopez@maple.example")
	if err != nil || st.ID != f.staff["tlopez"].ID {
		t.Errorf("StaffByEmail after the refused import = %+v, %v; want tlopez", st, err)
	}
}

func testStaff(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	st, err := s.StaffMember(ctx, f.staff["kokafor"].ID)
	if err != nil || st != f.staff["kokafor"] || st.Role != storage.RoleTherapist {
		t.Errorf("StaffMember = %+v, %v", st, err)
	}
	all := of(s.ListStaff(ctx, f.school.ID)).must(t, "ListStaff")
	var names []string
	for _, st := range all {
		names = append(names, st.Name)
	}
	if want := "[Jo Rivera Kemi Okafor Mei Chen Pat Principal Tina Lopez]"; fmt.Sprint(names) != want {
		t.Errorf("ListStaff = %v, want %s", names, want)
	}
}

func testCaseload(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	tests := []struct {
		handle      string
		want        string // sample roster
		wantLater   string // after S101 leaves and S105 (assigned to nobody) comes and goes
		wantWithNew string // while S105 is active
	}{
		{"jrivera", "S101,S102", "S102", "S101,S102"},
		{"mchen", "S103,S104", "S103,S104", "S103,S104"},
		{"tlopez", "S101,S102,S103,S104", "S102,S103,S104", "S101,S102,S103,S104"},
		{"kokafor", "S101,S103", "S103", "S101,S103"},
		{"pprincipal", "S101,S102,S103,S104", "S102,S103,S104", "S101,S102,S103,S104,S105"},
	}
	check := func(when string, want func(i int) string) {
		t.Helper()
		for i, tc := range tests {
			cl := of(s.Caseload(ctx, f.staff[tc.handle].ID)).must(t, "Caseload")
			if got := codes(cl); got != want(i) {
				t.Errorf("%s: Caseload(%s) = %q, want %q", when, tc.handle, got, want(i))
			}
		}
	}
	check("sample roster", func(i int) string { return tests[i].want })
	r := SampleRoster()
	r.Students = append(r.Students, storage.RosterStudent{School: SampleSchool, Code: "S105", Initials: "I.J.", Active: true})
	of(s.ImportRoster(ctx, r)).must(t, "ImportRoster")
	check("S105 added", func(i int) string { return tests[i].wantWithNew })
	r.Students[4].Active = false
	r.Students[0].Active = false
	of(s.ImportRoster(ctx, r)).must(t, "ImportRoster")
	check("S101 and S105 inactive", func(i int) string { return tests[i].wantLater })
	// An inactive staff member has no caseload.
	r.Staff[2].Active = false
	of(s.ImportRoster(ctx, r)).must(t, "ImportRoster")
	cl, err := s.Caseload(ctx, f.staff["jrivera"].ID)
	if err != nil || len(cl) != 0 {
		t.Errorf("inactive para's caseload = %s, %v; want none", codes(cl), err)
	}
}

func testStudentTeam(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	if got, want := team(t, s, f.students["S101"].ID), "[teacher:tlopez para:jrivera therapist:kokafor]"; got != want {
		t.Errorf("StudentTeam(S101) = %v, want %s", got, want)
	}
	team := of(s.StudentTeam(ctx, f.students["S101"].ID)).must(t, "StudentTeam")
	if team[0].Staff != f.staff["tlopez"] {
		t.Errorf("team member = %+v, want %+v", team[0].Staff, f.staff["tlopez"])
	}
}

func testGoalsOrder(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	r := SampleRoster()
	for _, code := range []string{"G10", "G3"} {
		r.Goals = append(r.Goals, storage.RosterGoal{StudentCode: "S101", Goal: goal(code, "goal "+code, storage.DomainMotor)})
	}
	of(s.ImportRoster(ctx, r)).must(t, "ImportRoster")
	goals := of(s.Goals(ctx, f.students["S101"].ID)).must(t, "Goals")
	var got []string
	for _, g := range goals {
		got = append(got, g.Code)
		if g.StudentID != f.students["S101"].ID || !g.Active {
			t.Errorf("goal %+v", g)
		}
	}
	if fmt.Sprint(got) != "[G1 G2 G3 G10]" {
		t.Errorf("Goals = %v, want [G1 G2 G3 G10]", got)
	}
	other := of(s.Goals(ctx, f.students["S102"].ID)).must(t, "Goals(S102)")
	if len(other) != 1 || other[0].Code != "G1" || other[0].ID == f.goals["S101/G1"].ID {
		t.Errorf("Goals(S102) = %+v, want its own G1", other)
	}
}
