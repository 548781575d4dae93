package scheduler_test

import (
	"context"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"parabot/roster"
	"parabot/scheduler"
	"parabot/storage"
	"parabot/storage/sqlite"
	"parabot/storage/storagetest"
	"parabot/today"
)

// demoSchool is a database holding the demo roster, and its school.
func demoSchool(t *testing.T) (*sqlite.DB, storage.School) {
	t.Helper()
	db := storagetest.OpenSQLite(t)
	if _, err := roster.Import(context.Background(), db, roster.Demo()); err != nil {
		t.Fatal(err)
	}
	schools, err := db.Schools(context.Background())
	if err != nil || len(schools) == 0 {
		t.Fatalf("Schools = %v, %v", schools, err)
	}
	return db, schools[0]
}

// TestFireReadsFreshAbsences fires two duty reminders of one minute: an
// absence marked between the two is honoured by the second, although the
// first has just read the day's facts.
func TestFireReadsFreshAbsences(t *testing.T) {
	ctx := context.Background()
	db, school := demoSchool(t)
	var date string
	var duties []scheduler.Occurrence
	for d := 0; d < 14 && len(duties) < 2; d++ {
		date = time.Date(2026, 11, 23+d, 0, 0, 0, 0, time.UTC).Format("2006-01-02")
		f, err := today.LoadFacts(ctx, db, school, date)
		if err != nil {
			t.Fatal(err)
		}
		duties = duties[:0]
		for _, o := range scheduler.PlanDay(f) {
			if o.Kind == scheduler.KindDuty && (len(duties) == 0 || o.StaffID != duties[0].StaffID) {
				duties = append(duties, o)
			}
		}
	}
	if len(duties) < 2 {
		t.Fatal("the demo school has no day with duties of two staff members")
	}
	first, second := duties[0], duties[1]
	outcomes := map[int64]scheduler.Outcome{}
	now := second.At
	w := &scheduler.RemindWorker{Store: db, Log: quiet(), Now: func() time.Time { return now },
		Count: func(_ string, o scheduler.Outcome) { outcomes[now.Unix()] = o }}
	fire := func(o scheduler.Occurrence) scheduler.Outcome {
		t.Helper()
		now = o.At
		job := scheduler.Remind(o)
		err := w.Work(ctx, &river.Job[scheduler.RemindArgs]{JobRow: &rivertype.JobRow{ID: 1}, Args: job.Args.(scheduler.RemindArgs)})
		if err != nil {
			t.Fatal(err)
		}
		return outcomes[now.Unix()]
	}
	if got := fire(first); got != scheduler.OutcomeSent {
		t.Fatalf("first duty reminder: %s, want sent", got)
	}
	if _, err := db.AddAbsence(ctx, storage.Absence{SchoolID: school.ID, StaffID: second.StaffID, From: date, To: date,
		ByStaffID: second.StaffID, CreatedAt: now}); err != nil {
		t.Fatal(err)
	}
	if got := fire(second); got != scheduler.OutcomeChanged {
		t.Errorf("duty reminder of a person marked absent just before it fires: %s, want changed", got)
	}
}
