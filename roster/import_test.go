package roster_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"parabot/roster"
	"parabot/storage"
	"parabot/storage/storagetest"
)

// openStore opens a real, empty SQLite store in a temporary folder.
func openStore(t *testing.T) storage.Store {
	t.Helper()
	return storagetest.OpenSQLite(t)
}

// total adds up an ImportResult's counts.
func total(counts map[string]int) int {
	n := 0
	for _, c := range counts {
		n += c
	}
	return n
}

// schoolStaff lists the staff of the store's only school by handle ("" when
// there is no school).
func schoolStaff(t *testing.T, s storage.Store) map[string]storage.Staff {
	t.Helper()
	ctx := context.Background()
	schools, err := s.Schools(ctx)
	if err != nil {
		t.Fatalf("Schools: %v", err)
	}
	out := map[string]storage.Staff{}
	for _, sc := range schools {
		staff, err := s.ListStaff(ctx, sc.ID)
		if err != nil {
			t.Fatalf("ListStaff: %v", err)
		}
		for _, st := range staff {
			out[st.Handle] = st
		}
	}
	return out
}

func TestImportWithProblemsImportsNothing(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	files := baseFiles()
	// Everything is fine except the last row of the last file.
	addLine("calendar.csv", "Oak School,2026-12-25,,vacation,,")(t, files)

	res, err := roster.Import(ctx, s, toFS(files))
	var problems roster.Errors
	if !errors.As(err, &problems) || len(problems) != 1 || problems[0].File != "calendar.csv" || problems[0].Line != 4 {
		t.Fatalf("Import = %v, want one problem at calendar.csv:4", err)
	}
	if total(res.Created)+total(res.Updated) != 0 {
		t.Errorf("Import with problems reported %+v", res)
	}
	schools, err := s.Schools(ctx)
	if err != nil {
		t.Fatalf("Schools: %v", err)
	}
	if len(schools) != 0 {
		t.Errorf("Import with problems stored %d schools", len(schools))
	}
	if _, err := s.StaffByIdentity(ctx, storage.PlatformShell, "kim"); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("Import with problems stored staff kim: %v", err)
	}

	// An update with a problem leaves the earlier import as it was.
	if _, err := roster.Import(ctx, s, toFS(baseFiles())); err != nil {
		t.Fatalf("Import of the base files: %v", err)
	}
	files = baseFiles()
	setLine("staff.csv", 2, "Oak School,kim,Patricia Kim,teacher,pat.kim@oak.example.org,kim-class,U012AB3CD,,")(t, files)
	setLine("students.csv", 3, "Oak School,S2,C.D.,Carl,Dunn,kindergarten,no")(t, files)
	_, err = roster.Import(ctx, s, toFS(files))
	if !errors.As(err, &problems) {
		t.Fatalf("Import = %v, want roster.Errors", err)
	}
	if got := schoolStaff(t, s)["kim"].Name; got != "Pat Kim" {
		t.Errorf("after a refused import kim's name is %q, want Pat Kim", got)
	}
}

func TestReimportChangesNothing(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	first, err := roster.Import(ctx, s, toFS(baseFiles()))
	if err != nil {
		t.Fatalf("first Import: %v", err)
	}
	want := map[string]int{"schools": 1, "staff": 3, "identities": 5, "students": 2, "goals": 2,
		"assignments": 2, "duties": 6, "calendar": 3}
	if fmt.Sprint(first.Created) != fmt.Sprint(want) || total(first.Updated) != 0 {
		t.Errorf("first Import = created %v, updated %v; want created %v", first.Created, first.Updated, want)
	}
	again, err := roster.Import(ctx, s, toFS(baseFiles()))
	if err != nil {
		t.Fatalf("second Import: %v", err)
	}
	if total(again.Created) != 0 || total(again.Updated) != 0 {
		t.Errorf("second Import = created %v, updated %v; want nothing", again.Created, again.Updated)
	}

	// One changed value is one update.
	files := baseFiles()
	setLine("staff.csv", 2, "Oak School,kim,Patricia Kim,teacher,pat.kim@oak.example.org,kim-class,U012AB3CD,,")(t, files)
	changed, err := roster.Import(ctx, s, toFS(files))
	if err != nil {
		t.Fatalf("third Import: %v", err)
	}
	if total(changed.Created) != 0 || fmt.Sprint(changed.Updated) != fmt.Sprint(map[string]int{"staff": 1}) {
		t.Errorf("Import of one change = created %v, updated %v; want one staff updated", changed.Created, changed.Updated)
	}
	if got := schoolStaff(t, s)["kim"].Name; got != "Patricia Kim" {
		t.Errorf("kim's name = %q, want Patricia Kim", got)
	}
}

