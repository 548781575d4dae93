package scheduler_test

import (
	"context"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/riverqueue/river"

	"parabot/scheduler"
	"parabot/storage"
	"parabot/storage/storagetest"
)

// The periodic purge job applies the retention policy as of its clock:
// the records of a student who left longer ago than the school keeps them
// are deleted, and the purge is in the audit trail.
func TestPurgeJob(t *testing.T) {
	db := storagetest.OpenSQLite(t)
	ctx := context.Background()
	r := storagetest.SampleRoster()
	r.Students[3].Active = false // S104 has left
	r.Reminders.Settings = []storage.RosterSetting{{School: storagetest.SampleSchool, Name: storage.SettingKeepRecords, Value: "1"}}
	if _, err := db.ImportRoster(ctx, r); err != nil {
		t.Fatal(err)
	}
	staff, err := db.StaffByHandle(ctx, "mchen")
	if err != nil {
		t.Fatal(err)
	}
	s104, err := db.StudentByCode(ctx, staff.SchoolID, "S104")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	w := &scheduler.PurgeWorker{Store: db, Log: slog.New(slog.NewTextHandler(io.Discard, nil)), Now: func() time.Time { return now }}
	if err := w.Work(ctx, &river.Job[scheduler.PurgeArgs]{}); err != nil {
		t.Fatalf("Work: %v", err)
	}
	if st, _ := db.Student(ctx, s104.ID); st.FirstName == "" {
		t.Fatal("purged a student who left today, with a policy of 1 year")
	}
	now = now.AddDate(1, 0, 2)
	if err := w.Work(ctx, &river.Job[scheduler.PurgeArgs]{}); err != nil {
		t.Fatalf("Work a year on: %v", err)
	}
	if st, _ := db.Student(ctx, s104.ID); st.FirstName != "" {
		t.Errorf("S104 not anonymised a year after leaving: %+v", st)
	}
	rows, err := db.Audit(ctx, s104.ID)
	if err != nil || len(rows) != 1 || rows[0].Action != "purge" {
		t.Errorf("audit of S104 = %+v (err %v), want the purge", rows, err)
	}
}
