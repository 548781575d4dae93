package storagetest

import (
	"context"
	"testing"
	"time"

	"parabot/storage"
)

// testCheckSession checks what CheckSession finds before a session is
// logged: a used one-time key (a claim or an entry's), a student's
// absence on the day (not another student's, not a staff member's), and
// the first active session of the goal with the same values in the
// window (not one of another goal, with other values, outside the
// window, or taken back).
func testCheckSession(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	s101, g1 := f.students["S101"], f.goals["S101/G1"]
	at := time.Date(2026, 11, 4, 14, 0, 0, 0, time.UTC)
	values := storage.SessionValues{Type: storage.MeasureTrials, Results: trialBatch(t, f, at).Results}
	check := func(c storage.SessionCheck) storage.SessionChecked {
		t.Helper()
		got, err := s.CheckSession(ctx, c)
		must(t, "CheckSession", err)
		return got
	}
	base := storage.SessionCheck{SchoolID: f.school.ID, StudentID: s101.ID, GoalID: g1.ID, Day: "2026-11-04",
		From: at.Add(-5 * time.Minute), To: at.Add(5 * time.Minute), Values: values}
	if got := check(base); got != (storage.SessionChecked{}) {
		t.Errorf("CheckSession on an empty day = %+v, want nothing found", got)
	}

	// One-time keys: a claim's and a logged entry's; none when empty.
	_, err := s.Claim(ctx, "check:claimed", at)
	must(t, "Claim", err)
	for key, want := range map[string]bool{"": false, "check:claimed": true, "check:free": false} {
		c := base
		c.OnceKey = key
		if got := check(c); got.Claimed != want {
			t.Errorf("CheckSession(key %q).Claimed = %t, want %t", key, got.Claimed, want)
		}
	}

	// Sessions: the first of the same values in the window is found.
	logAt := func(key string, when time.Time, v storage.SessionValues, goalID int64) storage.Entry {
		t.Helper()
		e, err := s.LogSession(storage.WithOnce(ctx, key), storage.SessionLog{GoalID: goalID, StudentID: s101.ID,
			StaffID: f.staff["jrivera"].ID, At: when, Values: v, Summary: "Logged trials."}, nil)
		must(t, "LogSession", err)
		return e
	}
	other := storage.SessionValues{Type: storage.MeasureTrials, Results: values.Results[:1]}
	logAt("check:other-values", at.Add(-time.Minute), other, g1.ID)
	logAt("check:outside", at.Add(-6*time.Minute), values, g1.ID)
	logAt("check:other-goal", at.Add(-3*time.Minute), values, f.goals["S101/G2"].ID)
	undone := logAt("check:undone", at.Add(-4*time.Minute), values, g1.ID)
	must(t, "DeactivateEntry", s.DeactivateEntry(ctx, undone.ID, f.staff["tlopez"].ID, "typo", at, nil, nil))
	if got := check(base); got.SameFound {
		t.Errorf("CheckSession found %+v; the sessions in the window have other values or another goal, or were taken back", got)
	}
	logAt("check:same", at.Add(-2*time.Minute), values, g1.ID)
	logAt("check:same-later", at.Add(time.Minute), values, g1.ID)
	c := base
	c.OnceKey = "check:same"
	got := check(c)
	if !got.Claimed || !got.SameFound || got.SameStaffID != f.staff["jrivera"].ID {
		t.Errorf("CheckSession after the same values = %+v, want the key claimed and jrivera's session found", got)
	}
	checkTime(t, "the same session's time", got.SameAt, at.Add(-2*time.Minute))

	// Absences: the student's on the day; a staff member's is not one.
	_, err = s.AddAbsence(ctx, storage.Absence{SchoolID: f.school.ID, StaffID: f.staff["jrivera"].ID, From: "2026-11-04", To: "2026-11-04",
		ByStaffID: f.staff["pprincipal"].ID, CreatedAt: at})
	must(t, "AddAbsence(staff)", err)
	_, err = s.AddAbsence(ctx, storage.Absence{SchoolID: f.school.ID, StudentID: f.students["S102"].ID, From: "2026-11-04", To: "2026-11-04",
		ByStaffID: f.staff["jrivera"].ID, CreatedAt: at})
	must(t, "AddAbsence(another student)", err)
	if got := check(base); got.Absent {
		t.Error("CheckSession: absent, but only a staff member and another student are")
	}
	_, err = s.AddAbsence(ctx, storage.Absence{SchoolID: f.school.ID, StudentID: s101.ID, From: "2026-11-03", To: "2026-11-05",
		ByStaffID: f.staff["jrivera"].ID, CreatedAt: at})
	must(t, "AddAbsence(student)", err)
	for day, want := range map[string]bool{"2026-11-02": false, "2026-11-03": true, "2026-11-04": true, "2026-11-05": true, "2026-11-06": false} {
		c := base
		c.Day = day
		if got := check(c); got.Absent != want {
			t.Errorf("CheckSession(day %s).Absent = %t, want %t", day, got.Absent, want)
		}
	}
}