// A para moved off a student (active "no" in assignments.csv) loses the
// student from their caseload; the next import without the "no" gives it
// back.
func TestImportEndsAssignment(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	caseload := func(when, want string) {
		t.Helper()
		cl, err := s.Caseload(ctx, schoolStaff(t, s)["diaz"].ID)
		if err != nil {
			t.Fatalf("Caseload(diaz): %v", err)
		}
		if got := labels(cl); got != want {
			t.Errorf("%s: diaz's caseload = %q, want %q", when, got, want)
		}
	}
	if _, err := roster.Import(ctx, s, toFS(baseFiles())); err != nil {
		t.Fatalf("Import: %v", err)
	}
	caseload("base files", "A.B. (S1)")

	files := baseFiles()
	put("assignments.csv", "staff,student,kind,active\nkim,S1,teacher,\ndiaz,S1,para,no\n")(t, files)
	res, err := roster.Import(ctx, s, toFS(files))
	if err != nil {
		t.Fatalf("Import ending diaz's assignment: %v", err)
	}
	if total(res.Created) != 0 || fmt.Sprint(res.Updated) != fmt.Sprint(map[string]int{"assignments": 1}) {
		t.Errorf("Import ending an assignment = created %v, updated %v; want one assignment updated", res.Created, res.Updated)
	}
	caseload("assignment ended", "")

	res, err = roster.Import(ctx, s, toFS(baseFiles()))
	if err != nil {
		t.Fatalf("Import of the base files again: %v", err)
	}
	if total(res.Created) != 0 || fmt.Sprint(res.Updated) != fmt.Sprint(map[string]int{"assignments": 1}) {
		t.Errorf("Import restoring an assignment = created %v, updated %v; want one assignment updated", res.Created, res.Updated)
	}
	caseload("assignment restored", "A.B. (S1)")
}

// A para who moves to another school loses the old school's students at
// once, and the old assignment can then be retired with active "no"
// though staff member and student are at different schools.
func TestImportMovedPara(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	if _, err := roster.Import(ctx, s, toFS(baseFiles())); err != nil {
		t.Fatalf("Import: %v", err)
	}
	files := baseFiles()
	addLine("schools.csv", "Elm School,America/Chicago,2026-08-24,2027-06-04,08:00,15:00")(t, files)
	setLine("staff.csv", 3, "Elm School,diaz,Sam Diaz,para,sam.diaz@oak.example.org,,,123456789012345678,yes")(t, files)
	put("assignments.csv", "staff,student,kind,active\nkim,S1,teacher,\ndiaz,S1,para,no\n")(t, files)
	res, err := roster.Import(ctx, s, toFS(files))
	if err != nil {
		t.Fatalf("Import moving diaz and ending the old assignment: %v", err)
	}
	if res.Updated["assignments"] != 1 || res.Updated["staff"] != 1 {
		t.Errorf("Import = updated %v; want diaz and one assignment updated", res.Updated)
	}
	diaz := schoolStaff(t, s)["diaz"]
	cl, err := s.Caseload(ctx, diaz.ID)
	if err != nil || len(cl) != 0 {
		t.Errorf("moved diaz's caseload = %q, %v; want none", labels(cl), err)
	}
}

