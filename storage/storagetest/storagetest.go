// Package storagetest is the one behaviour suite every storage engine
// passes (Run), its benchmarks (Bench), and helpers other packages' tests
// use to get a real database: OpenSQLite, OpenPostgres, PostgresURL,
// NewPostgresURL and SampleRoster.
package storagetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"
	_ "time/tzdata" // the sample school's zone, on machines without a zoneinfo

	"parabot/storage"
)

// Run runs the behaviour suite against stores made by open, a fresh,
// empty database for every subtest.
func Run(t *testing.T, open func(t *testing.T) storage.Store) {
	tests := []struct {
		name string
		fn   func(t *testing.T, s storage.Store)
	}{
		{"Engine", testEngine},
		{"ImportRoster", testImportRoster},
		{"ImportRosterIdempotent", testImportIdempotent},
		{"ImportRosterUpdates", testImportUpdates},
		{"ImportRosterDeactivates", testImportDeactivates},
		{"ImportRosterRemovesAssignment", testImportRemovesAssignment},
		{"ImportRosterRemovesDutyAndDay", testImportRemovesDutyAndDay},
		{"ImportRosterUnknownReference", testImportUnknownReference},
		{"ImportRosterSameCodeTwoSchools", testSameCodeTwoSchools},
		{"ImportRosterMatchesCase", testImportMatchesCase},
		{"ImportRosterHandleOtherSchool", testImportHandleOtherSchool},
		{"ImportRosterAmbiguousGoal", testImportAmbiguousGoal},
		{"ImportRosterKeepsPurged", testImportKeepsPurged},
		{"ImportRosterRefusesOthersIDs", testImportRefusesOthersIDs},
		{"ImportRosterRoleFitsAssignments", testImportRoleFitsAssignments},
		{"Schools", testSchools},
		{"DutiesAndCalendar", testDutiesAndCalendar},
		{"Identities", testIdentities},
		{"StaffByEmail", testStaffByEmail},
		{"Staff", testStaff},
		{"Caseload", testCaseload},
		{"StudentTeam", testStudentTeam},
		{"GoalsOrder", testGoalsOrder},
		{"LogTrials", testLogTrials},
		{"SessionTypes", testSessionTypes},
		{"NotRecorded", testNotRecorded},
		{"LogIncident", testLogIncident},
		{"LogTransition", testLogTransition},
		{"LogNote", testLogNote},
		{"LogRollsBack", testLogRollsBack},
		{"CheckSession", testCheckSession},
		{"BackdatedEntry", testBackdatedEntry},
		{"ConcurrentWrites", testConcurrentWrites},
		{"EditWhileUndoing", testEditWhileUndoing},
		{"DeactivateEntry", testDeactivateEntry},
		{"LastEntry", testLastEntry},
		{"RecentEntries", testRecentEntries},
		{"UpdateIncident", testUpdateIncident},
		{"Filters", testFilters},
		{"Audit", testAudit},
		{"Enqueue", testEnqueue},
		{"Drafts", testDrafts},
		{"JobOptions", testJobOptions},
		{"UniqueJobs", testUniqueJobs},
		{"NaturalKeys", testNaturalKeys},
		{"ClaimRelease", testClaimRelease},
		{"LogOnce", testLogOnce},
		{"NotFound", testNotFound},
		{"BadBytes", testBadBytes},
		{"ReminderRoster", testReminderRoster},
		{"Absences", testAbsences},
		{"AbsenceRace", testAbsenceRace},
		{"DutyAnswers", testDutyAnswers},
		{"EnqueueOnce", testEnqueueOnce},
		{"RightsAtWrite", testRightsAtWrite},
		{"RecordAudits", testRecordAudits},
		{"AuditSearch", testAuditSearch},
		{"Purge", testPurge},
		{"ImportAudited", testImportAudited},
		{"LinkAudited", testLinkAudited},
		{"Escalations", testEscalations},
		{"ParentNotices", testParentNotices},
		{"IncidentOpening", testIncidentOpening},
		{"Debriefs", testDebriefs},
		{"WithdrawEscalations", testWithdrawEscalations},
		{"Replicas", testReplicas},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tc.fn(t, open(t))
		})
	}
}

