package storagetest

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"parabot/storage"
)

// testReminderRoster imports reminder settings, ways home and goal
// schedules, re-imports them changed, and removes them with empty values.
func testReminderRoster(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	r := SampleRoster()
	r.Reminders = storage.RosterReminders{
		Settings: []storage.RosterSetting{
			{School: "maple elementary", Name: "data_due", Value: "14:45"},
			{School: SampleSchool, Name: "schedule:data_reminder", Value: "15 14 * * MON-FRI"},
		},
		Dismissals:    []storage.RosterDismissal{{School: SampleSchool, StudentCode: "s101", Dismissal: "bus 12"}, {School: SampleSchool, StudentCode: "S102", Dismissal: "pickup"}},
		GoalSchedules: []storage.RosterGoalSchedule{{School: SampleSchool, StudentCode: "S101", GoalCode: "G2", Schedule: "mon,wed"}},
	}
	checkImport(t, s, r, "ImportRoster with reminders",
		map[string]int{"dismissals": 2, "goal schedules": 1, "schedules": 1, "settings": 1}, map[string]int{})
	settings, err := s.SchoolSettings(ctx, f.school.ID)
	if err != nil {
		t.Fatalf("SchoolSettings: %v", err)
	}
	if len(settings) != 2 || settings["data_due"] != "14:45" || settings["schedule:data_reminder"] != "15 14 * * MON-FRI" {
		t.Errorf("SchoolSettings = %v", settings)
	}
	dis, err := s.Dismissals(ctx, f.school.ID)
	if err != nil {
		t.Fatalf("Dismissals: %v", err)
	}
	if len(dis) != 2 || dis[f.students["S101"].ID] != "bus 12" || dis[f.students["S102"].ID] != "pickup" {
		t.Errorf("Dismissals = %v", dis)
	}
	gs, err := s.GoalSchedules(ctx, f.school.ID)
	if err != nil {
		t.Fatalf("GoalSchedules: %v", err)
	}
	if len(gs) != 1 || gs[f.goals["S101/G2"].ID] != "mon,wed" {
		t.Errorf("GoalSchedules = %v", gs)
	}
	// Changed and removed in a later import.
	r.Reminders = storage.RosterReminders{
		Settings:   []storage.RosterSetting{{School: SampleSchool, Name: "data_due", Value: "15:00"}, {School: SampleSchool, Name: "schedule:data_reminder"}},
		Dismissals: []storage.RosterDismissal{{School: SampleSchool, StudentCode: "S101", Dismissal: "walker"}, {School: SampleSchool, StudentCode: "S102"}},
	}
	checkImport(t, s, r, "second ImportRoster", map[string]int{}, map[string]int{"dismissals": 2, "schedules": 1, "settings": 1})
	checkImport(t, s, r, "the same again", map[string]int{}, map[string]int{})
	settings, _ = s.SchoolSettings(ctx, f.school.ID)
	if len(settings) != 1 || settings["data_due"] != "15:00" {
		t.Errorf("SchoolSettings after change = %v", settings)
	}
	dis, _ = s.Dismissals(ctx, f.school.ID)
	if len(dis) != 1 || dis[f.students["S101"].ID] != "walker" {
		t.Errorf("Dismissals after change = %v", dis)
	}
}

