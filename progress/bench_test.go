package progress_test

import (
	"context"
	"testing"
	"time"

	"parabot/progress"
	"parabot/roster"
	"parabot/storage"
	"parabot/storage/storagetest"
)

// BenchmarkProgress is one /progress of a student with one goal over the
// last month, on SQLite with the demo school's generated weeks: reading
// (and auditing), statistics and the chart.
func BenchmarkProgress(b *testing.B) {
	benchProgress(b, storagetest.OpenSQLite(b))
}

// BenchmarkProgressPostgres is the same on Postgres.
func BenchmarkProgressPostgres(b *testing.B) {
	benchProgress(b, storagetest.OpenPostgres(b))
}

func benchProgress(b *testing.B, store storage.Store) {
	ctx := context.Background()
	if _, err := roster.Import(ctx, store, roster.Demo()); err != nil {
		b.Fatal(err)
	}
	school, err := store.SchoolByName(ctx, roster.DemoSchool)
	if err != nil {
		b.Fatal(err)
	}
	now := time.Date(2026, 11, 24, 10, 0, 0, 0, school.Location())
	if _, err := roster.DemoData(ctx, store, now, 8); err != nil {
		b.Fatal(err)
	}
	rivera, _ := store.StaffByHandle(ctx, "rivera")
	s101, _ := store.StudentByCode(ctx, school.ID, "S101")
	goals, _ := store.Goals(ctx, s101.ID)
	period, err := progress.ParseRange("month", "week", now, school)
	if err != nil {
		b.Fatal(err)
	}
	svc := progress.Service{Reader: progress.Reader{Store: store}}
	b.ResetTimer()
	for b.Loop() {
		r, err := svc.Progress(ctx, progress.Query{By: rivera, School: school, Student: s101, Goal: goals[0], Period: period, Now: now, Reason: "bench"})
		if err != nil || len(r.Files) != 1 {
			b.Fatalf("%v, %d files", err, len(r.Files))
		}
	}
}