// fixture is SampleRoster imported into a store, with its ids.
type fixture struct {
	school   storage.School
	staff    map[string]storage.Staff   // by handle
	students map[string]storage.Student // by code
	goals    map[string]storage.Goal    // by "S101/G1"
}

// load imports SampleRoster into s and looks up every id through the
// Store (so the lookups are tested too).
func load(t testing.TB, s storage.Store) *fixture {
	t.Helper()
	ctx := context.Background()
	if _, err := s.ImportRoster(ctx, SampleRoster()); err != nil {
		t.Fatalf("ImportRoster(SampleRoster()): %v", err)
	}
	f := &fixture{staff: map[string]storage.Staff{}, students: map[string]storage.Student{}, goals: map[string]storage.Goal{}}
	for _, rs := range SampleRoster().Staff {
		st, err := s.StaffByIdentity(ctx, storage.PlatformShell, rs.Handle)
		if err != nil {
			t.Fatalf("StaffByIdentity(shell, %q): %v", rs.Handle, err)
		}
		f.staff[rs.Handle] = st
	}
	var err error
	if f.school, err = s.School(ctx, f.staff["tlopez"].SchoolID); err != nil {
		t.Fatalf("School: %v", err)
	}
	students, err := s.Students(ctx, f.school.ID)
	if err != nil {
		t.Fatalf("Students: %v", err)
	}
	for _, st := range students {
		f.students[st.Code] = st
		goals, err := s.Goals(ctx, st.ID)
		if err != nil {
			t.Fatalf("Goals(%s): %v", st.Code, err)
		}
		for _, g := range goals {
			f.goals[st.Code+"/"+g.Code] = g
		}
	}
	if len(f.students) != 4 || len(f.goals) != 5 {
		t.Fatalf("sample roster loaded %d students and %d goals, want 4 and 5", len(f.students), len(f.goals))
	}
	return f
}

// noticeArgs is the job the suite inserts.
type noticeArgs struct {
	StaffID int64 `json:"staff_id"`
}

func (noticeArgs) Kind() string { return "storagetest_notice" }

func notice(staffID int64) storage.Job { return storage.Job{Args: noticeArgs{StaffID: staffID}} }

// countJobs counts River jobs of the suite's kind, straight from River's
// job table.
func countJobs(t *testing.T, s storage.Store) int {
	t.Helper()
	return len(suiteJobs(t, s))
}

// at is a time in the sample school's zone with nanoseconds, so the
// suite sees them truncated to microseconds and returned in UTC.
func at(t testing.TB, day, clock string) time.Time {
	t.Helper()
	loc, err := time.LoadLocation("America/New_York")
	if err != nil {
		t.Fatalf("loading time zone: %v", err)
	}
	v, err := time.ParseInLocation("2006-01-02 15:04", day+" "+clock, loc)
	if err != nil {
		t.Fatalf("parsing %s %s: %v", day, clock, err)
	}
	return v.Add(123456789 * time.Nanosecond)
}

// stored is how a time comes back: UTC, truncated to the microsecond.
func stored(v time.Time) time.Time { return v.UTC().Truncate(time.Microsecond) }

func checkTime(t testing.TB, what string, got, want time.Time) {
	t.Helper()
	if !got.Equal(stored(want)) || got.Location() != time.UTC {
		t.Errorf("%s = %v, want %v in UTC", what, got, stored(want))
	}
}

func wantErr(t testing.TB, what string, err, target error) {
	t.Helper()
	if !errors.Is(err, target) {
		t.Errorf("%s: error = %v, want %v", what, err, target)
	}
}