// testAbsences stores staff and student absences, refuses an overlap,
// lists by range and writes an audit row.
func testAbsences(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	at := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	a, err := s.AddAbsence(ctx, storage.Absence{SchoolID: f.school.ID, StaffID: f.staff["jrivera"].ID, From: "2026-11-03", To: "2026-11-05",
		CoverID: f.staff["mchen"].ID, ByStaffID: f.staff["pprincipal"].ID, CreatedAt: at})
	if err != nil || a.ID == 0 {
		t.Fatalf("AddAbsence(staff) = %+v, %v", a, err)
	}
	if _, err := s.AddAbsence(ctx, storage.Absence{SchoolID: f.school.ID, StudentID: f.students["S101"].ID, From: "2026-11-04", To: "2026-11-04",
		ByStaffID: f.staff["jrivera"].ID, CreatedAt: at}); err != nil {
		t.Fatalf("AddAbsence(student): %v", err)
	}
	_, err = s.AddAbsence(ctx, storage.Absence{SchoolID: f.school.ID, StaffID: f.staff["jrivera"].ID, From: "2026-11-05", To: "2026-11-06",
		ByStaffID: f.staff["jrivera"].ID, CreatedAt: at})
	if !errors.Is(err, storage.ErrConflict) {
		t.Errorf("overlapping AddAbsence = %v, want ErrConflict", err)
	}
	got, err := s.Absences(ctx, f.school.ID, "2026-11-05", "2026-11-09")
	if err != nil {
		t.Fatalf("Absences: %v", err)
	}
	if len(got) != 1 || got[0].StaffID != f.staff["jrivera"].ID || got[0].CoverID != f.staff["mchen"].ID || got[0].StudentID != 0 ||
		got[0].From != "2026-11-03" || got[0].To != "2026-11-05" || !got[0].CreatedAt.Equal(at) {
		t.Errorf("Absences(11-05..11-09) = %+v", got)
	}
	got, _ = s.Absences(ctx, f.school.ID, "2026-11-04", "2026-11-04")
	if len(got) != 2 {
		t.Errorf("Absences(11-04) has %d, want 2", len(got))
	}
	audit, err := s.Audit(ctx, f.students["S101"].ID)
	if err != nil {
		t.Fatalf("Audit: %v", err)
	}
	if len(audit) != 1 || audit[0].Entity != "absence" || audit[0].Action != "create" {
		t.Errorf("audit of the student absence = %+v", audit)
	}

	// Taken back from a day on: the days before stay, the rest go; an
	// absence that begins on that day goes whole.
	by := f.staff["pprincipal"].ID
	left, err := s.CancelAbsence(ctx, a.ID, "2026-11-04", by, at.Add(time.Hour))
	if err != nil || left.ID != a.ID || left.From != "2026-11-03" || left.To != "2026-11-03" || left.CoverID != f.staff["mchen"].ID {
		t.Errorf("CancelAbsence(staff, from 11-04) = %+v, %v; want it to end on 11-03", left, err)
	}
	if got, _ := s.Absences(ctx, f.school.ID, "2026-11-04", "2026-11-09"); len(got) != 1 || got[0].StudentID != f.students["S101"].ID {
		t.Errorf("Absences(11-04..11-09) after cancelling the staff absence = %+v, want the student's only", got)
	}
	if got, _ := s.Absences(ctx, f.school.ID, "2026-11-03", "2026-11-03"); len(got) != 1 || got[0].ID != a.ID {
		t.Errorf("Absences(11-03) after cancelling from 11-04 = %+v, want the past day kept", got)
	}
	if _, err := s.CancelAbsence(ctx, a.ID, "2026-11-04", by, at); !errors.Is(err, storage.ErrNotFound) {
		t.Errorf("CancelAbsence of days no longer absent = %v, want ErrNotFound", err)
	}
	student, _ := s.Absences(ctx, f.school.ID, "2026-11-04", "2026-11-04")
	if left, err := s.CancelAbsence(ctx, student[0].ID, "2026-11-04", by, at.Add(time.Hour)); err != nil || left.ID != 0 {
		t.Errorf("CancelAbsence(student, its day) = %+v, %v; want it deleted", left, err)
	}
	if got, _ := s.Absences(ctx, f.school.ID, "2026-11-04", "2026-11-04"); len(got) != 0 {
		t.Errorf("Absences(11-04) after cancelling both = %+v", got)
	}
	if _, err := s.AddAbsence(ctx, storage.Absence{SchoolID: f.school.ID, StudentID: f.students["S101"].ID, From: "2026-11-04", To: "2026-11-04",
		ByStaffID: by, CreatedAt: at.Add(2 * time.Hour)}); err != nil {
		t.Errorf("AddAbsence of a day taken back: %v", err)
	}
	audit, _ = s.Audit(ctx, f.students["S101"].ID)
	if len(audit) != 3 || audit[1].Action != "cancel" || audit[1].Entity != "absence" || audit[1].StaffID != by ||
		!strings.Contains(audit[1].Detail, "cancelled_from=2026-11-04") {
		t.Errorf("audit of the student absence taken back = %+v", audit)
	}
}