func TestImportDemo(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	res, err := roster.Import(ctx, s, roster.Demo())
	if err != nil {
		t.Fatalf("Import(Demo()): %v", err)
	}
	want := map[string]int{"schools": 1, "staff": 5, "identities": 5, "students": 6, "goals": 17,
		"assignments": 15, "duties": 20, "calendar": 28,
		"settings": 5, "schedules": 1, "escalation levels": 2, "dismissals": 6, "goal schedules": 17}
	if fmt.Sprint(res.Created) != fmt.Sprint(want) {
		t.Errorf("Import(Demo()) created %v, want %v", res.Created, want)
	}

	lee, err := s.StaffByIdentity(ctx, storage.PlatformShell, "lee")
	if err != nil {
		t.Fatalf("StaffByIdentity(shell, lee): %v", err)
	}
	caseload, err := s.Caseload(ctx, lee.ID)
	if err != nil {
		t.Fatalf("Caseload(lee): %v", err)
	}
	if got := labels(caseload); got != "A.B. (S101), L.C. (S102), A.B. (S103)" {
		t.Errorf("lee's caseload = %s", got)
	}
	school, err := s.School(ctx, lee.SchoolID)
	if err != nil {
		t.Fatalf("School: %v", err)
	}
	days, err := s.CalendarDays(ctx, school.ID, "2026-11-25", "2026-11-27")
	if err != nil {
		t.Fatalf("CalendarDays: %v", err)
	}
	if got := fmt.Sprint(days); got != fmt.Sprintf("[{%d 2026-11-25 early_release 12:30 Day before Thanksgiving} {%[1]d 2026-11-26 holiday  Thanksgiving} {%[1]d 2026-11-27 holiday  Thanksgiving break}]", school.ID) {
		t.Errorf("Thanksgiving week = %s", got)
	}

	again, err := roster.Import(ctx, s, roster.Demo())
	if err != nil {
		t.Fatalf("second Import(Demo()): %v", err)
	}
	if total(again.Created) != 0 || total(again.Updated) != 0 {
		t.Errorf("second Import(Demo()) = created %v, updated %v; want nothing", again.Created, again.Updated)
	}
}

func labels(list []storage.Student) string {
	s := ""
	for i, st := range list {
		if i > 0 {
			s += ", "
		}
		s += st.Label()
	}
	return s
}