func must(t testing.TB, what string, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// result is a call's value and error, for must: of(s.Goals(ctx, id)).must(t, "Goals").
type result[T any] struct {
	v   T
	err error
}

// of takes the two results of a call.
func of[T any](v T, err error) result[T] { return result[T]{v, err} }

// must returns the call's value, ending the test when it failed.
func (r result[T]) must(t testing.TB, what string) T {
	t.Helper()
	must(t, what, r.err)
	return r.v
}

func codes(students []storage.Student) string {
	s := ""
	for i, st := range students {
		if i > 0 {
			s += ","
		}
		s += st.Code
	}
	return s
}

func testEngine(t *testing.T, s storage.Store) {
	if e := s.Engine(); e != "sqlite" && e != "postgres" {
		t.Errorf("Engine() = %q, want sqlite or postgres", e)
	}
	if err := s.Ping(context.Background()); err != nil {
		t.Errorf("Ping: %v", err)
	}
}

func testNotFound(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	const missing = 987654
	_, err := s.School(ctx, missing)
	wantErr(t, "School", err, storage.ErrNotFound)
	_, err = s.StaffMember(ctx, missing)
	wantErr(t, "StaffMember", err, storage.ErrNotFound)
	_, err = s.Student(ctx, missing)
	wantErr(t, "Student", err, storage.ErrNotFound)
	_, err = s.Entry(ctx, missing)
	wantErr(t, "Entry", err, storage.ErrNotFound)
	_, err = s.LastEntry(ctx, f.staff["jrivera"].ID)
	wantErr(t, "LastEntry with nothing logged", err, storage.ErrNotFound)
	_, err = s.StaffByIdentity(ctx, storage.PlatformSlack, "UNOBODY")
	wantErr(t, "StaffByIdentity", err, storage.ErrNotFound)
	_, err = s.StaffByEmail(ctx, "nobody@maple.example")
	wantErr(t, "StaffByEmail", err, storage.ErrNotFound)
	_, err = s.Caseload(ctx, missing)
	wantErr(t, "Caseload", err, storage.ErrNotFound)
	err = s.DeactivateEntry(ctx, missing, f.staff["jrivera"].ID, "x", time.Now(), nil, nil)
	wantErr(t, "DeactivateEntry", err, storage.ErrNotFound)
	err = s.UpdateIncident(ctx, storage.Incident{ID: missing, Severity: 1}, f.staff["jrivera"].ID, time.Now())
	wantErr(t, "UpdateIncident", err, storage.ErrNotFound)
	// Lists of nothing are empty, not errors.
	for name, fn := range map[string]func() (int, error){
		"Goals":            func() (int, error) { l, err := s.Goals(ctx, missing); return len(l), err },
		"Identities":       func() (int, error) { l, err := s.Identities(ctx, missing); return len(l), err },
		"IncidentVersions": func() (int, error) { l, err := s.IncidentVersions(ctx, missing); return len(l), err },
		"Trials":           func() (int, error) { l, err := s.Trials(ctx, storage.Filter{StudentID: missing}); return len(l), err },
	} {
		if n, err := fn(); err != nil || n != 0 {
			t.Errorf("%s of a missing id = %d rows, %v; want 0, nil", name, n, err)
		}
	}
}

func testClaimRelease(t *testing.T, s storage.Store) {
	ctx := context.Background()
	now := time.Now()
	claim := func(key string, want bool) {
		t.Helper()
		got, err := s.Claim(ctx, key, now)
		if err != nil || got != want {
			t.Errorf("Claim(%q) = %v, %v; want %v", key, got, err, want)
		}
	}
	claim("job:1", true)
	claim("job:1", false)
	claim("job:2", true)
	must(t, "Release", s.Release(ctx, "job:1"))
	claim("job:1", true)
	claim("job:2", false)
	must(t, "Release of an unknown key", s.Release(ctx, "job:404"))
	for key, want := range map[string]bool{"job:1": true, "job:2": true, "job:404": false} {
		if got, err := s.Claimed(ctx, key); err != nil || got != want {
			t.Errorf("Claimed(%q) = %v, %v; want %v", key, got, err, want)
		}
	}
	if got, _ := s.Claimed(ctx, "job:404"); got {
		t.Error("Claimed must not claim")
	}
}

func testEnqueue(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	must(t, "Enqueue(nil)", s.Enqueue(ctx, nil))
	must(t, "Enqueue", s.Enqueue(ctx, []storage.Job{notice(f.staff["tlopez"].ID), notice(f.staff["jrivera"].ID)}))
	if n := countJobs(t, s); n != 2 {
		t.Errorf("jobs after Enqueue = %d, want 2", n)
	}
	bad := storage.Job{Args: noticeArgs{}, Priority: 99}
	if err := s.Enqueue(ctx, []storage.Job{notice(1), bad}); err == nil {
		t.Error("Enqueue with an invalid job succeeded")
	}
	if n := countJobs(t, s); n != 2 {
		t.Errorf("jobs after a failed Enqueue = %d, want still 2", n)
	}
}

func testAudit(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	s101, s102 := f.students["S101"], f.students["S102"]
	tl := f.staff["tlopez"]
	events := []storage.AuditEvent{
		{At: at(t, "2026-09-14", "09:00"), StaffID: tl.ID, StudentID: s101.ID, Action: "read", Entity: "student", EntityID: s101.ID, Detail: "summary"},
		{At: at(t, "2026-09-14", "09:01"), StaffID: tl.ID, StudentID: s102.ID, Action: "export", Entity: "student", EntityID: s102.ID, Detail: "iep meeting"},
		{At: at(t, "2026-09-14", "09:02"), StaffID: tl.ID, Action: "read", Entity: "staff", EntityID: tl.ID},
	}
	for _, e := range events {
		must(t, "RecordAudit", s.RecordAudit(ctx, e))
	}
	got := of(s.Audit(ctx, s101.ID)).must(t, "Audit(S101)")
	if len(got) != 1 {
		t.Fatalf("Audit(S101) = %d rows, want 1: %+v", len(got), got)
	}
	a := got[0]
	if a.ID == 0 || a.StaffID != tl.ID || a.StudentID != s101.ID || a.Action != "read" || a.Entity != "student" ||
		a.EntityID != s101.ID || a.Detail != "summary" {
		t.Errorf("Audit(S101)[0] = %+v, want %+v", a, events[0])
	}
	checkTime(t, "audit At", a.At, events[0].At)
	all := of(s.Audit(ctx, 0)).must(t, "Audit(0)")
	if len(all) != 3 || all[2].StudentID != 0 || all[1].Action != "export" {
		t.Errorf("Audit(0) = %+v, want the 3 rows oldest first", all)
	}

	// Many rows in one transaction (a teacher's summary reads them all).
	batch, ok := s.(interface {
		RecordAudits(context.Context, []storage.AuditEvent) error
	})
	if !ok {
		t.Fatal("the store does not write audit rows in a batch (RecordAudits)")
	}
	must(t, "RecordAudits(nil)", batch.RecordAudits(ctx, nil))
	two := []storage.AuditEvent{
		{At: at(t, "2026-09-15", "16:00"), StaffID: tl.ID, StudentID: s101.ID, Action: "read", Entity: "student", EntityID: s101.ID, Detail: "weekly summary"},
		{At: at(t, "2026-09-15", "16:00"), StaffID: tl.ID, StudentID: s102.ID, Action: "read", Entity: "student", EntityID: s102.ID, Detail: "weekly summary"},
	}
	must(t, "RecordAudits", batch.RecordAudits(ctx, two))
	if got := of(s.Audit(ctx, 0)).must(t, "Audit(0)"); len(got) != 5 || got[3].Detail != "weekly summary" || got[4].StudentID != s102.ID {
		t.Errorf("Audit(0) after RecordAudits = %+v, want the 3 rows and the batch of 2", got)
	}
}

// checkAudit checks the student's audit rows are exactly actions, in order,
// and (unless entity is empty) all about that entity and entry.
func checkAudit(t testing.TB, s storage.Store, studentID, entryID int64, entity string, actions ...string) []storage.AuditEvent {
	t.Helper()
	got := of(s.Audit(context.Background(), studentID)).must(t, "Audit")
	var acts []string
	for _, a := range got {
		acts = append(acts, a.Action)
		if entity != "" && (a.EntityID != entryID || a.Entity != entity) {
			t.Errorf("audit row %+v, want entity %s %d", a, entity, entryID)
		}
	}
	if fmt.Sprint(acts) != fmt.Sprint(actions) {
		t.Errorf("audit actions = %v, want %v", acts, actions)
	}
	return got
}