// testDutyAnswers keeps the last answer for a duty and day.
func testDutyAnswers(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	duties, err := s.Duties(ctx, f.school.ID)
	if err != nil || len(duties) == 0 {
		t.Fatalf("Duties = %v, %v", duties, err)
	}
	du := duties[0]
	at := time.Date(2026, 11, 2, 20, 0, 0, 0, time.UTC)
	for i, ans := range []string{storage.AnswerOnMyWay, storage.AnswerCantMake} {
		if err := s.AnswerDuty(ctx, storage.DutyAnswer{DutyID: du.ID, Day: "2026-11-02", StaffID: du.StaffID, Answer: ans, At: at.Add(time.Duration(i) * time.Minute)}); err != nil {
			t.Fatalf("AnswerDuty: %v", err)
		}
	}
	got, err := s.DutyAnswers(ctx, f.school.ID, "2026-11-02")
	if err != nil {
		t.Fatalf("DutyAnswers: %v", err)
	}
	if len(got) != 1 || got[0].Answer != storage.AnswerCantMake || !got[0].At.Equal(at.Add(time.Minute)) {
		t.Errorf("DutyAnswers = %+v", got)
	}
	if got, _ := s.DutyAnswers(ctx, f.school.ID, "2026-11-03"); len(got) != 0 {
		t.Errorf("DutyAnswers of another day = %+v", got)
	}
}

// testEnqueueOnce inserts the jobs of a key once.
func testEnqueueOnce(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	at := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	for i, want := range []bool{true, false} {
		ok, err := s.EnqueueOnce(ctx, "occ:test", at, []storage.Job{notice(f.staff["jrivera"].ID)})
		if err != nil || ok != want {
			t.Fatalf("EnqueueOnce #%d = %v, %v; want %v", i+1, ok, err, want)
		}
	}
	if n := countJobs(t, s); n != 1 {
		t.Errorf("%d jobs inserted, want 1", n)
	}
	if ok, _ := s.Claimed(ctx, "occ:test"); !ok {
		t.Error("the key is not claimed")
	}
}

// testAbsenceRace adds overlapping absences of one person at once: one
// is stored, every other is refused as a conflict.
func testAbsenceRace(t *testing.T, s storage.Store) {
	ctx := context.Background()
	f := load(t, s)
	at := time.Date(2026, 11, 2, 12, 0, 0, 0, time.UTC)
	const n = 8
	errs := make([]error, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = s.AddAbsence(ctx, storage.Absence{SchoolID: f.school.ID, StaffID: f.staff["jrivera"].ID,
				From: "2026-11-03", To: "2026-11-05", ByStaffID: f.staff["jrivera"].ID, CreatedAt: at})
		}()
	}
	wg.Wait()
	stored := 0
	for _, err := range errs {
		switch {
		case err == nil:
			stored++
		case !errors.Is(err, storage.ErrConflict):
			t.Errorf("concurrent AddAbsence: %v, want nil or ErrConflict", err)
		}
	}
	got, err := s.Absences(ctx, f.school.ID, "2026-11-03", "2026-11-05")
	if err != nil {
		t.Fatalf("Absences: %v", err)
	}
	if stored != 1 || len(got) != 1 {
		t.Errorf("%d concurrent overlapping absences: %d stored by their answers, %d listed; want 1 and 1", n, stored, len(got))
	}
}