func TestImportStoreFailure(t *testing.T) {
	s := openStore(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := roster.Import(ctx, s, toFS(baseFiles()))
	var problems roster.Errors
	if !errors.Is(err, context.Canceled) || errors.As(err, &problems) {
		t.Fatalf("Import with a cancelled context = %v, want the store's error wrapping context.Canceled", err)
	}
	if !strings.HasPrefix(err.Error(), "import roster: ") {
		t.Errorf("Import error = %q, want it to say what failed", err)
	}
}

// only keeps the named files of an import and drops the others.
func only(names ...string) edit {
	return func(t *testing.T, files map[string]string) {
		for name := range files {
			if !slices.Contains(names, name) {
				delete(files, name)
			}
		}
	}
}

// Rows the database refuses, given what it holds, are listed like the
// files' own problems: file, line, column and what to do, every one at
// once; nothing is imported.
func TestImportRefusals(t *testing.T) {
	const staffHeader = "school,handle,name,role,email,channel,slack_id,discord_id,active\n"
	tests := []struct {
		name  string
		edits []edit
		want  string
	}{
		{"a handle used at another school", []edit{only("schools.csv", "staff.csv", "duties.csv"),
			put("schools.csv", "name,time_zone,year_start,year_end,day_start,dismissal\nElm School,America/Chicago,2026-08-24,2027-06-04,08:00,15:00\n"),
			put("staff.csv", staffHeader+"Elm School,kim,Kim Other,teacher,kim.other@elm.example.org,,,,\nElm School,diaz,Dee Diaz,para,,,,,\n"),
			put("duties.csv", "staff,kind,weekday,start,end\nkim,bus,mon,15:00,15:20\n")},
			`staff.csv:2: column handle: handle "kim" is already used by Pat Kim at Oak School; give this person another handle (or, if they moved schools, the same email as before)
staff.csv:3: column handle: handle "diaz" is already used by Sam Diaz at Oak School; give this person another handle (or, if they moved schools, the same email as before)`},
		{"a role that no longer fits the assignments left in place", []edit{only("schools.csv", "staff.csv"),
			setLine("staff.csv", 2, "Oak School,kim,Pat Kim,para,pat.kim@oak.example.org,kim-class,U012AB3CD,,")},
			`staff.csv:2: column role: kim is the teacher of S1 in assignments, and a teacher assignment needs a teacher; change those assignments too (active no, or another kind), or keep the role`},
		{"someone else's email and chat accounts", []edit{only("schools.csv", "staff.csv"),
			put("staff.csv", staffHeader+"Oak School,lane,Lou Lane,para,SAM.diaz@oak.example.org,,U012AB3CD,123456789012345678,\n")},
			`staff.csv:2: column slack_id: U012AB3CD is already the Slack account of kim (Pat Kim); check the id, or take it off kim's row in the same import
staff.csv:2: column discord_id: 123456789012345678 is already the Discord account of diaz (Sam Diaz); check the id, or take it off diaz's row in the same import
staff.csv:2: column email: SAM.diaz@oak.example.org is already the email of diaz (Sam Diaz); each person needs their own: check the email, or change diaz's in the same import`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			s := openStore(t)
			if _, err := roster.Import(ctx, s, toFS(baseFiles())); err != nil {
				t.Fatalf("Import of the base files: %v", err)
			}
			files := baseFiles()
			for _, e := range tc.edits {
				e(t, files)
			}
			_, err := roster.Import(ctx, s, toFS(files))
			var problems roster.Errors
			if !errors.As(err, &problems) || err.Error() != tc.want {
				t.Fatalf("Import = %v\nwant roster.Errors:\n%s", err, tc.want)
			}
			if len(schoolStaff(t, s)) != 3 {
				t.Errorf("the refused import changed the staff: %v", schoolStaff(t, s))
			}
		})
	}
}

// A purged student stays purged: a re-import of the roster that still
// lists them leaves them as they are and says so; one that makes them
// active again is refused.
func TestImportKeepsPurgedStudent(t *testing.T) {
	ctx := context.Background()
	s := openStore(t)
	files := baseFiles()
	put("schools.csv", "name,time_zone,year_start,year_end,day_start,dismissal,keep_records\n"+
		"Oak School,America/Chicago,2026-08-24,2027-06-04,08:00,15:00,1\n")(t, files)
	if _, err := roster.Import(ctx, s, toFS(files)); err != nil { // S2 leaves today
		t.Fatalf("Import: %v", err)
	}
	if _, err := s.Purge(ctx, time.Now().AddDate(2, 0, 0), false); err != nil {
		t.Fatalf("Purge: %v", err)
	}
	res, err := roster.Import(ctx, s, toFS(files))
	if err != nil || total(res.Created)+total(res.Updated) != 0 || res.Purged != 1 {
		t.Errorf("Import after the purge = %+v, %v; want nothing changed and 1 purged student", res, err)
	}
	schools, err := s.Schools(ctx)
	if err != nil {
		t.Fatalf("Schools: %v", err)
	}
	st, err := s.StudentByCode(ctx, schools[0].ID, "S2")
	if err != nil || st.FirstName != "" || st.Initials != "" {
		t.Errorf("S2 after the import = %+v, %v; want it as Purge left it", st, err)
	}

	setLine("students.csv", 3, "Oak School,S2,C.D.,Carl,Dunn,K,yes")(t, files)
	_, err = roster.Import(ctx, s, toFS(files))
	want := "students.csv:3: column active: S2's records were purged under the school's retention policy (keep_records), " +
		"so S2 cannot be active again; enrol the student under a new code, or set active to no"
	if err == nil || err.Error() != want {
		t.Errorf("Import making S2 active = %v, want:\n%s", err, want)
	}
}
