package storagetest

import (
	"context"
	"testing"

	"parabot/storage"
)

// testRightsAtWrite checks that the right to log is read in the write's
// own transaction: once an import that makes the author inactive, or
// removes the assignment, has committed, the next write is refused with
// ErrNoAccess, and nothing (entry, record, job) is stored.
func testRightsAtWrite(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	when := at(t, "2026-11-04", "10:15")
	b := trialBatch(t, f, when)
	of(s.LogTrials(ctx, b, nil)).must(t, "LogTrials while assigned")
	refused := func(what string, err error) {
		t.Helper()
		wantErr(t, what, err, storage.ErrNoAccess)
		if got := of(s.Trials(ctx, storage.Filter{StudentID: b.StudentID})).must(t, "Trials"); len(got) != len(b.Results) {
			t.Errorf("%s: %d trials stored, want only the first batch's %d", what, len(got), len(b.Results))
		}
		if n := countJobs(t, s); n != 0 {
			t.Errorf("%s: %d jobs inserted, want 0", what, n)
		}
	}

	r := SampleRoster()
	r.Staff[2].Active = false // jrivera leaves
	of(s.ImportRoster(ctx, r)).must(t, "ImportRoster deactivating jrivera")
	_, err := s.LogTrials(ctx, b, []storage.Job{notice(f.staff["tlopez"].ID)})
	refused("LogTrials by an inactive para", err)

	r = SampleRoster()
	r.Assignments[4].Active = false // jrivera is moved off S101
	of(s.ImportRoster(ctx, r)).must(t, "ImportRoster removing the assignment")
	_, err = s.LogTrials(ctx, b, nil)
	refused("LogTrials without the assignment", err)
	_, err = s.LogNote(ctx, storage.Note{StudentID: b.StudentID, StaffID: b.StaffID, At: when, Text: "x", Summary: "Note."}, nil)
	wantErr(t, "LogNote without the assignment", err, storage.ErrNoAccess)
	// Still assigned to S102.
	of(s.LogNote(ctx, storage.Note{StudentID: f.students["S102"].ID, StaffID: b.StaffID, At: when, Text: "x", Summary: "Note."}, nil)).
		must(t, "LogNote for a student still assigned")

	// Another school's admin, and a student made inactive, are refused;
	// the school's admin may log for any active student.
	admin := f.staff["pprincipal"].ID
	of(s.LogNote(ctx, storage.Note{StudentID: b.StudentID, StaffID: admin, At: when, Text: "x", Summary: "Note."}, nil)).
		must(t, "LogNote by the admin")
	r = SampleRoster()
	r.Students[0].Active = false // S101 leaves
	of(s.ImportRoster(ctx, r)).must(t, "ImportRoster deactivating S101")
	_, err = s.LogNote(ctx, storage.Note{StudentID: b.StudentID, StaffID: admin, At: when, Text: "x", Summary: "Note."}, nil)
	wantErr(t, "LogNote for an inactive student", err, storage.ErrNoAccess)
	of(s.ImportRoster(ctx, SampleRoster())).must(t, "ImportRoster restoring")

	// A para covering an absent para may log for that para's students on
	// the days of the absence only.
	of(s.AddAbsence(ctx, storage.Absence{SchoolID: f.school.ID, StaffID: f.staff["jrivera"].ID, From: "2026-11-04", To: "2026-11-04",
		CoverID: f.staff["mchen"].ID, ByStaffID: f.staff["tlopez"].ID, CreatedAt: when})).must(t, "AddAbsence")
	cover := b
	cover.StaffID = f.staff["mchen"].ID
	of(s.LogTrials(storage.WithSchoolDay(ctx, "2026-11-04"), cover, nil)).must(t, "LogTrials by the cover on the day")
	_, err = s.LogTrials(storage.WithSchoolDay(ctx, "2026-11-05"), cover, nil)
	wantErr(t, "LogTrials by the cover the next day", err, storage.ErrNoAccess)
}
