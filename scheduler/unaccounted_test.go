package scheduler_test

import (
	"context"
	"sync/atomic"
	"testing"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"parabot/scheduler"
	"parabot/storage"
	"parabot/today"
)

// ladderReads counts the reads of a school's settings and calendar, which
// a ladder is made of.
type ladderReads struct {
	storage.Store
	n atomic.Int64
}

func (s *ladderReads) SchoolSettings(ctx context.Context, schoolID int64) (map[string]string, error) {
	s.n.Add(1)
	return s.Store.SchoolSettings(ctx, schoolID)
}

func (s *ladderReads) CalendarDays(ctx context.Context, schoolID int64, from, to string) ([]storage.CalendarDay, error) {
	s.n.Add(1)
	return s.Store.CalendarDays(ctx, schoolID, from, to)
}

// TestUnaccountedReadsLadderOnce ends a bus duty on two days of the demo
// school: on the first every student on the roll is unaccounted, on the
// second all but one are marked absent. Each unaccounted student gets an
// urgent escalation, and the check reads the school's ladder once
// whatever their number.
func TestUnaccountedReadsLadderOnce(t *testing.T) {
	ctx := context.Background()
	db, school := demoSchool(t)
	store := &ladderReads{Store: db}
	var now time.Time
	w := &scheduler.RemindWorker{Store: store, Log: quiet(), Now: func() time.Time { return now }}
	fire := func(o scheduler.Occurrence) {
		t.Helper()
		now = o.At
		job := scheduler.Remind(o)
		if err := w.Work(ctx, &river.Job[scheduler.RemindArgs]{JobRow: &rivertype.JobRow{ID: 1}, Args: job.Args.(scheduler.RemindArgs)}); err != nil {
			t.Fatal(err)
		}
	}
	// endDuty fires the roll's reminder and the end of the same bus duty
	// on date, with every student on the roll but keep marked absent
	// (none when keep is 0), and returns the students it escalated and
	// the ladder reads of the end.
	endDuty := func(date string, keep int) (escalated []int64, reads int64) {
		t.Helper()
		f, err := today.LoadFacts(ctx, db, school, date)
		if err != nil {
			t.Fatal(err)
		}
		var roll, end scheduler.Occurrence
		for _, o := range scheduler.PlanDay(f) {
			if o.Kind == scheduler.KindDutyEnd && end.Kind == "" {
				end = o
			}
		}
		for _, o := range scheduler.PlanDay(f) {
			if o.Kind == scheduler.KindDuty && o.DutyID == end.DutyID {
				roll = o
			}
		}
		if end.Kind == "" || roll.Kind == "" {
			t.Fatalf("no bus duty on %s", date)
		}
		caseload, err := db.Caseload(ctx, roll.StaffID)
		if err != nil {
			t.Fatal(err)
		}
		rolled, err := scheduler.Roll(ctx, db, f, caseload)
		if err != nil {
			t.Fatal(err)
		}
		if keep > 0 {
			for _, e := range rolled[:len(rolled)-keep] {
				if _, err := db.AddAbsence(ctx, storage.Absence{SchoolID: school.ID, StudentID: e.Student.ID, From: date, To: date,
					ByStaffID: roll.StaffID, CreatedAt: roll.At}); err != nil {
					t.Fatal(err)
				}
			}
		}
		fire(roll)
		before, _ := db.UnresolvedEscalations(ctx, school.ID, roll.StaffID)
		store.n.Store(0)
		fire(end)
		reads = store.n.Load()
		after, err := db.UnresolvedEscalations(ctx, school.ID, roll.StaffID)
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range after[len(before):] {
			if e.Kind != storage.EscalationUnaccounted || !e.Urgent {
				t.Errorf("escalation %+v, want an urgent unaccounted student", e)
			}
			escalated = append(escalated, e.StudentID)
		}
		if len(rolled) < 3 {
			t.Fatalf("the roll of %s has %d students, want at least 3", date, len(rolled))
		}
		return escalated, reads
	}
	all, readsAll := endDuty("2027-03-11", 0)
	one, readsOne := endDuty("2027-03-12", 1)
	if len(all) < 3 || len(one) != 1 {
		t.Fatalf("escalated %v with none absent and %v with one present, want every student on the roll, then one", all, one)
	}
	if readsAll != readsOne || readsAll > 2 {
		t.Errorf("the end of duty read settings and calendar %d times for %d unaccounted students, %d times for 1; want the ladder read once (2 reads) either way",
			readsAll, len(all), readsOne)
	}
}
